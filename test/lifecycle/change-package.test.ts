import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePipelineState, getVm } from '../../provisioner/vm-record.ts';
import { testDialects } from '../support/db.ts';
import { planSettings, stackGateway, waitForState } from '../provisioner/harness.ts';
import { allocations, lifecycleStack, sent, type LifecycleStack } from './support.ts';

const STEP_LINE = /^\[\+\] (\d+)\. (.+?)(?: \(skip — (.+)\))? success \((\w+) -> (\w+)\) \[\d+\.\d\ds\]$/;

describe.each(await testDialects())('change package on %s', (dialect) => {
  let s: LifecycleStack;
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
    await s.t.db('tblconfiguration').insert({ setting: 'ModuleDebugMode', value: 'on' });
  });
  afterAll(async () => s.close());

  const change = async (sid: number, settings: Parameters<LifecycleStack['setProduct']>[0]) => {
    await s.setProduct({ ...planSettings, ...settings });
    expect((await queuePipelineState(s.t.db, sid, 'change_package', ['ready', 'change_package'])).queued).toBe(true);
    const lines: string[] = [];
    const runs = await s.runTo(sid, 'ready', (l) => lines.push(l));
    expect(runs.at(-1), runs.at(-1)?.message).toMatchObject({ state: 'ready' });
    return lines;
  };
  const config = (vmid: number) => s.sim.state.vms.get(vmid)!.config;
  const moduleLog = async (action: string) =>
    (await s.t.db('tblmodulelog').where({ action }).select('request')) as Array<{ request: string }>;

  it('prints the spec format: a RAM-only downgrade stops once, applies RAM, skips the rest as no change, starts once and mails', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    const mark = s.sim.requestLog.length;
    const lines = await change(sid, { ram: 2 });
    expect(lines[0]).toBe(`--- ChangePackage: service=${sid} vm=${vm.vmid} status=change_package ---`);
    const steps = lines.slice(1, -1).map((l) => STEP_LINE.exec(l));
    expect(steps.every(Boolean), lines.join('\n')).toBe(true);
    expect(steps.map((m) => [m![1], m![2], m![3] ?? null, `${m![4]} -> ${m![5]}`])).toEqual([
      ['1', 'Update IP + DNS + Firewall', 'no change', 'change_package -> cp_update_ip'],
      ['2', 'Stop VM', null, 'cp_update_ip -> cp_stop'],
      ['3', 'Set CPU & RAM', null, 'cp_stop -> cp_cpu_ram'],
      ['4', 'Resize system disk', 'no change', 'cp_cpu_ram -> cp_system_disk_size'],
      ['5', 'Set system disk I/O', 'no change', 'cp_system_disk_size -> cp_system_disk_bandwidth'],
      ['6', 'Create additional disk', 'no change', 'cp_system_disk_bandwidth -> cp_additional_disk'],
      ['7', 'Resize additional disk', 'no change', 'cp_additional_disk -> cp_additional_disk_size'],
      ['8', 'Set additional disk I/O', 'no change', 'cp_additional_disk_size -> cp_additional_disk_bandwidth'],
      ['9', 'Configure network', 'no change', 'cp_additional_disk_bandwidth -> cp_network'],
      ['10', 'Configure firewall', 'no change', 'cp_network -> cp_firewall'],
      ['11', 'Start VM', null, 'cp_firewall -> cp_start'],
      ['12', 'Verify VM', null, 'cp_start -> ready'],
    ]);
    expect(lines.at(-1)).toBe(`--- ChangePackage complete: service=${sid} status=ready ---`);
    expect(config(vm.vmid!).memory).toBe('2048');
    expect(s.sim.state.vms.get(vm.vmid!)!.status).toBe('running');
    expect(sent(s, 'POST', /\/status\/(shutdown|stop)$/, mark)).toBe(1);
    expect(sent(s, 'POST', /\/status\/start$/, mark)).toBe(1);
    expect(sent(s, 'PUT', /\/resize$/, mark)).toBe(0);
    expect(s.whmcs.calls.filter((c) => c.id === String(sid)).map((c) => c.messagename)).toEqual([
      'puqProxmoxKVM VM is ready',
      'puqProxmoxKVM Upgrade Email',
    ]);
  });

  it('rejects a smaller system disk with a skip line while CPU, disk growth and limits still apply', async () => {
    const vm = await s.deployReady(planSettings);
    const lines = await change(vm.serviceId, { cpu: 4, systemDiskSize: 10, systemDiskMbpsRd: 0, additionalDiskSize: 30 });
    const c = config(vm.vmid!);
    expect(c.cores).toBe('4');
    expect(c.scsi0).toContain('size=20G');
    expect(c.scsi0).not.toContain('mbps_rd');
    expect(c.scsi1).toContain('size=30G');
    expect(
      lines.some((l) =>
        /^\[\+\] 4\. Resize system disk \(skip — shrink not allowed by Proxmox\) success \(cp_cpu_ram -> cp_system_disk_size\)/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /^\[\+\] 7\. Resize additional disk success/.test(l))).toBe(true);
    expect((await moduleLog('system_disk_shrink_rejected')).some((r) => r.request.includes(`"serviceId":${vm.serviceId}`))).toBe(true);

    const again = await change(vm.serviceId, { cpu: 4, systemDiskSize: 10, additionalDiskSize: 20 });
    expect(config(vm.vmid!).scsi1).toContain('size=30G');
    expect(again.some((l) => /Resize additional disk \(skip — shrink not allowed by Proxmox\)/.test(l))).toBe(true);
    expect((await moduleLog('additional_disk_shrink_rejected')).some((r) => r.request.includes(`"serviceId":${vm.serviceId}`))).toBe(true);
  });

  it('Additional Disk 0 removes snapshots, detaches and purges the disk; 0 → N creates it again', async () => {
    const vm = await s.deployReady(planSettings);
    const vmid = vm.vmid!;
    const pve = await s.env.pve(vm.serverId);
    await pve.nodes(vm.node!).qemu(vmid).snapshot.run({ snapname: 'before' });
    const volume = config(vmid).scsi1!.split(',')[0]!;
    await change(vm.serviceId, { additionalDiskSize: 0 });
    const c = config(vmid);
    expect(c.scsi1).toBeUndefined();
    expect(Object.keys(c).filter((k) => /^unused\d+$/.test(k))).toEqual([]);
    expect(s.sim.state.vms.get(vmid)!.snapshots).toEqual({});
    expect([...s.sim.state.volumes.values()].some((v) => v.volid === volume)).toBe(false);
    expect((await moduleLog('additional_disk_deleted')).some((r) => r.request.includes(volume))).toBe(true);

    await change(vm.serviceId, { additionalDiskSize: 15 });
    expect(config(vmid).scsi1).toMatch(/size=15G/);
  });

  it('IPv4 count up allocates more, count down releases the excess back to the pool after the VM dropped it', async () => {
    const vm = await s.deployReady(planSettings);
    const sid = vm.serviceId;
    const before = (await allocations(s, sid)).map((a) => a.address);
    await change(sid, { ipv4Count: 3 });
    const up = (await allocations(s, sid)).map((a) => a.address);
    expect(up.length).toBe(4);
    expect(up.slice(0, 2)).toEqual(before); // the addresses the VM had are kept
    const ipset = () =>
      s.sim.state.vms
        .get(vm.vmid!)!
        .firewall.ipsets['ipfilter-net0']!.entries.map((e) => e.cidr)
        .sort();
    expect(ipset()).toEqual([...up].sort());
    const svc = await s.t.db('tblhosting').where({ id: sid }).first('dedicatedip', 'assignedips');
    expect(svc.dedicatedip).toBe(before[0]);
    expect(String(svc.assignedips).split('\n').sort()).toEqual(up.slice(1).sort());

    await change(sid, { ipv4Count: 1 });
    expect((await allocations(s, sid)).map((a) => a.address)).toEqual(before);
    expect(ipset()).toEqual([...before].sort());
    const extra = up.filter((a) => !before.includes(a));
    expect(await s.t.db('mod_pvebridge_ip_allocations').whereIn('address', extra)).toEqual([]);
  });

  it('IP count up fails cleanly when the pool is exhausted and applies once addresses exist', async () => {
    const vm = await s.deployReady(planSettings);
    await s.setProduct({ ...planSettings, ipv4Count: 256 });
    await queuePipelineState(s.t.db, vm.serviceId, 'change_package', ['ready']);
    const runs = await s.runTo(vm.serviceId, 'ready');
    expect(runs.at(-1)).toMatchObject({ result: 'error', state: 'change_package' });
    expect(runs.at(-1)!.message).toMatch(/pool exhausted/);
    expect((await allocations(s, vm.serviceId)).length).toBe(2); // nothing half-allocated
    await s.setProduct(planSettings);
    expect((await s.runTo(vm.serviceId, 'ready')).at(-1)).toMatchObject({ state: 'ready' });
  });
});

describe.each(await testDialects())('change package through the module API on %s', (dialect) => {
  let s: LifecycleStack;
  beforeAll(async () => {
    s = await lifecycleStack(dialect);
  });
  afterAll(async () => s.close());

  it('is refused while the deploy runs (the deploy is respected) and queued once the VM is ready', async () => {
    const { gw, call } = await stackGateway(s);
    try {
      const sid = s.seeded.serviceId!;
      const params = { actor: { type: 'system' }, params: { serviceid: sid } };
      expect((await call('/v1/whmcs/CreateAccount', params)).status).toBe(200);
      const refused = await call('/v1/whmcs/ChangePackage', params);
      expect(refused.status).toBe(409);
      expect(JSON.stringify(await refused.json())).toMatch(/deploy is in progress/);
      await waitForState(s, sid, 'ready');
      await s.setProduct({ ...planSettings, cpu: 3 });
      const ok = await call('/v1/whmcs/ChangePackage', params);
      expect(ok.status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      await waitForState(s, sid, 'ready');
      const vm = (await getVm(s.t.db, sid))!;
      expect(s.sim.state.vms.get(vm.vmid!)!.config.cores).toBe('3');
      expect(s.sim.state.vms.get(vm.vmid!)!.status).toBe('running');
    } finally {
      await gw.close();
    }
  });
});
