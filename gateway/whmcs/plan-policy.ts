// VMNexor's rule at the billing boundary: billing cannot bypass policy. Before a VM record is
// written (CreateAccount) or a package change queued (ChangePackage), the service's configurable
// options — read from WHMCS's tables, not from the module call — must be choices the product
// actually offers, with usable values, and the plan must name an OS template. Each refusal says
// which option is wrong and why.
import type { Db } from '../../common/db/connect.ts';
import { AppError } from '../../common/errors.ts';
import type { ProductSettings } from '../../provisioner/plan/product-settings.ts';

/** The spec's plain option names (v3.3) with the smallest value each accepts. */
const PLAIN: Record<string, number> = {
  'CPU Cores': 1,
  RAM: 0.125,
  Backups: 0,
  Snapshots: 0,
  'System Disk': 0,
  'Additional Disk': 0,
  'System Disk Read Bandwidth': 0,
  'System Disk Write Bandwidth': 0,
  'System Disk Read IOPS': 0,
  'System Disk Write IOPS': 0,
  'Additional Disk Read Bandwidth': 0,
  'Additional Disk Write Bandwidth': 0,
  'Additional Disk Read IOPS': 0,
  'Additional Disk Write IOPS': 0,
  'Network Bandwidth': 0,
  'IPv4 Addresses': 0,
  'IPv6 Addresses': 0,
  'Operating System': 100,
};

/** Legacy (v1.x–v2.x) `PREFIX|Display name` options and the plain name they stand for. */
const LEGACY: Record<string, string> = {
  B: 'Backups',
  S: 'Snapshots',
  CPU: 'CPU Cores',
  RAM: 'RAM',
  ipv4: 'IPv4 Addresses',
  ipv6: 'IPv6 Addresses',
  OS: 'Operating System',
};

/** The plain name an option stands for, or undefined when pvebridge does not read it. */
export function recognisedOption(optionName: string): string | undefined {
  const name = optionName.trim();
  if (name in PLAIN) return name;
  const bar = name.indexOf('|');
  if (bar > 0) {
    const prefix = name.slice(0, bar).trim();
    if (prefix in LEGACY) return LEGACY[prefix];
    if (prefix in PLAIN) return prefix;
  }
  return undefined;
}

interface ChosenOption {
  configid: number;
  optionid: number;
  qty: number;
  optionname: string;
  optiontype: number;
  qtyminimum: number;
  qtymaximum: number;
  gid: number;
  subname: string | null;
  subconfig: number | null;
}

async function chosenOptions(db: Db, serviceId: number): Promise<ChosenOption[]> {
  const rows = await db('tblhostingconfigoptions as h')
    .join('tblproductconfigoptions as o', 'o.id', 'h.configid')
    .leftJoin('tblproductconfigoptionssub as s', 's.id', 'h.optionid')
    .where('h.relid', serviceId)
    .select(
      'h.configid',
      'h.optionid',
      'h.qty',
      'o.optionname',
      'o.optiontype',
      'o.qtyminimum',
      'o.qtymaximum',
      'o.gid',
      's.optionname as subname',
      's.configid as subconfig',
    );
  return rows.map((r: Record<string, unknown>) => ({
    configid: Number(r.configid),
    optionid: Number(r.optionid),
    qty: Number(r.qty),
    optionname: String(r.optionname),
    optiontype: Number(r.optiontype),
    qtyminimum: Number(r.qtyminimum),
    qtymaximum: Number(r.qtymaximum),
    gid: Number(r.gid),
    subname: r.subname === null || r.subname === undefined ? null : String(r.subname),
    subconfig: r.subconfig === null || r.subconfig === undefined ? null : Number(r.subconfig),
  }));
}

const QUANTITY = 4; // WHMCS optiontype: 1 dropdown, 2 radio, 3 yes/no, 4 quantity

const refuse = (reason: string) => new AppError('PVB_VALIDATION', `Plan refused: ${reason}`);

/** The value of one chosen option, checked against what the product offers. */
function optionValue(o: ChosenOption, plain: string, linkedGroups: Set<number>): number {
  const label = `configurable option "${o.optionname}"`;
  if (!linkedGroups.has(o.gid)) throw refuse(`${label} is not offered for this product (its group is not assigned to the product)`);
  let raw: string;
  if (o.optiontype === QUANTITY) {
    if (o.qtymaximum > 0 && (o.qty < o.qtyminimum || o.qty > o.qtymaximum)) {
      throw refuse(`${label}: quantity ${o.qty} is outside the allowed ${o.qtyminimum}–${o.qtymaximum}`);
    }
    raw = String(o.qty);
  } else {
    if (o.subname === null || o.subconfig !== o.configid)
      throw refuse(`${label}: the selected choice #${o.optionid} is not one of the product's choices`);
    raw = o.subname.split('|')[0]!.trim();
  }
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) throw refuse(`${label}: value "${raw}" is not a number`);
  const min = PLAIN[plain]!;
  if (value < min) throw refuse(`${label}: value ${value} is below the minimum ${min} for ${plain}`);
  if (plain !== 'RAM' && !Number.isInteger(value)) throw refuse(`${label}: value ${value} must be a whole number`);
  return value;
}

export interface PlanCheck {
  /** Recognised options → value (plain names win over legacy ones, as in the spec). */
  options: Record<string, number>;
  template: number;
}

export async function checkPlan(db: Db, serviceId: number, productId: number, settings: ProductSettings): Promise<PlanCheck> {
  const links = await db('tblproductconfiglinks').where({ pid: productId }).select('gid');
  const linkedGroups = new Set(links.map((l: { gid: number }) => Number(l.gid)));
  const options: Record<string, number> = {};
  const fromPlain = new Set<string>();
  for (const o of await chosenOptions(db, serviceId)) {
    const plain = recognisedOption(o.optionname);
    if (!plain) continue;
    const value = optionValue(o, plain, linkedGroups);
    const isPlain = o.optionname.trim() === plain;
    if (fromPlain.has(plain) && !isPlain) continue;
    options[plain] = value;
    if (isPlain) fromPlain.add(plain);
  }
  const template = options['Operating System'] ?? settings.osTemplate;
  if (!template) {
    throw refuse('no OS template: choose one in the product\'s Module Settings ("OS template") or offer an "Operating System" option');
  }
  return { options, template };
}
