/**
 * vfs memory-dir: an in-memory directory (a Map of children), overlaying lower layers lazily.
 *
 * A directory that exists in the lower layers starts unmaterialized: it knows only its lower copies (`lowerDirs`,
 * topmost first). The first time anything looks at its entries, the merged lower view (`overlay.ts`) becomes child
 * nodes that point into the lower trees without copying data; from then on the Map is the truth and the lower trees
 * are only read again by diffUpper. Untouched subtrees of a large image therefore cost nothing.
 * Link counts follow POSIX: a directory has 2 + its subdirectories.
 * Must not: check POSIX preconditions (the namespace layer does), or write into a lower tree.
 */
import type { DirEntry, LowerEntry, OpenFile } from './api.ts';
import { fail } from './errors.ts';
import type { MemFs } from './memory-fs.ts';
import { MemFile } from './memory-file.ts';
import { MemDevice, MemNode, MemSymlink } from './memory-node.ts';
import { mergeLowerChildren, type LowerMerge } from './overlay.ts';
import type { DirNode, VNode } from './vnode.ts';

const NO_LOWERS: readonly LowerEntry[] = Object.freeze([]);

export class MemDir extends MemNode implements DirNode {
  readonly type = 'dir';
  private readonly children = new Map<string, MemNode>();
  private materialized: boolean;
  /** Set by rmdir: a removed directory accepts no new entries (ENOENT, as Linux's IS_DEADDIR). */
  removed = false;

  constructor(
    fs: MemFs,
    ino: number,
    mode: number,
    timeNs: bigint,
    public parentDir: MemDir | null,
    /** This directory's copies in the lower layers, topmost first; empty for directories made in the container. */
    readonly lowerDirs: readonly LowerEntry[] = NO_LOWERS,
  ) {
    super(fs, ino, mode, timeNs, lowerDirs.length > 0 ? lowerDirs[0] : null);
    this.nlink = 2;
    this.materialized = lowerDirs.length === 0;
  }

  /** The children Map, materialized. For this filesystem's own modules (diffUpper); others use the DirNode API. */
  entries(): ReadonlyMap<string, MemNode> {
    if (!this.materialized) this.materialize();
    return this.children;
  }

  /** False while the directory is exactly its lower copies (diffUpper skips it). */
  isMaterialized(): boolean {
    return this.materialized;
  }

  byteSize(): number {
    return 4096;
  }

  override stat() {
    if (!this.materialized) this.materialize(); // nlink counts subdirectories
    return super.stat();
  }

  parent(): DirNode {
    return this.parentDir ?? this;
  }

  lookup(name: string): VNode | null {
    if (!this.materialized) this.materialize();
    return (this.children.get(name) as VNode | undefined) ?? null;
  }

  list(): DirEntry[] {
    const out: DirEntry[] = [];
    for (const [name, node] of this.entries()) out.push({ name, ino: node.ino, type: node.type });
    return out;
  }

  isEmpty(): boolean {
    return this.entries().size === 0;
  }

  createFile(name: string, write: boolean): OpenFile {
    const file = new MemFile(this.fs, this.fs.allocIno(), 0o644, this.fs.now(), null);
    this.add(name, file);
    return file.open(write, false);
  }

  mkdir(name: string, mode = 0o755): void {
    this.add(name, new MemDir(this.fs, this.fs.allocIno(), mode, this.fs.now(), this));
    this.nlink++;
  }

  symlink(name: string, target: string): void {
    this.add(name, new MemSymlink(this.fs, this.fs.allocIno(), this.fs.now(), target, null));
  }

  /** /dev is built with this; guests cannot create devices (WASI has no mknod). */
  mknod(name: string, device: MemDevice['device'], mode: number): void {
    this.add(name, new MemDevice(this.fs, this.fs.allocIno(), mode, this.fs.now(), device, null));
  }

  link(name: string, node: VNode): void {
    const target = node as unknown as MemNode;
    this.add(name, target);
    target.linksChanged(1);
  }

  unlink(name: string, node: VNode): void {
    const target = node as unknown as MemNode;
    this.children.delete(name);
    this.changed();
    dropLink(target);
  }

  rmdir(name: string, node: DirNode): void {
    const dir = node as MemDir;
    this.children.delete(name);
    this.nlink--;
    this.changed();
    dir.removed = true;
    dir.nlink = 0;
    dir.ctimeNs = this.mtimeNs;
  }

  rename(name: string, node: VNode, to: DirNode, toName: string, replaced: VNode | null): void {
    const dest = to as MemDir;
    if (dest.removed) fail('ENOENT');
    const moving = node as unknown as MemNode;
    if (replaced !== null) {
      if (replaced.type === 'dir') {
        const gone = replaced as MemDir;
        gone.removed = true;
        gone.nlink = 0;
        dest.nlink--;
      } else dropLink(replaced as unknown as MemNode);
    }
    this.children.delete(name);
    dest.entries();
    dest.children.set(toName, moving);
    if (moving instanceof MemDir && dest !== this) {
      this.nlink--;
      dest.nlink++;
      moving.parentDir = dest;
    }
    moving.ctimeNs = this.fs.now();
    this.changed();
    if (dest !== this) dest.changed();
  }

  private add(name: string, node: MemNode): void {
    if (this.removed) fail('ENOENT');
    if (!this.materialized) this.materialize();
    this.children.set(name, node);
    this.changed();
  }

  /** An entry was added or removed: POSIX marks the directory's mtime and ctime. */
  private changed(): void {
    const now = this.fs.now();
    this.mtimeNs = now;
    this.ctimeNs = now;
  }

  private materialize(): void {
    this.materialized = true;
    let subdirs = 0;
    for (const [name, merged] of mergeLowerChildren(this.lowerDirs)) {
      const node = this.fromLower(merged);
      if (node.type === 'dir') subdirs++;
      this.children.set(name, node);
    }
    this.nlink = 2 + subdirs;
  }

  private fromLower(merged: LowerMerge): MemNode {
    const fs = this.fs;
    if (Array.isArray(merged)) {
      // A copy without mode/mtime (a parent an image layer implied but did not list) keeps the lower copy's.
      return new MemDir(fs, fs.allocIno(), firstMode(merged) ?? 0o755, firstMtime(merged) ?? 0n, this, merged);
    }
    const t = merged.mtimeNs ?? 0n;
    switch (merged.type) {
      case 'file':
        return new MemFile(fs, fs.allocIno(), merged.mode ?? 0o644, t, merged);
      case 'symlink':
        return new MemSymlink(fs, fs.allocIno(), t, merged.target ?? '', merged);
      default:
        return new MemDevice(fs, fs.allocIno(), merged.mode ?? 0o644, t, 'none', merged);
    }
  }
}

/** One name of a non-directory is gone; the last one (with no open handle) frees its bytes. */
function dropLink(node: MemNode): void {
  node.linksChanged(-1);
  if (node instanceof MemFile) node.maybeRelease();
}

/** The topmost stated mode of a directory's lower copies (topmost first); undefined when none states one. */
export function firstMode(copies: readonly LowerEntry[]): number | undefined {
  for (const copy of copies) if (copy.mode !== undefined) return copy.mode;
  return undefined;
}

/** The topmost stated mtime of a directory's lower copies; undefined when none states one. */
export function firstMtime(copies: readonly LowerEntry[]): bigint | undefined {
  for (const copy of copies) if (copy.mtimeNs !== undefined) return copy.mtimeNs;
  return undefined;
}
