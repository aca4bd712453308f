// Public surface of the Proxmox client (see provisioner/README.md).
export { createProxmoxClient, type ProxmoxClient, type ProxmoxClientOptions } from './client.ts';
export { ProxmoxError, type ProxmoxErrorKind } from './errors.ts';
export { isTaskOk, nodeOfUpid, type WaitOptions } from './tasks.ts';
export type * from './types.ts';

/** sshkeys must reach Proxmox URL-encoded exactly like encodeURIComponent (spaces as %20). */
export function encodeSshKeys(keys: string): string {
  return encodeURIComponent(keys.trim());
}
