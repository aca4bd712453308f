// `npm run build:whmcs`'s release zip: modules/ as admins copy it into WHMCS — both modules, their
// 26 language files, the generated command table and the copied assets; never a local config.php.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../php-shim/lang/languages.ts';
import { writeZip } from '../../scripts/build-whmcs.ts';

describe('the release zip', () => {
  it('holds modules/ with both modules, every language file and the assets, and no config.php', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvb-zip-'));
    try {
      const zip = path.join(dir, 'pvebridge-whmcs-test.zip');
      await writeZip(zip);
      // Debian's unzip reads it as an admin would (.ci/run installs it).
      const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
      expect(names).toEqual(
        expect.arrayContaining([
          'modules/servers/pvebridge/pvebridge.php',
          'modules/servers/pvebridge/hooks.php',
          'modules/servers/pvebridge/lib/commands.php',
          'modules/servers/pvebridge/templates/overview.tpl',
          'modules/servers/pvebridge/assets/overview.js',
          'modules/servers/pvebridge/assets/vendor/uplot/uPlot.iife.min.js',
          'modules/addons/pvebridge_admin/pvebridge_admin.php',
          ...LANGUAGES.flatMap((l) => [`modules/servers/pvebridge/lang/${l}.php`, `modules/addons/pvebridge_admin/lang/${l}.php`]),
        ]),
      );
      expect(names.every((n) => n.startsWith('modules/'))).toBe(true);
      expect(names.filter((n) => n.endsWith('/config.php'))).toEqual([]);
      const german = execFileSync('unzip', ['-p', zip, 'modules/servers/pvebridge/lang/german.php'], { encoding: 'utf8' });
      expect(german).toContain("$_LANG['power.running'] = 'Läuft';");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
