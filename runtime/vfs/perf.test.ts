/**
 * Guards against accidental quadratic behaviour. Bounds are generous (10x the time on a laptop) so they only fail
 * for algorithmic regressions, not for a slow CI machine.
 */
import { describe, expect, it } from 'vitest';
import { dir, makeFs, openDir, openFile, opts } from './test-kit.ts';

describe('performance', () => {
  it('appends 4 KiB chunks to a 256 MiB file in linear time', () => {
    const vfs = makeFs({ quotaBytes: 2 ** 30 });
    const h = openFile(vfs, '/tmp/big', { create: true, write: true });
    const chunk = new Uint8Array(4096).fill(1);
    const t0 = performance.now();
    let pos = 0;
    for (let i = 0; i < 65536; i++) pos += h.write(chunk, pos);
    const ms = performance.now() - t0;
    expect(h.size()).toBe(256 * 1024 * 1024);
    const buf = new Uint8Array(65536);
    const t1 = performance.now();
    let sum = 0;
    for (let off = 0; off < pos; off += buf.length) sum += h.read(buf, off);
    const readMs = performance.now() - t1;
    expect(sum).toBe(pos);
    h.close();
    expect(ms).toBeLessThan(3000);
    expect(readMs).toBeLessThan(2000);
  });

  it('does 10k create/stat/unlink in one directory quickly', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    const d = openDir(vfs, 'd');
    const o = opts({ create: true, exclusive: true, write: true });
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) vfs.open(d, `file-${i}`, o).close();
    for (let i = 0; i < 10_000; i++) vfs.stat(d, `file-${i}`, true);
    expect(d.entries().length).toBe(10_002);
    for (let i = 0; i < 10_000; i++) vfs.unlink(d, `file-${i}`);
    const ms = performance.now() - t0;
    expect(d.entries().length).toBe(2);
    expect(ms).toBeLessThan(1500);
  });

  it('does not touch lower directories it is not asked about', () => {
    const children: Record<string, ReturnType<typeof dir>> = {};
    for (let i = 0; i < 2000; i++) children[`d${i}`] = dir({ f: { type: 'file', data: new Uint8Array(1) } });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) {
      const vfs = makeFs({ lowers: [dir(children)] });
      vfs.stat(vfs.root(), 'd5/f', true);
    }
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
