import { describe, expect, it } from 'vitest';
import * as abi from './abi.ts';
import { FlatVfs, MemFile, RecordingIo, runGuest, type Guest } from './test-kit.ts';

const RW = BigInt(abi.RIGHTS_FD_READ | abi.RIGHTS_FD_WRITE);
const R = BigInt(abi.RIGHTS_FD_READ);
const W = BigInt(abi.RIGHTS_FD_WRITE);

function run(body: (g: Guest, vfs: FlatVfs) => void, vfs = new FlatVfs()): FlatVfs {
  runGuest({ args: [], env: [], vfs, io: new RecordingIo() }, (g) => body(g, vfs));
  return vfs;
}

/** path_open relative to the preopen (fd 3); returns [errno, fd]. */
function open(g: Guest, path: string, oflags = 0, rights = RW, fdflags = 0, dirfd = 3): [number, number] {
  const len = g.put(4000, path);
  const errno = g.wasi.path_open(dirfd, 0, 4000, len, oflags, rights, 0n, fdflags, 8);
  return [errno, g.view().getUint32(8, true)];
}

function write(g: Guest, fd: number, text: string): number {
  const len = g.put(1000, text);
  g.iovecs(16, [[1000, len]]);
  const errno = g.wasi.fd_write(fd, 16, 1, 8);
  return errno === 0 ? g.view().getUint32(8, true) : -errno;
}

function read(g: Guest, fd: number, max = 64): string | number {
  g.iovecs(16, [[2000, max]]);
  const errno = g.wasi.fd_read(fd, 16, 1, 8);
  return errno === 0 ? g.text(2000, g.view().getUint32(8, true)) : -errno;
}

function seek(g: Guest, fd: number, offset: bigint, whence: number): number | bigint {
  const errno = g.wasi.fd_seek(fd, offset, whence, 24);
  return errno === 0 ? g.view().getBigUint64(24, true) : -errno;
}

describe('files', () => {
  it('writes, seeks, tells and reads back; fd numbers reuse the lowest free slot', () => {
    const vfs = run((g) => {
      const [errno, fd] = open(g, 'f', abi.OFLAGS_CREAT);
      expect(errno).toBe(0);
      expect(fd).toBe(4);
      expect(write(g, fd, 'hello world')).toBe(11);
      expect(seek(g, fd, 0n, abi.WHENCE_CUR)).toBe(11n);
      expect(seek(g, fd, -5n, abi.WHENCE_END)).toBe(6n);
      expect(read(g, fd)).toBe('world');
      expect(g.wasi.fd_tell(fd, 24)).toBe(0);
      expect(g.view().getBigUint64(24, true)).toBe(11n);
      expect(seek(g, fd, 100n, abi.WHENCE_SET)).toBe(100n); // beyond the end is fine
      expect(read(g, fd)).toBe('');
      expect(seek(g, fd, -200n, abi.WHENCE_CUR)).toBe(-abi.ERRNO_INVAL);
      expect(seek(g, fd, -1n, abi.WHENCE_SET)).toBe(-abi.ERRNO_INVAL);
      expect(seek(g, fd, 0n, 3)).toBe(-abi.ERRNO_INVAL);
      expect(g.wasi.fd_close(fd)).toBe(0);
      expect(g.wasi.fd_close(fd)).toBe(abi.ERRNO_BADF);
      expect(open(g, 'g', abi.OFLAGS_CREAT)[1]).toBe(4);
    });
    expect((vfs.nodes.get('f') as MemFile).closed).toBe(true);
  });

  it('reads and writes across several iovecs, stopping at a short read', () => {
    run((g) => {
      const [, fd] = open(g, 'f', abi.OFLAGS_CREAT);
      g.put(1000, 'abc');
      g.put(1100, 'defg');
      g.iovecs(16, [[1000, 3], [1100, 4]]);
      expect(g.wasi.fd_write(fd, 16, 2, 8)).toBe(0);
      expect(g.view().getUint32(8, true)).toBe(7);
      seek(g, fd, 0n, abi.WHENCE_SET);
      g.iovecs(16, [[2000, 2], [2100, 0], [2200, 10], [2300, 10]]);
      expect(g.wasi.fd_read(fd, 16, 4, 8)).toBe(0);
      expect(g.view().getUint32(8, true)).toBe(7);
      expect(g.text(2000, 2) + g.text(2200, 5)).toBe('abcdefg');
      expect(g.wasi.fd_pread(fd, 16, 1, 3n, 8)).toBe(0);
      expect(g.text(2000, 2)).toBe('de');
      expect(g.wasi.fd_pread(fd, 16, 1, 1n << 60n, 8)).toBe(0);
      expect(g.view().getUint32(8, true)).toBe(0);
    });
  });

  it('append mode writes at the end, moves the offset there, and fd_pwrite appends too (Linux)', () => {
    const vfs = run((g) => {
      const [, fd] = open(g, 'f', abi.OFLAGS_CREAT, RW, abi.FDFLAGS_APPEND);
      expect(seek(g, fd, 0n, abi.WHENCE_CUR)).toBe(0n);
      write(g, fd, 'aaaa');
      expect(seek(g, fd, 0n, abi.WHENCE_SET)).toBe(0n);
      write(g, fd, 'bb');
      expect(seek(g, fd, 0n, abi.WHENCE_CUR)).toBe(6n);
      g.put(1000, 'c');
      g.iovecs(16, [[1000, 1]]);
      expect(g.wasi.fd_pwrite(fd, 16, 1, 0n, 8)).toBe(0);
      expect(g.wasi.fd_fdstat_get(fd, 64)).toBe(0);
      expect(g.view().getUint16(66, true)).toBe(abi.FDFLAGS_APPEND);
      expect(g.wasi.fd_fdstat_set_flags(fd, abi.FDFLAGS_NONBLOCK)).toBe(0);
      expect(g.wasi.fd_fdstat_get(fd, 64)).toBe(0);
      expect(g.view().getUint16(66, true)).toBe(abi.FDFLAGS_NONBLOCK);
      seek(g, fd, 0n, abi.WHENCE_SET);
      write(g, fd, 'X');
      expect(g.wasi.fd_fdstat_set_flags(fd, abi.FDFLAGS_SYNC)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.fd_fdstat_set_flags(fd, 1 << 5)).toBe(abi.ERRNO_INVAL);
    });
    expect(new TextDecoder().decode((vfs.nodes.get('f') as MemFile).data)).toBe('Xaaabbc');
  });

  it('access modes: EBADF without the access, and the reported rights follow it (wasmtime)', () => {
    run((g) => {
      open(g, 'f', abi.OFLAGS_CREAT);
      const [, ro] = open(g, 'f', 0, R);
      expect(write(g, ro, 'x')).toBe(-abi.ERRNO_BADF);
      expect(g.wasi.fd_filestat_set_size(ro, 3n)).toBe(abi.ERRNO_INVAL); // ftruncate on a read-only fd
      const [, wo] = open(g, 'f', 0, W);
      expect(read(g, wo)).toBe(-abi.ERRNO_BADF);
      expect(g.wasi.fd_fdstat_get(wo, 64)).toBe(0);
      const base = Number(g.view().getBigUint64(72, true));
      expect(base & abi.RIGHTS_FD_READ).toBe(0);
      expect(base & abi.RIGHTS_FD_READDIR).toBe(0);
      expect(base & abi.RIGHTS_FD_WRITE).toBe(abi.RIGHTS_FD_WRITE);
      expect(base & abi.RIGHTS_FD_SEEK).toBe(abi.RIGHTS_FD_SEEK); // regular files are seekable: not a tty
      expect(g.view().getUint8(64)).toBe(abi.FILETYPE_REGULAR_FILE);
      const [, none] = open(g, 'f', 0, 0n); // no rights: readable, like wasmtime's open_at
      expect(read(g, none)).toBe('');
    });
  });

  it('CREAT and TRUNC imply write access; O_DIRECTORY with them is EINVAL; SYNC flags are ENOTSUP', () => {
    const vfs = run((g, vfs) => {
      const [, fd] = open(g, 'f', abi.OFLAGS_CREAT, 0n);
      expect(vfs.lastOpen).toMatchObject({ create: true, write: true, follow: false });
      expect(write(g, fd, 'data')).toBe(4);
      open(g, 'f', abi.OFLAGS_TRUNC, R);
      expect(vfs.lastOpen).toMatchObject({ truncate: true, write: true });
      expect(open(g, 'f', abi.OFLAGS_DIRECTORY | abi.OFLAGS_CREAT)[0]).toBe(abi.ERRNO_INVAL);
      expect(open(g, 'f', abi.OFLAGS_DIRECTORY | abi.OFLAGS_TRUNC)[0]).toBe(abi.ERRNO_INVAL);
      expect(open(g, 'f', 0, RW, abi.FDFLAGS_SYNC)[0]).toBe(abi.ERRNO_NOTSUP);
      expect(open(g, 'f', 0, RW, abi.FDFLAGS_DSYNC)[0]).toBe(abi.ERRNO_NOTSUP);
      expect(open(g, 'f', abi.OFLAGS_CREAT | abi.OFLAGS_EXCL)[0]).toBe(abi.ERRNO_EXIST);
      expect(open(g, 'nope', 0)[0]).toBe(abi.ERRNO_NOENT);
      expect(open(g, 'f', 1 << 4)[0]).toBe(abi.ERRNO_INVAL);
      expect(open(g, 'f', 0, 1n << 40n)[0]).toBe(abi.ERRNO_INVAL);
    });
    expect((vfs.nodes.get('f') as MemFile).data.length).toBe(0);
  });

  it('fd_fdstat_set_rights only drops rights; a dropped right is ENOTCAPABLE (wasi-testsuite)', () => {
    run((g) => {
      const [, fd] = open(g, 'f', abi.OFLAGS_CREAT);
      expect(g.wasi.fd_fdstat_get(fd, 64)).toBe(0);
      const base = g.view().getBigUint64(72, true);
      const inheriting = g.view().getBigUint64(80, true);
      const keep = base & ~RW;
      expect(g.wasi.fd_fdstat_set_rights(fd, keep, inheriting)).toBe(0);
      expect(g.wasi.fd_fdstat_get(fd, 64)).toBe(0);
      expect(g.view().getBigUint64(72, true)).toBe(keep);
      expect(read(g, fd)).toBe(-abi.ERRNO_NOTCAPABLE);
      expect(write(g, fd, 'x')).toBe(-abi.ERRNO_NOTCAPABLE);
      expect(g.wasi.fd_fdstat_set_rights(fd, base, inheriting)).toBe(abi.ERRNO_NOTCAPABLE);
      expect(g.wasi.fd_fdstat_set_rights(fd, keep & ~BigInt(abi.RIGHTS_FD_SEEK | abi.RIGHTS_FD_TELL), 0n)).toBe(0);
      expect(seek(g, fd, 0n, abi.WHENCE_CUR)).toBe(-abi.ERRNO_NOTCAPABLE);
      expect(g.wasi.fd_tell(fd, 24)).toBe(abi.ERRNO_NOTCAPABLE);
      expect(g.wasi.fd_fdstat_set_rights(99, 0n, 0n)).toBe(abi.ERRNO_BADF);
      // Dropping a directory's inheriting rights limits what is opened through it.
      expect(g.wasi.fd_fdstat_get(3, 64)).toBe(0);
      const dirBase = g.view().getBigUint64(72, true);
      expect(g.wasi.fd_fdstat_set_rights(3, dirBase, g.view().getBigUint64(80, true) & ~W)).toBe(0);
      const [, child] = open(g, 'f');
      expect(write(g, child, 'x')).toBe(-abi.ERRNO_NOTCAPABLE);
      expect(g.wasi.fd_fdstat_set_rights(3, dirBase & ~BigInt(abi.RIGHTS_PATH_OPEN), 0n)).toBe(0);
      expect(open(g, 'f')[0]).toBe(abi.ERRNO_NOTCAPABLE);
    });
  });

  it('filestat, set_size, set_times validation, advise, allocate, sync', () => {
    run((g, vfs) => {
      const [, fd] = open(g, 'f', abi.OFLAGS_CREAT);
      write(g, fd, 'abc');
      expect(g.wasi.fd_filestat_get(fd, 128)).toBe(0);
      const dv = g.view();
      expect(dv.getBigUint64(128, true)).toBe(7n); // dev
      expect(dv.getBigUint64(136, true)).toBe(100n); // ino
      expect(dv.getUint8(144)).toBe(abi.FILETYPE_REGULAR_FILE);
      expect(dv.getBigUint64(152, true)).toBe(1n); // nlink (u64 in preview1)
      expect(dv.getBigUint64(160, true)).toBe(3n); // size
      expect([168, 176, 184].map((o) => dv.getBigUint64(o, true))).toEqual([1000n, 2000n, 3000n]);
      expect(g.wasi.fd_filestat_set_size(fd, 10n)).toBe(0);
      expect((vfs.nodes.get('f') as MemFile).data.length).toBe(10);
      const f = vfs.nodes.get('f') as MemFile;
      expect(g.wasi.fd_filestat_set_times(fd, 5n, 6n, abi.FSTFLAGS_ATIM | abi.FSTFLAGS_MTIM_NOW)).toBe(0);
      expect(f.times.at(-1)).toEqual([{ kind: 'set', ns: 5n }, { kind: 'now' }]);
      expect(g.wasi.fd_filestat_set_times(fd, 0n, 0n, 0)).toBe(0);
      expect(f.times.at(-1)).toEqual([{ kind: 'keep' }, { kind: 'keep' }]);
      expect(g.wasi.fd_filestat_set_times(fd, 0n, 0n, abi.FSTFLAGS_ATIM | abi.FSTFLAGS_ATIM_NOW)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.fd_filestat_set_times(fd, 0n, 0n, abi.FSTFLAGS_MTIM | abi.FSTFLAGS_MTIM_NOW)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.fd_filestat_set_times(99, 0n, 0n, abi.FSTFLAGS_ATIM | abi.FSTFLAGS_ATIM_NOW)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.fd_filestat_set_times(fd, 0n, 0n, 16)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.fd_advise(fd, 0n, 10n, 4)).toBe(0);
      expect(g.wasi.fd_advise(fd, 0n, 10n, 6)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.fd_allocate(fd, 0n, 100n)).toBe(abi.ERRNO_NOTSUP);
      expect(g.wasi.fd_sync(fd)).toBe(0);
      expect(g.wasi.fd_datasync(fd)).toBe(0);
    });
  });

  it('the unstable snapshot: whence cur/end/set and a filestat with u32 nlink', () => {
    run((g) => {
      const [, fd] = open(g, 'f', abi.OFLAGS_CREAT);
      write(g, fd, 'abcdef');
      expect(g.unstable.fd_seek(fd, 1n, 2, 24)).toBe(0); // 2 = SET in snapshot 0
      expect(g.view().getBigUint64(24, true)).toBe(1n);
      expect(g.unstable.fd_seek(fd, 1n, 0, 24)).toBe(0); // 0 = CUR
      expect(g.view().getBigUint64(24, true)).toBe(2n);
      expect(g.unstable.fd_seek(fd, -1n, 1, 24)).toBe(0); // 1 = END
      expect(g.view().getBigUint64(24, true)).toBe(5n);
      expect(g.unstable.fd_seek(fd, 0n, 3, 24)).toBe(abi.ERRNO_INVAL);
      g.put(128, new Uint8Array(64).fill(0xee));
      expect(g.unstable.fd_filestat_get(fd, 128)).toBe(0);
      const dv = g.view();
      expect(dv.getUint8(144)).toBe(abi.FILETYPE_REGULAR_FILE);
      expect(dv.getUint32(148, true)).toBe(1); // nlink u32 @20
      expect(dv.getBigUint64(152, true)).toBe(6n); // size @24
      expect(dv.getBigUint64(176, true)).toBe(3000n); // ctim @48
      expect(dv.getUint8(128 + 56)).toBe(0xee); // 56 bytes, nothing beyond
    });
  });
});

describe('descriptors', () => {
  it('fd_renumber: both must be open, the target is closed, preopens may move', () => {
    const vfs = run((g, vfs) => {
      const [, a] = open(g, 'a', abi.OFLAGS_CREAT);
      const [, b] = open(g, 'b', abi.OFLAGS_CREAT);
      write(g, a, 'from a');
      expect(g.wasi.fd_renumber(a, b)).toBe(0);
      expect(g.wasi.fd_close(a)).toBe(abi.ERRNO_BADF);
      expect((vfs.nodes.get('b') as MemFile).closed).toBe(true);
      expect(seek(g, b, 0n, abi.WHENCE_CUR)).toBe(6n);
      expect(g.wasi.fd_renumber(b, 127)).toBe(abi.ERRNO_BADF); // never handed out (p1_renumber)
      expect(g.wasi.fd_renumber(b, -1)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_renumber(127, b)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_renumber(0, 0)).toBe(0);
      expect(g.wasi.fd_renumber(3, b)).toBe(0);
      expect(g.wasi.fd_prestat_get(b, 64)).toBe(0);
      expect(g.wasi.fd_prestat_get(3, 64)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_close(b)).toBe(0);
    });
    expect(vfs.rootDir.closed).toBe(true);
  });

  it('fd_renumber onto a closed fd it handed out before works, as yowasp yosys needs for its dup2', () => {
    const io = new RecordingIo();
    runGuest({ args: [], env: [], vfs: new FlatVfs(), io }, (g) => {
      const [, placeholder] = open(g, 'p', abi.OFLAGS_CREAT);
      const [, log] = open(g, 'log', abi.OFLAGS_CREAT);
      expect(g.wasi.fd_renumber(1, placeholder)).toBe(0); // park stdout; fd 1 is now closed
      expect(write(g, 1, 'x')).toBe(-abi.ERRNO_BADF);
      expect(g.wasi.fd_renumber(log, 1)).toBe(0); // onto the closed fd 1
      expect(write(g, 1, 'to the log')).toBe(10);
      expect(g.wasi.fd_renumber(placeholder, 1)).toBe(0); // restore stdout, closing the log
      expect(write(g, 1, 'back')).toBe(4);
    });
    expect(io.text()).toBe('back');
  });

  it('fd_prestat_get / fd_prestat_dir_name for the preopen (wasmtime errnos otherwise)', () => {
    run((g) => {
      expect(g.wasi.fd_prestat_get(3, 64)).toBe(0);
      expect(g.view().getUint8(64)).toBe(abi.PREOPENTYPE_DIR);
      expect(g.view().getUint32(68, true)).toBe(1);
      expect(g.wasi.fd_prestat_dir_name(3, 100, 0)).toBe(abi.ERRNO_NAMETOOLONG);
      expect(g.wasi.fd_prestat_dir_name(3, 100, 8)).toBe(0);
      expect(g.text(100, 1)).toBe('/');
      expect(g.wasi.fd_prestat_get(1, 64)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_prestat_get(4, 64)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_prestat_dir_name(1, 100, 8)).toBe(abi.ERRNO_NOTDIR);
      expect(g.wasi.fd_prestat_dir_name(4, 100, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_fdstat_get(3, 64)).toBe(0);
      expect(g.view().getUint8(64)).toBe(abi.FILETYPE_DIRECTORY);
      const base = Number(g.view().getBigUint64(72, true));
      const inheriting = Number(g.view().getBigUint64(80, true));
      expect(base & abi.RIGHTS_PATH_OPEN && base & abi.RIGHTS_FD_READDIR).toBeTruthy();
      expect(base & abi.RIGHTS_FD_SEEK).toBe(0);
      expect(inheriting & abi.RIGHTS_FD_READ && inheriting & abi.RIGHTS_FD_WRITE && inheriting & abi.RIGHTS_FD_SEEK).toBeTruthy();
    });
  });

  it('a directory descriptor refuses data operations with EBADF (p1_dir_fd_op_failures)', () => {
    run((g) => {
      g.iovecs(16, [[100, 4]]);
      expect(g.wasi.fd_read(3, 16, 1, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_write(3, 16, 1, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_pread(3, 16, 1, 0n, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_pwrite(3, 16, 1, 0n, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_seek(3, 0n, abi.WHENCE_SET, 24)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_tell(3, 24)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_advise(3, 0n, 0n, 4)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_allocate(3, 0n, 1n)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_datasync(3)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_sync(3)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_fdstat_set_flags(3, abi.FDFLAGS_NONBLOCK)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_filestat_set_size(3, 0n)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_filestat_set_times(3, 0n, 0n, abi.FSTFLAGS_MTIM_NOW)).toBe(0);
      expect(g.wasi.fd_filestat_get(3, 128)).toBe(0);
      expect(g.view().getUint8(144)).toBe(abi.FILETYPE_DIRECTORY);
    });
  });
});
