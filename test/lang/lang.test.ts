// Languages: every string people see comes from php-shim/lang/** in all 26 WHMCS languages. These
// tests fail when a language file misses a key, when a template, PHP file or page script uses a
// key that does not exist, when a pipeline state has no text, or when the generated files are
// not current (run `npm run build:whmcs`).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../gateway/whmcs/commands.ts';
import { catalog, problems } from '../../php-shim/lang/catalog.ts';
import { LANGUAGES } from '../../php-shim/lang/languages.ts';
import { deployPipeline } from '../../provisioner/pipelines/deploy.ts';
import { lifecyclePipelines } from '../../provisioner/pipelines/lifecycle.ts';
import { MODULES, staleFiles } from '../../scripts/build-whmcs.ts';
import { runPhp } from '../php/shim-support.ts';
import { has } from '../support/tools.ts';

const server = catalog('server');
const addon = catalog('addon');
const SERVER_DIR = path.join(MODULES, 'servers/pvebridge');
const ADDON_DIR = path.join(MODULES, 'addons/pvebridge_admin');

const filesUnder = (dir: string, ext: string) =>
  (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith(ext) && !f.includes(`lang${path.sep}`) && !f.includes('vendor'))
    .map((f) => path.join(dir, f));

/** Keys used literally: $pvbLang['k'] in templates, Lang::t('k'…) and 'key' => 'k' in PHP, t('k') in scripts. */
function usedKeys(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const patterns = [
    /\$pvbLang\[['"]([^'"]+)['"]\]/g,
    /Lang::t\(\s*'([a-z][a-z0-9_.A-Z]*)'/g,
    /\bt\(\s*'([a-z][a-z0-9_.A-Z]*\.[A-Za-z0-9_.]+)'/g,
    /'key' => '([a-z][a-z0-9_.A-Z]*)'/g,
    /\$t\('([a-z][a-z0-9_.A-Z]*)'\)/g,
  ];
  // A key ending in "." or "_" is a prefix completed at run time (e.g. 'config.' . $key): not a literal use.
  return [...new Set(patterns.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!)))].filter((k) => !/[._]$/.test(k));
}

describe('language sources (php-shim/lang)', () => {
  it('have every translation, with the same :placeholders as English', () => {
    expect(problems(server)).toEqual([]);
    expect(problems(addon)).toEqual([]);
  });

  it('give every state of every pipeline a state.* and an activity.* text', () => {
    const states = new Set(['none', 'ready', 'remove', 'error_terminate']);
    for (const p of [deployPipeline, ...lifecyclePipelines]) for (const s of p.steps) states.add(s.from).add(s.to);
    for (const s of states) {
      expect(server[`state.${s}`], `state.${s}`).toBeDefined();
      expect(server[`activity.${s}`], `activity.${s}`).toBeDefined();
    }
  });

  it('label every command of the gateway’s table, and no two commands alike in any language', () => {
    for (const c of commands) expect(server[`command.${c.fn}`], c.fn).toBeDefined();
    for (const c of commands.filter((x) => x.client)) expect(server[`button.${c.fn.toLowerCase()}`], c.fn).toBeDefined();
    for (const l of LANGUAGES) {
      const labels = commands.map((c) => c.label.replace(/[^*]+$/, '') + server[`command.${c.fn}`]![l]);
      expect(new Set(labels).size, l).toBe(labels.length);
    }
  });

  it('are correct German where people see them most', () => {
    const de = (k: string) => server[k]!.german;
    expect(de('state.ready')).toBe('Bereit');
    expect(de('power.running')).toBe('Läuft');
    expect(de('power.stopped')).toBe('Gestoppt');
    expect(de('button.start')).toBe('Starten');
    expect(de('overview.memory')).toBe('Arbeitsspeicher');
    expect(de('activity.clone')).toBe('Bereitstellung läuft: DNS-Einträge werden eingerichtet');
    expect(de('error.gateway_down')).toBe(
      'Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.',
    );
    // German differs from English except for words German uses as they are.
    const asInGerman = new Set(['Bridge', 'CPU', 'Hostname', 'Status', 'Reverse DNS']);
    const same = Object.keys(server).filter((k) => server[k]!.german === server[k]!.english && !asInGerman.has(server[k]!.english));
    expect(same).toEqual([]);
  });
});

describe('generated files (npm run build:whmcs)', () => {
  it('are current: lang/<language>.php, lib/commands.php and the copied assets', () => {
    expect(staleFiles()).toEqual([]);
  });

  it.skipIf(!has('php'))('define every key in every language, read by real PHP', async () => {
    const r = await runPhp(path.resolve('test/lang/keys.php'), [MODULES], '');
    expect(r.stderr).toBe('');
    const files = JSON.parse(r.stdout) as Record<string, Record<string, string>>;
    for (const [module, strings] of [
      ['server', server],
      ['addon', addon],
    ] as const) {
      const want = Object.keys(strings).sort();
      for (const l of LANGUAGES) {
        const loaded = files[`${module}/${l}`];
        expect(loaded, `${module}/${l}.php`).toBeDefined();
        expect(Object.keys(loaded!).sort(), `${module}/${l}.php`).toEqual(want);
        for (const k of want) expect(loaded![k], `${module}/${l}.php ${k}`).toBe(strings[k]![l]);
      }
    }
  });
});

describe('templates, PHP and page scripts', () => {
  const serverFiles = [...filesUnder(SERVER_DIR, '.tpl'), ...filesUnder(SERVER_DIR, '.php'), ...filesUnder(SERVER_DIR, '.js')];
  const addonFiles = filesUnder(ADDON_DIR, '.php');

  it('find the files they check', () => {
    expect(serverFiles.map((f) => path.relative(SERVER_DIR, f))).toEqual(
      expect.arrayContaining(['templates/overview.tpl', 'pvebridge.php', 'lib/Overview.php', 'assets/overview.js']),
    );
  });

  it('use only keys that exist', () => {
    const missing: string[] = [];
    for (const f of serverFiles) for (const k of usedKeys(f)) if (!server[k]) missing.push(`${path.relative(MODULES, f)}: ${k}`);
    for (const f of addonFiles)
      for (const k of usedKeys(f)) if (!addon[k] && !server[k]) missing.push(`${path.relative(MODULES, f)}: ${k}`);
    expect(missing).toEqual([]);
  });

  it('a key used that does not exist is caught (the check itself works)', () => {
    const tmp = path.join(fs.mkdtempSync('/tmp/pvb-lang-'), 'x.tpl');
    fs.writeFileSync(tmp, "{$pvbLang['overview.no_such_key']|escape} <?php Lang::t('error.nope'); ?> this.t('overview.also_missing')");
    expect(usedKeys(tmp).filter((k) => !server[k])).toEqual(['overview.no_such_key', 'error.nope', 'overview.also_missing']);
  });
});
