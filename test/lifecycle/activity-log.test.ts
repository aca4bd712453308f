import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logActivity, logModuleCall, terminatedText, terminationFailedText } from '../../provisioner/lifecycle/activity-log.ts';
import { createTestDb, testDialects, type TestDb } from '../support/db.ts';

describe.each(await testDialects())('WHMCS log entries on %s', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(dialect);
  });
  afterAll(async () => t.drop());

  it('writes one activity entry for the client with the termination texts', async () => {
    await logActivity(t.db, 7, terminationFailedText(42, 'VM is locked (backup)'));
    await logActivity(t.db, 7, terminatedText(42, 101));
    const rows = await t.db('tblactivitylog').where({ userid: 7 }).orderBy('id');
    expect(rows.map((r) => r.description)).toEqual([
      'Service ID: 42 - Service termination FAILED — admin attention required. Error: VM is locked (backup)',
      'Service ID: 42 - VM 101 terminated successfully',
    ]);
    expect(rows[0].user).toBe('System');
    expect(String(rows[0].date)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('writes module-log rows only while the WHMCS Module Log is on', async () => {
    expect(await logModuleCall(t.db, 'system_disk_shrink_rejected', { disk: 'scsi0' }, 'skip')).toBe(false);
    await t.db('tblconfiguration').insert({ setting: 'ModuleDebugMode', value: 'on' });
    expect(await logModuleCall(t.db, 'system_disk_shrink_rejected', { disk: 'scsi0' }, 'skip')).toBe(true);
    const rows = await t.db('tblmodulelog').select('module', 'action', 'request');
    expect(rows).toEqual([{ module: 'pvebridge', action: 'system_disk_shrink_rejected', request: '{"disk":"scsi0"}' }]);
  });
});
