/**
 * vfs layer-files (Node): reads `FileExtent`s of unpacked layer files with pread, so an image's file bytes stay on
 * disk (in the page cache, shared by every container and process) until a guest reads them.
 *
 * Descriptors are opened on first use and kept (a few per image, at most `maxOpen`; the least recently used is closed
 * beyond that), because opening a file per read would cost more than the read. Layer files are immutable and named by
 * digest, so an open descriptor never sees other bytes; one removed by `image prune` stays readable while open.
 * Sources come from lower trees the engine built (never from a guest), so no path policy applies here.
 * Descriptors a worker opened are closed by Node when that worker ends, even when the host terminates it (kill,
 * timeout), so a killed container leaks none (test/engine/disk-layers.test.ts holds Node to it).
 * Must not: write, or follow anything but the engine's own paths.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import type { LayerFileReader } from './api.ts';
import { hostError } from './host-util.node.ts';

export class NodeLayerFiles implements LayerFileReader {
  /** Open descriptors by source path, least recently used first. */
  private readonly fds = new Map<string, number>();

  constructor(private readonly maxOpen = 64) {}

  read(source: string, dst: Uint8Array, position: number): number {
    const fd = this.fd(source);
    try {
      return readSync(fd, dst, 0, dst.length, position);
    } catch (error) {
      throw hostError(error);
    }
  }

  /** Closes every descriptor (a worker calls this when it retires; the engine when it closes). */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(source: string): number {
    let fd = this.fds.get(source);
    if (fd !== undefined) {
      this.fds.delete(source); // refresh its place
      this.fds.set(source, fd);
      return fd;
    }
    try {
      fd = openSync(source, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      throw hostError(error);
    }
    this.fds.set(source, fd);
    if (this.fds.size > this.maxOpen) {
      const [oldest, oldFd] = this.fds.entries().next().value!;
      this.fds.delete(oldest);
      closeSync(oldFd);
    }
    return fd;
  }
}
