/**
 * vfs path-ops: the path syscalls other than open and rename, with Linux's errno rules and their order
 * (fs/namei.c: filename_create, do_unlinkat, do_rmdir, do_linkat; fs/stat.c; fs/utimes.c).
 *
 * Creating a name (mkdir, symlink, link target) checks, in order: `.`/`..`/`/` -> EEXIST; the name exists (even as a
 * dangling symlink or a mount point) -> EEXIST; a trailing slash on something that is not mkdir -> ENOENT; a read-only
 * filesystem -> EROFS. Removing checks EROFS before existence, as Linux does.
 * Must not: resolve paths itself, or touch a filesystem except through DirNode/VNode methods.
 */
import type { Stat, TimeSpec } from './api.ts';
import { fail } from './errors.ts';
import { checkPath } from './limits.ts';
import type { Namespace } from './mounts.ts';
import { LAST_DOT, LAST_DOTDOT, LAST_NORM, LAST_ROOT, PARENT, resolve, walk, type Walk } from './resolver.ts';
import type { DirNode } from './vnode.ts';

export function statAt(ns: Namespace, start: DirNode, path: string, follow: boolean): Stat {
  return resolve(ns, start, path, follow).stat();
}

// The positional `follow` flags below mirror the Vfs methods of api.ts one to one.
export function setTimesAt(
  ns: Namespace,
  start: DirNode,
  path: string,
  follow: boolean,
  atime: TimeSpec,
  mtime: TimeSpec,
): void {
  const node = resolve(ns, start, path, follow);
  // utimensat(2) with both UTIME_OMIT changes nothing and needs no write access.
  if (atime.kind === 'keep' && mtime.kind === 'keep') return;
  if (node.fs.readonly) fail('EROFS');
  node.setTimes(atime, mtime);
}

/** filename_create: where a new name may go. `wantDir` is mkdir, the only creator that accepts a trailing slash. */
function createTarget(ns: Namespace, start: DirNode, path: string, wantDir: boolean): Walk {
  const w = walk(ns, start, path, PARENT);
  if (w.last !== LAST_NORM || w.node !== null) fail('EEXIST');
  if (w.slash && !wantDir) fail('ENOENT');
  if (w.dir.fs.readonly) fail('EROFS');
  return w;
}

export function mkdirAt(ns: Namespace, start: DirNode, path: string): void {
  const w = createTarget(ns, start, path, true);
  w.dir.mkdir(w.name);
}

export function symlinkAt(ns: Namespace, target: string, start: DirNode, path: string): void {
  checkPath(target); // an empty target is ENOENT, as on Linux
  const w = createTarget(ns, start, path, false);
  w.dir.symlink(w.name, target);
}

/**
 * link(2): `follow` is AT_SYMLINK_FOLLOW for the source. (wasmtime p1 refuses follow with EINVAL; that is the WASI
 * layer's call.)
 */
export function linkAt(
  ns: Namespace,
  fromStart: DirNode,
  fromPath: string,
  follow: boolean,
  toStart: DirNode,
  toPath: string,
): void {
  const source = resolve(ns, fromStart, fromPath, follow);
  const w = createTarget(ns, toStart, toPath, false);
  if (source.fs !== w.dir.fs) fail('EXDEV');
  if (source.type === 'dir') fail('EPERM');
  w.dir.link(w.name, source);
}

export function unlinkAt(ns: Namespace, start: DirNode, path: string): void {
  const w = walk(ns, start, path, PARENT);
  if (w.last !== LAST_NORM) fail('EISDIR');
  if (w.dir.fs.readonly) fail('EROFS');
  const node = w.node;
  if (node === null) fail('ENOENT');
  // A mount point is a directory here, so it gets EISDIR like any directory (Linux checks EISDIR before EBUSY).
  if (node.type === 'dir') fail('EISDIR');
  if (w.slash) fail('ENOTDIR');
  w.dir.unlink(w.name, node);
}

export function rmdirAt(ns: Namespace, start: DirNode, path: string): void {
  const w = walk(ns, start, path, PARENT);
  if (w.last === LAST_DOTDOT) fail('ENOTEMPTY');
  if (w.last === LAST_DOT) fail('EINVAL');
  if (w.last === LAST_ROOT) fail('EBUSY');
  if (w.dir.fs.readonly) fail('EROFS');
  const node = w.node;
  if (node === null) fail('ENOENT');
  if (node.type !== 'dir') fail('ENOTDIR');
  if (ns.mountAt(w.dir, w.name) !== undefined) fail('EBUSY');
  if (!ns.isEmpty(node)) fail('ENOTEMPTY');
  w.dir.rmdir(w.name, node);
}

export function readlinkAt(ns: Namespace, start: DirNode, path: string): string {
  const node = resolve(ns, start, path, false);
  if (node.type !== 'symlink') fail('EINVAL');
  return node.readlink();
}
