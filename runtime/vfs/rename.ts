/**
 * vfs rename: rename(2)'s rules, in Linux's order (fs/namei.c do_renameat2 and vfs_rename):
 *
 * 1. the two parent directories on different filesystems -> EXDEV;
 * 2. `.`, `..` or `/` as either final component -> EBUSY;
 * 3. read-only filesystem -> EROFS; missing source -> ENOENT;
 * 4. a non-directory source with a trailing slash on either side -> ENOTDIR;
 * 5. a directory moved into its own subtree -> EINVAL; a target that is an ancestor of the source -> ENOTEMPTY;
 * 6. source and target the same inode (also two hard links) -> nothing happens, both names stay;
 * 7. directory over non-directory -> ENOTDIR, non-directory over directory -> EISDIR;
 * 8. either name a mount point -> EBUSY; directory over a non-empty directory -> ENOTEMPTY.
 * Must not: resolve paths itself.
 */
import { fail } from './errors.ts';
import type { Namespace } from './mounts.ts';
import { LAST_NORM, PARENT, walk } from './resolver.ts';
import { sameNode, type DirNode, type VNode } from './vnode.ts';

export function renameAt(ns: Namespace, fromStart: DirNode, fromPath: string, toStart: DirNode, toPath: string): void {
  const from = walk(ns, fromStart, fromPath, PARENT);
  const to = walk(ns, toStart, toPath, PARENT);
  if (from.dir.fs !== to.dir.fs) fail('EXDEV');
  if (from.last !== LAST_NORM || to.last !== LAST_NORM) fail('EBUSY');
  if (from.dir.fs.readonly) fail('EROFS');
  const source = from.node;
  if (source === null) fail('ENOENT');
  const target = to.node;
  if (source.type !== 'dir' && (from.slash || to.slash)) fail('ENOTDIR');
  const sourceIsMount = ns.mountAt(from.dir, from.name) !== undefined;
  const targetIsMount = ns.mountAt(to.dir, to.name) !== undefined;
  if (source.type === 'dir' && !sourceIsMount && isWithin(to.dir, source)) fail('EINVAL');
  if (target !== null && target.type === 'dir' && !targetIsMount && isWithin(from.dir, target)) fail('ENOTEMPTY');
  if (target !== null && sameNode(source, target)) return;
  if (target !== null) {
    if (source.type === 'dir' && target.type !== 'dir') fail('ENOTDIR');
    if (source.type !== 'dir' && target.type === 'dir') fail('EISDIR');
  }
  if (sourceIsMount || targetIsMount) fail('EBUSY');
  if (target !== null && target.type === 'dir' && !ns.isEmpty(target)) fail('ENOTEMPTY');
  from.dir.rename(from.name, source, to.dir, to.name, target);
}

/** `dir` is `ancestor` or below it, inside one filesystem. */
function isWithin(dir: DirNode, ancestor: VNode): boolean {
  if (dir.fs !== ancestor.fs) return false;
  for (let d = dir; ; d = d.parent()) {
    if (sameNode(d, ancestor)) return true;
    if (d === d.fs.root) return false;
  }
}
