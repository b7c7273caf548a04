/**
 * vfs container-setup: what happens once, before the guest starts — grafting mounts, making /tmp and the workdir.
 *
 * Mount points and their missing parents are created in the filesystem below when it is an in-memory writable one
 * (the upper layer or a tmpfs: Docker creates them in the container layer too, so they show in diffUpper). Below a
 * read-only or host-backed filesystem nothing is written: the final mount point becomes a synthetic entry (mounts.ts)
 * and a missing parent is ENOENT, so mounting never writes into a host directory. Mount targets are resolved in the
 * container namespace, following symlinks from the container root, as Docker does.
 * Must not: run after the guest has started (these bypass the EROFS checks of the syscall paths).
 */
import { fail } from './errors.ts';
import type { Namespace } from './mounts.ts';
import { FOLLOW, LAST_NORM, walk } from './resolver.ts';
import type { DirNode, Filesystem } from './vnode.ts';

/** The components of an absolute guest path, without `.`; EINVAL for relative paths or `..`. */
export function targetComponents(target: string): string[] {
  if (!target.startsWith('/')) fail('EINVAL');
  const parts = target.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) fail('EINVAL');
  return parts;
}

function writableInMemory(fs: Filesystem): boolean {
  return fs.inMemory && !fs.readonly;
}

/** Grafts `fs` at the absolute path `target` (not `/`), creating the mount point where that writes no host state. */
export function attachMount(ns: Namespace, target: string, fs: Filesystem): void {
  const parts = targetComponents(target);
  if (parts.length === 0) fail('EINVAL');
  let dir = ns.root;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const w = walk(ns, dir, parts[i], FOLLOW);
    if (w.last !== LAST_NORM) fail('EINVAL');
    let node = w.node;
    if (node === null) {
      if (last && !writableInMemory(w.dir.fs)) {
        ns.attach(w.dir, w.name, fs);
        return;
      }
      if (!writableInMemory(w.dir.fs)) fail('ENOENT');
      w.dir.mkdir(w.name);
      node = w.dir.lookup(w.name)!;
    }
    if (node.type !== 'dir') fail('ENOTDIR');
    if (last) ns.attach(w.dir, w.name, fs);
    else dir = node;
  }
}

/** Makes sure `/tmp` exists, world-writable and sticky (1777), when the root filesystem is ours to write. */
export function ensureTmp(ns: Namespace): void {
  const w = walk(ns, ns.root, 'tmp', FOLLOW);
  if (w.node === null && w.last === LAST_NORM && writableInMemory(w.dir.fs)) w.dir.mkdir(w.name, 0o1777);
}

/** mkdir -p of an absolute path through the namespace (Docker creates WorkingDir with its parents). */
export function makeDirs(ns: Namespace, path: string): void {
  let dir: DirNode = ns.root;
  for (const part of targetComponents(path)) {
    const w = walk(ns, dir, part, FOLLOW);
    let node = w.node;
    if (node === null) {
      if (w.dir.fs.readonly) fail('EROFS');
      w.dir.mkdir(w.name);
      node = w.dir.lookup(w.name);
      if (node === null) fail('ENOENT');
    }
    if (node.type !== 'dir') fail('ENOTDIR');
    dir = node;
  }
}
