import { describe, expect, it } from 'vitest';
import * as abi from './abi.ts';
import { ProcExit, WasiTrap } from './host-io.ts';
import { FlatVfs, RecordingIo, runGuest, type Guest } from './test-kit.ts';
import { WasiHost } from './wasi-host.ts';

function run(body: (g: Guest, io: RecordingIo) => void, options: { args?: string[]; env?: string[]; io?: RecordingIo } = {}) {
  const io = options.io ?? new RecordingIo();
  const code = runGuest({ args: options.args ?? ['prog'], env: options.env ?? [], vfs: new FlatVfs(), io }, (g) => body(g, io));
  return { code, io };
}

describe('stdio', () => {
  it('fd_write sends every iovec to stdout, in order, and reports the total', () => {
    const { io } = run((g) => {
      g.put(100, 'hello, ');
      g.put(200, 'world\n');
      g.iovecs(16, [[100, 7], [300, 0], [200, 6]]);
      expect(g.wasi.fd_write(1, 16, 3, 8)).toBe(abi.ERRNO_SUCCESS);
      expect(g.view().getUint32(8, true)).toBe(13);
    });
    expect(io.text()).toBe('hello, world\n');
    expect(io.stdoutChunks).toHaveLength(1); // small iovecs are gathered into one sink write
  });

  it('fd_write passes large iovecs to the sink separately, as views of guest memory', () => {
    const { io } = run((g) => {
      g.put(100, 'x'.repeat(5000));
      g.put(6000, 'y');
      g.iovecs(16, [[100, 5000], [6000, 1]]);
      expect(g.wasi.fd_write(1, 16, 2, 8)).toBe(abi.ERRNO_SUCCESS);
      expect(g.view().getUint32(8, true)).toBe(5001);
    });
    expect(io.stdoutChunks.map((c) => c.length)).toEqual([5000, 1]);
  });

  it('fd_write to stderr, and errno for stdin, closed and unknown fds', () => {
    const { io } = run((g) => {
      g.put(100, 'oops');
      g.iovecs(16, [[100, 4]]);
      expect(g.wasi.fd_write(2, 16, 1, 8)).toBe(abi.ERRNO_SUCCESS);
      expect(g.wasi.fd_write(0, 16, 1, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_write(99, 16, 1, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_write(-1, 16, 1, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_close(2)).toBe(abi.ERRNO_SUCCESS);
      expect(g.wasi.fd_write(2, 16, 1, 8)).toBe(abi.ERRNO_BADF);
    });
    expect(io.text('stderr')).toBe('oops');
  });

  it('fd_read reads stdin into the first non-empty iovec and 0 at end of input', () => {
    run(
      (g) => {
        g.iovecs(16, [[100, 0], [200, 3], [300, 10]]);
        expect(g.wasi.fd_read(0, 16, 3, 8)).toBe(0);
        expect(g.view().getUint32(8, true)).toBe(3);
        expect(g.text(200, 3)).toBe('abc');
        expect(g.wasi.fd_read(0, 16, 3, 8)).toBe(0);
        expect(g.view().getUint32(8, true)).toBe(2);
        expect(g.wasi.fd_read(0, 16, 3, 8)).toBe(0);
        expect(g.view().getUint32(8, true)).toBe(0);
        expect(g.wasi.fd_read(1, 16, 3, 8)).toBe(abi.ERRNO_BADF);
      },
      { io: new RecordingIo('abcde') },
    );
  });

  it('reports stdio as UNKNOWN without seek rights, or CHARACTER_DEVICE on a tty (libc isatty)', () => {
    for (const tty of [false, true]) {
      const io = new RecordingIo();
      io.tty = tty;
      run(
        (g) => {
          for (const [fd, right] of [[0, abi.RIGHTS_FD_READ], [1, abi.RIGHTS_FD_WRITE], [2, abi.RIGHTS_FD_WRITE]]) {
            expect(g.wasi.fd_fdstat_get(fd, 64)).toBe(0);
            const dv = g.view();
            expect(dv.getUint8(64)).toBe(tty ? abi.FILETYPE_CHARACTER_DEVICE : abi.FILETYPE_UNKNOWN);
            expect(dv.getUint16(66, true)).toBe(0);
            expect(dv.getBigUint64(72, true)).toBe(BigInt(right));
            expect(dv.getBigUint64(80, true)).toBe(BigInt(right));
          }
          expect(g.wasi.fd_filestat_get(1, 128)).toBe(0);
          expect(g.get(128, 64).filter((b, i) => i !== 16 && b !== 0)).toHaveLength(0);
          expect(g.view().getUint8(144)).toBe(tty ? abi.FILETYPE_CHARACTER_DEVICE : abi.FILETYPE_UNKNOWN);
        },
        { io },
      );
    }
  });

  it('stdio is not seekable: seek/tell/pread/pwrite answer ESPIPE or EBADF as wasmtime does', () => {
    run((g) => {
      g.iovecs(16, [[100, 4]]);
      expect(g.wasi.fd_seek(1, 0n, abi.WHENCE_CUR, 8)).toBe(abi.ERRNO_SPIPE);
      expect(g.wasi.fd_seek(0, 0n, abi.WHENCE_SET, 8)).toBe(abi.ERRNO_SPIPE);
      expect(g.wasi.fd_tell(2, 8)).toBe(abi.ERRNO_SPIPE);
      expect(g.wasi.fd_pread(0, 16, 1, 0n, 8)).toBe(abi.ERRNO_SPIPE);
      expect(g.wasi.fd_pread(1, 16, 1, 0n, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_pwrite(1, 16, 1, 0n, 8)).toBe(abi.ERRNO_SPIPE);
      expect(g.wasi.fd_pwrite(0, 16, 1, 0n, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_fdstat_set_flags(1, abi.FDFLAGS_NONBLOCK)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_filestat_set_times(1, 0n, 0n, 0)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_sync(1)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_readdir(1, 100, 100, 0n, 8)).toBe(abi.ERRNO_BADF);
    });
  });
});

describe('args and environ', () => {
  it('reports exact sizes and writes NUL-terminated strings (UTF-8)', () => {
    run(
      (g) => {
        expect(g.wasi.args_sizes_get(8, 12)).toBe(0);
        expect(g.view().getUint32(8, true)).toBe(3);
        expect(g.view().getUint32(12, true)).toBe(6 + 1 + 2 + 1 + 0 + 1); // 'héllo' is 6 bytes of UTF-8
        expect(g.wasi.args_get(16, 100)).toBe(0);
        const dv = g.view();
        expect([0, 1, 2].map((i) => dv.getUint32(16 + i * 4, true))).toEqual([100, 107, 110]);
        expect(g.text(100, 11)).toBe('héllo\0-v\0\0');

        expect(g.wasi.environ_sizes_get(8, 12)).toBe(0);
        expect(g.view().getUint32(8, true)).toBe(2);
        expect(g.view().getUint32(12, true)).toBe(4 + 10);
        expect(g.wasi.environ_get(32, 200)).toBe(0);
        expect(g.view().getUint32(36, true)).toBe(204);
        expect(g.text(200, 14)).toBe('A=1\0PATH=/bin\0');
      },
      { args: ['héllo', '-v', ''], env: ['A=1', 'PATH=/bin'] },
    );
  });
});

describe('clocks, random, proc, sched, sock', () => {
  it('clock_time_get: monotonic never goes back, realtime is near Date.now, cputime counts up', () => {
    run((g) => {
      expect(g.wasi.clock_time_get(abi.CLOCKID_MONOTONIC, 0n, 8)).toBe(0);
      const a = g.view().getBigUint64(8, true);
      expect(g.wasi.clock_time_get(abi.CLOCKID_MONOTONIC, 1n, 8)).toBe(0);
      expect(g.view().getBigUint64(8, true)).toBeGreaterThanOrEqual(a);
      expect(g.wasi.clock_time_get(abi.CLOCKID_REALTIME, 0n, 8)).toBe(0);
      const wall = Number(g.view().getBigUint64(8, true) / 1_000_000n);
      expect(Math.abs(wall - Date.now())).toBeLessThan(1000);
      expect(g.wasi.clock_time_get(abi.CLOCKID_PROCESS_CPUTIME_ID, 0n, 8)).toBe(0);
      expect(g.wasi.clock_time_get(abi.CLOCKID_THREAD_CPUTIME_ID, 0n, 8)).toBe(0);
      expect(g.wasi.clock_time_get(4, 0n, 8)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.clock_res_get(abi.CLOCKID_REALTIME, 16)).toBe(0);
      expect(g.view().getBigUint64(16, true)).toBeGreaterThan(0n);
      expect(g.wasi.clock_res_get(99, 16)).toBe(abi.ERRNO_INVAL);
    });
  });

  it('random_get fills guest memory through io.randomFill', () => {
    run((g) => {
      expect(g.wasi.random_get(1000, 5)).toBe(0);
      expect([...g.get(1000, 5)]).toEqual([3, 10, 17, 24, 31]);
      expect(g.wasi.random_get(1000, 0)).toBe(0);
    });
  });

  it('proc_exit ends the run with its code; returning from _start is 0', () => {
    expect(run((g) => g.wasi.proc_exit(3)).code).toBe(3);
    expect(run(() => {}).code).toBe(0);
    expect(run((g) => g.wasi.proc_exit(-1)).code).toBe(0xffffffff);
  });

  it('proc_raise is ENOTSUP (EINVAL for a bad signal); sched_yield succeeds', () => {
    run((g) => {
      expect(g.wasi.proc_raise(15)).toBe(abi.ERRNO_NOTSUP);
      expect(g.wasi.proc_raise(31)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.sched_yield()).toBe(0);
    });
  });

  it('sock_* answer ENOTSOCK for open fds and EBADF otherwise', () => {
    run((g) => {
      expect(g.wasi.sock_accept(3, 0, 8)).toBe(abi.ERRNO_NOTSOCK);
      expect(g.wasi.sock_accept(42, 0, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.sock_recv(1, 16, 1, 0, 8, 12)).toBe(abi.ERRNO_NOTSOCK);
      expect(g.wasi.sock_send(0, 16, 1, 0, 8)).toBe(abi.ERRNO_NOTSOCK);
      expect(g.wasi.sock_shutdown(1, 3)).toBe(abi.ERRNO_NOTSOCK);
      expect(g.wasi.sock_shutdown(1, 4)).toBe(abi.ERRNO_INVAL);
      expect(g.wasi.sock_shutdown(9, 1)).toBe(abi.ERRNO_BADF);
    });
  });
});

describe('traps', () => {
  it('an out-of-bounds pointer traps naming the syscall (wasmtime), never a silent errno', () => {
    expect(() => run((g) => g.wasi.fd_write(1, 65536 - 4, 1, 8))).toThrow(/fd_write: RangeError/);
    expect(() => run((g) => {
      g.iovecs(16, [[65530, 100]]);
      g.wasi.fd_write(1, 16, 1, 8);
    })).toThrow(WasiTrap);
    expect(() => run((g) => g.wasi.args_sizes_get(65536, 0))).toThrow(/args_sizes_get/);
  });

  it('a misaligned struct pointer traps', () => {
    expect(() => run((g) => g.wasi.fd_write(1, 18, 1, 8))).toThrow(/fd_write: .*misaligned/);
    expect(() => run((g) => g.wasi.clock_time_get(1, 0n, 4))).toThrow(/clock_time_get: .*misaligned/);
  });

  it('a host bug inside a syscall becomes a WasiTrap, while exits pass through', () => {
    const io = new RecordingIo();
    io.stdout.write = () => {
      throw new TypeError('sink broke');
    };
    expect(() => run((g) => {
      g.iovecs(16, [[100, 1]]);
      g.wasi.fd_write(1, 16, 1, 8);
    }, { io })).toThrow(/fd_write: TypeError: sink broke/);
    const host = new WasiHost({ args: [], env: [], vfs: new FlatVfs(), io });
    const wasi = (host.imports as Record<string, Record<string, (c: number) => number>>).wasi_snapshot_preview1!;
    expect(() => wasi.proc_exit!(4)).toThrow(ProcExit);
  });

  it('re-reads memory after memory.grow (a stale buffer would be detached)', () => {
    const { io } = run((g) => {
      g.put(100, 'a');
      g.iovecs(16, [[100, 1]]);
      expect(g.wasi.fd_write(1, 16, 1, 8)).toBe(0);
      g.memory.grow(1);
      g.put(70000, 'b');
      g.iovecs(16, [[70000, 1]]);
      expect(g.wasi.fd_write(1, 16, 1, 8)).toBe(0);
    });
    expect(io.text()).toBe('ab');
  });

  it('start requires memory and _start, and runs once', () => {
    const host = new WasiHost({ args: [], env: [], vfs: new FlatVfs(), io: new RecordingIo() });
    const empty = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])));
    expect(() => host.start(empty)).toThrow(/memory/);
  });
});

describe('imports', () => {
  it('exposes every preview1 function, and wasi_unstable without sock_accept', () => {
    const host = new WasiHost({ args: [], env: [], vfs: new FlatVfs(), io: new RecordingIo() });
    const names = Object.keys((host.imports as Record<string, object>).wasi_snapshot_preview1!).sort();
    expect(names).toEqual([
      'args_get', 'args_sizes_get', 'clock_res_get', 'clock_time_get', 'environ_get', 'environ_sizes_get',
      'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
      'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
      'fd_prestat_dir_name', 'fd_prestat_get', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
      'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
      'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
      'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'random_get', 'sched_yield', 'sock_accept',
      'sock_recv', 'sock_send', 'sock_shutdown',
    ]);
    const unstable = Object.keys((host.imports as Record<string, object>).wasi_unstable!);
    expect(unstable).toHaveLength(names.length - 1);
    expect(unstable).not.toContain('sock_accept');
  });

  it('traces one line per call when asked', () => {
    const lines: string[] = [];
    runGuest({ args: [], env: [], vfs: new FlatVfs(), io: new RecordingIo(), trace: (l) => lines.push(l) }, (g) => {
      g.wasi.fd_close(77);
      g.wasi.sched_yield();
      try {
        g.wasi.proc_exit(2);
      } catch {
        // the exit unwinds to start
      }
    });
    expect(lines).toEqual(['fd_close(77) = BADF', 'sched_yield() = SUCCESS', 'proc_exit(2) = exit(2)']);
  });
});
