// `npm run chaos`: N services (default 200) deployed, then a quarter each kept, changed, reinstalled
// and terminated, on MariaDB through two `pvebridge serve` processes — once without faults (the
// time anchor), once with the simulator injecting faults, replies dropped after the work was done
// and one gateway killed -9 every few seconds. One JSON line per figure, then a markdown table.
// Target: every service final, every other figure 0. Bounded: --max-seconds per run.
//   npm run chaos -- --n=200 --kill-every=4 --max-seconds=900
import { runChaos, type ChaosResult } from './run.ts';

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const N = Number(arg('n', '200'));
const KILL_EVERY_S = Number(arg('kill-every', '4'));
const MAX_S = Number(arg('max-seconds', '900'));

const FIGURES = ['final', 'duplicateIps', 'duplicateVmids', 'orphanVms', 'tasksSentTwice', 'lostEmails', 'duplicateEmails'] as const;

function emit(run: string, metric: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ bench: 'chaos', run, metric, value, unit, n: N })}\n`);
}

async function main(): Promise<void> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const runs: Array<[string, ChaosResult]> = [];
  for (const [name, faults] of [
    ['no faults', false],
    ['faults + kill -9', true],
  ] as const) {
    const r = await runChaos({ n: N, faults, killEveryMs: KILL_EVERY_S * 1000, maxMs: MAX_S * 1000, log });
    runs.push([name, r]);
    for (const f of FIGURES) emit(name, f, r[f], f === 'final' ? `of ${N}` : 'count');
    emit(name, 'seconds', Number(r.seconds.toFixed(1)), 's');
    emit(name, 'gatewayKills', r.kills, 'count');
    emit(name, 'adminTerminateRetries', r.adminTerminateRetries, 'count');
    emit(name, 'droppedReplies', r.droppedReplies, 'count');
    for (const nf of r.notFinal.slice(0, 10)) log(`not final: ${JSON.stringify(nf)}`);
    for (const t of r.resent.slice(0, 10)) log(`sent twice: ${t}`);
  }
  const [base, chaos] = [runs[0]![1], runs[1]![1]];
  const rows = [
    ['reached final state', `${base.final}/${N}`, `${chaos.final}/${N}`],
    ['duplicate IPs', base.duplicateIps, chaos.duplicateIps],
    ['duplicate VMIDs', base.duplicateVmids, chaos.duplicateVmids],
    ['orphan VMs in the simulator', base.orphanVms, chaos.orphanVms],
    ['tasks sent twice', base.tasksSentTwice, chaos.tasksSentTwice],
    ['lost emails', base.lostEmails, chaos.lostEmails],
    ['duplicate emails', base.duplicateEmails, chaos.duplicateEmails],
    ['replies dropped after the work was done', base.droppedReplies, chaos.droppedReplies],
    ['gateway kills (-9) and restarts', base.kills, chaos.kills],
    ['terminations repeated by the admin (error_terminate, spec)', base.adminTerminateRetries, chaos.adminTerminateRetries],
    ['time to finish', `${base.seconds.toFixed(1)} s`, `${chaos.seconds.toFixed(1)} s (×${(chaos.seconds / base.seconds).toFixed(2)})`],
  ];
  process.stdout.write(`\n| figure (N = ${N}) | no faults | faults + kill -9 every ~${KILL_EVERY_S} s |\n| --- | ---: | ---: |\n`);
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
  const clean = chaos.final === N && FIGURES.slice(1).every((f) => chaos[f] === 0);
  process.stdout.write(`\n${clean ? 'all final, all zero' : 'TARGET MISSED'}\n`);
  process.exitCode = clean ? 0 : 1;
}

await main();
