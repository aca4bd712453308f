// Reads the vendored WHMCS DDL into a column model: run as-is on MySQL/MariaDB, translated for
// SQLite, and used by the seeder to fill WHMCS's "NOT NULL without default" columns.
import fs from 'node:fs';

export interface Column {
  name: string;
  type: string; // MySQL type as written: int(10), text, enum('a','b'), decimal(16,2)
  notNull: boolean;
  default: string | undefined; // SQL literal as written ('' quoted, numbers bare, NULL)
  autoIncrement: boolean;
}

export interface Table {
  name: string;
  ddl: string; // the MySQL statement
  columns: Column[];
  primaryKey: string[];
  indexes: { name: string; columns: string[]; unique: boolean }[];
}

const SCHEMA_FILE = new URL('./whmcs-schema.sql', import.meta.url);

function parseColumn(line: string): Column {
  const m = /^`(\w+)`\s+(\w+(?:\((?:[^()']|'[^']*')*\))?)(.*)$/.exec(line);
  if (!m) throw new Error(`unreadable column definition: ${line}`);
  const rest = m[3] ?? '';
  const def = /DEFAULT\s+('(?:[^']|'')*'|[\w.-]+)/i.exec(rest);
  return {
    name: m[1]!,
    type: m[2]!,
    notNull: /NOT NULL/i.test(rest),
    default: def?.[1],
    autoIncrement: /AUTO_INCREMENT/i.test(rest),
  };
}

const keyColumns = (list: string) =>
  list.split(',').map((c) =>
    c
      .trim()
      .replace(/`/g, '')
      .replace(/\(\d+\)$/, ''),
  );

function parseTable(ddl: string): Table {
  const name = /CREATE TABLE `(\w+)`/.exec(ddl)![1]!;
  const body = ddl.slice(ddl.indexOf('(') + 1, ddl.lastIndexOf(')'));
  const table: Table = { name, ddl, columns: [], primaryKey: [], indexes: [] };
  for (const raw of body.split('\n')) {
    const line = raw.trim().replace(/,$/, '');
    if (!line) continue;
    const key = /^(PRIMARY KEY|UNIQUE KEY `(\w+)`|KEY `(\w+)`)\s*\((.+)\)$/.exec(line);
    if (line.startsWith('`')) table.columns.push(parseColumn(line));
    else if (key && key[1] === 'PRIMARY KEY') table.primaryKey = keyColumns(key[4]!);
    else if (key) table.indexes.push({ name: (key[2] ?? key[3])!, columns: keyColumns(key[4]!), unique: !!key[2] });
    else throw new Error(`unreadable line in ${name}: ${line}`);
  }
  return table;
}

let cached: Table[] | undefined;

export function whmcsTables(): Table[] {
  cached ??= fs
    .readFileSync(SCHEMA_FILE, 'utf8')
    .split(/;\s*\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter((s) => s.startsWith('CREATE TABLE'))
    .map(parseTable);
  return cached;
}

export function whmcsTable(name: string): Table {
  const t = whmcsTables().find((x) => x.name === name);
  if (!t) throw new Error(`no WHMCS fixture table ${name}`);
  return t;
}

function sqliteType(c: Column): string {
  const base = c.type.toLowerCase().replace(/\(.*$/, '');
  if (/int$/.test(base)) return 'INTEGER';
  if (base === 'decimal' || base === 'float' || base === 'double') return 'NUMERIC';
  if (base.endsWith('blob')) return 'BLOB';
  return 'TEXT';
}

/** The same table for SQLite: affinities for types, AUTOINCREMENT ids, indexes kept. */
export function sqliteDdl(t: Table): string[] {
  const cols = t.columns.map((c) => {
    if (c.autoIncrement) return `"${c.name}" INTEGER PRIMARY KEY AUTOINCREMENT`;
    const parts = [`"${c.name}"`, sqliteType(c)];
    if (c.notNull) parts.push('NOT NULL');
    if (c.default !== undefined && c.default.toUpperCase() !== 'NULL') parts.push(`DEFAULT ${c.default}`);
    return parts.join(' ');
  });
  const hasAutoPk = t.columns.some((c) => c.autoIncrement);
  if (!hasAutoPk && t.primaryKey.length) cols.push(`PRIMARY KEY (${t.primaryKey.map((c) => `"${c}"`).join(', ')})`);
  const stmts = [`CREATE TABLE IF NOT EXISTS "${t.name}" (\n  ${cols.join(',\n  ')}\n)`];
  for (const i of t.indexes) {
    const kind = i.unique ? 'UNIQUE INDEX' : 'INDEX';
    stmts.push(`CREATE ${kind} IF NOT EXISTS "${t.name}_${i.name}" ON "${t.name}" (${i.columns.map((c) => `"${c}"`).join(', ')})`);
  }
  return stmts;
}

/** A value WHMCS would store for a NOT NULL column the caller did not set. */
export function blankValue(c: Column): string | number {
  const base = c.type.toLowerCase().replace(/\(.*$/, '');
  if (/int$|decimal|float|double/.test(base)) return 0;
  if (base === 'date') return '0000-00-00';
  if (base === 'datetime' || base === 'timestamp') return '0000-00-00 00:00:00';
  if (base === 'enum') return /'([^']*)'/.exec(c.type)![1]!;
  return '';
}
