/**
 * vfs dir-handle: an open directory, for any filesystem, as the namespace shows it (`..` across mounts, synthetic
 * mount points listed).
 *
 * A handle is also the `at` of path operations; `dirOf` turns it back into a node and refuses handles that are closed
 * or belong to another container's VFS (EBADF), so one container can never walk another's tree.
 * Must not: cache entries (each `entries()` call is a fresh snapshot; the WASI layer keeps it for cookies).
 */
import type { DirEntry, OpenDir, Stat, TimeSpec } from './api.ts';
import { fail } from './errors.ts';
import type { Namespace } from './mounts.ts';
import type { DirNode } from './vnode.ts';

export class DirHandle implements OpenDir {
  readonly kind = 'dir';
  private closed = false;

  constructor(
    readonly ns: Namespace,
    readonly node: DirNode,
  ) {}

  entries(): DirEntry[] {
    this.live();
    const dot: DirEntry = { name: '.', ino: this.node.ino, type: 'dir' };
    const dotdot: DirEntry = { name: '..', ino: this.ns.parentOf(this.node).ino, type: 'dir' };
    return [dot, dotdot, ...this.ns.list(this.node)];
  }

  stat(): Stat {
    this.live();
    return this.node.stat();
  }

  setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    this.live();
    if (atime.kind === 'keep' && mtime.kind === 'keep') return;
    if (this.node.fs.readonly) fail('EROFS');
    this.node.setTimes(atime, mtime);
  }

  close(): void {
    this.live();
    this.closed = true;
  }

  isOpen(): boolean {
    return !this.closed;
  }

  private live(): void {
    if (this.closed) fail('EBADF');
  }
}

/** The directory node behind `at`, which must be an open handle of namespace `ns`. */
export function dirOf(ns: Namespace, at: OpenDir): DirNode {
  if (!(at instanceof DirHandle) || at.ns !== ns || !at.isOpen()) fail('EBADF');
  return at.node;
}
