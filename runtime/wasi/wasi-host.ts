/**
 * wasi wasi-host: the WASI preview1 host of one guest process: builds the import object and runs `_start`.
 *
 * The host owns a descriptor table (0 stdin, 1 stdout, 2 stderr, then the preopens from fd 3) over a `Vfs` and a
 * `HostIo`, and knows nothing of workers or messages. Lifecycle: construct with the options, instantiate the module
 * with `imports`, call `start(instance)` once; it returns the exit code and closes every descriptor left open
 * (including the preopen handles, which the host owns).
 *
 *   const host = new WasiHost({ args: ['app', '-v'], env: ['HOME=/root'], vfs, io });
 *   const instance = await WebAssembly.instantiate(module, host.imports);
 *   const code = host.start(instance); // or throws the trap
 *
 * Every syscall is wrapped by `guard` (errno.ts): expected failures return an errno, anything else traps.
 * `wasi_unstable` (snapshot 0) shares the table and differs only where its ABI does: whence numbering in fd_seek,
 * the filestat layout (u32 nlink) in fd_filestat_get/path_filestat_get, the clock subscription layout in
 * poll_oneoff, and the rights bits it defines (no sock_accept). Every other snapshot-0 function has the same
 * signature and struct layouts as in preview1 (dirent, fdstat, event, prestat), so it is shared as is.
 */
import type { OpenDir, Vfs } from '../vfs/api.ts';
import { FsError } from '../vfs/errors.ts';
import { type HostIo, ProcExit, WasiTrap } from './host-io.ts';
import * as abi from './abi.ts';
import type { Snapshot, WasiContext } from './context.ts';
import { Clocks } from './clocks.ts';
import { guard, type Syscall } from './errno.ts';
import { DirFd, FdTable, StdinFd, StdoutFd } from './fd-table.ts';
import { GuestMemory, utf8 } from './memory.ts';
import { closeHandle, fdSyscalls } from './syscalls-fd.ts';
import { fdDirSyscalls } from './syscalls-fd-dir.ts';
import { fdIoSyscalls } from './syscalls-fd-io.ts';
import { miscSyscalls } from './syscalls-misc.ts';
import { pathSyscalls } from './syscalls-path.ts';
import { pollSyscalls } from './syscalls-poll.ts';
import { traced } from './trace.ts';

export interface WasiHostOptions {
  args: string[];
  /** "K=V" strings. */
  env: string[];
  vfs: Vfs;
  io: HostIo;
  /** Default: `[{ guestPath: '/', dir: vfs.root() }]`, i.e. fd 3 is the container root. */
  preopens?: Array<{ guestPath: string; dir: OpenDir }>;
  /** When set, every syscall is reported as one strace-like line. */
  trace?: (line: string) => void;
  /**
   * Checked before every syscall: a number ends the guest right there as `proc_exit(number)` would. This is how a
   * host asks a guest to stop (docker stop, Ctrl+C) and still gets its filesystem changes, which killing the worker
   * loses. A guest that makes no syscalls never sees it (the host kills it after a grace period).
   */
  interrupted?: () => number | null;
}

const PREVIEW1: Snapshot = {
  layouts: abi.LAYOUTS_PREVIEW1,
  rightsAll: abi.RIGHTS_ALL_PREVIEW1,
  whence: (w) => (w >= abi.WHENCE_SET && w <= abi.WHENCE_END ? w : undefined),
};

const UNSTABLE: Snapshot = {
  layouts: abi.LAYOUTS_UNSTABLE,
  rightsAll: abi.RIGHTS_ALL_UNSTABLE,
  whence: (w) => abi.WHENCE_FROM_UNSTABLE[w],
};

export class WasiHost {
  private readonly ctx: WasiContext;
  private readonly importObject: WebAssembly.Imports;
  private started = false;

  constructor(options: WasiHostOptions) {
    const { vfs, io } = options;
    const fds = new FdTable();
    fds.add(new StdinFd(io.stdin, io.tty));
    fds.add(new StdoutFd(io.stdout, io.tty));
    fds.add(new StdoutFd(io.stderr, io.tty));
    for (const p of options.preopens ?? [{ guestPath: '/', dir: vfs.root() }]) {
      fds.add(new DirFd(p.dir, utf8(p.guestPath)));
    }
    this.ctx = {
      mem: new GuestMemory(),
      fds,
      vfs,
      io,
      clocks: new Clocks(),
      args: options.args.map(utf8),
      env: options.env.map(utf8),
    };
    const preview1 = this.module(PREVIEW1, options);
    const unstable = this.module(UNSTABLE, options);
    delete unstable['sock_accept']; // added after snapshot 0
    this.importObject = { wasi_snapshot_preview1: preview1, wasi_unstable: unstable };
  }

  /** Import object with `wasi_snapshot_preview1` and `wasi_unstable`; the same object on every access. */
  get imports(): WebAssembly.Imports {
    return this.importObject;
  }

  /**
   * Runs the command's `_start`; returns the exit code (proc_exit's, or 0 when `_start` returns). Throws the trap (a
   * WebAssembly.RuntimeError or WasiTrap) otherwise. Requires an exported `memory`. Callable once.
   */
  start(instance: WebAssembly.Instance): number {
    if (this.started) throw new Error('WasiHost.start: a process runs once');
    this.started = true;
    const { memory, _start } = instance.exports;
    if (!(memory instanceof WebAssembly.Memory)) throw new WasiTrap('the module does not export a memory "memory"');
    if (typeof _start !== 'function') throw new WasiTrap('the module does not export a function "_start"');
    this.ctx.mem.attach(memory);
    try {
      (_start as () => void)();
      return 0;
    } catch (err) {
      if (err instanceof ProcExit) return err.code;
      throw err;
    } finally {
      this.closeAll();
    }
  }

  private module(snap: Snapshot, { trace, interrupted }: Pick<WasiHostOptions, 'trace' | 'interrupted'>): Record<string, Syscall> {
    const table: Record<string, Syscall> = {
      ...fdIoSyscalls(this.ctx, snap),
      ...fdSyscalls(this.ctx, snap),
      ...fdDirSyscalls(this.ctx),
      ...pathSyscalls(this.ctx, snap),
      ...pollSyscalls(this.ctx, snap),
      ...miscSyscalls(this.ctx),
    };
    for (const name of Object.keys(table)) {
      const fn = guard(name, table[name]!);
      const stoppable = interrupted === undefined ? fn : stopBefore(fn, interrupted);
      table[name] = trace === undefined ? stoppable : traced(name, stoppable, trace);
    }
    return table;
  }

  /** Releases every handle still in the table when the process ends; failures to close are not the guest's. */
  private closeAll(): void {
    for (const [fd] of this.ctx.fds.entries()) {
      const e = this.ctx.fds.remove(fd)!;
      try {
        closeHandle(e);
      } catch (err) {
        // An expected close failure at exit has no guest left to report to; a host bug still surfaces.
        if (!(err instanceof FsError)) throw err;
      }
    }
  }
}

/** `fn`, but first ends the guest (as proc_exit) when `interrupted` says so. */
function stopBefore(fn: Syscall, interrupted: () => number | null): Syscall {
  return function stoppable(a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown, i?: unknown): number {
    const code = interrupted();
    if (code !== null) throw new ProcExit(code);
    return fn(a, b, c, d, e, f, g, h, i);
  };
}
