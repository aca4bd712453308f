// Checks shared by the /nodes/{node}/qemu/{vmid} handlers, with qemu-server's texts.
import { die, paramError } from '../http/errors.ts';
import type { Ctx } from '../http/context.ts';
import type { Vm } from '../model/types.ts';

export const vmOf = (ctx: Ctx): Vm => ctx.state.vm(ctx.p.str('node'), ctx.p.int('vmid'));

/** skiplock is only for root@pam (never for an API token). */
export function skiplock(ctx: Ctx): boolean {
  if (!ctx.p.bool('skiplock')) return false;
  if (ctx.user !== 'root@pam') paramError({ skiplock: 'Only root may use this option.' });
  return true;
}

/** The lock error text, or undefined (AbstractConfig check_lock). */
export function lockError(vm: Vm, ignore: string[] = []): string | undefined {
  const lock = vm.config.lock;
  return lock && !ignore.includes(lock) ? `VM is locked (${lock})` : undefined;
}

/** Checked before the fork: the HTTP call fails with 500. */
export function assertUnlocked(vm: Vm): void {
  const err = lockError(vm);
  if (err) die(err);
}

export function assertDigest(ctx: Ctx, current: string): void {
  const digest = ctx.p.optStr('digest');
  if (digest && digest !== current) die('checksum mismatch (file change by other user?)');
}

export const isTemplate = (vm: Vm): boolean => vm.config.template === '1';

export const seconds = (ctx: Ctx) => ctx.state.scenario.durations;
