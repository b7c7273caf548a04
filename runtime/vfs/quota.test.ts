import { describe, expect, it } from 'vitest';
import { code, dir, enc, file, makeFs, openFile, readFile, writeFile } from './test-kit.ts';

describe('quota', () => {
  it('refuses a write that would exceed the quota, leaving the file untouched', () => {
    const vfs = makeFs({ quotaBytes: 1000 });
    writeFile(vfs, 'a', 'x'.repeat(900));
    const h = openFile(vfs, 'a', { write: true });
    expect(code(() => h.write(enc('y'.repeat(200)), 850))).toBe('ENOSPC');
    expect(h.size()).toBe(900);
    expect(readFile(vfs, 'a')).toBe('x'.repeat(900));
    expect(h.write(enc('y'.repeat(100)), 850)).toBe(100); // exactly at the limit
    expect(vfs.usedBytes()).toBe(950);
    expect(code(() => h.truncate(1001))).toBe('ENOSPC');
    h.truncate(10);
    expect(vfs.usedBytes()).toBe(10);
    h.close();
  });

  it('charges a sparse file only for the blocks written, not for its holes', () => {
    const vfs = makeFs({ quotaBytes: 256 * 1024 });
    const h = openFile(vfs, 'sparse', { write: true, create: true });
    h.write(enc('end'), 4 * 2 ** 30); // a 4 GiB hole, then one block
    expect(h.size()).toBe(4 * 2 ** 30 + 3);
    expect(vfs.usedBytes()).toBe(65536);
    h.truncate(8 * 2 ** 30); // growing adds a hole, no memory
    expect(vfs.usedBytes()).toBe(65536);
    for (let i = 1; i <= 3; i++) h.write(enc('x'), i * 2 ** 30);
    expect(vfs.usedBytes()).toBe(4 * 65536);
    expect(code(() => h.write(enc('x'), 5 * 2 ** 30))).toBe('ENOSPC'); // a fifth block exceeds 256 KiB
    h.truncate(0);
    expect(vfs.usedBytes()).toBe(0);
    h.close();
  });

  it('counts tmpfs mounts, not lower layers; copy-up is charged', () => {
    const vfs = makeFs({
      quotaBytes: 100,
      lowers: [dir({ big: file('z'.repeat(80)) })],
      mounts: [{ target: '/scratch', source: { kind: 'tmpfs' }, readonly: false }],
    });
    writeFile(vfs, '/scratch/t', 't'.repeat(30));
    expect(vfs.usedBytes()).toBe(30);
    const h = openFile(vfs, '/big', { write: true });
    expect(code(() => h.write(enc('!'), 0))).toBe('ENOSPC'); // copy-up needs 80 bytes
    expect(readFile(vfs, '/big')).toBe('z'.repeat(80));
    h.close();
  });

  it('truncating a large lower file needs no room for its copy-up', () => {
    const vfs = makeFs({ quotaBytes: 10, lowers: [dir({ big: file('z'.repeat(1000)) })] });
    writeFile(vfs, '/big', 'tiny');
    expect(readFile(vfs, '/big')).toBe('tiny');
    expect(vfs.usedBytes()).toBe(4);
    expect(code(() => openFile(vfs, '/big', { write: true }).truncate(11))).toBe('ENOSPC');
  });

  it('frees bytes when the last name and handle go', () => {
    const vfs = makeFs({ quotaBytes: 100 });
    const root = vfs.root();
    writeFile(vfs, 'a', 'a'.repeat(60));
    vfs.link(root, 'a', false, root, 'b');
    const h = openFile(vfs, 'a');
    vfs.unlink(root, 'a');
    vfs.unlink(root, 'b');
    expect(vfs.usedBytes()).toBe(60); // still open
    h.close();
    expect(vfs.usedBytes()).toBe(0);
    writeFile(vfs, 'c', 'c'.repeat(100));
    vfs.rename(root, 'c', root, 'd');
    writeFile(vfs, 'e', '');
    vfs.rename(root, 'e', root, 'd'); // replaced file's bytes are freed
    expect(vfs.usedBytes()).toBe(0);
  });

  it('EFBIG past 2^44 bytes', () => {
    const vfs = makeFs();
    const h = openFile(vfs, 'f', { create: true, write: true });
    expect(code(() => h.write(enc('x'), 2 ** 44))).toBe('EFBIG');
    expect(code(() => h.truncate(2 ** 44 + 1))).toBe('EFBIG');
    expect(h.size()).toBe(0);
  });
});
