// Scenario loading: a JSON file or object merged over the built-in default. Lists given in the
// scenario (nodes, storages, isos, vms) replace the default's; durations, vnc and faults merge.
import { readFileSync } from 'node:fs';
import { defaultScenario } from './default-scenario.ts';
import type { Scenario } from './types.ts';

export type ScenarioInput = Partial<Omit<Scenario, 'durations' | 'vnc'>> & {
  durations?: Partial<Scenario['durations']>;
  vnc?: Partial<Scenario['vnc']>;
};

export function loadScenario(input?: ScenarioInput | string): Scenario {
  const given: ScenarioInput = typeof input === 'string' ? (JSON.parse(readFileSync(input, 'utf8')) as ScenarioInput) : (input ?? {});
  const base = defaultScenario();
  const scenario: Scenario = {
    ...base,
    ...given,
    durations: { ...base.durations, ...given.durations },
    vnc: { ...base.vnc, ...given.vnc },
    faults: { ...base.faults, ...given.faults },
  } as Scenario;
  for (const vm of scenario.vms)
    if (!scenario.nodes.some((n) => n.name === vm.node)) throw new Error(`scenario: VM ${vm.vmid} on unknown node '${vm.node}'`);
  return scenario;
}
