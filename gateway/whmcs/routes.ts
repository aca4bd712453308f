// The module API: POST /v1/whmcs/<Function>, one route per shim function, every one signed
// ('shim' guard). Request: { actor, params, ...extra }. Reply: JSON as documented per route;
// refusals are { error: { code, message } } with 4xx and the message is what WHMCS shows.
import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { addonActivate, addonDeactivate } from './addon.ts';
import { adminTabFields, adminTabFieldsSave } from './admin-tab.ts';
import { changePassword, changePasswordSchema } from './change-password.ts';
import { clientApiRoutes } from './client-api.ts';
import { listAccounts } from './list-accounts.ts';
import { clientArea, clientButtons } from './client-area.ts';
import { commands, runCommand } from './commands.ts';
import { configOptions, loader } from './config-options.ts';
import { changePackage, createAccount, suspendAccount, terminateAccount, unsuspendAccount } from './lifecycle.ts';
import { assertActor } from './access.ts';
import { syncWhmcsFields } from './product-fields.ts';
import { bareCallSchema, positiveId, serviceCallSchema } from './schemas.ts';
import { productPanel, savePanel } from './settings-panel.ts';
import { testConnection, testConnectionSchema } from './test-connection.ts';

const TAG = 'whmcs module API';
/** Module calls that only read: not audited (every other module call is, see gateway/audit). */
const READS = new Set(
  'TestConnection ConfigOptions LoaderNodes LoaderTemplates LoaderStorages LoaderBridges GetProductSettings AdminCustomButtonArray ClientAreaCustomButtonArray ClientAreaAllowedFunctions AdminServicesTabFields ClientArea ListAccounts'.split(
    ' ',
  ),
);

const post = <S extends z.ZodType>(fn: string, summary: string, input: S, handler: RouteDef<S>['handler']) =>
  defineRoute({
    method: 'post',
    path: `/v1/whmcs/${fn}`,
    summary,
    tag: TAG,
    auth: 'shim',
    input,
    handler,
    ...(READS.has(fn) && { audit: false as const }),
  });

const pidCall = bareCallSchema.extend({ params: z.looseObject({ pid: positiveId }) });

export const whmcsRoutes: RouteDef[] = [
  post(
    'CreateAccount',
    'Validate the plan, write the VM record in state creation, kick the pipeline. → {result}',
    serviceCallSchema,
    ({ ctx, input }) => createAccount(ctx, input),
  ),
  post('SuspendAccount', 'Stop the VM if it is running. → {result}', serviceCallSchema, ({ ctx, input }) => suspendAccount(ctx, input)),
  post('UnsuspendAccount', 'Start the VM if it is stopped and ready. → {result}', serviceCallSchema, ({ ctx, input }) =>
    unsuspendAccount(ctx, input),
  ),
  post('TerminateAccount', 'Send a stop, queue terminate. → {result}', serviceCallSchema, ({ ctx, input }) => terminateAccount(ctx, input)),
  post('ChangePackage', 'Queue change_package (only from ready). → {result}', serviceCallSchema, ({ ctx, input }) =>
    changePackage(ctx, input),
  ),
  post(
    'TestConnection',
    'Reachability, token and privileges of a Proxmox server. → {success, error}',
    testConnectionSchema,
    ({ ctx, input }) => testConnection(ctx, input),
  ),
  post('ConfigOptions', 'The settings panel of a product, when the call names one. → {panel}', bareCallSchema, ({ ctx, input }) =>
    configOptions(ctx, input),
  ),
  ...(['Nodes', 'Templates', 'Storages', 'Bridges'] as const).map((k) =>
    post(`Loader${k}`, `Dropdown values for the ${k.toLowerCase()} field, from Proxmox. → {options}`, bareCallSchema, ({ ctx, input }) =>
      loader(ctx, input, k.toLowerCase() as Lowercase<typeof k>),
    ),
  ),
  post('GetProductSettings', 'The settings panel of a product (secrets as __KEEP__). → {panel}', pidCall, async ({ ctx, input }) => {
    assertActor(input.actor, ['admin', 'system']);
    return { panel: await productPanel(ctx.db, input.params.pid) };
  }),
  post(
    'SaveProductSettings',
    'Save posted panel values (__KEEP__ keeps a secret). → {result, panel}',
    pidCall.extend({ settings: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()).transform(() => ({}))]) }),
    async ({ ctx, input }) => {
      assertActor(input.actor, ['admin', 'system']);
      await syncWhmcsFields(ctx, input.params.pid);
      return { result: 'success', panel: await savePanel(ctx.db, input.params.pid, input.settings) };
    },
  ),
  post('AdminCustomButtonArray', 'Admin command buttons. → {buttons: {label: fn}}', bareCallSchema, ({ input }) => {
    assertActor(input.actor, ['admin', 'system']);
    return { buttons: Object.fromEntries(commands.map((c) => [c.label, c.fn])) };
  }),
  post('ClientAreaCustomButtonArray', 'Client buttons the product grants. → {buttons}', bareCallSchema, ({ ctx, input }) =>
    clientButtons(ctx, input),
  ),
  post('ClientAreaAllowedFunctions', 'Functions a client may invoke. → {buttons}', bareCallSchema, ({ ctx, input }) =>
    clientButtons(ctx, input),
  ),
  post('AdminServicesTabFields', 'Rows of the admin service tab. → {rows, rdns}', serviceCallSchema, ({ ctx, input }) =>
    adminTabFields(ctx, input),
  ),
  post(
    'AdminServicesTabFieldsSave',
    'Save the reverse DNS names of the admin service tab. → {result, changed}',
    serviceCallSchema.extend({ rdns: z.union([z.record(z.string(), z.string()), z.array(z.unknown()).transform(() => ({}))]).optional() }),
    ({ ctx, input }) => adminTabFieldsSave(ctx, input),
  ),
  post(
    'ClientArea',
    'Client overview data (from our records, never from Proxmox). → {templatefile, vars}',
    serviceCallSchema,
    ({ ctx, input }) => clientArea(ctx, input),
  ),
  ...commands.map((c) =>
    post(
      c.fn,
      `Admin command "${c.label}"${c.client ? ' (clients too, with permission)' : ''}. → {result}`,
      serviceCallSchema,
      ({ ctx, input }) => runCommand(ctx, c, input),
    ),
  ),
  post('AddonActivate', 'Run migrations. → {status, description}', bareCallSchema, ({ ctx, input }) => addonActivate(ctx, input)),
  post('AddonDeactivate', 'Drop our tables only if the setting says so. → {status, description}', bareCallSchema, ({ ctx, input }) =>
    addonDeactivate(ctx, input),
  ),
  post(
    'ChangePassword',
    'Set the new service password on the VM (guest agent, else cloud-init for the next boot). → {result, via}',
    changePasswordSchema,
    ({ ctx, input }) => changePassword(ctx, input),
  ),
  post('ListAccounts', 'Server sync: our VMs on params.serverid as WHMCS accounts. → {accounts}', bareCallSchema, ({ ctx, input }) =>
    listAccounts(ctx, input),
  ),
  ...clientApiRoutes,
];
