// Every PHP file of the shim must parse (php -l) and use no syntax newer than PHP 7.4, the oldest
// PHP WHMCS runs the shim on. The php here is 8.x, so `php -l` alone would accept 8.x syntax:
// check74.php walks the tokens, and each fixture of 8.x syntax proves it catches that construct.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { has } from '../support/tools.ts';
import { runPhp } from './shim-support.ts';

const CHECK = path.resolve('test/php/check74.php');
const CHECK83 = path.resolve('test/php/check83.php');
const SHIM_FILES = fs
  .readdirSync('php-shim', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.php'))
  .map((f) => path.join('php-shim', f));
const OWN_TEST_PHP = ['harness.php', 'render.php', 'check74.php', 'whmcs_crypto.php', 'capsule-standin.php', 'check83.php'].map((f) =>
  path.join('test/php', f),
);
const NEWER = fs.readdirSync('test/php/fixtures/php8').map((f) => path.join('test/php/fixtures/php8', f));
const BREAKS_ON_8 = fs.readdirSync('test/php/fixtures/php83').map((f) => path.join('test/php/fixtures/php83', f));

describe.skipIf(!has('php'))('PHP syntax', () => {
  it('finds the shim files', () => {
    expect(SHIM_FILES).toEqual(
      expect.arrayContaining([
        'php-shim/modules/servers/pvebridge/pvebridge.php',
        'php-shim/modules/servers/pvebridge/hooks.php',
        'php-shim/modules/servers/pvebridge/lib/Client.php',
        'php-shim/modules/addons/pvebridge_admin/pvebridge_admin.php',
      ]),
    );
  });

  it.each([...SHIM_FILES, ...OWN_TEST_PHP])('%s passes php -l', async (file) => {
    const r = await runPhp('-l', [file], '');
    expect(r.stdout + r.stderr).toMatch(/No syntax errors detected/);
    expect(r.code).toBe(0);
  });

  it('the shim uses no syntax newer than PHP 7.4', async () => {
    const r = await runPhp(CHECK, SHIM_FILES, '');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('accepts legal 7.4 code that looks like newer syntax', async () => {
    const r = await runPhp(CHECK, ['test/php/fixtures/php74-ok.php'], '');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(NEWER)('rejects %s (valid PHP 8, invalid 7.4)', async (file) => {
    const lint = await runPhp('-l', [file], '');
    expect(lint.code, 'the fixture itself must be valid PHP 8').toBe(0);
    const r = await runPhp(CHECK, [file], '');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:2: `));
  });

  it('the shim uses nothing removed or deprecated up to PHP 8.3 (check83.php)', async () => {
    const r = await runPhp(CHECK83, SHIM_FILES, '');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(BREAKS_ON_8)('check83 rejects %s (valid 7.4, removed or deprecated by 8.3)', async (file) => {
    expect((await runPhp(CHECK, [file], '')).code, 'the fixture itself is valid 7.4').toBe(0);
    const r = await runPhp(CHECK83, [file], '');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+: `));
  });
});
