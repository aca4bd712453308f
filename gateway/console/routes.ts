// Console buttons: the admin area's service-page button and the client area's noVNC button.
// Both are module API calls from the signed shim; the client one re-checks ownership, the
// service status and the product's noVNC permission first.
import { defineRoute, type RouteDef } from '../http/route.ts';
import { assertActor, assertClientOwnsService } from '../whmcs/access.ts';
import { serviceCallSchema } from '../whmcs/schemas.ts';
import { openConsole } from './open.ts';

const TAG = 'console';

export const consoleRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/v1/whmcs/AdminConsole',
    summary: 'Open the VM console for an admin. → {url, expiresAt, mode, window} (one-time link, 10 s)',
    tag: TAG,
    auth: 'shim',
    input: serviceCallSchema,
    handler: ({ ctx, input }) => {
      assertActor(input.actor, ['admin']);
      return openConsole(ctx, input.params.serviceid, { requester: `admin:${input.actor.type === 'admin' ? input.actor.id : 0}` });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/whmcs/ClientConsole',
    summary: "Open the VM console for the service's owner (noVNC permission). → {url, expiresAt, mode, window}",
    tag: TAG,
    auth: 'shim',
    input: serviceCallSchema,
    async handler({ ctx, input }) {
      if (input.actor.type !== 'client') assertActor(input.actor, ['client']);
      else await assertClientOwnsService(ctx.db, input.actor.id, input.params.serviceid, 'novnc');
      return openConsole(ctx, input.params.serviceid, { requester: `client:${input.actor.type === 'client' ? input.actor.id : 0}` });
    },
  }),
] as RouteDef[];
