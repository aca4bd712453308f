// SSH keys are checked like Proxmox checks them (ssh-keygen -l per line): our plan check agrees
// with the real ssh-keygen on real keys, truncated keys and option prefixes; a deploy with a bad
// key stops before cloning with a message naming the line; an options-prefixed key goes through
// to the VM config, and the simulator rejects a truncated key like Proxmox.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkSshKeys, sshKeyProblem } from '../../provisioner/plan/ssh-keys.ts';
import { getVm } from '../../provisioner/vm-record.ts';
import { apiFor } from '../simulator/harness.ts';
import { has } from '../support/tools.ts';
import { deployStack, stackGateway, waitForState, type Stack } from './harness.ts';

const keygen = has('ssh-keygen');
let dir: string;
const keys: Record<string, string> = {};

function keygenAccepts(line: string): boolean {
  const f = path.join(dir, `check-${Math.random()}`);
  fs.writeFileSync(f, `${line}\n`);
  try {
    execFileSync('ssh-keygen', ['-l', '-f', f], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  if (!keygen) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvb-keys-'));
  for (const [name, args] of Object.entries({
    ed25519: ['-t', 'ed25519'],
    rsa: ['-t', 'rsa', '-b', '2048'],
    ecdsa: ['-t', 'ecdsa', '-b', '384'],
  })) {
    execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', `${name}@laptop`, '-f', path.join(dir, name)]);
    keys[name] = fs.readFileSync(path.join(dir, `${name}.pub`), 'utf8').trim();
  }
});
afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!keygen)('the plan check agrees with ssh-keygen', () => {
  it('on real keys, truncated keys, options prefixes and junk', () => {
    const lines = [
      ...Object.values(keys),
      ...Object.values(keys).map((k) => `from="10.0.0.0/8,192.0.2.1",no-pty,command="echo hi there" ${k}`),
      ...Object.values(keys).map((k) => k.replace(/ \S+$/, '')), // no comment
      ...Object.values(keys).map((k) => k.slice(0, k.indexOf(' ') + 40)), // cut short
      ...Object.values(keys).map((k) => k.replace(/(\S+ \S{30})\S/, '$1A')), // one character changed mid-key... may still parse
      keys.ed25519!.replace('ssh-ed25519', 'ssh-rsa'),
      'ssh-ed25519',
      'hello world',
      'ssh-ed25519 !!!notbase64 me@host',
    ];
    for (const line of lines) expect({ line, ok: sshKeyProblem(line) === undefined }).toEqual({ line, ok: keygenAccepts(line) });
  });

  it('names the first bad line and keeps the good ones trimmed', () => {
    expect(checkSshKeys(`${keys.ed25519}\n\n  ${keys.rsa}  \n`)).toEqual({ ok: true, keys: [keys.ed25519, keys.rsa] });
    expect(checkSshKeys(`${keys.ed25519}\n${keys.rsa!.slice(0, 60)}`)).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/cut short|base64/),
    });
  });
});

async function setKeys(s: Stack, serviceId: number, value: string): Promise<void> {
  const [fieldid] = await s.t.db('tblcustomfields').insert({
    type: 'product',
    relid: s.seeded.productId,
    fieldname: 'SSH Public Key',
    fieldtype: 'textarea',
    description: '',
    fieldoptions: '',
    regexpr: '',
    adminonly: '',
    required: '',
    showorder: 'on',
    showinvoice: '',
    sortorder: 0,
  });
  await s.t.db('tblcustomfieldsvalues').insert({ fieldid, relid: serviceId, value });
}

describe.skipIf(!keygen)('deploy with customers keys', () => {
  let s: Stack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a truncated key stops the deploy before any clone, with a message naming the line', async () => {
    s = await deployStack('sqlite');
    const sid = s.seeded.serviceId!;
    await setKeys(s, sid, `${keys.ed25519}\n${keys.rsa!.slice(0, 80)}`);
    const { gw, call } = await stackGateway(s);
    try {
      await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
      for (let i = 0; i < 200 && !(await getVm(s.t.db, sid))?.lastError; i++) await new Promise((r) => setTimeout(r, 25));
      const vm = (await getVm(s.t.db, sid))!;
      expect(vm.state).toBe('creation');
      expect(vm.lastError).toMatch(/^SSH key on line 2 is not a valid public key: /);
      expect(s.sim.requestLog.some((e) => e.path.endsWith('/clone'))).toBe(false);
    } finally {
      await gw.close();
    }
  });

  it('a key with an options prefix reaches the VM, URL-encoded, as Proxmox stores it', async () => {
    s = await deployStack('sqlite');
    const sid = s.seeded.serviceId!;
    const line = `from="192.0.2.0/24",no-agent-forwarding ${keys.ed25519}`;
    await setKeys(s, sid, `${line}\r\n`);
    const { gw, call } = await stackGateway(s);
    try {
      await call('/v1/whmcs/CreateAccount', { actor: { type: 'system' }, params: { serviceid: sid } });
      await waitForState(s, sid, 'ready');
      const vm = (await getVm(s.t.db, sid))!;
      expect(s.sim.state.vms.get(vm.vmid!)!.config.sshkeys).toBe(encodeURIComponent(line));
    } finally {
      await gw.close();
    }
  });

  it('the simulator rejects a truncated key with 500 "SSH public key validation error"', async () => {
    s = await deployStack('sqlite');
    const api = apiFor(s.sim);
    const r = await api('PUT', '/nodes/pve1/qemu/100/config', { sshkeys: encodeURIComponent(keys.ed25519!.slice(0, 50)) });
    expect([r.status, r.reason]).toEqual([500, 'SSH public key validation error']);
    const ok = await api('PUT', '/nodes/pve1/qemu/100/config', { sshkeys: encodeURIComponent(`no-pty ${keys.ecdsa}`) });
    expect(ok.status).toBe(200);
  });
});
