// Customers' SSH public keys, checked before they reach Proxmox. Proxmox runs `ssh-keygen -l`
// on every non-blank line (pve-common PVE::Tools::validate_ssh_public_keys) and fails the whole
// config call with "SSH public key validation error"; we check the same lines the same way —
// authorized_keys syntax (an options prefix such as `from="…",no-pty` is allowed), then the key
// blob in SSH wire format — so the customer learns which line is wrong, in words.

export type SshKeyCheck = { ok: true; keys: string[] } | { ok: false; line: number; reason: string };

const TYPES: Record<string, string[]> = {
  'ssh-ed25519': ['string32'],
  'ssh-rsa': ['mpint', 'mpint'],
  'ssh-dss': ['mpint', 'mpint', 'mpint', 'mpint'],
  'ecdsa-sha2-nistp256': ['curve', 'point'],
  'ecdsa-sha2-nistp384': ['curve', 'point'],
  'ecdsa-sha2-nistp521': ['curve', 'point'],
  'sk-ssh-ed25519@openssh.com': ['string32', 'string'],
  'sk-ecdsa-sha2-nistp256@openssh.com': ['curve', 'point', 'string'],
};

const POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/** Splits an authorized_keys line into [options?, type, base64, comment?] (quoted options may hold spaces). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
      if (out.length >= 3) break;
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** Reads SSH wire-format strings; throws on a blob that ends early (a truncated key). */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer {
    if (this.at + 4 > this.buf.length) throw new Error('the key is cut short');
    const n = this.buf.readUInt32BE(this.at);
    if (this.at + 4 + n > this.buf.length) throw new Error('the key is cut short');
    const s = this.buf.subarray(this.at + 4, this.at + 4 + n);
    this.at += 4 + n;
    return s;
  }
  get done(): boolean {
    return this.at === this.buf.length;
  }
}

function checkBlob(type: string, b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return 'the key data is not valid base64 (cut short or altered)';
  const r = new Reader(Buffer.from(b64, 'base64'));
  try {
    if (r.string().toString() !== type) return `the key data does not belong to a ${type} key`;
    let curve = '';
    for (const part of TYPES[type]!) {
      const v = r.string();
      if (part === 'string32' && v.length !== 32) return 'the key is cut short';
      if (part === 'curve') curve = v.toString();
      if (part === 'curve' && `ecdsa-sha2-${curve}` !== type.replace(/^sk-|@openssh\.com$/g, ''))
        return 'the curve does not match the key type';
      if (part === 'point' && (v.length !== POINT_BYTES[curve] || v[0] !== 4)) return 'the key is cut short';
    }
    if (type === 'ssh-rsa' && rsaBits(b64) < 1024) return 'RSA keys need at least 1024 bits';
  } catch (err) {
    return (err as Error).message;
  }
  return r.done ? undefined : 'the key has extra data after it';
}

function rsaBits(b64: string): number {
  const r = new Reader(Buffer.from(b64, 'base64'));
  r.string();
  r.string();
  const n = r.string();
  const lead = n[0] === 0 ? 1 : 0;
  return (n.length - lead) * 8 - (n[lead] ? Math.clz32(n[lead]!) - 24 : 8);
}

/** Why one authorized_keys line is not a public key ssh-keygen accepts; undefined when it is. */
export function sshKeyProblem(line: string): string | undefined {
  const f = fields(line.trim());
  const at = f.findIndex((x) => TYPES[x] !== undefined);
  if (at < 0 || at > 1) return 'it does not start with a key type such as ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256';
  const b64 = f[at + 1];
  if (!b64) return 'the key data after the key type is missing';
  return checkBlob(f[at]!, b64);
}

/** Every non-blank line must be a valid key (like Proxmox); returns the keys to send. */
export function checkSshKeys(text: string): SshKeyCheck {
  const keys: string[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (const [i, raw] of lines.entries()) {
    if (/^\s*$/.test(raw)) continue;
    const reason = sshKeyProblem(raw);
    if (reason) return { ok: false, line: i + 1, reason };
    keys.push(raw.trim());
  }
  return { ok: true, keys };
}

/** The customer-facing text for a failed check. */
export function sshKeyMessage(c: Extract<SshKeyCheck, { ok: false }>): string {
  return `SSH key on line ${c.line} is not a valid public key: ${c.reason}. Paste the whole line of your .pub file.`;
}
