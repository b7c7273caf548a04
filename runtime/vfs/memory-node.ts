/**
 * vfs memory-node: what every in-memory inode has (times, mode, link count, its lower-layer origin), plus the two
 * small kinds: symlinks and character devices. Files are in `memory-file.ts`, directories in `memory-dir.ts`.
 *
 * Ownership: a node belongs to one `MemFs`; its `ino` comes from that filesystem's counter. `origin` points into a
 * lower layer tree, which is shared between containers and never written.
 * Must not: resolve paths or check POSIX preconditions (the namespace layer does).
 */
import type { FileType, LowerEntry, OpenFile, Stat, TimeSpec } from './api.ts';
import { applyTime } from './clock.ts';
import { DeviceHandle, type DeviceKind } from './device-handle.ts';
import { utf8Length } from './limits.ts';
import type { MemFs } from './memory-fs.ts';

export abstract class MemNode {
  abstract readonly type: FileType;
  nlink = 1;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Data or metadata changed since the node came from `origin`: diffUpper must emit it. */
  dirty = false;

  constructor(
    readonly fs: MemFs,
    readonly ino: number,
    public mode: number,
    timeNs: bigint,
    /** The lower-layer entry this node was made from; null for nodes created in the container. */
    readonly origin: LowerEntry | null,
  ) {
    this.atimeNs = timeNs;
    this.mtimeNs = timeNs;
    this.ctimeNs = timeNs;
  }

  /** Stat.size. */
  abstract byteSize(): number;

  stat(): Stat {
    return {
      dev: this.fs.dev,
      ino: this.ino,
      type: this.type,
      nlink: this.nlink,
      size: this.byteSize(),
      mode: this.mode,
      atimeNs: this.atimeNs,
      mtimeNs: this.mtimeNs,
      ctimeNs: this.ctimeNs,
    };
  }

  setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    const now = this.fs.now();
    this.atimeNs = applyTime(atime, this.atimeNs, now);
    this.mtimeNs = applyTime(mtime, this.mtimeNs, now);
    this.ctimeNs = now;
    this.dirty = true;
  }

  /** A link count change: POSIX marks ctime. */
  linksChanged(delta: number): void {
    this.nlink += delta;
    this.ctimeNs = this.fs.now();
  }
}

export class MemSymlink extends MemNode {
  readonly type = 'symlink';

  constructor(fs: MemFs, ino: number, timeNs: bigint, readonly target: string, origin: LowerEntry | null) {
    super(fs, ino, 0o777, timeNs, origin);
  }

  byteSize(): number {
    return utf8Length(this.target);
  }

  readlink(): string {
    return this.target;
  }
}

export class MemDevice extends MemNode {
  readonly type = 'chardev';

  constructor(
    fs: MemFs,
    ino: number,
    mode: number,
    timeNs: bigint,
    readonly device: DeviceKind,
    origin: LowerEntry | null,
  ) {
    super(fs, ino, mode, timeNs, origin);
  }

  byteSize(): number {
    return 0;
  }

  open(write: boolean, _truncate: boolean): OpenFile {
    return new DeviceHandle(this, write);
  }
}
