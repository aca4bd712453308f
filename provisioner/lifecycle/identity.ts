// "Is the VM behind this VMID still ours?" A VMID can be reused after someone deletes our VM by
// hand (peer bug TNC #194), so destructive calls first compare what was recorded at clone —
// name, smbios uuid, tags — with the live config. Anything recorded must match.
import { getOption, parsePropertyString } from './property-string.ts';

export interface RecordedIdentity {
  vmid: number;
  name: string | null;
  uuid: string | null;
  /** Tags stamped at clone (Proxmox stores them ';'-separated). */
  tags?: string[];
}

export type IdentityCheck = { ok: true } | { ok: false; reason: string };

function tagSet(v: unknown): Set<string> {
  return new Set(
    String(v ?? '')
      .split(/[;, ]/)
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function checkIdentity(recorded: RecordedIdentity, config: Record<string, unknown>): IdentityCheck {
  if (!recorded.name && !recorded.uuid && !recorded.tags?.length) {
    return { ok: false, reason: `no identity recorded for VM ${recorded.vmid}; refusing to act on the VMID alone` };
  }
  if (recorded.name && config.name !== recorded.name) {
    return {
      ok: false,
      reason: `VM ${recorded.vmid} is named '${String(config.name ?? '')}', expected '${recorded.name}' — the VMID belongs to another VM`,
    };
  }
  if (recorded.uuid) {
    const uuid = getOption(parsePropertyString(String(config.smbios1 ?? '')), 'uuid');
    if (uuid?.toLowerCase() !== recorded.uuid.toLowerCase()) {
      return {
        ok: false,
        reason: `VM ${recorded.vmid} has smbios uuid '${uuid ?? ''}', expected '${recorded.uuid}' — the VMID belongs to another VM`,
      };
    }
  }
  const have = tagSet(config.tags);
  const missing = (recorded.tags ?? []).filter((t) => !have.has(t.toLowerCase()));
  if (missing.length)
    return { ok: false, reason: `VM ${recorded.vmid} lacks our tag(s) ${missing.join(', ')} — the VMID belongs to another VM` };
  return { ok: true };
}
