/**
 * vfs resolver: the one path walker every VFS operation uses (api.ts "Path rules"; Linux namei).
 *
 * - Components are looked up one at a time through the namespace, so mounts are crossed and `..` leaves a mount
 *   root to the directory holding the mount point; `..` at the container root stays at the root.
 * - Symlinks are expanded here, in the guest's namespace: a relative target continues from the link's directory, an
 *   absolute one from the container root. A host directory never sees a path with more than one component, so a
 *   symlink planted in a bind mount cannot point the host kernel anywhere.
 * - More than 40 symlinks in one resolution: ELOOP. A component over 255 bytes or a path of 4096 bytes or more:
 *   ENAMETOOLONG. A middle component that is not a directory: ENOTDIR.
 * - The final component is followed per `mode`: FOLLOW (symlink_follow), NOFOLLOW (follows only with a trailing
 *   slash, as Linux lookup does), PARENT (never: unlink, rmdir, rename, mkdir, symlink and link targets act on the
 *   name itself).
 * Must not: apply operation-specific errno rules (the ops modules do), or mutate anything.
 */
import { fail } from './errors.ts';
import { checkName, checkPath, MAX_SYMLINK_HOPS } from './limits.ts';
import type { Namespace } from './mounts.ts';
import type { DirNode, SymlinkNode, VNode } from './vnode.ts';

export const FOLLOW = 2;
export const NOFOLLOW = 1;
export const PARENT = 0;

/** Linux's `last_type`: what the final component was. */
export const LAST_NORM = 0;
export const LAST_DOT = 1;
export const LAST_DOTDOT = 2;
export const LAST_ROOT = 3;

export interface Walk {
  /** The directory holding the final component (for `.`, `..` and `/`: the directory they name). */
  dir: DirNode;
  /** The final component ('' for the root). */
  name: string;
  /** LAST_NORM, LAST_DOT, LAST_DOTDOT or LAST_ROOT. */
  last: number;
  /** The path ended with `/`: the final component must be a directory. */
  slash: boolean;
  /** The final node (a mount's root where one is grafted), or null if the name does not exist. */
  node: VNode | null;
}

const SLASH = 47;
const DOT = 46;

export function walk(ns: Namespace, start: DirNode, path: string, mode: number): Walk {
  checkPath(path);
  let dir = path.charCodeAt(0) === SLASH ? ns.root : start;
  let n = path.length;
  let i = 0;
  let hops = 0;
  for (;;) {
    while (i < n && path.charCodeAt(i) === SLASH) i++;
    if (i === n) return { dir, name: '', last: LAST_ROOT, slash: true, node: dir };
    let j = path.indexOf('/', i);
    if (j < 0) j = n;
    let k = j;
    while (k < n && path.charCodeAt(k) === SLASH) k++;
    const isLast = k === n;
    const slash = j < n;
    const len = j - i;
    if (path.charCodeAt(i) === DOT && (len === 1 || (len === 2 && path.charCodeAt(i + 1) === DOT))) {
      if (len === 1) {
        if (isLast) return { dir, name: '.', last: LAST_DOT, slash, node: dir };
      } else {
        dir = ns.parentOf(dir);
        if (isLast) return { dir, name: '..', last: LAST_DOTDOT, slash, node: dir };
      }
      i = k;
      continue;
    }
    const name = len === n ? path : path.slice(i, j);
    checkName(name);
    const node = ns.lookup(dir, name);
    if (isLast) {
      if (node === null || node.type !== 'symlink' || mode === PARENT || (mode === NOFOLLOW && !slash)) {
        return { dir, name, last: LAST_NORM, slash, node };
      }
    } else if (node === null) {
      fail('ENOENT');
    } else if (node.type === 'dir') {
      dir = node;
      i = k;
      continue;
    } else if (node.type !== 'symlink') {
      fail('ENOTDIR');
    }
    // A symlink to expand: splice its target in front of the rest of the path and walk on.
    if (++hops > MAX_SYMLINK_HOPS) fail('ELOOP');
    const target = (node as SymlinkNode).readlink();
    if (target.length === 0) fail('ENOENT');
    path = isLast ? (slash ? target + '/' : target) : target + path.slice(j);
    n = path.length;
    i = 0;
    if (target.charCodeAt(0) === SLASH) dir = ns.root;
  }
}

/** The node `path` names, which must exist (ENOENT); with a trailing slash it must be a directory (ENOTDIR). */
export function resolve(ns: Namespace, start: DirNode, path: string, follow: boolean): VNode {
  const w = walk(ns, start, path, follow ? FOLLOW : NOFOLLOW);
  const node = w.node;
  if (node === null) fail('ENOENT');
  if (w.slash && node.type !== 'dir') fail('ENOTDIR');
  return node;
}
