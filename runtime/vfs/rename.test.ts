import { describe, expect, it } from 'vitest';
import { code, makeFs, names, openFile, readFile, writeFile } from './test-kit.ts';

function fixture() {
  const vfs = makeFs({ mounts: [{ target: '/mnt', source: { kind: 'tmpfs' }, readonly: false }] });
  const root = vfs.root();
  writeFile(vfs, 'f', 'file');
  writeFile(vfs, 'g', 'other');
  vfs.mkdir(root, 'd');
  vfs.mkdir(root, 'e');
  vfs.mkdir(root, 'full');
  writeFile(vfs, 'full/x', 'x');
  return { vfs, root };
}

describe('rename', () => {
  it('moves and replaces files', () => {
    const { vfs, root } = fixture();
    vfs.rename(root, 'f', root, 'd/f2');
    expect(readFile(vfs, 'd/f2')).toBe('file');
    vfs.rename(root, 'd/f2', root, 'g');
    expect(readFile(vfs, 'g')).toBe('file');
    expect(code(() => vfs.stat(root, 'd/f2', true))).toBe('ENOENT');
  });

  it('type rules: file over dir -> EISDIR, dir over file -> ENOTDIR, dir over non-empty dir -> ENOTEMPTY', () => {
    const { vfs, root } = fixture();
    expect(code(() => vfs.rename(root, 'f', root, 'd'))).toBe('EISDIR');
    expect(code(() => vfs.rename(root, 'd', root, 'f'))).toBe('ENOTDIR');
    expect(code(() => vfs.rename(root, 'd', root, 'full'))).toBe('ENOTEMPTY');
    vfs.rename(root, 'd', root, 'e'); // over an empty directory
    expect(code(() => vfs.stat(root, 'd', true))).toBe('ENOENT');
    expect(vfs.stat(root, 'e', true).type).toBe('dir');
  });

  it('dir into its own subtree -> EINVAL; onto an ancestor -> ENOTEMPTY', () => {
    const { vfs, root } = fixture();
    vfs.mkdir(root, 'd/sub');
    expect(code(() => vfs.rename(root, 'd', root, 'd/sub/x'))).toBe('EINVAL');
    expect(code(() => vfs.rename(root, 'd', root, 'd/x'))).toBe('EINVAL');
    expect(code(() => vfs.rename(root, 'd/sub', root, 'd'))).toBe('ENOTEMPTY');
  });

  it('same inode -> no-op, both hard links stay', () => {
    const { vfs, root } = fixture();
    vfs.link(root, 'f', false, root, 'h');
    vfs.rename(root, 'f', root, 'h');
    expect(readFile(vfs, 'f')).toBe('file');
    expect(readFile(vfs, 'h')).toBe('file');
    vfs.rename(root, 'd', root, 'd');
    expect(vfs.stat(root, 'd', true).type).toBe('dir');
  });

  it('trailing slashes, dots, missing source', () => {
    const { vfs, root } = fixture();
    expect(code(() => vfs.rename(root, 'f', root, 'x/'))).toBe('ENOTDIR');
    expect(code(() => vfs.rename(root, 'f/', root, 'x'))).toBe('ENOTDIR');
    vfs.rename(root, 'd/', root, 'd2/');
    expect(vfs.stat(root, 'd2', true).type).toBe('dir');
    expect(code(() => vfs.rename(root, '.', root, 'x'))).toBe('EBUSY');
    expect(code(() => vfs.rename(root, 'e', root, '..'))).toBe('EBUSY');
    expect(code(() => vfs.rename(root, 'missing', root, 'x'))).toBe('ENOENT');
  });

  it('across mounts -> EXDEV; a mount point -> EBUSY', () => {
    const { vfs, root } = fixture();
    expect(code(() => vfs.rename(root, 'f', root, 'mnt/f'))).toBe('EXDEV');
    expect(code(() => vfs.link(root, 'f', false, root, 'mnt/f'))).toBe('EXDEV');
    expect(code(() => vfs.rename(root, 'mnt', root, 'mnt2'))).toBe('EBUSY');
    expect(code(() => vfs.rename(root, 'e', root, 'mnt'))).toBe('EBUSY');
    expect(code(() => vfs.rmdir(root, 'mnt'))).toBe('EBUSY');
    expect(code(() => vfs.unlink(root, 'mnt'))).toBe('EISDIR');
    expect(code(() => vfs.rename(root, 'dev', root, 'x'))).toBe('EBUSY');
  });

  it('replacing a file that is open keeps the handle on the old bytes', () => {
    const { vfs, root } = fixture();
    const h = openFile(vfs, 'g');
    vfs.rename(root, 'f', root, 'g');
    const buf = new Uint8Array(10);
    expect(new TextDecoder().decode(buf.subarray(0, h.read(buf, 0)))).toBe('other');
    h.close();
    expect(names(vfs, '/')).toEqual(['d', 'dev', 'e', 'full', 'g', 'mnt', 'tmp']);
  });
});
