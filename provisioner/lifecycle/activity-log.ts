// Entries in WHMCS's own logs, written straight into its tables (we share its database):
// tblactivitylog (what the client and admin see under Activity Log) and tblmodulelog (what
// logModuleCall writes — only while WHMCS's Module Log is switched on, as WHMCS does).
import type { Db } from '../../common/db/connect.ts';

const MODULE = 'pvebridge';

function whmcsNow(now = new Date()): string {
  return now.toISOString().slice(0, 19).replace('T', ' ');
}

export async function logActivity(db: Db, clientId: number, description: string): Promise<void> {
  await db('tblactivitylog').insert({
    date: whmcsNow(),
    description,
    user: 'System',
    userid: clientId,
    user_id: 0,
    admin_id: 0,
    ipaddr: '',
  });
}

export function terminationFailedText(serviceId: number, error: string): string {
  return `Service ID: ${serviceId} - Service termination FAILED — admin attention required. Error: ${error}`;
}

export function terminatedText(serviceId: number, vmid: number | null): string {
  return `Service ID: ${serviceId} - VM ${vmid ?? '?'} terminated successfully`;
}

async function moduleLogEnabled(db: Db): Promise<boolean> {
  const row = await db('tblconfiguration').where({ setting: 'ModuleDebugMode' }).first('value');
  return row?.value === 'on';
}

/** logModuleCall's twin: a row under `action` when the Module Log is enabled. */
export async function logModuleCall(db: Db, action: string, request: unknown, response: unknown): Promise<boolean> {
  if (!(await moduleLogEnabled(db))) return false;
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  await db('tblmodulelog').insert({
    date: whmcsNow(),
    module: MODULE,
    action,
    request: text(request),
    response: text(response),
    arrdata: '',
  });
  return true;
}
