// Inputs of the module API, declared once with zod. The shim sends `{ actor, params }`: who acts
// (an admin, a client, or the system — cron, payment automation) and WHMCS's module $params minus
// secrets and objects. The gateway trusts the shim for who acts (the request is signed) and takes
// every fact about the service from the database, not from params.
import { z } from 'zod';

const id = z.coerce.number().int().positive();

export const actorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('admin'), id }),
  z.object({ type: z.literal('client'), id }),
  z.object({ type: z.literal('system') }),
]);
export type Actor = z.output<typeof actorSchema>;
export type ActorType = Actor['type'];

/** PHP's json_encode turns an empty array into `[]`: accept it where a map is expected. */
const phpMap = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()).transform(() => ({}))]);

/** The $params keys the gateway reads; other keys are accepted and ignored. */
export const moduleParamsSchema = z.looseObject({
  serviceid: id,
  userid: z.coerce.number().int().min(0).optional(),
  pid: z.coerce.number().int().min(0).optional(),
  serverid: z.coerce.number().int().min(0).optional(),
  domain: z.string().optional(),
  configoptions: phpMap.optional(),
  customfields: phpMap.optional(),
});

/** A call about one service (core functions, custom commands, client area). */
export const serviceCallSchema = z.object({ actor: actorSchema, params: moduleParamsSchema });
export type ServiceCall = z.output<typeof serviceCallSchema>;

/** A call with no service (ConfigOptions, button arrays, TestConnection, addon). */
const bareParams = z.looseObject({
  pid: z.coerce.number().int().min(0).optional(),
  serverid: z.coerce.number().int().min(0).optional(),
  serviceid: z.coerce.number().int().min(0).optional(),
});
export const bareCallSchema = z.object({
  actor: actorSchema,
  params: z
    .union([
      bareParams,
      z
        .array(z.unknown())
        .max(0)
        .transform(() => ({}) as z.output<typeof bareParams>),
    ])
    .optional(),
});
export type BareCall = z.output<typeof bareCallSchema>;

export const successReply = { result: 'success' as const };
