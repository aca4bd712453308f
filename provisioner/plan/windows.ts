// Windows guests (spec 000 "Windows provisioning"; docs/adr/0013-windows-guests.md).
// - Proxmox picks configdrive2 for any Windows ostype (Cloudinit.pm get_cloudinit_format) —
//   the only format cloudbase-init reads — and puts cipassword into meta_data.json as
//   `admin_pass` (cloudbase_configdrive2_metadata); cloudbase-init sets it for the user named in
//   its own cloudbase-init.conf.
// - The account differs by edition: Server images use the built-in Administrator; desktop
//   editions (10/11) keep it disabled, so their images name an admin user (cloudbase-init's
//   default `username=Admin`). ostype cannot tell them apart (win11 covers 11, 2022 and 2025),
//   so the template's name does: "server" or a server year → Server.
// - No SSH keys; hostnames are NetBIOS names: at most 15 characters of letters, digits and '-'.
// - A password reset on a running VM goes through the guest agent when it answers.
import type { ProxmoxClient } from '../proxmox/index.ts';
import { ProxmoxError } from '../proxmox/index.ts';

/** PVE::QemuServer::Helpers::windows_version: every `win*` and `w2k*` ostype. */
export const isWindowsOstype = (ostype: string | undefined) => /^(win|w2k)/.test(ostype ?? '');

export type WindowsEdition = 'server' | 'desktop';

export function windowsEdition(templateName: string | undefined, ostype: string): WindowsEdition {
  const name = (templateName ?? '').toLowerCase();
  if (/server|\bw2k|(^|[^0-9])20(03|08|12|16|19|22|25)([^0-9]|$)/.test(name)) return 'server';
  if (/^(w2k|w2k3|w2k8|wvista)$/.test(ostype)) return 'server';
  return 'desktop';
}

/** The admin account the customer logs in with: the plan's OS username wins. */
export function windowsAdmin(edition: WindowsEdition, osUsername: string): string {
  if (osUsername) return osUsername;
  return edition === 'server' ? 'Administrator' : 'Admin';
}

/** A NetBIOS computer name: first label, letters/digits/'-' only, ≤ 15, not all digits. */
export function netbiosName(hostname: string): string {
  let n = hostname
    .split('.')[0]!
    .replace(/[^A-Za-z0-9-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, 15)
    .replace(/-+$/, '');
  if (!n) n = 'WIN';
  if (/^\d+$/.test(n)) n = `W${n}`.slice(0, 15);
  return n;
}

export type PasswordPath = 'agent' | 'cloudinit';

/**
 * Sets the guest password: through the guest agent when the VM runs and its agent answers
 * (takes effect at once, Windows and Linux alike), otherwise as cipassword for the next boot.
 */
export async function setGuestPassword(
  pve: ProxmoxClient,
  node: string,
  vmid: number,
  username: string,
  password: string,
): Promise<PasswordPath> {
  const vm = pve.nodes(node).qemu(vmid);
  const running = (await vm.status.current.get()).status === 'running';
  if (running) {
    try {
      await vm.agent.ping.post();
      await vm.agent.setUserPassword.post({ username, password });
      return 'agent';
    } catch (err) {
      // No agent configured, or not answering yet: fall back to cloud-init.
      if (!(err instanceof ProxmoxError)) throw err;
    }
  }
  await vm.config.put({ cipassword: password });
  return 'cloudinit';
}
