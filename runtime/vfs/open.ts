/**
 * vfs open: path_open's rules, to the errno (Linux open(2) / do_open; wasmtime where WASI differs).
 *
 * - wasmtime p2 `open_at`: `directory` together with create, exclusive or truncate -> EINVAL.
 * - create + exclusive on any existing name, even a dangling symlink -> EEXIST (O_EXCL never follows).
 * - create through a dangling symlink (follow, not exclusive) creates the link's target, as Linux does (the target's
 *   parent must exist). wasmtime resolves through cap-std, which refuses only targets that leave the preopen; here a
 *   target cannot leave the container namespace, so Linux's rule is used. Not checked against a wasmtime run: if a
 *   conformance test disagrees, the WASI layer can refuse before calling open.
 * - create on `.`, `/` or a path ending in `/` -> EISDIR (Linux open_last_lookups); create on a directory -> EISDIR.
 * - a symlink as final component with nofollow -> ELOOP; with `directory` -> ENOTDIR (Linux checks O_DIRECTORY first).
 * - `directory` on a non-directory -> ENOTDIR; a directory opened with write or truncate -> EISDIR.
 * - write/truncate of a regular file on a read-only filesystem -> EROFS; devices stay writable (Linux sb_permission).
 * Must not: resolve paths itself (resolver.ts does).
 */
import type { OpenDir, OpenFile, OpenOptions } from './api.ts';
import { DirHandle } from './dir-handle.ts';
import { fail } from './errors.ts';
import type { Namespace } from './mounts.ts';
import { FOLLOW, LAST_NORM, NOFOLLOW, PARENT, walk } from './resolver.ts';
import type { DirNode, VNode } from './vnode.ts';

export function openAt(ns: Namespace, start: DirNode, path: string, o: OpenOptions): OpenFile | OpenDir {
  if (o.directory && (o.create || o.exclusive || o.truncate)) fail('EINVAL');
  if (!o.create) {
    const w = walk(ns, start, path, o.follow ? FOLLOW : NOFOLLOW);
    const node = w.node;
    if (node === null) fail('ENOENT');
    if (w.slash && node.type !== 'dir') fail('ENOTDIR');
    return openNode(ns, node, o);
  }
  const w = walk(ns, start, path, o.follow && !o.exclusive ? FOLLOW : PARENT);
  if (w.last !== LAST_NORM) fail(o.exclusive ? 'EEXIST' : 'EISDIR');
  if (w.slash) fail('EISDIR');
  const node = w.node;
  if (node !== null) {
    if (o.exclusive) fail('EEXIST');
    if (node.type === 'dir') fail('EISDIR');
    return openNode(ns, node, o);
  }
  if (w.dir.fs.readonly) fail('EROFS');
  return w.dir.createFile(w.name, o.write);
}

function openNode(ns: Namespace, node: VNode, o: OpenOptions): OpenFile | OpenDir {
  if (node.type === 'symlink') fail(o.directory ? 'ENOTDIR' : 'ELOOP');
  if (node.type === 'dir') {
    if (o.write || o.truncate) fail('EISDIR');
    return new DirHandle(ns, node);
  }
  if (o.directory) fail('ENOTDIR');
  const isFile = node.type === 'file';
  if (isFile && (o.write || o.truncate) && node.fs.readonly) fail('EROFS');
  return node.open(o.write, isFile && o.truncate);
}
