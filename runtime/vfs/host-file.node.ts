/**
 * vfs host-file (Node): an open regular file in a bind-mounted host directory, backed by a real descriptor.
 *
 * Reads and writes are positional (pread/pwrite through fs.readSync/writeSync), so the handle has no cursor of its own
 * and an unlinked file keeps working until closed. The descriptor was opened and verified by host-dir.node.ts.
 * Must not: open anything by path.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, futimesSync, readSync, writeSync } from 'node:fs';
import type { OpenFile, Stat, TimeSpec } from './api.ts';
import { fail } from './errors.ts';
import { hostError, hostStat, hostTime } from './host-util.node.ts';
import { MAX_FILE_BYTES } from './limits.ts';

export class HostFileHandle implements OpenFile {
  readonly kind = 'file';
  readonly type = 'file';
  private fd: number;

  constructor(
    fd: number,
    private readonly dev: number,
    private readonly readonlyFs: boolean,
    private readonly writable: boolean,
  ) {
    this.fd = fd;
  }

  private live(): number {
    if (this.fd < 0) fail('EBADF');
    return this.fd;
  }

  read(dst: Uint8Array, position: number): number {
    const fd = this.live();
    try {
      return readSync(fd, dst, 0, dst.length, position);
    } catch (e) {
      throw hostError(e);
    }
  }

  write(src: Uint8Array, position: number): number {
    const fd = this.live();
    if (!this.writable) fail('EBADF');
    if (position + src.length > MAX_FILE_BYTES) fail('EFBIG');
    try {
      for (let done = 0; done < src.length; ) done += writeSync(fd, src, done, src.length - done, position + done);
    } catch (e) {
      throw hostError(e);
    }
    return src.length;
  }

  size(): number {
    const fd = this.live();
    try {
      return fstatSync(fd).size;
    } catch (e) {
      throw hostError(e);
    }
  }

  truncate(size: number): void {
    const fd = this.live();
    if (!this.writable) fail('EBADF');
    if (size > MAX_FILE_BYTES) fail('EFBIG');
    try {
      ftruncateSync(fd, size);
    } catch (e) {
      throw hostError(e);
    }
  }

  stat(): Stat {
    const fd = this.live();
    try {
      return hostStat(this.dev, fstatSync(fd, { bigint: true }));
    } catch (e) {
      throw hostError(e);
    }
  }

  setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    const fd = this.live();
    if (atime.kind === 'keep' && mtime.kind === 'keep') return;
    if (this.readonlyFs) fail('EROFS');
    try {
      const st = fstatSync(fd, { bigint: true });
      futimesSync(fd, hostTime(atime, st.atimeNs), hostTime(mtime, st.mtimeNs));
    } catch (e) {
      throw hostError(e);
    }
  }

  sync(): void {
    const fd = this.live();
    try {
      fsyncSync(fd);
    } catch (e) {
      throw hostError(e);
    }
  }

  close(): void {
    const fd = this.live();
    this.fd = -1;
    try {
      closeSync(fd);
    } catch (e) {
      throw hostError(e);
    }
  }
}
