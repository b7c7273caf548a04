/**
 * wasi fd-table: the guest's descriptors and what each kind may do.
 *
 * Descriptor kinds follow wasmtime p1's `enum Descriptor { Stdin, Stdout, Stderr, Directory, File }`: one small class
 * per kind, tagged by `kind` so a syscall switches on a number. The table is a plain array indexed by fd (the hot
 * paths do `slots[fd]`); freed numbers are reused lowest first, as POSIX does.
 *
 * Rights. wasmtime p1 reports rights but enforces only the access mode (READ/WRITE), and refuses
 * `fd_fdstat_set_rights`. wasmbox reports the same rights and additionally lets `fd_fdstat_set_rights` drop rights
 * (wasi-testsuite `fd_fdstat_set_rights`; legacy wasi-common): a descriptor remembers the bits it lost in `revoked`,
 * and a syscall needing a revoked right answers ENOTCAPABLE. A missing access mode stays EBADF (POSIX, wasmtime).
 */
import type { OpenDir, OpenFile, FileType } from '../vfs/api.ts';
import type { InputSource, OutputSink } from './host-io.ts';
import * as abi from './abi.ts';

export const KIND_STDIN = 0;
export const KIND_STDOUT = 1;
export const KIND_FILE = 2;
export const KIND_DIR = 3;

/** wasmtime p1 `fd_fdstat_get` for preopens: "hard-coded set of rights expected by many userlands". */
export const DIR_RIGHTS_BASE =
  abi.RIGHTS_PATH_CREATE_DIRECTORY | abi.RIGHTS_PATH_CREATE_FILE | abi.RIGHTS_PATH_LINK_SOURCE |
  abi.RIGHTS_PATH_LINK_TARGET | abi.RIGHTS_PATH_OPEN | abi.RIGHTS_FD_READDIR | abi.RIGHTS_PATH_READLINK |
  abi.RIGHTS_PATH_RENAME_SOURCE | abi.RIGHTS_PATH_RENAME_TARGET | abi.RIGHTS_PATH_SYMLINK |
  abi.RIGHTS_PATH_REMOVE_DIRECTORY | abi.RIGHTS_PATH_UNLINK_FILE | abi.RIGHTS_PATH_FILESTAT_GET |
  abi.RIGHTS_PATH_FILESTAT_SET_TIMES | abi.RIGHTS_FD_FILESTAT_GET | abi.RIGHTS_FD_FILESTAT_SET_TIMES;
export const DIR_RIGHTS_INHERITING =
  DIR_RIGHTS_BASE | abi.RIGHTS_FD_DATASYNC | abi.RIGHTS_FD_READ | abi.RIGHTS_FD_SEEK |
  abi.RIGHTS_FD_FDSTAT_SET_FLAGS | abi.RIGHTS_FD_SYNC | abi.RIGHTS_FD_TELL | abi.RIGHTS_FD_WRITE |
  abi.RIGHTS_FD_ADVISE | abi.RIGHTS_FD_ALLOCATE | abi.RIGHTS_FD_FILESTAT_GET | abi.RIGHTS_FD_FILESTAT_SET_SIZE |
  abi.RIGHTS_FD_FILESTAT_SET_TIMES | abi.RIGHTS_POLL_FD_READWRITE;

/** Rights dropped by `fd_fdstat_set_rights`; shared by every kind. */
abstract class FdBase {
  revoked = 0;
  revokedInheriting = 0;
}

/** Standard input. wasmtime: rights `FD_READ`, filetype CHARACTER_DEVICE on a tty else UNKNOWN. */
export class StdinFd extends FdBase {
  readonly kind = KIND_STDIN;
  constructor(
    readonly source: InputSource,
    readonly tty: boolean,
  ) {
    super();
  }
}

/** Standard output or error. wasmtime: rights `FD_WRITE`; no seek/tell rights, so libc's isatty is right. */
export class StdoutFd extends FdBase {
  readonly kind = KIND_STDOUT;
  constructor(
    readonly sink: OutputSink,
    readonly tty: boolean,
  ) {
    super();
  }
}

/** An open regular file or character device, with its own offset and fdflags. */
export class FileFd extends FdBase {
  readonly kind = KIND_FILE;
  position = 0;
  constructor(
    readonly file: OpenFile,
    readonly readable: boolean,
    readonly writable: boolean,
    public append: boolean,
    public nonblock: boolean,
  ) {
    super();
  }
}

/** One directory entry prepared for `fd_readdir`: the name already UTF-8 encoded. */
export interface ListingEntry {
  name: Uint8Array;
  ino: number;
  filetype: number;
}

/** An open directory; `preopen` is its guest path when it came from the host's preopen list. */
export class DirFd extends FdBase {
  readonly kind = KIND_DIR;
  /** The snapshot `fd_readdir` serves cookies from; retaken when a listing starts at cookie 0. */
  listing: ListingEntry[] | undefined;
  constructor(
    readonly dir: OpenDir,
    readonly preopen: Uint8Array | undefined,
  ) {
    super();
  }
}

export type Fd = StdinFd | StdoutFd | FileFd | DirFd;

/** The rights a descriptor has before any are revoked (what wasmtime's `fd_fdstat_get` reports). */
export function grantedRights(e: Fd, all: number): { base: number; inheriting: number } {
  switch (e.kind) {
    case KIND_STDIN:
      return { base: abi.RIGHTS_FD_READ, inheriting: abi.RIGHTS_FD_READ };
    case KIND_STDOUT:
      return { base: abi.RIGHTS_FD_WRITE, inheriting: abi.RIGHTS_FD_WRITE };
    case KIND_DIR:
      return { base: DIR_RIGHTS_BASE, inheriting: DIR_RIGHTS_INHERITING };
    case KIND_FILE: {
      // wasmtime: Rights::all() minus what the access mode rules out; inheriting == base.
      let base = all;
      if (!e.readable) base &= ~(abi.RIGHTS_FD_READ | abi.RIGHTS_FD_READDIR);
      if (!e.writable) base &= ~abi.RIGHTS_FD_WRITE;
      return { base, inheriting: base };
    }
  }
}

/** WASI filetype of a VFS node type. */
export function filetypeOf(type: FileType): number {
  switch (type) {
    case 'file':
      return abi.FILETYPE_REGULAR_FILE;
    case 'dir':
      return abi.FILETYPE_DIRECTORY;
    case 'symlink':
      return abi.FILETYPE_SYMBOLIC_LINK;
    case 'chardev':
      return abi.FILETYPE_CHARACTER_DEVICE;
  }
}

/** The descriptor table of one guest process. */
export class FdTable {
  private readonly slots: Array<Fd | undefined> = [];
  private lowestFree = 0;

  get(fd: number): Fd | undefined {
    return this.slots[fd];
  }

  /** Installs `e` at the lowest free number and returns it. */
  add(e: Fd): number {
    const slots = this.slots;
    let fd = this.lowestFree;
    while (fd < slots.length && slots[fd] !== undefined) fd++;
    if (fd === slots.length) slots.push(e);
    else slots[fd] = e;
    this.lowestFree = fd + 1;
    return fd;
  }

  /** Removes and returns the descriptor at `fd` (undefined if none). */
  remove(fd: number): Fd | undefined {
    const e = this.slots[fd];
    if (e === undefined) return undefined;
    this.slots[fd] = undefined;
    if (fd < this.lowestFree) this.lowestFree = fd;
    return e;
  }

  /** Whether `fd` is a number this table has handed out (open now, or open once and closed since). */
  issued(fd: number): boolean {
    return fd >= 0 && fd < this.slots.length;
  }

  /** Moves `from` onto the issued number `to`, returning what `to` held if open (the caller closes it). */
  renumber(from: number, to: number): Fd | undefined {
    const e = this.remove(from)!;
    const old = this.slots[to];
    this.slots[to] = e;
    return old;
  }

  /** Every open descriptor (for closing them all when the process ends). */
  *entries(): IterableIterator<[number, Fd]> {
    for (let fd = 0; fd < this.slots.length; fd++) {
      const e = this.slots[fd];
      if (e !== undefined) yield [fd, e];
    }
  }
}
