// Every string of one module, merged from its php-shim/lang/<module>/*.ts files, checked for
// duplicates and for translations whose :placeholders differ from the English one.
import { placeholders, type Strings } from './define.ts';
import { LANGUAGES } from './languages.ts';
import addon from './addon/addon.ts';
import addonPages from './addon/pages.ts';
import addonDns from './addon/dns.ts';
import serverAdmin from './server/admin.ts';
import serverCommands from './server/commands.ts';
import serverErrors from './server/errors.ts';
import serverIso from './server/iso.ts';
import serverOverview from './server/overview.ts';
import serverRdns from './server/rdns.ts';
import serverStates from './server/states.ts';

export type LangModule = 'server' | 'addon';

/** Files per module: a new php-shim/lang/<module>/<area>.ts is added here. */
const SOURCES: Record<LangModule, Record<string, Strings>> = {
  server: { admin: serverAdmin, commands: serverCommands, errors: serverErrors, iso: serverIso, overview: serverOverview, rdns: serverRdns, states: serverStates },
  addon: { pages: addonPages, addon, dns: addonDns },
};

/** The addon shows the server module's errors too (one shared lib), so it gets them as well. */
const SHARED: Record<LangModule, Strings[]> = { server: [], addon: [serverErrors] };

export function catalog(module: LangModule): Strings {
  const out: Strings = {};
  for (const [file, strings] of Object.entries(SOURCES[module])) {
    for (const [key, t] of Object.entries(strings)) {
      if (key in out) throw new Error(`php-shim/lang/${module}/${file}.ts: key "${key}" is defined twice`);
      if (!/^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+$/.test(key)) throw new Error(`php-shim/lang/${module}/${file}.ts: bad key "${key}"`);
      out[key] = t;
    }
  }
  for (const shared of SHARED[module]) for (const [key, t] of Object.entries(shared)) out[key] ??= t;
  return out;
}

/** Problems a person must fix: an empty translation, or placeholders that differ from English. */
export function problems(strings: Strings): string[] {
  const found: string[] = [];
  for (const [key, t] of Object.entries(strings)) {
    const want = placeholders(t.english).join(',');
    for (const l of LANGUAGES) {
      if (!t[l]?.trim()) found.push(`${key}: ${l} is empty`);
      else if (placeholders(t[l]).join(',') !== want) found.push(`${key}: ${l} has placeholders [${placeholders(t[l])}] instead of [${want}]`);
    }
  }
  return found;
}
