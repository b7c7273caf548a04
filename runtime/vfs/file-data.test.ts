import { describe, expect, it } from 'vitest';
import type { FileExtent, LayerFileReader } from './api.ts';
import { FsError } from './errors.ts';
import { BLOCK, FileData } from './file-data.ts';
import { BlockPool } from './block-pool.ts';

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

function bytes(len: number, fill: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (fill + i) & 0xff;
  return b;
}

/** Byte equality without vitest's deep-equal (far too slow for 100 KiB arrays in a loop). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks FileData against a plain array model through random writes, truncates and reads across block edges. */
function fuzz(seed: number, lower: Uint8Array | null, onDisk?: { extent: FileExtent; reader: LayerFileReader }, pool?: BlockPool): void {
  const r = rng(seed);
  const data = onDisk ? new FileData(onDisk.extent, onDisk.reader, pool) : new FileData(lower, undefined, pool);
  let model = lower === null ? new Uint8Array(0) : lower.slice();
  const pick = () => [0, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK - 5, 64, 100][r(7)] + r(300);
  for (let step = 0; step < 300; step++) {
    const op = r(10);
    if (op < 5) {
      const pos = pick();
      const src = bytes(r(3) === 0 ? r(2 * BLOCK + 10) : r(200), step);
      data.write(src, pos);
      const end = pos + src.length;
      if (end > model.length) {
        const grown = new Uint8Array(end);
        grown.set(model);
        model = grown;
      }
      model.set(src, pos);
    } else if (op < 7) {
      const size = pick();
      data.truncate(size);
      const next = new Uint8Array(size);
      next.set(model.subarray(0, Math.min(size, model.length)));
      model = next;
    } else {
      const pos = pick();
      const n = Math.max(0, Math.min(r(2 * BLOCK), model.length - pos));
      const dst = new Uint8Array(n + 3).fill(0xee);
      data.read(dst, pos, n);
      expect(same(dst.subarray(0, n), model.subarray(pos, pos + n)), `step ${step} read ${pos}+${n}`).toBe(true);
      expect(dst[n]).toBe(0xee);
    }
    expect(data.size).toBe(model.length);
  }
  expect(same(data.contents(), model)).toBe(true);
}

describe('file-data', () => {
  it('matches a byte-array model under random writes, truncates and reads', () => {
    for (let seed = 1; seed <= 20; seed++) fuzz(seed, null);
  });

  it('matches the model over a lower array, which it never writes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const lower = bytes(2 * BLOCK + 77, seed);
      const copy = lower.slice();
      fuzz(seed, lower);
      expect(same(lower, copy)).toBe(true);
    }
  });

  it('keeps small files small and holes sparse', () => {
    const small = new FileData(null);
    small.write(new Uint8Array(10), 0);
    expect((small as unknown as { blocks: Uint8Array[] }).blocks[0].length).toBe(64);
    const sparse = new FileData(null);
    sparse.write(new Uint8Array([1]), 2 ** 40);
    expect(sparse.size).toBe(2 ** 40 + 1);
    const dst = new Uint8Array(4).fill(9);
    sparse.read(dst, 2 ** 40 - 3, 4);
    expect([...dst]).toEqual([0, 0, 0, 1]);
  });

  it('shares the lower array until written, then copies only the written block', () => {
    const lower = bytes(4 * BLOCK, 1);
    const data = new FileData(lower);
    expect(data.contents()).toBe(lower);
    data.write(new Uint8Array([42]), BLOCK + 5);
    const blocks = (data as unknown as { blocks: Uint8Array[] }).blocks;
    expect(blocks[0].buffer).toBe(lower.buffer);
    expect(blocks[1].buffer).not.toBe(lower.buffer);
    expect(blocks[2].buffer).toBe(lower.buffer);
    expect(lower[BLOCK + 5]).toBe((1 + BLOCK + 5) & 0xff);
  });

  describe('over a lower file on disk (an extent read through a LayerFileReader)', () => {
    /** A "layer file" in memory: `prefix` bytes of other content, then the file, then more; counts the bytes read. */
    function layerFile(file: Uint8Array, prefix = 1000) {
      const layer = new Uint8Array(prefix + file.length + 500).fill(0xab);
      layer.set(file, prefix);
      const reader = {
        bytesRead: 0,
        read(source: string, dst: Uint8Array, position: number): number {
          expect(source).toBe('layer.tar');
          const n = Math.max(0, Math.min(dst.length, layer.length - position));
          dst.set(layer.subarray(position, position + n));
          this.bytesRead += n;
          return n;
        },
      };
      return { layer, reader, extent: { source: 'layer.tar', offset: prefix, size: file.length } };
    }

    it('matches the model under random writes, truncates and reads, never writing the layer file', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const lower = bytes(2 * BLOCK + 77, seed);
        const { layer, reader, extent } = layerFile(lower);
        const copy = layer.slice();
        fuzz(seed, lower, { extent, reader });
        expect(same(layer, copy)).toBe(true);
      }
    });

    it('reads only what is asked until the first change, and holds no memory until then', () => {
      const { reader, extent } = layerFile(bytes(3 * BLOCK, 7));
      const data = new FileData(extent, reader);
      expect(data.isShared()).toBe(true);
      expect(data.heldBytes()).toBe(0);
      const dst = new Uint8Array(10);
      data.read(dst, BLOCK, 10);
      expect(same(dst, bytes(3 * BLOCK, 7).subarray(BLOCK, BLOCK + 10))).toBe(true);
      expect(reader.bytesRead).toBe(10);
    });

    it('copies the whole file up on the first write (as overlayfs), and the quota sees it before it happens', () => {
      const size = 3 * BLOCK + 5;
      const { reader, extent } = layerFile(bytes(size, 3));
      const data = new FileData(extent, reader);
      expect(data.heldBytesAfterWrite(10, 1)).toBe(size);
      data.write(new Uint8Array([1]), 10);
      expect(data.isShared()).toBe(false);
      expect(data.heldBytes()).toBe(size);
      expect(reader.bytesRead).toBe(size);
    });

    it('copies only what a truncation keeps: O_TRUNC reads nothing', () => {
      const { reader, extent } = layerFile(bytes(3 * BLOCK, 3));
      const data = new FileData(extent, reader);
      expect(data.heldBytesAfterTruncate(0)).toBe(0);
      data.truncate(0);
      expect(reader.bytesRead).toBe(0);
      expect(data.size).toBe(0);
      const kept = new FileData(extent, reader);
      expect(kept.heldBytesAfterTruncate(100)).toBe(100);
      kept.truncate(100);
      expect(reader.bytesRead).toBe(100);
      expect(same(kept.contents(), bytes(3 * BLOCK, 3).subarray(0, 100))).toBe(true);
    });

    it('fails with EIO, changing nothing, when the layer file is shorter than the extent or no reader was given', () => {
      const { reader, extent } = layerFile(bytes(100, 1), 0);
      const torn = new FileData({ ...extent, size: 5000 }, reader);
      expect(() => torn.read(new Uint8Array(5000), 0, 5000)).toThrow(FsError);
      expect(() => torn.write(new Uint8Array([1]), 0)).toThrow(/EIO/);
      expect(torn.isShared()).toBe(true);
      expect(torn.size).toBe(5000);
      expect(() => new FileData(extent).read(new Uint8Array(1), 0, 1)).toThrow(/EIO/);
    });
  });
});

describe('file-data with a block pool', () => {
  it('matches the model when blocks come from a pool that earlier files filled', () => {
    const pool = new BlockPool(64 * BLOCK);
    for (let seed = 1; seed <= 20; seed++) {
      const dirty = new FileData(null, undefined, pool);
      dirty.write(new Uint8Array(6 * BLOCK).fill(0xff), 0);
      dirty.clear();
      fuzz(seed, seed % 2 ? null : bytes(2 * BLOCK + 77, seed), undefined, pool);
    }
  });

  it('gives whole blocks back when cleared or truncated, and takes them zeroed for the next file', () => {
    const pool = new BlockPool(4 * BLOCK);
    const first = new FileData(null, undefined, pool);
    first.write(bytes(3 * BLOCK, 9), 0);
    first.truncate(BLOCK + 10); // block 2 goes back
    expect(pool.keptBytes()).toBe(BLOCK);
    first.clear(); // blocks 0 and 1 go back
    expect(pool.keptBytes()).toBe(3 * BLOCK);
    const second = new FileData(null, undefined, pool);
    second.write(new Uint8Array([7]), 2 * BLOCK + 5); // a sparse write takes one pooled block
    expect(pool.keptBytes()).toBe(2 * BLOCK);
    const out = new Uint8Array(BLOCK);
    second.read(out, 2 * BLOCK, BLOCK / 2);
    expect(out[5]).toBe(7);
    expect(out.subarray(0, BLOCK / 2).filter((b) => b !== 0)).toEqual(new Uint8Array([7])); // no bytes of the old file
    // bounded: more than maxBytes is left to the garbage collector
    const big = new FileData(null, undefined, pool);
    big.write(new Uint8Array(8 * BLOCK).fill(1), 0);
    big.clear();
    expect(pool.keptBytes()).toBe(4 * BLOCK);
  });
});
