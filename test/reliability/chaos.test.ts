// The short form of `npm run chaos` for CI: a few services on MariaDB through two `pvebridge
// serve` processes, with simulator faults, replies dropped after the work was done and a gateway
// killed -9 every few seconds. Every service reaches its final state and every figure is zero.
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos/run.ts';
import { testDialects } from '../support/db.ts';

const onMysql = (await testDialects()).includes('mysql');

describe.runIf(onMysql)('chaos, short form', () => {
  it('all final, no duplicate IP or VMID, no orphan, no task sent twice, no email lost or doubled', async () => {
    const r = await runChaos({ n: 8, faults: true, killEveryMs: 4000, maxMs: 150_000 });
    expect(r.notFinal).toEqual([]);
    expect(r.kills).toBeGreaterThan(0);
    expect(r.droppedReplies).toBeGreaterThan(0);
    expect({
      duplicateIps: r.duplicateIps,
      duplicateVmids: r.duplicateVmids,
      orphanVms: r.orphanVms,
      tasksSentTwice: r.tasksSentTwice,
      lostEmails: r.lostEmails,
      duplicateEmails: r.duplicateEmails,
      resent: r.resent,
    }).toEqual({ duplicateIps: 0, duplicateVmids: 0, orphanVms: 0, tasksSentTwice: 0, lostEmails: 0, duplicateEmails: 0, resent: [] });
  }, 200_000);
});
