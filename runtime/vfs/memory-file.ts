/**
 * vfs memory-file: a regular file held in memory, and its open handle.
 *
 * The bytes live in `FileData` (file-data.ts: 64 KiB blocks, copy-on-write over the lower layer's array). This
 * module adds what POSIX and the container add around them: EFBIG, the quota (charged before any byte changes, so a
 * refused write leaves the file as it was), timestamps, link and open counts. The quota counts memory held (blocks
 * written, as `du` counts allocated blocks), so a sparse file costs what was written and a changed lower file only
 * the blocks copied up.
 * Must not: check POSIX preconditions or EROFS on open (the namespace does).
 */
import type { LowerEntry, OpenFile, Stat, TimeSpec } from './api.ts';
import { fail } from './errors.ts';
import { FileData } from './file-data.ts';
import { MAX_FILE_BYTES } from './limits.ts';
import { MemNode } from './memory-node.ts';
import type { MemFs } from './memory-fs.ts';

export class MemFile extends MemNode {
  readonly type = 'file';
  readonly data: FileData;
  /** Open handles: an unlinked file keeps its bytes (and its quota) until the last one closes. */
  openCount = 0;

  constructor(fs: MemFs, ino: number, mode: number, timeNs: bigint, origin: LowerEntry | null) {
    super(fs, ino, mode, timeNs, origin);
    this.data = new FileData(origin?.data ?? null, fs.layerFiles, fs.blockPool);
  }

  byteSize(): number {
    return this.data.size;
  }

  open(write: boolean, truncate: boolean): OpenFile {
    if (truncate) this.truncate(0);
    return new MemFileHandle(this, write);
  }

  read(dst: Uint8Array, position: number): number {
    const size = this.data.size;
    if (position >= size) return 0;
    let n = size - position;
    if (n > dst.length) n = dst.length;
    this.data.read(dst, position, n);
    // relatime (Linux's default): atime moves only when it is not newer than mtime/ctime.
    if (this.atimeNs <= this.mtimeNs || this.atimeNs <= this.ctimeNs) this.atimeNs = this.fs.now();
    return n;
  }

  write(src: Uint8Array, position: number): number {
    const len = src.length;
    if (len === 0) return 0;
    const end = position + len;
    if (end > MAX_FILE_BYTES) fail('EFBIG');
    const before = this.charged();
    const after = this.data.heldBytesAfterWrite(position, len);
    this.chargeTo(after);
    try {
      this.data.write(src, position);
    } catch (e) {
      // Out of memory: nothing was written; charge what the file holds now.
      this.fs.quota.release(after - before);
      throw e;
    }
    this.modified();
    return len;
  }

  truncate(newSize: number): void {
    if (newSize > MAX_FILE_BYTES) fail('EFBIG');
    this.chargeTo(this.data.heldBytesAfterTruncate(newSize));
    this.data.truncate(newSize);
    this.modified();
  }

  /** Called when a name or a handle goes away: the last one frees the bytes. */
  maybeRelease(): void {
    if (this.nlink > 0 || this.openCount > 0) return;
    this.fs.quota.release(this.charged());
    this.data.clear();
  }

  /** Bytes this file holds against the quota: blocks it owns, none while it shares the lower layer's bytes. */
  private charged(): number {
    return this.data.isShared() ? 0 : this.data.heldBytes();
  }

  /** Moves the charge to `bytes` (a lower file's first change charges its whole copy-up); ENOSPC changes nothing. */
  private chargeTo(bytes: number): void {
    const delta = bytes - this.charged();
    if (delta > 0) this.fs.quota.charge(delta);
    else if (delta < 0) this.fs.quota.release(-delta);
  }

  private modified(): void {
    const now = this.fs.now();
    this.mtimeNs = now;
    this.ctimeNs = now;
    this.dirty = true;
  }
}

export class MemFileHandle implements OpenFile {
  readonly kind = 'file';
  readonly type = 'file';
  private file: MemFile | null;

  constructor(
    file: MemFile,
    private readonly writable: boolean,
  ) {
    this.file = file;
    file.openCount++;
  }

  read(dst: Uint8Array, position: number): number {
    const file = this.file;
    if (file === null) fail('EBADF');
    return file.read(dst, position);
  }

  write(src: Uint8Array, position: number): number {
    const file = this.file;
    if (file === null || !this.writable) fail('EBADF');
    return file.write(src, position);
  }

  size(): number {
    const file = this.file;
    if (file === null) fail('EBADF');
    return file.data.size;
  }

  truncate(size: number): void {
    const file = this.file;
    if (file === null || !this.writable) fail('EBADF');
    file.truncate(size);
  }

  stat(): Stat {
    const file = this.file;
    if (file === null) fail('EBADF');
    return file.stat();
  }

  setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    const file = this.file;
    if (file === null) fail('EBADF');
    if (file.fs.readonly) fail('EROFS');
    file.setTimes(atime, mtime);
  }

  sync(): void {
    if (this.file === null) fail('EBADF');
  }

  close(): void {
    const file = this.file;
    if (file === null) fail('EBADF');
    this.file = null;
    file.openCount--;
    file.maybeRelease();
  }
}
