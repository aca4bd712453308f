// The 26 languages WHMCS ships, by WHMCS's own language file names (lang/<name>.php; sic
// "ukranian"). english is the fallback when a user's language has no file.
export const LANGUAGES = [
  'arabic',
  'azerbaijani',
  'catalan',
  'chinese',
  'croatian',
  'czech',
  'danish',
  'dutch',
  'english',
  'estonian',
  'farsi',
  'french',
  'german',
  'hebrew',
  'hungarian',
  'italian',
  'macedonian',
  'norwegian',
  'portuguese-br',
  'portuguese-pt',
  'romanian',
  'russian',
  'spanish',
  'swedish',
  'turkish',
  'ukranian',
] as const;

export type Language = (typeof LANGUAGES)[number];

export const FALLBACK: Language = 'english';
