// Inputs of the module API, declared once with zod. The shim sends `{ actor, params }`: who acts
// (an admin, a client, or the system — cron, payment automation) and WHMCS's module $params minus
// secrets and objects. The gateway trusts the shim for who acts (the request is signed) and takes
// every fact about the service from the database, not from params.
import { z } from 'zod';

/**
 * Ids are strict: a JSON number, or a decimal string as PHP sends them. Nothing else is coerced
 * (`true`, `[3]`, `"0x10"`, `"1e3"`, `""` and `null` are refused, naming the field): a loose
 * coercion once turned `serviceid: true` into service #1.
 */
const idOf = (min: 0 | 1) => {
  const message = min
    ? 'must be a positive integer (a JSON number or a decimal string)'
    : 'must be an integer ≥ 0 (a JSON number or a decimal string)';
  return z.union(
    [
      z.number().int().min(min).max(Number.MAX_SAFE_INTEGER),
      z
        .string()
        .regex(min ? /^[1-9][0-9]{0,14}$/ : /^(0|[1-9][0-9]{0,14})$/)
        .transform(Number),
    ],
    { error: message },
  );
};
/** A strict positive id (service, product, server, client, admin). */
export const positiveId = idOf(1);
/** A strict id where WHMCS sends 0 for "none" (pid, serverid, userid of a bare call). */
export const optionalId = idOf(0);
const id = positiveId;

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
  userid: optionalId.optional(),
  pid: optionalId.optional(),
  serverid: optionalId.optional(),
  domain: z.string().optional(),
  configoptions: phpMap.optional(),
  customfields: phpMap.optional(),
});

/** A call about one service (core functions, custom commands, client area). */
export const serviceCallSchema = z.object({ actor: actorSchema, params: moduleParamsSchema });
export type ServiceCall = z.output<typeof serviceCallSchema>;

/** A call with no service (ConfigOptions, button arrays, TestConnection, addon). */
const bareParams = z.looseObject({
  pid: optionalId.optional(),
  serverid: optionalId.optional(),
  serviceid: optionalId.optional(),
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
