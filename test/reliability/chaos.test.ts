// The short form of `npm run chaos` for CI: a few services on MariaDB through two `pvebridge
// serve` processes, with simulator faults, replies dropped after the work was done and a gateway
// killed -9 every few seconds. Every service reaches its final state with no duplicate IP or
// VMID and no orphan VM. Tasks sent twice and lost/doubled emails are still open in issue 18
// (power sends in gateway/whmcs/pve.ts, record-first emails): they are printed here and measured
// by `npm run chaos`, and join the assertion once they reach zero reliably.
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos/run.ts';
import { testDialects } from '../support/db.ts';

const onMysql = (await testDialects()).includes('mysql');

describe.runIf(onMysql)('chaos, short form', () => {
  it('all final, no duplicate IP or VMID, no orphan VM, under faults and kill -9', async () => {
    const r = await runChaos({ n: 8, faults: true, killEveryMs: 4000, maxMs: 150_000 });
    console.log(
      `chaos short form: tasksSentTwice=${r.tasksSentTwice} lostEmails=${r.lostEmails} duplicateEmails=${r.duplicateEmails} resent=${JSON.stringify(r.resent)}`,
    );
    expect(r.notFinal).toEqual([]);
    expect(r.kills).toBeGreaterThan(0);
    expect(r.droppedReplies).toBeGreaterThan(0);
    expect({ duplicateIps: r.duplicateIps, duplicateVmids: r.duplicateVmids, orphanVms: r.orphanVms }).toEqual({
      duplicateIps: 0,
      duplicateVmids: 0,
      orphanVms: 0,
    });
  }, 200_000);
});
