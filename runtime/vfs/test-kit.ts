/**
 * vfs test-kit: builders and shorthands shared by the vfs unit tests (layer trees, open options, errno capture).
 *
 * Must not: be imported by non-test code.
 */
import type { ContainerFsSpec, LowerEntry, OpenDir, OpenFile, OpenOptions, WhiteoutEntry } from './api.ts';
import { createContainerFs, type ContainerFs, type ContainerFsDeps } from './container-fs.ts';
import { FsError } from './errors.ts';
import { readAll } from './read-all.ts';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export const file = (content: string, extra: Partial<LowerEntry> = {}): LowerEntry => ({ type: 'file', data: enc(content), ...extra });
export const dir = (children: Record<string, LowerEntry | WhiteoutEntry> = {}, extra: Partial<LowerEntry> = {}): LowerEntry => ({
  type: 'dir',
  children,
  ...extra,
});
export const link = (target: string): LowerEntry => ({ type: 'symlink', target });
export const whiteout: WhiteoutEntry = { type: 'whiteout' };

/** A manual clock: starts at 1_000 s, moves only when told. */
export function manualClock(): { now: () => bigint; advance(ns?: bigint): bigint } {
  let t = 1_000_000_000_000n;
  return { now: () => t, advance: (ns = 1_000_000n) => (t += ns) };
}

export function makeFs(spec: Partial<ContainerFsSpec> = {}, deps: ContainerFsDeps = {}): ContainerFs {
  return createContainerFs({ lowers: [], mounts: [], workdir: '/', quotaBytes: 1 << 30, ...spec }, deps);
}

export function opts(o: Partial<OpenOptions> = {}): OpenOptions {
  return { follow: true, create: false, exclusive: false, truncate: false, directory: false, write: false, ...o };
}

/** The FsError code `fn` throws, or 'OK'. Anything else thrown fails the test. */
export function code(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (e) {
    if (e instanceof FsError) return e.code;
    throw e;
  }
}

export function openFile(vfs: ContainerFs, path: string, o: Partial<OpenOptions> = {}, at: OpenDir = vfs.root()): OpenFile {
  const h = vfs.open(at, path, opts(o));
  if (h.kind !== 'file') throw new Error(`${path} is a directory`);
  return h;
}

export function openDir(vfs: ContainerFs, path: string, at: OpenDir = vfs.root()): OpenDir {
  const h = vfs.open(at, path, opts({ directory: true }));
  if (h.kind !== 'dir') throw new Error(`${path} is not a directory`);
  return h;
}

export function writeFile(vfs: ContainerFs, path: string, content: string | Uint8Array, at?: OpenDir): void {
  const h = openFile(vfs, path, { create: true, truncate: true, write: true }, at);
  h.write(typeof content === 'string' ? enc(content) : content, 0);
  h.close();
}

export function readFile(vfs: ContainerFs, path: string, at?: OpenDir): string {
  const h = openFile(vfs, path, {}, at);
  try {
    return dec(readAll(h));
  } finally {
    h.close();
  }
}

export function names(vfs: ContainerFs, path: string): string[] {
  const d = openDir(vfs, path);
  const out = d.entries().map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
  d.close();
  return out;
}
