// Which Proxmox server answers a product-level question (Loader dropdowns): the one in the call,
// else the first enabled pvebridge server of the product's server group, else the first enabled
// pvebridge server.
import type { Db } from '../../common/db/connect.ts';

export async function pickServer(db: Db, p: { serverid?: number; pid?: number }): Promise<number | undefined> {
  if (p.serverid) return p.serverid;
  const base = () =>
    db('tblservers').where({ 'tblservers.type': 'pvebridge', 'tblservers.disabled': 0 }).orderBy('tblservers.id').select('tblservers.id');
  if (p.pid) {
    const product = await db('tblproducts').where({ id: p.pid }).first();
    if (product?.servergroup) {
      const inGroup = await base()
        .join('tblservergroupsrel as r', 'r.serverid', 'tblservers.id')
        .where('r.groupid', product.servergroup)
        .first();
      if (inGroup) return Number(inGroup.id);
    }
  }
  const any = await base().first();
  return any ? Number(any.id) : undefined;
}
