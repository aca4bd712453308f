// VM firewall: options, rules (positions, move) and IP sets (pve-firewall API2/Firewall/*).
import { createHash } from 'node:crypto';
import { die } from '../http/errors.ts';
import type { Ctx, Routes } from '../http/context.ts';
import type { Firewall, FirewallRule } from '../model/types.ts';
import { vmOf } from './qemu-common.ts';

const RULE_KEYS = [
  'type',
  'action',
  'enable',
  'source',
  'dest',
  'proto',
  'dport',
  'sport',
  'macro',
  'iface',
  'log',
  'comment',
  'icmp-type',
];
const OPTION_KEYS = ['enable', 'dhcp', 'ipfilter', 'macfilter', 'ndp', 'radv', 'policy_in', 'policy_out', 'log_level_in', 'log_level_out'];

const fwOf = (ctx: Ctx): Firewall => vmOf(ctx).firewall;
const digestOf = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex');

function checkDigest(ctx: Ctx, current: unknown): void {
  const d = ctx.p.optStr('digest');
  if (d && d !== digestOf(current)) die('detected modified configuration - file changed by other user? Try again.');
}

function ruleAt(fw: Firewall, pos: number): FirewallRule {
  return fw.rules[pos] ?? die(`no rule at position ${pos}`);
}

function ipsetOf(fw: Firewall, name: string) {
  return fw.ipsets[name] ?? die(`no such IPSet '${name}'`);
}

function pick(ctx: Ctx, keys: string[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of keys) if (ctx.p.has(k)) out[k] = ctx.p.raw[k] as string | number;
  return out;
}

const q = '/nodes/{node}/qemu/{vmid}/firewall';

export const qemuFirewallRoutes: Routes = {
  [`GET ${q}/options`]: (ctx) => ({ ...fwOf(ctx).options, digest: digestOf(fwOf(ctx).options) }),
  [`PUT ${q}/options`]: (ctx) => {
    const fw = fwOf(ctx);
    checkDigest(ctx, fw.options);
    for (const k of (ctx.p.optStr('delete') ?? '').split(/[,;\s]+/).filter(Boolean)) delete fw.options[k];
    Object.assign(fw.options, pick(ctx, OPTION_KEYS));
    return null;
  },

  [`GET ${q}/rules`]: (ctx) => fwOf(ctx).rules.map((r, pos) => ({ ...r, pos, digest: digestOf(fwOf(ctx).rules) })),
  [`POST ${q}/rules`]: (ctx) => {
    const fw = fwOf(ctx);
    checkDigest(ctx, fw.rules);
    const rule = pick(ctx, RULE_KEYS) as FirewallRule;
    const pos = ctx.p.optInt('pos');
    // New rules go to the top unless a position is given (pve-firewall create_rule).
    fw.rules.splice(pos === undefined ? 0 : Math.min(pos, fw.rules.length), 0, rule);
    return null;
  },
  [`GET ${q}/rules/{pos}`]: (ctx) => ({ ...ruleAt(fwOf(ctx), ctx.p.int('pos')), pos: ctx.p.int('pos') }),
  [`PUT ${q}/rules/{pos}`]: (ctx) => {
    const fw = fwOf(ctx);
    checkDigest(ctx, fw.rules);
    const pos = ctx.p.int('pos');
    const rule = ruleAt(fw, pos);
    const moveto = ctx.p.optInt('moveto');
    if (moveto !== undefined) {
      fw.rules.splice(pos, 1);
      fw.rules.splice(Math.min(moveto > pos ? moveto - 1 : moveto, fw.rules.length), 0, rule);
      return null;
    }
    for (const k of (ctx.p.optStr('delete') ?? '').split(/[,;\s]+/).filter(Boolean)) delete rule[k];
    Object.assign(rule, pick(ctx, RULE_KEYS));
    return null;
  },
  [`DELETE ${q}/rules/{pos}`]: (ctx) => {
    const fw = fwOf(ctx);
    checkDigest(ctx, fw.rules);
    ruleAt(fw, ctx.p.int('pos'));
    fw.rules.splice(ctx.p.int('pos'), 1);
    return null;
  },

  [`GET ${q}/ipset`]: (ctx) =>
    Object.entries(fwOf(ctx).ipsets).map(([name, s]) => ({ name, ...(s.comment ? { comment: s.comment } : {}), digest: digestOf(s) })),
  [`POST ${q}/ipset`]: (ctx) => {
    const fw = fwOf(ctx);
    const name = ctx.p.str('name');
    const rename = ctx.p.optStr('rename');
    if (rename) {
      const set = ipsetOf(fw, rename);
      if (fw.ipsets[name]) die(`IPSet '${name}' already exists`);
      delete fw.ipsets[rename];
      fw.ipsets[name] = set;
      return null;
    }
    if (fw.ipsets[name]) die(`IPSet '${name}' already exists`);
    fw.ipsets[name] = { comment: ctx.p.optStr('comment'), entries: [] };
    return null;
  },
  [`GET ${q}/ipset/{name}`]: (ctx) => {
    const set = ipsetOf(fwOf(ctx), ctx.p.str('name'));
    return set.entries.map((e) => ({ ...e, digest: digestOf(set) }));
  },
  [`POST ${q}/ipset/{name}`]: (ctx) => {
    const set = ipsetOf(fwOf(ctx), ctx.p.str('name'));
    const cidr = ctx.p.str('cidr');
    if (set.entries.some((e) => e.cidr === cidr)) die(`entry '${cidr}' already exists`);
    set.entries.push({
      cidr,
      ...(ctx.p.has('comment') ? { comment: ctx.p.str('comment') } : {}),
      ...(ctx.p.bool('nomatch') ? { nomatch: 1 } : {}),
    });
    return null;
  },
  [`DELETE ${q}/ipset/{name}`]: (ctx) => {
    const fw = fwOf(ctx);
    const name = ctx.p.str('name');
    const set = ipsetOf(fw, name);
    if (set.entries.length && !ctx.p.bool('force')) die(`IPSet '${name}' is not empty`);
    delete fw.ipsets[name];
    return null;
  },
  [`GET ${q}/ipset/{name}/{cidr}`]: (ctx) => {
    const set = ipsetOf(fwOf(ctx), ctx.p.str('name'));
    return set.entries.find((e) => e.cidr === ctx.p.str('cidr')) ?? die('no such IP/Network');
  },
  [`PUT ${q}/ipset/{name}/{cidr}`]: (ctx) => {
    const set = ipsetOf(fwOf(ctx), ctx.p.str('name'));
    const entry = set.entries.find((e) => e.cidr === ctx.p.str('cidr')) ?? die('no such IP/Network');
    if (ctx.p.has('comment')) entry.comment = ctx.p.str('comment');
    if (ctx.p.has('nomatch')) entry.nomatch = ctx.p.bool('nomatch') ? 1 : 0;
    return null;
  },
  [`DELETE ${q}/ipset/{name}/{cidr}`]: (ctx) => {
    const set = ipsetOf(fwOf(ctx), ctx.p.str('name'));
    set.entries = set.entries.filter((e) => e.cidr !== ctx.p.str('cidr'));
    return null;
  },
};
