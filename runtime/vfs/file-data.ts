/**
 * vfs file-data: the bytes of one in-memory file, in 64 KiB blocks. This is the hot path of the VFS.
 *
 * Why blocks and not one growing array: growing a contiguous array copies the file again at every doubling, and in
 * a VM every first touch of fresh memory is a page fault (measured ~15 µs per 4 KiB page here), so a 256 MiB file
 * built by appends touched ~512 MiB. Blocks are written once and never move; 64 KiB stays under malloc's mmap
 * threshold, so freed blocks are reused without new page faults. Appends are O(1), nothing is ever copied twice.
 * - Block i holds bytes [i*BLOCK, (i+1)*BLOCK). A missing block is a hole and reads as zeros (sparse files).
 * - Block 0 of a small file grows geometrically up to BLOCK, so 10k tiny files do not take 64 KiB each.
 * - Every byte of a block past the file size is zero, so growing the file never has to clear memory.
 * - Lower-layer bytes (`lower`) are read in place until the first change; then the blocks become views into the
 *   lower array, and a view is copied only when that block is written (copy-on-write per block). Views are never
 *   written: a block whose buffer is the lower array's buffer is always replaced before a write.
 * Reads copy straight from the block (`dst.set(subarray)`); a read or write inside one block allocates nothing but
 * that view. A write allocates every block it needs before copying a byte, so a failed allocation (ENOSPC) leaves the
 * file unchanged.
 * - Lower bytes kept outside memory (`FileExtent`, read through a `LayerFileReader`: an unpacked layer on disk) are
 *   read on demand while unchanged; the first change copies the file up whole into owned blocks, as overlayfs copies
 *   up a file (a truncation copies only what it keeps), so the quota charges the copy.
 * Must not: know about quota, times or errno rules other than ENOSPC for memory exhaustion.
 */
import type { FileExtent, LayerFileReader } from './api.ts';
import type { BlockPool } from './block-pool.ts';
import { fail } from './errors.ts';

export const BLOCK = 65536;
const FIRST_MIN = 64;

export class FileData {
  size: number;
  private blocks: (Uint8Array | undefined)[] = [];
  /** The lower layer's bytes while nothing was changed (then `blocks` is unused). */
  private lower: Uint8Array | null;
  /** Blocks on this buffer are views into the lower array: read-only. */
  private lowerBuffer: ArrayBufferLike | null = null;
  /** The lower layer's bytes on disk while nothing was changed (then `blocks` is unused). */
  private extent: FileExtent | null = null;
  /** Blocks this file owns (holes and views into the lower array own nothing): what it costs in memory. */
  private owned = 0;

  /** `reader` is needed only when `lower` is an extent; `pool` lends and takes back whole blocks (block-pool.ts). */
  constructor(
    lower: Uint8Array | FileExtent | null,
    private readonly reader?: LayerFileReader,
    private readonly pool?: BlockPool,
  ) {
    if (lower === null || lower instanceof Uint8Array) {
      this.lower = lower;
      this.size = lower === null ? 0 : lower.length;
    } else {
      this.lower = null;
      this.extent = lower;
      this.size = lower.size;
    }
  }

  /** Still exactly the lower layer's bytes, sharing them. */
  isShared(): boolean {
    return this.lower !== null || this.extent !== null;
  }

  /**
   * Bytes of memory this file holds, for the quota: whole blocks, but never more than the file's size (so a small
   * file costs its size and a sparse file only the blocks written). Shared lower bytes cost nothing.
   */
  heldBytes(): number {
    return Math.min(this.size, this.owned * BLOCK);
  }

  /** What `heldBytes()` will be after writing `length` bytes at `position`; computed before anything changes. */
  heldBytesAfterWrite(position: number, length: number): number {
    const end = position + length;
    if (this.extent !== null) return Math.max(this.size, end); // copied up whole
    let fresh = 0;
    if (this.lower !== null) {
      fresh = Math.floor((end - 1) / BLOCK) - Math.floor(position / BLOCK) + 1; // every written block is copied
    } else {
      for (let b = Math.floor(position / BLOCK), last = Math.floor((end - 1) / BLOCK); b <= last; b++) {
        const blk = this.blocks[b];
        if (blk === undefined || blk.buffer === this.lowerBuffer) fresh++;
      }
    }
    return Math.min(Math.max(this.size, end), (this.owned + fresh) * BLOCK);
  }

  /** What `heldBytes()` will be after truncating to `newSize`. */
  heldBytesAfterTruncate(newSize: number): number {
    if (this.extent !== null) return Math.min(newSize, blocksFor(Math.min(newSize, this.size)) * BLOCK); // copies what it keeps
    return Math.min(newSize, this.owned * BLOCK);
  }

  /** Copies `n` bytes at `position` (all inside the file) into the start of `dst`. */
  read(dst: Uint8Array, position: number, n: number): void {
    const lower = this.lower;
    if (lower !== null) {
      dst.set(lower.subarray(position, position + n));
      return;
    }
    if (this.extent !== null) {
      this.readExtent(dst, position, n);
      return;
    }
    let b = Math.floor(position / BLOCK);
    let off = position - b * BLOCK;
    for (let done = 0; done < n; b++, off = 0) {
      let len = BLOCK - off;
      if (len > n - done) len = n - done;
      const blk = this.blocks[b];
      const avail = blk === undefined ? 0 : blk.length - off;
      if (avail >= len) dst.set(blk!.subarray(off, off + len), done);
      else {
        if (avail > 0) dst.set(blk!.subarray(off), done);
        dst.fill(0, done + (avail > 0 ? avail : 0), done + len);
      }
      done += len;
    }
  }

  /** Writes all of `src` at `position`, growing the file. ENOSPC (nothing changed) if memory runs out. */
  write(src: Uint8Array, position: number): void {
    if (this.extent !== null) this.copyUp(this.size);
    if (this.lower !== null) this.adoptLower();
    const end = position + src.length;
    const b = Math.floor(position / BLOCK);
    const off = position - b * BLOCK;
    if (off + src.length <= BLOCK) {
      let blk = this.blocks[b];
      const need = off + src.length;
      if (blk === undefined || blk.length < need || blk.buffer === this.lowerBuffer) blk = this.ownBlock(b, need, end);
      blk.set(src, off);
    } else {
      const last = Math.floor((end - 1) / BLOCK);
      for (let i = b; i <= last; i++) {
        const need = i === last ? end - i * BLOCK : BLOCK;
        const blk = this.blocks[i];
        if (blk === undefined || blk.length < need || blk.buffer === this.lowerBuffer) this.ownBlock(i, need, end);
      }
      let from = 0;
      for (let i = b; i <= last; i++) {
        const at = i === b ? off : 0;
        const len = Math.min(BLOCK - at, src.length - from);
        this.blocks[i]!.set(src.subarray(from, from + len), at);
        from += len;
      }
    }
    if (end > this.size) this.size = end;
  }

  truncate(newSize: number): void {
    if (this.extent !== null) this.copyUp(Math.min(newSize, this.size));
    if (this.lower !== null) this.adoptLower();
    if (newSize < this.size) {
      const keep = Math.ceil(newSize / BLOCK);
      for (let i = keep; i < this.blocks.length; i++) {
        const blk = this.blocks[i];
        if (!this.isOwned(blk)) continue;
        this.owned--;
        this.pool?.give(blk!);
      }
      this.blocks.length = keep;
      const b = keep - 1;
      const blk = b >= 0 ? this.blocks[b] : undefined;
      const off = newSize - b * BLOCK;
      if (blk !== undefined && off < blk.length) {
        if (blk.buffer === this.lowerBuffer) this.blocks[b] = blk.subarray(0, off);
        else blk.fill(0, off);
      }
    }
    this.size = newSize;
  }

  /** The whole content as one array: the lower array itself while shared, else a fresh copy. */
  contents(): Uint8Array {
    if (this.lower !== null) return this.lower;
    const out = new Uint8Array(this.size);
    this.read(out, 0, this.size);
    return out;
  }

  /** Drops every byte (the file is gone). */
  clear(): void {
    if (this.pool) for (const blk of this.blocks) if (this.isOwned(blk)) this.pool.give(blk!);
    this.lower = null;
    this.extent = null;
    this.lowerBuffer = null;
    this.blocks = [];
    this.owned = 0;
    this.size = 0;
  }

  /** First change: the blocks become views into the lower array, copied one at a time when written. */
  private adoptLower(): void {
    const lower = this.lower!;
    this.lower = null;
    this.lowerBuffer = lower.buffer;
    const blocks: Uint8Array[] = [];
    for (let off = 0; off < lower.length; off += BLOCK) {
      blocks.push(lower.subarray(off, Math.min(off + BLOCK, lower.length)));
    }
    this.blocks = blocks;
  }

  /** Copies `n` bytes at `position` of the extent into `dst`; EIO if the layer file is shorter than its index says. */
  private readExtent(dst: Uint8Array, position: number, n: number): void {
    const { source, offset } = this.extent!;
    const reader = this.reader ?? fail('EIO'); // an extent without a reader is an engine bug; the guest sees EIO
    for (let done = 0; done < n; ) {
      const got = reader.read(source, dst.subarray(done, n), offset + position + done);
      if (got === 0) fail('EIO');
      done += got;
    }
  }

  /**
   * First change of an on-disk lower file: its first `keep` bytes are read into owned blocks (nothing changes if
   * memory runs out: ENOSPC, or the read fails: EIO). Block 0 of a small file is only as large as the file.
   */
  private copyUp(keep: number): void {
    const blocks: Uint8Array[] = [];
    try {
      for (let off = 0; off < keep; off += BLOCK) blocks.push((keep >= BLOCK ? this.pool?.take() : undefined) ?? new Uint8Array(keep < BLOCK ? Math.max(keep, FIRST_MIN) : BLOCK));
    } catch {
      fail('ENOSPC');
    }
    for (let i = 0; i < blocks.length; i++) {
      const len = Math.min(BLOCK, keep - i * BLOCK);
      this.readExtent(blocks[i], i * BLOCK, len);
    }
    this.extent = null;
    this.blocks = blocks;
    this.owned = blocks.length;
  }

  /** Replaces block `b` with a writable one holding at least `need` bytes, keeping its content. */
  private ownBlock(b: number, need: number, fileEnd: number): Uint8Array {
    const old = this.blocks[b];
    let cap = BLOCK;
    if (b === 0 && fileEnd < BLOCK && this.size < BLOCK) {
      // A small file: grow block 0 geometrically instead of taking a whole block.
      cap = old === undefined ? FIRST_MIN : old.length * 2;
      if (cap < need) cap = need;
      if (cap > BLOCK) cap = BLOCK;
    }
    let blk: Uint8Array;
    try {
      blk = (cap === BLOCK ? this.pool?.take() : undefined) ?? new Uint8Array(cap);
    } catch {
      return fail('ENOSPC');
    }
    if (old !== undefined) blk.set(old.length <= cap ? old : old.subarray(0, cap));
    if (!this.isOwned(old)) this.owned++;
    this.blocks[b] = blk;
    return blk;
  }

  private isOwned(blk: Uint8Array | undefined): boolean {
    return blk !== undefined && blk.buffer !== this.lowerBuffer;
  }
}

function blocksFor(bytes: number): number {
  return Math.ceil(bytes / BLOCK);
}
