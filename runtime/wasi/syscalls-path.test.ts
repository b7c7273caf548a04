import { describe, expect, it } from 'vitest';
import * as abi from './abi.ts';
import { checkContained } from './syscalls-path.ts';
import { FlatVfs, RecordingIo, runGuest, type Guest } from './test-kit.ts';

function run(body: (g: Guest, vfs: FlatVfs) => void): FlatVfs {
  const vfs = new FlatVfs();
  runGuest({ args: [], env: [], vfs, io: new RecordingIo() }, (g) => body(g, vfs));
  return vfs;
}

/** Puts `path` at 4000 and returns [ptr, len]. */
function p(g: Guest, path: string | Uint8Array, at = 4000): [number, number] {
  return [at, g.put(at, path)];
}

describe('path containment (wasmtime p1_interesting_paths)', () => {
  it.each([
    ['/etc/passwd', true],
    ['..', true],
    ['a/../..', true],
    ['dir/nested/../../../x', true],
    ['a/./../b/../../c', true],
    ['dir/.//nested/../../dir/nested/../nested///./file', false],
    ['a/..', false],
    ['.', false],
    ['...', false],
    ['a/b/c/', false],
    ['', false],
  ])('%s escapes: %s', (path, escapes) => {
    if (escapes) expect(() => checkContained(path)).toThrow();
    else expect(() => checkContained(path)).not.toThrow();
  });

  it('absolute and escaping paths are EPERM for every path syscall; NUL is EINVAL; bad UTF-8 EILSEQ', () => {
    const vfs = run((g) => {
      const [ptr, len] = p(g, '/f');
      expect(g.wasi.path_open(3, 0, ptr, len, abi.OFLAGS_CREAT, 0n, 0n, 0, 8)).toBe(abi.ERRNO_PERM);
      expect(g.wasi.path_create_directory(3, ...p(g, '../x'))).toBe(abi.ERRNO_PERM);
      expect(g.wasi.path_unlink_file(3, ...p(g, 'a/../../x'))).toBe(abi.ERRNO_PERM);
      expect(g.wasi.path_filestat_get(3, 0, ...p(g, '/'), 128)).toBe(abi.ERRNO_PERM);
      expect(g.wasi.path_create_directory(3, ...p(g, 'a\0'))).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.path_create_directory(3, ...p(g, new Uint8Array([0x61, 0xff])))).toBe(abi.ERRNO_ILSEQ);
      // The symlink target is stored data, not resolved now: an absolute target is fine.
      expect(g.wasi.path_symlink(...p(g, '/usr/bin/python3', 5000), 3, ...p(g, 'py'))).toBe(0);
    });
    expect(vfs.calls).toEqual(['symlink /usr/bin/python3 py']);
  });
});

describe('path syscalls', () => {
  it('forward to the VFS with the decoded arguments', () => {
    const vfs = run((g) => {
      expect(g.wasi.path_create_directory(3, ...p(g, 'd'))).toBe(0);
      expect(g.wasi.path_remove_directory(3, ...p(g, 'd'))).toBe(0);
      expect(g.wasi.path_unlink_file(3, ...p(g, 'f'))).toBe(0);
      expect(g.wasi.path_rename(3, ...p(g, 'a'), 3, ...p(g, 'b', 5000))).toBe(0);
      expect(g.wasi.path_link(3, abi.LOOKUPFLAGS_SYMLINK_FOLLOW, ...p(g, 'a'), 3, ...p(g, 'b', 5000))).toBe(0);
      expect(g.wasi.path_link(3, 0, ...p(g, 'a'), 3, ...p(g, 'b', 5000))).toBe(0);
      expect(g.wasi.path_filestat_set_times(3, 0, ...p(g, 't'), 1n, 2n, abi.FSTFLAGS_ATIM)).toBe(0);
    });
    expect(vfs.calls).toEqual(['rmdir d', 'unlink f', 'rename a b', 'link a true b', 'link a false b', 'setTimes t']);
  });

  it('path_readlink truncates silently and writes nothing past the buffer (p1_readlink)', () => {
    run((g) => {
      g.put(6000, new Uint8Array(32).fill(0xaa));
      expect(g.wasi.path_readlink(3, ...p(g, 'link'), 6000, 32, 8)).toBe(0);
      expect(g.view().getUint32(8, true)).toBe(9); // 'target-Д' is 9 bytes
      expect(g.text(6000, 9)).toBe('target-Д');
      expect(g.get(6009, 1)[0]).toBe(0xaa);
      g.put(6000, new Uint8Array(32).fill(0xaa));
      expect(g.wasi.path_readlink(3, ...p(g, 'link'), 6000, 4, 8)).toBe(0);
      expect(g.view().getUint32(8, true)).toBe(4);
      expect(g.text(6000, 4)).toBe('targ');
      expect(g.get(6004, 1)[0]).toBe(0xaa);
      expect(g.wasi.path_readlink(3, ...p(g, 'file'), 6000, 4, 8)).toBe(abi.ERRNO_INVAL);
    });
  });

  it('path_filestat_get writes the stat; follows symlinks only with SYMLINK_FOLLOW', () => {
    run((g, vfs) => {
      g.wasi.path_create_directory(3, ...p(g, 'd'));
      expect(g.wasi.path_filestat_get(3, abi.LOOKUPFLAGS_SYMLINK_FOLLOW, ...p(g, 'd'), 128)).toBe(0);
      expect(g.view().getUint8(144)).toBe(abi.FILETYPE_DIRECTORY);
      expect(g.wasi.path_filestat_get(3, 2, ...p(g, 'd'), 128)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.path_filestat_get(3, 0, ...p(g, 'missing'), 128)).toBe(abi.ERRNO_NOENT);
      expect(vfs.calls.filter((c) => c.startsWith('stat'))).toEqual(['stat d', 'stat missing']);
    });
  });

  it('set-times flags are validated before the descriptor (wasmtime order)', () => {
    run((g) => {
      const both = abi.FSTFLAGS_ATIM | abi.FSTFLAGS_ATIM_NOW;
      expect(g.wasi.path_filestat_set_times(3, 0, ...p(g, 'f'), 0n, 0n, both)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.path_filestat_set_times(99, 0, ...p(g, 'f'), 0n, 0n, both)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.path_filestat_set_times(99, 0, ...p(g, 'f'), 0n, 0n, abi.FSTFLAGS_MTIM)).toBe(abi.ERRNO_BADF);
    });
  });

  it('needs a directory: EBADF for stdio and unknown fds, ENOTDIR for path_open on a file', () => {
    run((g) => {
      const [ptr, len] = p(g, 'f');
      expect(g.wasi.path_open(3, 0, ptr, len, abi.OFLAGS_CREAT, 0n, 0n, 0, 8)).toBe(0);
      const file = g.view().getUint32(8, true);
      expect(g.wasi.path_open(file, 0, ptr, len, 0, 0n, 0n, 0, 8)).toBe(abi.ERRNO_NOTDIR);
      expect(g.wasi.path_open(1, 0, ptr, len, 0, 0n, 0n, 0, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.path_open(50, 0, ptr, len, 0, 0n, 0n, 0, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.path_create_directory(file, ptr, len)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.path_unlink_file(0, ptr, len)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.path_rename(3, ptr, len, file, ptr, len)).toBe(abi.ERRNO_BADF);
    });
  });

  it('opens directories as directory descriptors; write access to one is EISDIR', () => {
    run((g) => {
      g.wasi.path_create_directory(3, ...p(g, 'd'));
      const [ptr, len] = p(g, 'd');
      expect(g.wasi.path_open(3, 0, ptr, len, abi.OFLAGS_DIRECTORY, 0n, 0n, 0, 8)).toBe(0);
      const dir = g.view().getUint32(8, true);
      expect(g.wasi.fd_fdstat_get(dir, 64)).toBe(0);
      expect(g.view().getUint8(64)).toBe(abi.FILETYPE_DIRECTORY);
      expect(g.wasi.fd_prestat_get(dir, 64)).toBe(abi.ERRNO_BADF); // not a preopen
      expect(g.wasi.path_open(dir, 0, ...p(g, 'x', 5000), abi.OFLAGS_CREAT, 0n, 0n, 0, 8)).toBe(0);
      const rw = BigInt(abi.RIGHTS_FD_READ | abi.RIGHTS_FD_WRITE);
      expect(g.wasi.path_open(3, 0, ptr, len, abi.OFLAGS_DIRECTORY, rw, 0n, 0, 8)).toBe(abi.ERRNO_ISDIR);
    });
  });
});
