// Cron task locks: a lockfile per task on this host (proper-lockfile; a lock older than the
// stale timeout, default 600 s, is taken over) and, on MySQL, an advisory lock (GET_LOCK) so
// several gateways sharing one database never run the same task at once. GET_LOCK belongs to a
// connection, so the lock holds one pooled connection for the task's duration.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { dialect, type Db } from '../../common/db/connect.ts';

export interface LockOptions {
  db: Db;
  dataDir: string;
  staleMs: number;
}

export const lockDir = (dataDir: string) => path.join(dataDir, 'locks');

function lockTarget(dataDir: string, task: string): string {
  fs.mkdirSync(lockDir(dataDir), { recursive: true });
  const file = path.join(lockDir(dataDir), `${task}.cron`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  return file;
}

/** Per database, so installs (and test databases) on one MySQL server never block each other. */
export function advisoryName(db: Db, task: string): string {
  const database = (db.client.connectionSettings as { database?: string } | undefined)?.database ?? '';
  return `pvebridge:${database}:cron:${task}`.slice(0, 64);
}

type Conn = unknown;

async function advisoryLock(db: Db, task: string): Promise<(() => Promise<void>) | null> {
  if (dialect(db) !== 'mysql') return async () => {};
  const conn = (await db.client.acquireConnection()) as Conn;
  try {
    const [rows] = (await db.raw('SELECT GET_LOCK(?, 0) AS got', [advisoryName(db, task)]).connection(conn)) as [
      Array<{ got: number | null }>,
    ];
    if (Number(rows[0]?.got) !== 1) {
      await db.client.releaseConnection(conn);
      return null;
    }
  } catch (err) {
    await db.client.releaseConnection(conn);
    throw err;
  }
  return async () => {
    try {
      await db.raw('SELECT RELEASE_LOCK(?)', [advisoryName(db, task)]).connection(conn);
    } finally {
      await db.client.releaseConnection(conn);
    }
  };
}

/** Runs `fn` holding the task's locks; returns `{ ran: false }` when another run holds them. */
export async function withTaskLock<T>(
  o: LockOptions,
  task: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  let releaseFile: () => Promise<void>;
  try {
    releaseFile = await lockfile.lock(lockTarget(o.dataDir, task), {
      stale: o.staleMs,
      update: Math.min(o.staleMs / 2, 60_000),
      retries: 0,
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') return { ran: false };
    throw err;
  }
  try {
    const releaseAdvisory = await advisoryLock(o.db, task);
    if (!releaseAdvisory) return { ran: false };
    writeHolder(o.dataDir, task);
    try {
      return { ran: true, value: await fn() };
    } finally {
      fs.rmSync(holderFile(o.dataDir, task), { force: true });
      await releaseAdvisory();
    }
  } finally {
    await releaseFile().catch(() => {});
  }
}

/** Who holds a task's lock (host:pid) and since when: the Scheduled Tasks page shows it. */
const holderFile = (dataDir: string, task: string) => path.join(lockDir(dataDir), `${task}.holder`);

function writeHolder(dataDir: string, task: string): void {
  fs.writeFileSync(holderFile(dataDir, task), JSON.stringify({ holder: `${os.hostname()}:${process.pid}`, since: Date.now() }));
}

export interface LockInfo {
  locked: boolean;
  /** host:pid of the run holding it (null when unknown, e.g. a crashed run's leftover). */
  holder: string | null;
  ageMs: number | null;
  /** Older than the stale timeout (or its process is gone): taken over by the next run, clearable. */
  stale: boolean;
}

export function lockInfo(dataDir: string, task: string, staleMs: number, now = Date.now()): LockInfo {
  const dir = `${path.join(lockDir(dataDir), `${task}.cron`)}.lock`;
  let mtime: number;
  try {
    mtime = fs.statSync(dir).mtimeMs;
  } catch {
    return { locked: false, holder: null, ageMs: null, stale: false };
  }
  let holder: string | null = null;
  let since = mtime;
  try {
    const h = JSON.parse(fs.readFileSync(holderFile(dataDir, task), 'utf8')) as { holder?: string; since?: number };
    holder = typeof h.holder === 'string' ? h.holder : null;
    if (typeof h.since === 'number') since = h.since;
  } catch {
    // no holder file: a lock left by a crashed run
  }
  const [host, pid] = (holder ?? '').split(':');
  const gone = host === os.hostname() && pid !== undefined && !processAlive(Number(pid));
  return { locked: true, holder, ageMs: Math.max(0, now - since), stale: gone || now - mtime > staleMs };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Removes the locks that are stale (see lockInfo); a live run's lock is left alone. Returns the tasks. */
export function clearStaleLocks(dataDir: string, staleMs: number): string[] {
  const dir = lockDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    const task = f.replace(/\.cron\.lock$/, '');
    if (task === f || !lockInfo(dataDir, task, staleMs).stale) continue;
    fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    fs.rmSync(holderFile(dataDir, task), { force: true });
    removed.push(task);
  }
  return removed;
}

export async function isLocked(o: LockOptions, task: string): Promise<boolean> {
  return lockfile.check(lockTarget(o.dataDir, task), { stale: o.staleMs });
}

/** Removes every lockfile (the lock directories proper-lockfile creates). Returns how many. */
export function clearLockfiles(dataDir: string): string[] {
  const dir = lockDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.lock')) {
      fs.rmSync(path.join(dir, f), { recursive: true, force: true });
      removed.push(f.replace(/\.cron\.lock$/, ''));
    }
  }
  return removed;
}
