// The language source of truth: each php-shim/lang/<module>/<area>.ts default-exports
// defineStrings({ 'area.key': { english: '…', german: '…', … } }). The type demands all 26
// languages, so a missing translation fails `tsc`; `npm run build:whmcs` writes them to
// modules/<servers|addons>/<name>/lang/<language>.php. Placeholders are `:name` (not after a letter or
// digit, so Swedish "VM:en" is text).
import type { Language } from './languages.ts';

export type Translations = Record<Language, string>;
export type Strings = Record<string, Translations>;

export function defineStrings<S extends Strings>(strings: S): S {
  return strings;
}

/** The `:name` placeholders of one string, sorted (every translation must use the same set). */
export const PLACEHOLDER = /(?<![A-Za-z0-9]):[a-z][a-zA-Z0-9_]*/g;

export function placeholders(text: string): string[] {
  return [...new Set(text.match(PLACEHOLDER) ?? [])].sort();
}
