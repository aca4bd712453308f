// POST /v1/whmcs/ClientApi: the one endpoint behind every client module page's script (the page
// pattern, docs/architecture.md). The browser posts to WHMCS (modop=custom&a=ClientApi), the shim
// forwards { actor, params, op, args } signed, and `op` is dispatched through the table below;
// each op declares its args with zod, so a bad field is named in the refusal.
import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { GatewayContext } from '../context.ts';
import { assertActor, assertClientOwnsService } from './access.ts';
import { commandByFn, commands, runCommand } from './commands.ts';
import { overviewVars } from './client-area.ts';
import { isoMount, isoUnmount, isoView } from './iso.ts';
import { rdnsSave, rdnsView } from './rdns.ts';
import { serviceCallSchema, type ServiceCall } from './schemas.ts';

/** The client commands (Start, Stop, …): those of the command table a product can grant. */
const CLIENT_FNS = commands.filter((c) => c.client).map((c) => c.fn) as [string, ...string[]];

/** Who may look at the service: its owning client (Active, theirs), an admin, the system. */
async function assertMayRead(ctx: GatewayContext, call: ServiceCall): Promise<void> {
  if (call.actor.type === 'client') await assertClientOwnsService(ctx.db, call.actor.id, call.params.serviceid);
  else assertActor(call.actor, ['admin', 'system']);
}

const op = <O extends string, A extends z.ZodType>(name: O, args: A) => serviceCallSchema.extend({ op: z.literal(name), args });

export const clientApiSchema = z.discriminatedUnion('op', [
  // The overview's live data (cache only, never Proxmox).
  op('overview', z.object({}).strict().default({})),
  // A client command; answers the overview right after, so the page updates without a second call.
  op('command', z.object({ fn: z.enum(CLIENT_FNS) }).strict()),
  // The reverse DNS page: the table (with each PTR's live status), and saving it.
  op('rdns', z.object({}).strict().default({})),
  op('rdnsSave', z.object({ entries: z.record(z.string().max(45), z.string().max(253)), verify: z.boolean().optional() }).strict()),
  // The ISO page: the grouped images and the mounted one; mounting one of them, ejecting it.
  op('iso', z.object({}).strict().default({})),
  op('isoMount', z.object({ volid: z.string().regex(/^[\w.-]+:iso\/[^/\s]+\.iso$/i) }).strict()),
  op('isoUnmount', z.object({}).strict().default({})),
]);
export type ClientApiCall = z.output<typeof clientApiSchema>;

export async function clientApi(ctx: GatewayContext, call: ClientApiCall): Promise<unknown> {
  switch (call.op) {
    case 'overview':
      await assertMayRead(ctx, call);
      return overviewVars(ctx, call.params.serviceid);
    case 'command': {
      await runCommand(ctx, commandByFn.get(call.args.fn)!, call);
      return { result: 'success', overview: await overviewVars(ctx, call.params.serviceid) };
    }
    case 'rdns':
      return rdnsView(ctx, call);
    case 'rdnsSave':
      return rdnsSave(ctx, call);
    case 'iso':
      return isoView(ctx, call);
    case 'isoMount':
      return isoMount(ctx, call);
    case 'isoUnmount':
      return isoUnmount(ctx, call);
  }
}

export const clientApiRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/v1/whmcs/ClientApi',
    summary: 'Client page operations: {actor, params, op, args}; op overview → overview data, op command {fn} → {result, overview}',
    tag: 'whmcs module API',
    auth: 'shim',
    input: clientApiSchema,
    // The overview is polled every few seconds: a read, not an action.
    audit: {
      skip: (i) => i.op === 'overview' || i.op === 'rdns' || i.op === 'iso',
      actionOf: (i) => (i.op === 'command' ? `whmcs.ClientApi.${i.args.fn}` : `whmcs.ClientApi.${i.op}`),
    },
    handler: ({ ctx, input }) => clientApi(ctx, input),
  }),
];
