// PVE::Tools::validate_ssh_public_keys (pve-common src/PVE/Tools.pm): every non-blank line is
// written to a temporary file and checked with `ssh-keygen -l -f`; any failure dies with
// "SSH public key validation error". ssh-keygen reads authorized_keys lines, so an options
// prefix (`from="…",no-pty ssh-ed25519 …`) passes and a truncated key fails. We run the same
// tool; without it (a minimal container) a structural check of the key blob stands in.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let keygen: boolean | undefined;

function hasKeygen(): boolean {
  if (keygen === undefined) {
    try {
      execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
      keygen = true;
    } catch (err) {
      keygen = (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
  return keygen;
}

function keygenAccepts(line: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'pvesim-key-'));
  try {
    writeFileSync(join(dir, 'key'), `${line}\n`);
    execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'key')], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TYPE = /(?:^|\s)((?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+)\s+([A-Za-z0-9+/]+={0,2})(?:\s|$)/;

/** Fallback: the blob must decode and start with its own type name (a truncated key usually fails). */
function structurallyValid(line: string): boolean {
  const m = TYPE.exec(line);
  if (!m) return false;
  const blob = Buffer.from(m[2]!, 'base64');
  if (blob.length < 4 || m[2]!.length % 4 !== 0) return false;
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString() === m[1] && blob.length > 4 + n + 4;
}

export function validSshKeyLines(raw: string): boolean {
  for (const line of raw.split('\n')) {
    if (/^\s*$/.test(line)) continue;
    if (!(hasKeygen() ? keygenAccepts(line) : structurallyValid(line))) return false;
  }
  return true;
}
