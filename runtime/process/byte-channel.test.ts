import { describe, expect, it } from 'vitest';
import { AsyncReader, AsyncWriter, BlockingReader, BlockingWriter, createChannelBuffer } from './byte-channel.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('byte channel', () => {
  it('carries bytes in order across the ring boundary', async () => {
    const buffer = createChannelBuffer(8);
    const writer = new BlockingWriter(buffer);
    const reader = new AsyncReader(buffer);
    writer.write(bytes(1, 2, 3, 4, 5, 6));
    expect(await reader.read()).toEqual(bytes(1, 2, 3, 4, 5, 6));
    writer.write(bytes(7, 8, 9, 10, 11)); // wraps: 2 bytes at the end, 3 at the start
    expect(await reader.read()).toEqual(bytes(7, 8, 9, 10, 11));
  });

  it('coalesces many writes into one read and reports end of data after the last byte', async () => {
    const buffer = createChannelBuffer(64);
    const writer = new BlockingWriter(buffer);
    const reader = new AsyncReader(buffer);
    for (let i = 0; i < 10; i++) writer.write(bytes(i));
    writer.closeWriter();
    expect(await reader.read()).toEqual(bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    expect(await reader.read()).toBeNull();
  });

  it('wakes a waiting reader when data arrives later', async () => {
    const buffer = createChannelBuffer(16);
    const reader = new AsyncReader(buffer);
    const pending = reader.read();
    setTimeout(() => new BlockingWriter(buffer).write(bytes(42)), 20);
    expect(await pending).toEqual(bytes(42));
  });

  it('discards writes once the reader has gone, instead of blocking the writer', () => {
    const buffer = createChannelBuffer(4);
    const writer = new BlockingWriter(buffer);
    new AsyncReader(buffer).closeReader();
    writer.write(new Uint8Array(100)); // would block forever on a 4-byte ring if not discarded
  });

  it('delivers host input to a blocking reader, then end of input', async () => {
    const buffer = createChannelBuffer(4);
    const writer = new AsyncWriter(buffer);
    const reader = new BlockingReader(buffer);
    expect(reader.waitReadable(1)).toBe(false);
    expect(await writer.write(bytes(1, 2, 3))).toBe(true);
    expect(reader.waitReadable(0)).toBe(true);
    const dst = new Uint8Array(2);
    expect(reader.read(dst)).toBe(2);
    expect(dst).toEqual(bytes(1, 2));
    writer.closeWriter();
    expect(reader.read(dst)).toBe(1);
    expect(reader.read(dst)).toBe(0);
  });

  it('makes a host writer wait for room in a full ring', async () => {
    const buffer = createChannelBuffer(4);
    const writer = new AsyncWriter(buffer);
    const reader = new BlockingReader(buffer);
    let done = false;
    const pending = writer.write(bytes(1, 2, 3, 4, 5, 6)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    const dst = new Uint8Array(4);
    expect(reader.read(dst)).toBe(4);
    await pending;
    expect(reader.read(dst)).toBe(2);
    expect(dst.subarray(0, 2)).toEqual(bytes(5, 6));
  });

  it('rejects capacities that are not a power of two', () => {
    expect(() => createChannelBuffer(1000)).toThrow(/power of two/);
  });
});
