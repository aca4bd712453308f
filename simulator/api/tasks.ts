// /nodes/{node}/tasks: list, status and log (pve-manager PVE/API2/Tasks.pm).
import { paramError } from '../http/errors.ts';
import { Envelope, type Ctx, type Routes } from '../http/context.ts';
import { parseUpid } from '../model/upid.ts';
import type { Task } from '../model/types.ts';

export function taskListItem(t: Task) {
  const [user, tokenid] = t.user.split('!');
  return {
    upid: t.upid,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    type: t.type,
    id: t.id,
    user,
    ...(tokenid ? { tokenid } : {}),
    ...(t.done ? { endtime: Math.floor(t.endMs / 1000), status: t.exitstatus } : {}),
  };
}

function findTask(ctx: Ctx): Task {
  const upid = ctx.p.str('upid');
  const fields = parseUpid(upid);
  if (!fields) return paramError({ upid: 'unable to parse worker upid' });
  const task = ctx.state.tasks.get(upid);
  if (!task || fields.node !== ctx.p.str('node')) return paramError({ upid: 'no such task' });
  return task;
}

export const taskRoutes: Routes = {
  'GET /nodes/{node}/tasks': (ctx) => {
    const node = ctx.p.str('node');
    const vmid = ctx.p.optStr('vmid');
    const type = ctx.p.optStr('typefilter');
    const source = ctx.p.optStr('source') ?? 'archive';
    const start = ctx.p.optInt('start') ?? 0;
    const limit = ctx.p.optInt('limit') ?? 50;
    const list = [...ctx.state.tasks.values()]
      .filter((t) => t.node === node && (!vmid || t.id === vmid) && (!type || t.type === type))
      .filter((t) => (source === 'active' ? !t.done : source === 'archive' ? t.done : true))
      .filter((t) => !ctx.p.bool('errors') || (t.done && t.exitstatus !== 'OK'))
      .sort((a, b) => b.startMs - a.startMs);
    return new Envelope(list.slice(start, start + limit).map(taskListItem), { total: list.length });
  },

  'GET /nodes/{node}/tasks/{upid}/status': (ctx) => {
    const t = findTask(ctx);
    // Tasks.pm read_task_status runs $convert_token_task: `user@realm!id` → user + tokenid.
    const [user, tokenid] = t.user.split('!');
    return {
      upid: t.upid,
      node: t.node,
      pid: t.pid,
      pstart: t.pstart,
      starttime: t.starttime,
      type: t.type,
      id: t.id,
      user,
      ...(tokenid ? { tokenid } : {}),
      status: t.done ? 'stopped' : 'running',
      ...(t.done ? { exitstatus: t.exitstatus } : {}),
    };
  },

  'GET /nodes/{node}/tasks/{upid}/log': (ctx) => {
    const t = findTask(ctx);
    const lines = t.log.length ? t.log : ['no content'];
    const start = ctx.p.optInt('start') ?? 0;
    const limit = ctx.p.optInt('limit') ?? 50;
    const page = lines.slice(start, limit === 0 ? undefined : start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
    return new Envelope(page, { total: lines.length });
  },
};
