import { describe, expect, it } from 'vitest';
import { code, dir, file, link, makeFs, openDir, opts, readFile, writeFile } from './test-kit.ts';

function fixture() {
  const vfs = makeFs({
    lowers: [
      dir({
        etc: dir({ passwd: file('root:x:0:0\n') }),
        a: dir({ b: dir({ c: file('deep') }) }),
        file: file('plain'),
        rel: link('a/b'),
        abs: link('/a/b/c'),
        up: link('../../../../etc/passwd'),
        dangling: link('nowhere'),
        loop1: link('loop2'),
        loop2: link('loop1'),
        self: link('.'),
      }),
    ],
  });
  return vfs;
}

describe('resolver: path rules', () => {
  it('handles ., .., repeated and trailing slashes', () => {
    const vfs = fixture();
    expect(readFile(vfs, 'a/./b//c')).toBe('deep');
    expect(readFile(vfs, '/a/b/../b/c')).toBe('deep');
    expect(readFile(vfs, '//a///b/c')).toBe('deep');
    expect(vfs.stat(vfs.root(), 'a/b/', true).type).toBe('dir');
    expect(vfs.stat(vfs.root(), '/', true).ino).toBe(vfs.root().stat().ino);
  });

  it('keeps .. at the container root', () => {
    const vfs = fixture();
    expect(readFile(vfs, '../../../etc/passwd')).toBe('root:x:0:0\n');
    expect(readFile(vfs, '/../../etc/../etc/passwd')).toBe('root:x:0:0\n');
    const sub = openDir(vfs, 'a/b');
    expect(readFile(vfs, '../../../../../../etc/passwd', sub)).toBe('root:x:0:0\n');
  });

  it('resolves relative targets from the link directory and absolute ones from the root', () => {
    const vfs = fixture();
    expect(readFile(vfs, 'rel/c')).toBe('deep');
    expect(readFile(vfs, 'abs')).toBe('deep');
    expect(readFile(vfs, 'up')).toBe('root:x:0:0\n');
    const sub = openDir(vfs, 'a');
    vfs.symlink('/etc/passwd', sub, 'pw');
    expect(readFile(vfs, 'pw', sub)).toBe('root:x:0:0\n');
    expect(readFile(vfs, 'self/self/self/file')).toBe('plain');
  });

  it('fails with ELOOP after 40 symlinks and for loops', () => {
    const vfs = makeFs();
    const root = vfs.root();
    writeFile(vfs, 'target', 'x');
    vfs.symlink('target', root, 'l0');
    for (let i = 1; i <= 41; i++) vfs.symlink(`l${i - 1}`, root, `l${i}`);
    expect(code(() => vfs.stat(root, 'l39', true))).toBe('OK'); // 40 hops
    expect(code(() => vfs.stat(root, 'l40', true))).toBe('ELOOP'); // 41 hops
    const loops = fixture();
    expect(code(() => loops.stat(loops.root(), 'loop1', true))).toBe('ELOOP');
    expect(code(() => loops.stat(loops.root(), 'loop1', false))).toBe('OK');
  });

  it('does not follow the final symlink with follow=false unless a slash follows', () => {
    const vfs = fixture();
    const root = vfs.root();
    expect(vfs.stat(root, 'rel', false).type).toBe('symlink');
    expect(vfs.stat(root, 'rel', true).type).toBe('dir');
    expect(vfs.stat(root, 'rel/', false).type).toBe('dir');
    expect(vfs.stat(root, 'dangling', false).type).toBe('symlink');
    expect(code(() => vfs.stat(root, 'dangling', true))).toBe('ENOENT');
    expect(code(() => vfs.stat(root, 'dangling/', false))).toBe('ENOENT');
  });

  it('rejects names over 255 bytes and paths of 4096 bytes', () => {
    const vfs = fixture();
    const root = vfs.root();
    expect(code(() => vfs.stat(root, 'x'.repeat(255), true))).toBe('ENOENT');
    expect(code(() => vfs.stat(root, 'x'.repeat(256), true))).toBe('ENAMETOOLONG');
    expect(code(() => vfs.stat(root, 'é'.repeat(128), true))).toBe('ENAMETOOLONG'); // 256 bytes in UTF-8
    expect(code(() => vfs.stat(root, './'.repeat(2047) + 'a', true))).toBe('OK'); // 4095 bytes
    expect(code(() => vfs.stat(root, './'.repeat(2048) + 'a', true))).toBe('ENAMETOOLONG'); // 4097 bytes
    expect(code(() => vfs.stat(root, '', true))).toBe('ENOENT');
    expect(code(() => vfs.stat(root, 'a\0b', true))).toBe('EINVAL');
  });

  it('reports ENOTDIR for a file in the middle and for file/', () => {
    const vfs = fixture();
    const root = vfs.root();
    expect(code(() => vfs.stat(root, 'file/x', true))).toBe('ENOTDIR');
    expect(code(() => vfs.stat(root, 'file/', true))).toBe('ENOTDIR');
    expect(code(() => vfs.stat(root, 'missing/x', true))).toBe('ENOENT');
    expect(code(() => vfs.open(root, 'a/b/c/', opts()))).toBe('ENOTDIR');
  });

  it('goes from a mount root to the mount point parent with ..', () => {
    const vfs = makeFs({ mounts: [{ target: '/mnt/data', source: { kind: 'tmpfs' }, readonly: false }] });
    writeFile(vfs, '/mnt/marker', 'm');
    const data = openDir(vfs, '/mnt/data');
    expect(readFile(vfs, '../marker', data)).toBe('m');
    expect(vfs.stat(data, '..', true).ino).toBe(vfs.stat(vfs.root(), '/mnt', true).ino);
    const dotdot = data.entries().find((e) => e.name === '..')!;
    expect(dotdot.ino).toBe(vfs.stat(vfs.root(), '/mnt', true).ino);
  });

  it('refuses closed handles and handles of another container', () => {
    const vfs = fixture();
    const other = fixture();
    const d = openDir(vfs, 'a');
    expect(code(() => other.stat(d, 'b', true))).toBe('EBADF');
    d.close();
    expect(code(() => vfs.stat(d, 'b', true))).toBe('EBADF');
  });
});
