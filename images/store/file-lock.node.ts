/**
 * store file-lock: an exclusive lock between processes (and between store instances in one process) on a shared
 * directory, without native code: the lock is a file created atomically by `link(2)` from a fully written temp
 * file, so a holder's identity `{pid, host, nonce}` is never seen half-written.
 *
 * Staleness: a lock is stale when its holder's process is gone (same host, `kill(pid, 0)` says ESRCH) or when its
 * mtime is older than `staleMs` (holders touch the file every `staleMs / 4`, so only a dead, hung or other-host
 * holder ages). A stale lock is broken by renaming it aside and checking that what was moved is the inode judged
 * stale; if a fresh lock was moved instead, it is linked back. (The one remaining race — three processes breaking
 * and re-creating within that instant — is the same as in proper-lockfile's design and needs a crash to start.)
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { WasmboxError } from '../../shared/errors.ts';

export interface FileLockOptions {
  /** Give up after this long (Unavailable). Default 60 s. */
  timeoutMs?: number;
  /** A lock not touched for this long is stale. Default 30 s. */
  staleMs?: number;
  /** Where to write temp files (same filesystem as the lock); default `<path>.<random>`. */
  tempPath?: () => string;
}

interface Holder {
  pid: number;
  host: string;
  nonce: string;
}

export class FileLock {
  readonly #path: string;
  readonly #nonce: string;
  readonly #timer: ReturnType<typeof setInterval>;
  #released = false;

  private constructor(path: string, nonce: string, staleMs: number) {
    this.#path = path;
    this.#nonce = nonce;
    this.#timer = setInterval(() => {
      const now = new Date();
      utimes(path, now, now).catch(() => undefined);
    }, Math.max(50, staleMs / 4));
    this.#timer.unref();
  }

  static async acquire(path: string, options: FileLockOptions = {}): Promise<FileLock> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const staleMs = options.staleMs ?? 30_000;
    const nonce = randomUUID();
    const holder: Holder = { pid: process.pid, host: hostname(), nonce };
    const tempPath = options.tempPath ?? (() => `${path}.${randomUUID()}`);
    const temp = tempPath();
    await writeFile(temp, JSON.stringify(holder));
    const started = Date.now();
    try {
      for (let attempt = 0; ; attempt++) {
        if (await tryCreate(temp, path, holder)) return new FileLock(path, nonce, staleMs);
        const seen = await inspect(path);
        if (seen === undefined) continue; // released meanwhile
        if (isStale(seen, staleMs)) {
          await breakLock(path, seen.ino, tempPath());
          continue;
        }
        if (Date.now() - started > timeoutMs) {
          const who = seen.holder ? `process ${seen.holder.pid} on ${seen.holder.host}` : 'another process';
          throw new WasmboxError('Unavailable', `image store is locked by ${who} (${path})`, { data: { path } });
        }
        await sleep(Math.min(2 + attempt * 2, 25) + Math.random() * 5);
      }
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Throws Conflict when the lock was broken by another process (this holder was judged dead). */
  async assertHeld(): Promise<void> {
    const seen = await inspect(this.#path);
    if (seen?.holder?.nonce !== this.#nonce) {
      throw new WasmboxError('Conflict', `image store lock ${this.#path} was taken over by another process`);
    }
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    const seen = await inspect(this.#path);
    if (seen?.holder?.nonce === this.#nonce) await unlink(this.#path).catch(ignoreMissing);
  }
}

async function tryCreate(temp: string, path: string, holder: Holder): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
  }
  // Filesystems without hard links: O_EXCL create; a reader may briefly see it empty (then it is judged by age).
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

interface Seen {
  holder: Holder | undefined;
  mtimeMs: number;
  ino: number;
}

async function inspect(path: string): Promise<Seen | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { holder: parseHolder(text), mtimeMs: info.mtimeMs, ino: info.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (Number.isSafeInteger(value.pid) && typeof value.host === 'string' && typeof value.nonce === 'string') return value as Holder;
  } catch {
    // half-written (O_EXCL fallback) or foreign: judged by age only
  }
  return undefined;
}

function isStale(seen: Seen, staleMs: number): boolean {
  if (seen.holder && seen.holder.host === hostname() && !processAlive(seen.holder.pid)) return true;
  return Date.now() - seen.mtimeMs > staleMs;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakLock(path: string, staleIno: number, aside: string): Promise<void> {
  try {
    await rename(path, aside);
  } catch (error) {
    ignoreMissing(error);
    return;
  }
  try {
    if ((await stat(aside)).ino !== staleIno) {
      // We moved a lock taken after our look: put it back unless yet another one exists.
      await link(aside, path).catch(() => undefined);
    }
  } finally {
    await unlink(aside).catch(ignoreMissing);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
