import { describe, expect, it } from 'vitest';
import { BLOCK, FileData } from './file-data.ts';

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
function fuzz(seed: number, lower: Uint8Array | null): void {
  const r = rng(seed);
  const data = new FileData(lower);
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
});
