import { describe, expect, it } from 'vitest';
import type { MountSpec } from './api.ts';
import { code, dir, file, link, makeFs, names, openDir, opts, readFile, writeFile } from './test-kit.ts';

const tmpfs = (target: string, readonly = false): MountSpec => ({ target, source: { kind: 'tmpfs' }, readonly });

describe('mounts', () => {
  it('grafts tmpfs mounts with their own dev, creating mount points and parents', () => {
    const vfs = makeFs({ mounts: [tmpfs('/a/b/c'), tmpfs('/a')] });
    const root = vfs.root();
    // parents first: /a is mounted before /a/b/c, so /a/b/c lives inside the /a tmpfs
    writeFile(vfs, '/a/b/c/f', 'x');
    const devs = new Set(['/', '/a', '/a/b/c', '/dev'].map((p) => vfs.stat(root, p, true).dev));
    expect(devs.size).toBe(4);
    expect(vfs.stat(root, '/a/b', true).dev).toBe(vfs.stat(root, '/a', true).dev);
    expect(vfs.stat(root, '/a', true).mode).toBe(0o1777);
  });

  it('read-only mounts refuse every mutation with EROFS', () => {
    const vfs = makeFs({ mounts: [tmpfs('/w'), tmpfs('/w/ro', true)] });
    const root = vfs.root();
    const ro = openDir(vfs, '/w/ro');
    expect(code(() => vfs.open(ro, 'f', opts({ create: true })))).toBe('EROFS');
    expect(code(() => vfs.mkdir(ro, 'd'))).toBe('EROFS');
    expect(code(() => vfs.symlink('t', ro, 'l'))).toBe('EROFS');
    expect(code(() => vfs.unlink(ro, 'missing'))).toBe('EROFS');
    expect(code(() => vfs.rmdir(ro, 'missing'))).toBe('EROFS');
    expect(code(() => vfs.rename(ro, 'a', ro, 'b'))).toBe('EROFS');
    expect(code(() => vfs.setTimes(root, '/w/ro', true, { kind: 'now' }, { kind: 'now' }))).toBe('EROFS');
    expect(code(() => ro.setTimes({ kind: 'now' }, { kind: 'keep' }))).toBe('EROFS');
    expect(code(() => vfs.rmdir(root, '/w/ro'))).toBe('EBUSY');
    expect(vfs.stat(ro, '.', true).type).toBe('dir');
  });

  it('a mount at / replaces the root filesystem', () => {
    const vfs = makeFs({ lowers: [dir({ image: file('i') })], mounts: [tmpfs('/')] });
    expect(names(vfs, '/')).toEqual(['dev', 'tmp']);
    expect(readFile(vfs, '/dev/null')).toBe('');
  });

  it('a mount point below a read-only root is synthetic, nothing is written below it', () => {
    const vfs = makeFs({ mounts: [tmpfs('/', true), tmpfs('/data')] });
    expect(names(vfs, '/')).toEqual(['data', 'dev']); // no /tmp: the root is read-only
    writeFile(vfs, '/data/f', 'ok');
    expect(readFile(vfs, '/data/f')).toBe('ok');
    expect(code(() => vfs.rmdir(vfs.root(), '/data'))).toBe('EROFS');
    expect(code(() => makeFs({ mounts: [tmpfs('/', true), tmpfs('/x/y')] }))).toBe('ENOENT');
  });

  it('a mount covers what was at its mount point; mount targets follow image symlinks', () => {
    const vfs = makeFs({
      lowers: [dir({ var: dir({ data: dir({ hidden: file('h') }) }), data: link('/var/data') })],
      mounts: [tmpfs('/data')],
    });
    expect(names(vfs, '/var/data')).toEqual([]);
    writeFile(vfs, '/data/x', 'x');
    expect(readFile(vfs, '/var/data/x')).toBe('x');
    expect(code(() => makeFs({ lowers: [dir({ f: file('') })], mounts: [tmpfs('/f')] }))).toBe('ENOTDIR');
    expect(code(() => makeFs({ mounts: [tmpfs('relative')] }))).toBe('EINVAL');
    expect(code(() => makeFs({ mounts: [{ target: '/h', source: { kind: 'host', hostPath: '/' }, readonly: true }] }))).toBe('ENOTSUP');
  });

  it('a directory holding a mount point is not empty', () => {
    const vfs = makeFs({ mounts: [tmpfs('/p/m')] });
    expect(code(() => vfs.rmdir(vfs.root(), '/p'))).toBe('ENOTEMPTY');
  });

  it('creates the workdir with parents', () => {
    const vfs = makeFs({ lowers: [dir({ app: dir() })], workdir: '/app/src/deep' });
    expect(vfs.stat(vfs.root(), '/app/src/deep', true).type).toBe('dir');
    expect(code(() => makeFs({ lowers: [dir({ app: file('') })], workdir: '/app/x' }))).toBe('ENOTDIR');
  });
});

describe('mounts: stacking and listing', () => {
  it('a later mount at the same target covers the earlier one', () => {
    const vfs = makeFs({ mounts: [tmpfs('/m'), tmpfs('/m')] });
    const root = vfs.root();
    writeFile(vfs, '/m/f', 'top');
    const m = openDir(vfs, '/m');
    expect(vfs.stat(m, '..', true).ino).toBe(vfs.stat(root, '/', true).ino);
    expect(names(vfs, '/m')).toEqual(['f']);
    expect(code(() => vfs.open(root, '/m', opts({ create: true })))).toBe('EISDIR');
    expect(code(() => vfs.mkdir(root, '/m'))).toBe('EEXIST');
  });

  it('/dev holds null, zero, random and urandom', () => {
    const vfs = makeFs();
    expect(names(vfs, '/dev')).toEqual(['null', 'random', 'urandom', 'zero']);
  });

  it('.. follows a renamed directory', () => {
    const vfs = makeFs();
    const root = vfs.root();
    vfs.mkdir(root, 'a');
    vfs.mkdir(root, 'b');
    vfs.mkdir(root, 'a/c');
    const c = openDir(vfs, 'a/c');
    vfs.rename(root, 'a/c', root, 'b/c');
    expect(vfs.stat(c, '..', true).ino).toBe(vfs.stat(root, 'b', true).ino);
    writeFile(vfs, '../marker', 'm', c);
    expect(readFile(vfs, '/b/marker')).toBe('m');
  });
});
