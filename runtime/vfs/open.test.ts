import { describe, expect, it } from 'vitest';
import { code, dec, enc, makeFs, openDir, openFile, opts, readFile, writeFile } from './test-kit.ts';

describe('open', () => {
  it('creates, reads back and truncates', () => {
    const vfs = makeFs();
    writeFile(vfs, 'f', 'hello world');
    expect(readFile(vfs, 'f')).toBe('hello world');
    const h = openFile(vfs, 'f', { truncate: true, write: true });
    expect(h.size()).toBe(0);
    h.close();
    expect(readFile(vfs, 'f')).toBe('');
  });

  it('create+exclusive on an existing name, even a dangling symlink -> EEXIST', () => {
    const vfs = makeFs();
    const root = vfs.root();
    writeFile(vfs, 'f', 'x');
    vfs.symlink('nowhere', root, 'dangling');
    vfs.mkdir(root, 'd');
    expect(code(() => vfs.open(root, 'f', opts({ create: true, exclusive: true })))).toBe('EEXIST');
    expect(code(() => vfs.open(root, 'dangling', opts({ create: true, exclusive: true })))).toBe('EEXIST');
    expect(code(() => vfs.open(root, 'd', opts({ create: true, exclusive: true })))).toBe('EEXIST');
    expect(code(() => vfs.stat(root, 'nowhere', false))).toBe('ENOENT');
  });

  it('create through a dangling symlink creates the target (Linux)', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'sub');
    vfs.symlink('sub/target', root, 'dangling');
    const h = openFile(vfs, 'dangling', { create: true, write: true });
    h.write(enc('via link'), 0);
    h.close();
    expect(readFile(vfs, 'sub/target')).toBe('via link');
    expect(vfs.readlink(root, 'dangling')).toBe('sub/target');
    // without follow, the symlink itself is the final component: ELOOP
    vfs.symlink('sub/other', root, 'dangling2');
    expect(code(() => vfs.open(root, 'dangling2', opts({ create: true, follow: false })))).toBe('ELOOP');
  });

  it('applies directory/symlink/trailing-slash rules', () => {
    const vfs = makeFs();
    const root = vfs.root();
    writeFile(vfs, 'f', 'x');
    vfs.mkdir(root, 'd');
    vfs.symlink('d', root, 'ld');
    vfs.symlink('f', root, 'lf');
    expect(code(() => vfs.open(root, 'f', opts({ directory: true })))).toBe('ENOTDIR');
    expect(code(() => vfs.open(root, 'lf', opts({ follow: false })))).toBe('ELOOP');
    expect(code(() => vfs.open(root, 'ld', opts({ follow: false, directory: true })))).toBe('ENOTDIR');
    expect(vfs.open(root, 'ld', opts({ directory: true })).kind).toBe('dir');
    expect(vfs.open(root, 'ld/', opts({ follow: false })).kind).toBe('dir'); // a trailing slash follows
    expect(code(() => vfs.open(root, 'd', opts({ write: true })))).toBe('EISDIR');
    expect(code(() => vfs.open(root, 'd', opts({ create: true })))).toBe('EISDIR');
    expect(code(() => vfs.open(root, 'new/', opts({ create: true })))).toBe('EISDIR');
    expect(code(() => vfs.open(root, '.', opts({ create: true })))).toBe('EISDIR');
    expect(code(() => vfs.open(root, 'f/', opts()))).toBe('ENOTDIR');
    expect(code(() => vfs.open(root, 'missing', opts()))).toBe('ENOENT');
    expect(code(() => vfs.open(root, 'missing/x', opts({ create: true })))).toBe('ENOENT');
    expect(code(() => vfs.open(root, 'f/x', opts({ create: true })))).toBe('ENOTDIR');
  });

  it('directory with create/exclusive/truncate -> EINVAL (wasmtime open_at)', () => {
    const vfs = makeFs();
    const root = vfs.root();
    expect(code(() => vfs.open(root, 'd', opts({ directory: true, create: true })))).toBe('EINVAL');
    expect(code(() => vfs.open(root, '.', opts({ directory: true, truncate: true })))).toBe('EINVAL');
  });

  it('enforces the handle access mode and EBADF after close', () => {
    const vfs = makeFs();
    writeFile(vfs, 'f', 'abc');
    const ro = openFile(vfs, 'f');
    expect(code(() => ro.write(enc('x'), 0))).toBe('EBADF');
    expect(code(() => ro.truncate(0))).toBe('EBADF');
    ro.close();
    expect(code(() => ro.read(new Uint8Array(1), 0))).toBe('EBADF');
    expect(code(() => ro.close())).toBe('EBADF');
    const d = openDir(vfs, '/');
    d.close();
    expect(code(() => d.entries())).toBe('EBADF');
  });

  it('reads at offsets, writes past the end zero-fill the gap', () => {
    const vfs = makeFs();
    const h = openFile(vfs, 'f', { create: true, write: true });
    h.write(enc('abc'), 0);
    h.write(enc('xyz'), 6);
    expect(h.size()).toBe(9);
    const buf = new Uint8Array(16);
    expect(h.read(buf, 0)).toBe(9);
    expect([...buf.subarray(0, 9)]).toEqual([97, 98, 99, 0, 0, 0, 120, 121, 122]);
    expect(h.read(buf, 9)).toBe(0);
    expect(h.read(buf, 100)).toBe(0);
    h.truncate(2);
    h.truncate(5);
    expect(h.read(buf, 0)).toBe(5);
    expect(dec(buf.subarray(0, 5))).toBe('ab\0\0\0'); // truncated bytes do not come back
    h.close();
  });

  it('keeps an unlinked open file working', () => {
    const vfs = makeFs();
    const root = vfs.root();
    writeFile(vfs, 'f', 'still here');
    const h = openFile(vfs, 'f', { write: true });
    vfs.unlink(root, 'f');
    expect(code(() => vfs.stat(root, 'f', true))).toBe('ENOENT');
    expect(h.stat().nlink).toBe(0);
    h.write(enc('STILL'), 0);
    const buf = new Uint8Array(20);
    expect(dec(buf.subarray(0, h.read(buf, 0)))).toBe('STILL here');
    h.close();
  });
});

describe('devices', () => {
  it('/dev/null, /dev/zero and /dev/urandom behave', () => {
    const vfs = makeFs();
    const buf = new Uint8Array(100_000).fill(7);
    const nul = openFile(vfs, '/dev/null', { write: true });
    expect(nul.read(buf, 0)).toBe(0);
    expect(nul.write(enc('gone'), 0)).toBe(4);
    expect(nul.type).toBe('chardev');
    expect(nul.stat().type).toBe('chardev');
    expect(code(() => nul.truncate(0))).toBe('EINVAL');
    nul.close();
    const zero = openFile(vfs, '/dev/zero');
    expect(zero.read(buf, 0)).toBe(buf.length);
    expect(buf.every((b) => b === 0)).toBe(true);
    const rnd = openFile(vfs, '/dev/urandom');
    expect(rnd.read(buf, 0)).toBe(buf.length);
    expect(new Set(buf).size).toBeGreaterThan(200);
    expect(vfs.stat(vfs.root(), '/dev/null', true).type).toBe('chardev');
    // O_TRUNC on a device is ignored, as on Linux
    expect(code(() => vfs.open(vfs.root(), '/dev/null', opts({ write: true, truncate: true })))).toBe('OK');
  });

  it('/tmp exists with mode 1777', () => {
    const vfs = makeFs();
    expect(vfs.stat(vfs.root(), '/tmp', true).mode).toBe(0o1777);
  });
});
