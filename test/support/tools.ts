// Test tiers: a tier whose tool is missing is skipped with a printed reason — except with
// CI=true, where a missing tool fails the run (CI installs everything; a skip there hides a gap).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export type Tool =
  'mariadb' | 'php' | 'phpunit' | 'smarty' | 'chromium' | 'xvnc' | 'websockify' | 'pdns' | 'dig' | 'ssh-keygen' | 'cloud-init';

const probes: Record<Exclude<Tool, 'mariadb'>, () => string | undefined> = {
  php: () => which('php'),
  phpunit: () => which('phpunit'),
  smarty: () => ['/usr/share/php/smarty4/Smarty.class.php', '/usr/share/php/smarty4/bootstrap.php'].find((f) => fs.existsSync(f)),
  chromium: () => ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((f) => fs.existsSync(f)),
  xvnc: () => which('Xvnc'),
  websockify: () => which('websockify'),
  // PowerDNS with the sqlite3 backend (its schema file proves pdns-backend-sqlite3 is there).
  pdns: () => (fs.existsSync('/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql') ? which('pdns_server') : undefined),
  dig: () => which('dig'),
  'ssh-keygen': () => which('ssh-keygen'),
  // `cloud-init devel net-convert` renders network config the way the guest would.
  'cloud-init': () => which('cloud-init'),
};

function which(bin: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Reports a missing tool: a printed skip locally, a thrown error (failed file) in CI. */
export function missing(tool: Tool, reason: string): false {
  const msg = `[tier skipped] ${tool}: ${reason}`;
  if (inCI) throw new Error(`${msg} — CI=true requires every tier (.ci/run installs the tools)`);
  console.warn(msg);
  return false;
}

/** The tool's path, or undefined after reporting it missing. */
export function toolPath(tool: Exclude<Tool, 'mariadb'>): string | undefined {
  const p = probes[tool]();
  if (!p) missing(tool, 'not installed (see .ci/run for the Debian package)');
  return p;
}

export function has(tool: Exclude<Tool, 'mariadb'>): boolean {
  return toolPath(tool) !== undefined;
}
