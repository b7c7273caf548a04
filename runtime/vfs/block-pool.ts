/**
 * vfs block-pool: 64 KiB file blocks kept for reuse by the next container of the same worker.
 *
 * Why: a fresh block costs a page fault per 4 KiB page on first touch (~15 µs in a VM), and Chromium returns freed
 * ArrayBuffer memory to the system, so every container that writes a 16 MiB file paid ~4,000 faults again. Blocks a
 * container leaves behind (its files when it ends, truncated or deleted files) come back here and are handed out
 * zeroed (the FileData invariant: bytes past a file's end are zero). Bounded: beyond `maxBytes` they go to the GC.
 * Must not: hand a block to two owners (a block is given back only by the file that owned it, once).
 */
import { BLOCK } from './file-data.ts';

export class BlockPool {
  private readonly free: Uint8Array[] = [];

  constructor(private readonly maxBytes = 32 << 20) {}

  /** A zeroed block, or undefined when none is kept. */
  take(): Uint8Array | undefined {
    const block = this.free.pop();
    block?.fill(0);
    return block;
  }

  /** Keeps a whole block its owner no longer uses (others are ignored). */
  give(block: Uint8Array): void {
    if (block.byteLength !== BLOCK || block.byteOffset !== 0 || block.buffer.byteLength !== BLOCK) return;
    if ((this.free.length + 1) * BLOCK > this.maxBytes) return;
    this.free.push(block);
  }

  /** Bytes kept (tests, accounting). */
  keptBytes(): number {
    return this.free.length * BLOCK;
  }
}
