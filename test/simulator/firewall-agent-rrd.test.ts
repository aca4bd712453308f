import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import { apiFor, startTestSimulator, waitTask, type Api } from './harness.ts';

let sim: Simulator;
let api: Api;
beforeAll(async () => {
  sim = await startTestSimulator();
  api = apiFor(sim);
});
afterAll(() => sim.close());

const fw = '/nodes/pve1/qemu/100/firewall';

describe('VM firewall', () => {
  it('stores options with a digest', async () => {
    await api('PUT', `${fw}/options`, { enable: 1, ipfilter: 1, policy_in: 'DROP' });
    const o = (await api<Record<string, unknown>>('GET', `${fw}/options`)).body.data;
    expect(o).toMatchObject({ enable: 1, ipfilter: 1, policy_in: 'DROP' });
    expect((await api('PUT', `${fw}/options`, { enable: 0, digest: 'deadbeef' })).status).toBe(500);
  });

  it('inserts rules at the top or at a position, moves and deletes them', async () => {
    await api('POST', `${fw}/rules`, { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', enable: 1, comment: 'ssh' });
    await api('POST', `${fw}/rules`, { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: 1, comment: 'https' });
    await api('POST', `${fw}/rules`, { type: 'in', action: 'DROP', enable: 1, comment: 'last', pos: 2 });
    const comments = async () =>
      (await api<Array<{ comment: string; pos: number }>>('GET', `${fw}/rules`)).body.data.map((r) => `${r.pos}:${r.comment}`);
    expect(await comments()).toEqual(['0:https', '1:ssh', '2:last']);
    await api('PUT', `${fw}/rules/0`, { moveto: 2 });
    expect(await comments()).toEqual(['0:ssh', '1:https', '2:last']);
    expect((await api<{ dport: string }>('GET', `${fw}/rules/1`)).body.data.dport).toBe('443');
    await api('DELETE', `${fw}/rules/2`);
    expect(await comments()).toEqual(['0:ssh', '1:https']);
    expect((await api('GET', `${fw}/rules/9`)).reason).toBe('no rule at position 9');
  });

  it('creates the ipfilter-net0 IP set and adds and removes CIDRs', async () => {
    expect((await api('POST', `${fw}/ipset`, { name: 'ipfilter-net0', comment: 'anti-spoof' })).status).toBe(200);
    await api('POST', `${fw}/ipset/ipfilter-net0`, { cidr: '192.0.2.10/32' });
    await api('POST', `${fw}/ipset/ipfilter-net0`, { cidr: '2001:db8::10' });
    expect((await api('POST', `${fw}/ipset/ipfilter-net0`, { cidr: 'not-an-ip!' })).status).toBe(400);
    const entries = (await api<Array<{ cidr: string }>>('GET', `${fw}/ipset/ipfilter-net0`)).body.data.map((e) => e.cidr);
    expect(entries).toEqual(['192.0.2.10/32', '2001:db8::10']);
    expect((await api('DELETE', `${fw}/ipset/ipfilter-net0`)).reason).toBe("IPSet 'ipfilter-net0' is not empty");
    await api('DELETE', `${fw}/ipset/ipfilter-net0/${encodeURIComponent('192.0.2.10/32')}`);
    expect((await api<Array<{ cidr: string }>>('GET', `${fw}/ipset/ipfilter-net0`)).body.data.map((e) => e.cidr)).toEqual(['2001:db8::10']);
    expect((await api('POST', `${fw}/ipset`, { name: '1bad' })).body.errors).toEqual({ name: 'value does not match the regex pattern' });
    expect((await api<Array<{ name: string }>>('GET', `${fw}/ipset`)).body.data.map((s) => s.name)).toEqual(['ipfilter-net0']);
  });
});

describe('guest agent', () => {
  it('answers ping and set-user-password when the agent is enabled and the VM runs', async () => {
    expect((await api('POST', '/nodes/pve1/qemu/100/agent/ping')).body.data).toEqual({ result: {} });
    const r = await api('POST', '/nodes/pve1/qemu/100/agent/set-user-password', { username: 'root', password: 'n3w-Secret' });
    expect(r.body.data).toEqual({ result: {} });
    const ifs = (
      await api<{ result: Array<{ name: string; 'ip-addresses': Array<{ 'ip-address': string }> }> }>(
        'GET',
        '/nodes/pve1/qemu/100/agent/network-get-interfaces',
      )
    ).body.data;
    expect(ifs.result.find((i) => i.name === 'eth0')?.['ip-addresses'][0]?.['ip-address']).toBe('192.0.2.10');
  });

  it('reports no agent configured, or a stopped VM', async () => {
    expect((await api('POST', '/nodes/pve2/qemu/101/agent/ping')).reason).toBe('No QEMU guest agent configured');
    const clone = await api<string>('POST', '/nodes/pve1/qemu/9000/clone', { newid: 800 });
    await waitTask(api, clone.body.data);
    expect((await api('POST', '/nodes/pve1/qemu/800/agent/ping')).reason).toBe('VM 800 is not running');
  });
});

describe('rrddata', () => {
  it.each([
    ['hour', 60, 60],
    ['day', 1440, 60],
    ['week', 336, 1800],
    ['month', 1440, 1800],
    ['year', 1440, 21600],
  ])('gives a plausible %s series (%i points, %i s apart)', async (timeframe, points, step) => {
    const r = await api<Array<{ time: number; cpu: number; maxmem: number; mem: number; netin: number }>>(
      'GET',
      '/nodes/pve1/qemu/100/rrddata',
      { timeframe, cf: 'AVERAGE' },
    );
    const d = r.body.data;
    expect(d).toHaveLength(points);
    expect(d[1]!.time - d[0]!.time).toBe(step);
    expect(d.every((p) => p.cpu >= 0 && p.cpu <= 1 && p.mem <= p.maxmem && p.netin >= 0)).toBe(true);
    expect(new Set(d.map((p) => p.cpu)).size).toBeGreaterThan(1);
  });
});
