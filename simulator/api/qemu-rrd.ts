// …/rrddata: plausible series at PVE 9 resolutions (pve-cluster RRD.pm): hour 60 s × 60,
// day 60 s × 1440, week 30 min × 336, month 30 min × 1440, year 6 h × 1440.
import type { Routes } from '../http/context.ts';
import { createRng, hashSeed } from '../model/rng.ts';
import { vmUsage } from '../model/stats.ts';
import { vmOf } from './qemu-common.ts';

const FRAMES: Record<string, [step: number, points: number]> = {
  hour: [60, 60],
  day: [60, 1440],
  week: [1800, 336],
  month: [1800, 1440],
  year: [21600, 1440],
};

export const qemuRrdRoutes: Routes = {
  'GET /nodes/{node}/qemu/{vmid}/rrddata': (ctx) => {
    const vm = vmOf(ctx);
    const timeframe = ctx.p.str('timeframe');
    const max = ctx.p.optStr('cf') === 'MAX';
    const [step, points] = FRAMES[timeframe]!;
    const u = vmUsage(vm);
    const end = Math.floor(Date.now() / 1000 / step) * step;
    const rng = createRng(hashSeed(`${vm.vmid}/${timeframe}`));
    const peak = max ? 1.3 : 1;
    const running = vm.status !== 'stopped';
    return Array.from({ length: points }, (_, i) => {
      const wave = 0.5 + 0.5 * Math.sin((i / points) * Math.PI * 8) * rng();
      const load = running ? wave * peak : 0;
      return {
        time: end - (points - 1 - i) * step,
        maxcpu: u.maxcpu,
        cpu: Math.min(1, load * 0.3),
        maxmem: u.maxmem,
        mem: running ? Math.floor(u.maxmem * (0.3 + 0.4 * wave)) : 0,
        memhost: running ? Math.floor(u.maxmem * (0.35 + 0.4 * wave)) : 0,
        maxdisk: u.maxdisk,
        disk: 0,
        netin: load * 120_000,
        netout: load * 60_000,
        diskread: load * 400_000,
        diskwrite: load * 250_000,
        pressurecpusome: load * 0.02,
        pressureiosome: load * 0.01,
        pressurememorysome: 0,
        pressurememoryfull: 0,
        pressureiofull: 0,
      };
    });
  },
};
