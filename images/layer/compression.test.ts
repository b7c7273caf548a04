import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipBounded, gzipDeterministic, sniffCompression } from './compression.ts';
import { LayerFormatError } from './layer-entry.ts';
import { gzip, sameBytes } from './test-kit.ts';

async function rejection(promise: Promise<unknown>): Promise<LayerFormatError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LayerFormatError);
  return error as LayerFormatError;
}

describe('sniffCompression', () => {
  it('goes by magic bytes', () => {
    expect(sniffCompression(Uint8Array.of(0x1f, 0x8b, 8))).toBe('gzip');
    expect(sniffCompression(new TextEncoder().encode('hello.wasm\0\0'))).toBe('none');
    expect(sniffCompression(new Uint8Array(0))).toBe('none');
  });

  it.each([
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0]],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]],
    ['bzip2', [0x42, 0x5a, 0x68, 0x39]],
  ])('refuses %s clearly', (name, magic) => {
    expect(() => sniffCompression(Uint8Array.from(magic))).toThrow(`${name} layers are not supported`);
    try {
      sniffCompression(Uint8Array.from(magic));
    } catch (e) {
      expect((e as LayerFormatError).reason).toBe('unsupported');
    }
  });
});

describe('gunzipBounded', () => {
  it('round-trips through gzipDeterministic', async () => {
    const data = new TextEncoder().encode('layer bytes '.repeat(50_000));
    const out = await gunzipBounded(await gzipDeterministic(data), 10 << 20);
    expect(sameBytes(out, data)).toBe(true);
  });

  it('reads input held in a SharedArrayBuffer', async () => {
    const gz = await gzip(new TextEncoder().encode('shared'));
    const shared = new Uint8Array(new SharedArrayBuffer(gz.length));
    shared.set(gz);
    expect(new TextDecoder().decode(await gunzipBounded(shared, 100))).toBe('shared');
  });

  it('accepts output exactly at the cap and refuses one byte more', async () => {
    const data = new Uint8Array(100_000).fill(7);
    const compressed = await gzip(data);
    expect((await gunzipBounded(compressed, 100_000)).length).toBe(100_000);
    const error = await rejection(gunzipBounded(compressed, 99_999));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('expands past the limit of 99999 bytes');
  });

  it('trips a small cap on 10 MB of zeros quickly', async () => {
    const compressed = new Uint8Array(gzipSync(new Uint8Array(10_000_000), { level: 9 }));
    expect(compressed.length).toBeLessThan(20_000);
    const started = performance.now();
    const error = await rejection(gunzipBounded(compressed, 1 << 20));
    expect(error.reason).toBe('too-large');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops a 1 GiB bomb with bounded memory', async () => {
    // 16 gzip members of 64 MiB of zeros each (~1 MB in all); Node's gunzip reads concatenated members.
    const member = new Uint8Array(gzipSync(new Uint8Array(64 << 20), { level: 9 }));
    const bomb = new Uint8Array(member.length * 16);
    for (let i = 0; i < 16; i++) bomb.set(member, i * member.length);
    const before = process.memoryUsage();
    const started = performance.now();
    const error = await rejection(gunzipBounded(bomb, 8 << 20));
    const after = process.memoryUsage();
    expect(error.reason).toBe('too-large');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(after.rss - before.rss).toBeLessThan(128 << 20);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(128 << 20);
  });

  it('does not trust a lying ISIZE trailer for its allocation', async () => {
    const compressed = await gzip(new TextEncoder().encode('small'));
    compressed.set([0xff, 0xff, 0xff, 0xff], compressed.length - 4);
    const error = await rejection(gunzipBounded(compressed, 1 << 30));
    expect(error.message).toContain('corrupt or truncated');
  });

  it.each([
    ['truncated', (gz: Uint8Array) => gz.subarray(0, gz.length - 10)],
    ['cut after the header', (gz: Uint8Array) => gz.subarray(0, 12)],
    ['corrupt deflate data', (gz: Uint8Array) => Uint8Array.from(gz, (b, i) => (i > 10 && i < gz.length - 8 ? b ^ 0x55 : b))],
    ['bad CRC', (gz: Uint8Array) => Uint8Array.from(gz, (b, i) => (i === gz.length - 8 ? b ^ 1 : b))],
    ['trailing junk', (gz: Uint8Array) => Uint8Array.from([...gz, 1, 2, 3])],
  ])('refuses %s gzip', async (_name, damage) => {
    const gz = await gzip(new TextEncoder().encode('some layer content '.repeat(1000)));
    const error = await rejection(gunzipBounded(damage(gz), 1 << 20));
    expect(error.reason).toBe('invalid');
    expect(error.message).toMatch(/^layer: gzip stream is corrupt or truncated/);
  });
});

describe('gzipDeterministic', () => {
  it('writes a fixed header: no name, mtime 0, XFL 0, OS 255', async () => {
    const gz = await gzipDeterministic(new TextEncoder().encode('x'));
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  });

  it('gives the same bytes twice, also for empty input', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(sameBytes(await gzipDeterministic(data), await gzipDeterministic(data))).toBe(true);
    const empty = await gzipDeterministic(new Uint8Array(0));
    expect(await gunzipBounded(empty, 10)).toEqual(new Uint8Array(0));
  });
});
