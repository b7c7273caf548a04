/**
 * vfs device-handle: open character devices — /dev/null (reads EOF, swallows writes), /dev/zero (reads zeros) and
 * /dev/urandom (reads crypto.getRandomValues).
 *
 * `none` is a device node that came from an image layer: the VFS has no driver for it, so opening it is refused with
 * EACCES, as Linux does on a `nodev` mount. Must not: keep state between containers (the scratch buffer for random
 * bytes belongs to the handle).
 */
import type { OpenFile, Stat, TimeSpec } from './api.ts';
import { fail } from './errors.ts';

export type DeviceKind = 'null' | 'zero' | 'urandom' | 'none';

/** The node side a device handle needs. */
export interface DeviceNode {
  readonly fs: { readonly readonly: boolean };
  readonly device: DeviceKind;
  stat(): Stat;
  setTimes(atime: TimeSpec, mtime: TimeSpec): void;
}

/** getRandomValues takes at most 64 KiB per call, and refuses views of shared memory (a threaded guest's memory). */
const RANDOM_CHUNK = 65536;

export class DeviceHandle implements OpenFile {
  readonly kind = 'file';
  readonly type = 'chardev';
  private node: DeviceNode | null;
  private scratch: Uint8Array<ArrayBuffer> | null = null;

  constructor(
    node: DeviceNode,
    private readonly writable: boolean,
  ) {
    if (node.device === 'none') fail('EACCES');
    this.node = node;
  }

  private live(): DeviceNode {
    if (this.node === null) fail('EBADF');
    return this.node;
  }

  read(dst: Uint8Array, _position: number): number {
    const device = this.live().device;
    if (device === 'null') return 0;
    if (device === 'zero') {
      dst.fill(0);
      return dst.length;
    }
    const scratch = (this.scratch ??= new Uint8Array(RANDOM_CHUNK));
    for (let off = 0; off < dst.length; off += RANDOM_CHUNK) {
      const n = Math.min(RANDOM_CHUNK, dst.length - off);
      const chunk = n === RANDOM_CHUNK ? scratch : scratch.subarray(0, n);
      crypto.getRandomValues(chunk);
      dst.set(chunk, off);
    }
    return dst.length;
  }

  write(src: Uint8Array, _position: number): number {
    this.live();
    if (!this.writable) fail('EBADF');
    return src.length;
  }

  size(): number {
    this.live();
    return 0;
  }

  truncate(_size: number): void {
    this.live();
    // Linux ftruncate(2) on a character device: EINVAL.
    fail('EINVAL');
  }

  stat(): Stat {
    return this.live().stat();
  }

  setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    const node = this.live();
    if (node.fs.readonly) fail('EROFS');
    node.setTimes(atime, mtime);
  }

  sync(): void {
    this.live();
  }

  close(): void {
    this.live();
    this.node = null;
  }
}
