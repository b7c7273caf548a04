import { describe, expect, it } from 'vitest';
import { code, manualClock, makeFs, names, openDir, openFile, readFile, writeFile, enc } from './test-kit.ts';

describe('mkdir / rmdir / unlink', () => {
  it('mkdir: EEXIST for any existing name, trailing slash allowed', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd/');
    expect(vfs.stat(root, 'd', true).type).toBe('dir');
    writeFile(vfs, 'f', 'x');
    vfs.symlink('nowhere', root, 'dangling');
    expect(code(() => vfs.mkdir(root, 'd'))).toBe('EEXIST');
    expect(code(() => vfs.mkdir(root, 'f'))).toBe('EEXIST');
    expect(code(() => vfs.mkdir(root, 'dangling'))).toBe('EEXIST');
    expect(code(() => vfs.mkdir(root, '.'))).toBe('EEXIST');
    expect(code(() => vfs.mkdir(root, '/'))).toBe('EEXIST');
    expect(code(() => vfs.mkdir(root, 'missing/x'))).toBe('ENOENT');
    expect(code(() => vfs.stat(root, 'nowhere', true))).toBe('ENOENT');
  });

  it('rmdir rules', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    vfs.mkdir(root, 'd/sub');
    writeFile(vfs, 'f', 'x');
    vfs.symlink('d', root, 'ld');
    expect(code(() => vfs.rmdir(root, 'd'))).toBe('ENOTEMPTY');
    expect(code(() => vfs.rmdir(root, 'f'))).toBe('ENOTDIR');
    expect(code(() => vfs.rmdir(root, 'f/'))).toBe('ENOTDIR');
    expect(code(() => vfs.rmdir(root, 'ld'))).toBe('ENOTDIR');
    expect(code(() => vfs.rmdir(root, 'ld/'))).toBe('ENOTDIR'); // never follows the final symlink
    expect(code(() => vfs.rmdir(root, '.'))).toBe('EINVAL');
    expect(code(() => vfs.rmdir(root, 'd/sub/.'))).toBe('EINVAL');
    expect(code(() => vfs.rmdir(root, 'd/sub/..'))).toBe('ENOTEMPTY');
    expect(code(() => vfs.rmdir(root, '/'))).toBe('EBUSY');
    expect(code(() => vfs.rmdir(root, 'missing'))).toBe('ENOENT');
    vfs.rmdir(root, 'd/sub/');
    vfs.rmdir(root, 'd');
    expect(code(() => vfs.stat(root, 'd', true))).toBe('ENOENT');
  });

  it('unlink rules', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    writeFile(vfs, 'f', 'x');
    vfs.symlink('d', root, 'ld');
    expect(code(() => vfs.unlink(root, 'd'))).toBe('EISDIR');
    expect(code(() => vfs.unlink(root, 'd/'))).toBe('EISDIR');
    expect(code(() => vfs.unlink(root, 'f/'))).toBe('ENOTDIR');
    expect(code(() => vfs.unlink(root, 'ld/'))).toBe('ENOTDIR');
    expect(code(() => vfs.unlink(root, '.'))).toBe('EISDIR');
    expect(code(() => vfs.unlink(root, 'missing'))).toBe('ENOENT');
    vfs.unlink(root, 'ld'); // removes the link, not the directory
    expect(vfs.stat(root, 'd', true).type).toBe('dir');
    vfs.unlink(root, 'f');
    expect(names(vfs, '/')).toEqual(['d', 'dev', 'tmp']);
  });

  it('a removed directory accepts no new entries', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    const d = openDir(vfs, 'd');
    vfs.rmdir(root, 'd');
    expect(code(() => vfs.mkdir(d, 'x'))).toBe('ENOENT');
    expect(code(() => openFile(vfs, 'x', { create: true }, d))).toBe('ENOENT');
    expect(d.stat().nlink).toBe(0);
  });
});

describe('symlink / readlink / link', () => {
  it('symlink rules', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    expect(code(() => vfs.symlink('t', root, 'x/'))).toBe('ENOENT');
    expect(code(() => vfs.symlink('t', root, 'd/'))).toBe('EEXIST');
    expect(code(() => vfs.symlink('t', root, 'd'))).toBe('EEXIST');
    expect(code(() => vfs.symlink('', root, 'e'))).toBe('ENOENT');
    expect(code(() => vfs.symlink('x'.repeat(4096), root, 'e'))).toBe('ENAMETOOLONG');
    vfs.symlink('any/target/../x', root, 'l');
    expect(vfs.readlink(root, 'l')).toBe('any/target/../x');
    expect(vfs.stat(root, 'l', false).size).toBe('any/target/../x'.length);
  });

  it('readlink of a non-symlink -> EINVAL', () => {
    const vfs = makeFs();
    const root = vfs.root();
    writeFile(vfs, 'f', 'x');
    vfs.mkdir(root, 'd');
    vfs.symlink('d', root, 'ld');
    expect(code(() => vfs.readlink(root, 'f'))).toBe('EINVAL');
    expect(code(() => vfs.readlink(root, 'd'))).toBe('EINVAL');
    expect(code(() => vfs.readlink(root, 'ld/'))).toBe('EINVAL');
    expect(code(() => vfs.readlink(root, 'missing'))).toBe('ENOENT');
  });

  it('link rules and nlink', () => {
    const vfs = makeFs();
    const root = vfs.root();
    writeFile(vfs, 'f', 'shared');
    vfs.mkdir(root, 'd');
    vfs.link(root, 'f', false, root, 'd/g');
    expect(vfs.stat(root, 'f', true).nlink).toBe(2);
    expect(vfs.stat(root, 'd/g', true).ino).toBe(vfs.stat(root, 'f', true).ino);
    writeFile(vfs, 'd/g', 'changed');
    expect(readFile(vfs, 'f')).toBe('changed');
    expect(code(() => vfs.link(root, 'd', false, root, 'd2'))).toBe('EPERM');
    expect(code(() => vfs.link(root, 'f', false, root, 'd/g'))).toBe('EEXIST');
    expect(code(() => vfs.link(root, 'f', false, root, 'f'))).toBe('EEXIST');
    expect(code(() => vfs.link(root, 'f', false, root, 'new/'))).toBe('ENOENT');
    expect(code(() => vfs.link(root, 'missing', false, root, 'x'))).toBe('ENOENT');
    vfs.symlink('nowhere', root, 'dangling');
    vfs.link(root, 'dangling', false, root, 'dl'); // links the symlink itself
    expect(vfs.readlink(root, 'dl')).toBe('nowhere');
    vfs.symlink('f', root, 'lf');
    vfs.link(root, 'lf', true, root, 'hf'); // AT_SYMLINK_FOLLOW links the target
    expect(vfs.stat(root, 'f', true).nlink).toBe(3);
    vfs.unlink(root, 'f');
    expect(vfs.stat(root, 'hf', true).nlink).toBe(2);
  });

  it('directory nlink is 2 + subdirectories', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    expect(vfs.stat(root, 'd', true).nlink).toBe(2);
    vfs.mkdir(root, 'd/a');
    vfs.mkdir(root, 'd/b');
    writeFile(vfs, 'd/f', '');
    expect(vfs.stat(root, 'd', true).nlink).toBe(4);
    vfs.rename(root, 'd/a', root, 'a');
    expect(vfs.stat(root, 'd', true).nlink).toBe(3);
    vfs.rmdir(root, 'd/b');
    expect(vfs.stat(root, 'd', true).nlink).toBe(2);
  });
});

describe('timestamps', () => {
  it('follows POSIX: write -> mtime+ctime, entry changes -> dir mtime/ctime, setTimes', () => {
    const clock = manualClock();
    const vfs = makeFs({}, { now: clock.now });
    const root = vfs.root();
    vfs.mkdir(root, 'd');
    const t0 = clock.now();
    const h = openFile(vfs, 'd/f', { create: true, write: true });
    expect(vfs.stat(root, 'd', true).mtimeNs).toBe(t0);
    const t1 = clock.advance();
    h.write(enc('x'), 0);
    let st = h.stat();
    expect([st.mtimeNs, st.ctimeNs]).toEqual([t1, t1]);
    expect(vfs.stat(root, 'd', true).mtimeNs).toBe(t0); // writing a file does not touch its directory
    const t2 = clock.advance();
    const buf = new Uint8Array(1);
    h.read(buf, 0); // relatime: atime <= mtime, so it moves
    expect(h.stat().atimeNs).toBe(t2);
    const t3 = clock.advance();
    vfs.link(root, 'd/f', false, root, 'd/g');
    expect(h.stat().ctimeNs).toBe(t3);
    expect(vfs.stat(root, 'd', true).mtimeNs).toBe(t3);
    const t4 = clock.advance();
    vfs.setTimes(root, 'd/f', true, { kind: 'set', ns: 5n }, { kind: 'keep' });
    st = vfs.stat(root, 'd/f', true);
    expect([st.atimeNs, st.mtimeNs, st.ctimeNs]).toEqual([5n, t1, t4]);
    const t5 = clock.advance();
    h.setTimes({ kind: 'keep' }, { kind: 'now' });
    expect(h.stat().mtimeNs).toBe(t5);
    const t6 = clock.advance();
    vfs.rename(root, 'd/g', root, 'g');
    expect(vfs.stat(root, 'd', true).mtimeNs).toBe(t6);
    expect(vfs.stat(root, '/', true).mtimeNs).toBe(t6);
    h.close();
  });
});
