// /cluster/resources lists a VM without RRD data (node offline, pvestatd restarting) as
// `status: unknown` with no name/template/maxmem (pve-manager API2Tools.pm extract_vm_stats).
// The simulator answers that way, and our template lookup reads the config instead of calling
// such a template "not a template".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateTemplate, TemplateError } from '../../provisioner/plan/template.ts';
import { reconcile } from '../../provisioner/state/derive.ts';
import { createProxmoxClient, ProxmoxError, type ProxmoxClient } from '../../provisioner/proxmox/index.ts';
import type { Simulator } from '../../simulator/index.ts';
import { startTestSimulator } from '../simulator/harness.ts';

let sim: Simulator;
let pve: ProxmoxClient;
beforeAll(async () => {
  sim = await startTestSimulator();
  pve = createProxmoxClient({ baseUrl: sim.baseUrl, tokenId: sim.tokenId, secret: sim.secret, pollIntervalMs: 20 });
});
afterAll(async () => {
  await pve.close();
  await sim.close();
});

describe('status unknown entries in /cluster/resources', () => {
  it('carry only id, type, vmid, node and status (plus lock/tags) while RRD data is missing', async () => {
    sim.faults.set({ rrdMissing: [9000] });
    const list = await pve.cluster.resources.get({ type: 'vm' });
    expect(list.find((r) => r.vmid === 9000)).toEqual({ id: 'qemu/9000', type: 'qemu', vmid: 9000, node: 'pve1', status: 'unknown' });
    expect(list.find((r) => r.vmid === 9001)).toMatchObject({ name: 'ubuntu-24.04-cloudinit', template: 1, status: 'stopped' });
    sim.faults.set({});
  });

  it('a template listed as unknown is still found, from its config', async () => {
    sim.faults.set({ rrdMissing: [9000] });
    const found = await locateTemplate(pve, 9000);
    expect(found.node).toBe('pve1');
    expect(Number(found.config.template)).toBe(1);
    sim.faults.set({});
  });

  it('a VM that is no template is refused whether its entry is known or unknown', async () => {
    for (const faults of [{}, { rrdMissing: [101] }]) {
      sim.faults.set(faults);
      await expect(locateTemplate(pve, 101)).rejects.toThrow(TemplateError);
    }
    sim.faults.set({});
    await expect(locateTemplate(pve, 4242)).rejects.toThrow(/does not exist/);
  });

  it('an offline template node is a Proxmox error to retry, never "not a template"', async () => {
    sim.faults.set({ nodesDown: ['pve1'] });
    const err = await locateTemplate(pve, 9000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxmoxError);
    expect(err).not.toBeInstanceOf(TemplateError);
    sim.faults.set({});
  });

  it('the state refresher keeps the last figures of an unknown entry and calls it stale, not vanished', async () => {
    const ours = [{ serviceId: 1, serverId: 1, vmid: 100, node: 'pve1', vmName: 'web-100', state: 'ready' }];
    const first = reconcile(ours, await pve.cluster.resources.get({ type: 'vm' }), new Map(), 1000);
    expect(first.states[0]).toMatchObject({ status: 'running', stale: false, vanished: false });
    sim.faults.set({ rrdMissing: [100] });
    const prev = new Map([[1, first.states[0]!]]);
    const second = reconcile(ours, await pve.cluster.resources.get({ type: 'vm' }), prev, 2000);
    sim.faults.set({});
    expect(second).toMatchObject({ stale: [1], vanished: [] });
    expect(second.states[0]).toMatchObject({ status: 'running', maxmem: first.states[0]!.maxmem, seenAt: 1000, stale: true });
  });
});
