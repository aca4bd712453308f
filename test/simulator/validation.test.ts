import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import { apiFor, startTestSimulator, type Api } from './harness.ts';

let sim: Simulator;
let api: Api;
beforeAll(async () => {
  sim = await startTestSimulator();
  api = apiFor(sim);
});
afterAll(() => sim.close());

async function rejected(method: string, path: string, params: Record<string, string | number>, json = false) {
  const r = await api(method, path, params, { json });
  expect(r.status).toBe(400);
  expect(r.reason).toBe('Parameter verification failed.');
  return r.body.errors!;
}

describe('schema validation before anything else', () => {
  it('rejects an unknown parameter, naming it', async () => {
    const errors = await rejected('POST', '/nodes/pve1/qemu/9000/clone', { newid: 400, colour: 'blue' });
    expect(errors).toEqual({ colour: 'property is not defined in schema and the schema does not allow additional properties' });
  });

  it('rejects a vmid below 100 in the path and in the body', async () => {
    expect(await rejected('GET', '/nodes/pve1/qemu/99/config', {})).toEqual({ vmid: 'value must have a minimum value of 100' });
    expect(await rejected('POST', '/nodes/pve1/qemu/9000/clone', { newid: 42 })).toEqual({
      newid: 'value must have a minimum value of 100',
    });
  });

  it('rejects a malformed net0 with the property-string detail', async () => {
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { net0: 'virtio,bridge=vmbr0,tag=abc' })).toEqual({
      // One key per parameter, the sub-errors inside its message (pve-common JSONSchema + PVE::Exception).
      net0: "invalid format - format error\nnet0.tag: type check ('integer') failed - got 'abc'",
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { net0: 'virtio,colour=red' })).toEqual({
      net0: 'invalid format - invalid key in comma-separated list property: colour',
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { net0: 'bridge=vmbr0' })).toMatchObject({
      net0: 'invalid format - format error\nnet0.model: property is missing and it is not optional',
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { net0: 'virtio=zz:11:22:33:44:55,bridge=vmbr0' })).toMatchObject({
      net0: 'invalid format - format error\nnet0.macaddr: invalid format - value does not look like a valid unicast MAC address',
    });
  });

  it('rejects a missing required parameter', async () => {
    expect(await rejected('POST', '/nodes/pve1/qemu/9000/clone', {})).toEqual({ newid: 'property is missing and it is not optional' });
  });

  it('checks types, enums, patterns and ranges with Proxmox texts', async () => {
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { cores: 'two' })).toEqual({
      cores: "type check ('integer') failed - got 'two'",
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { onboot: 'yes' })).toEqual({
      onboot: "type check ('boolean') failed - got 'yes'",
    });
    expect(await rejected('POST', '/nodes/pve1/qemu/9000/clone', { newid: 400, format: 'vdi' })).toEqual({
      format: "value 'vdi' does not have a value in the enumeration 'raw, qcow2, vmdk'",
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/resize', { disk: 'scsi0', size: '10 GB' })).toEqual({
      size: 'value does not match the regex pattern',
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { memory: '8' })).toEqual({
      memory: 'invalid format - format error\nmemory.current: value must have a minimum value of 16',
    });
    expect(await rejected('GET', '/nodes/pve1/qemu/100/rrddata', { timeframe: 'decade' })).toMatchObject({
      timeframe: expect.stringContaining('enumeration'),
    });
  });

  it('validates disks, ipconfig and node formats', async () => {
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { scsi1: 'not a volume' })).toEqual({
      scsi1: "invalid format - format error\nscsi1.file: invalid format - unable to parse volume ID 'not a volume'",
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { scsi1: 'local-lvm:10,cache=fast' })).toMatchObject({
      scsi1: expect.stringContaining("scsi1.cache: value 'fast' does not have a value in the enumeration"),
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { ipconfig0: 'ip=10.0.0.5,gw=10.0.0.1' })).toEqual({
      ipconfig0: 'invalid format - unable to parse ip config',
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { ipconfig0: 'ip=dhcp,gw=10.0.0.1' })).toEqual({
      ipconfig0: 'invalid format - unable to parse ip config',
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { scsi31: 'local-lvm:1' })).toEqual({
      scsi31: 'property is not defined in schema and the schema does not allow additional properties',
    });
    expect(await rejected('GET', '/nodes/pve_1/status', {})).toEqual({
      node: 'invalid format - value does not look like a valid node name',
    });
    const ok = await api('PUT', '/nodes/pve1/qemu/100/config', {
      ipconfig0: 'ip=192.0.2.20/24,gw=192.0.2.1,ip6=auto',
      net1: 'virtio=BC:24:11:00:00:09,bridge=vmbr1,firewall=1,tag=10,rate=12.5',
    });
    expect(ok.status).toBe(200);
  });

  it('takes sshkeys only URL-encoded (encodeURIComponent), and stores them encoded', async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMOuADVHMs6nMubbfBw49HbhAoaKfhRaWR/FtDllBhy4 user@host';
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { sshkeys: key })).toEqual({
      sshkeys: `invalid format - invalid urlencoded string: ${key}`,
    });
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { sshkeys: key.replace(/ /g, '+') })).toMatchObject({
      sshkeys: expect.stringContaining('invalid urlencoded string'),
    });
    const ok = await api('PUT', '/nodes/pve1/qemu/100/config', { sshkeys: encodeURIComponent(key) });
    expect(ok.status).toBe(200);
    const cfg = await api<Record<string, string>>('GET', '/nodes/pve1/qemu/100/config');
    expect(cfg.body.data.sshkeys).toBe(encodeURIComponent(key));
    const junk = await api('PUT', '/nodes/pve1/qemu/100/config', { sshkeys: encodeURIComponent('not a key') });
    expect([junk.status, junk.reason]).toEqual([500, 'SSH public key validation error']);
  });

  it('accepts JSON bodies with JSON types, and validates them the same way', async () => {
    const ok = await api('PUT', '/nodes/pve1/qemu/100/config', { description: 'json', onboot: 1 }, { json: true });
    expect(ok.status).toBe(200);
    expect(await rejected('POST', '/nodes/pve1/qemu/9000/clone', { newid: 99 }, true)).toEqual({
      newid: 'value must have a minimum value of 100',
    });
  });

  it('refuses a body parameter that contradicts the path', async () => {
    expect(await rejected('PUT', '/nodes/pve1/qemu/100/config', { vmid: 101, name: 'x' })).toEqual({ vmid: 'value conflicts with path' });
  });

  it('validates before looking at the cluster: a bad parameter on a missing VM is a 400', async () => {
    expect(await rejected('PUT', '/nodes/pve1/qemu/777/config', { cores: 'x' })).toEqual({
      cores: "type check ('integer') failed - got 'x'",
    });
  });
});
