/**
 * wasi abi: the numbers and struct layouts of `wasi_snapshot_preview1` (and the few places `wasi_unstable` differs).
 *
 * Values come from `wasi_snapshot_preview1.witx` (typenames) and the old `snapshot_0` witx; names keep the spec's
 * spelling so they grep against the spec, wasi-libc's `api.h` and wasmtime. This module holds data only.
 */

// ---- errno (u16) ---------------------------------------------------------------------------------------------------

/** Every errno name in witx order: `ERRNO_NAMES[n]` is the name of errno `n` (for traces). */
export const ERRNO_NAMES = [
  'SUCCESS', '2BIG', 'ACCES', 'ADDRINUSE', 'ADDRNOTAVAIL', 'AFNOSUPPORT', 'AGAIN', 'ALREADY', 'BADF', 'BADMSG',
  'BUSY', 'CANCELED', 'CHILD', 'CONNABORTED', 'CONNREFUSED', 'CONNRESET', 'DEADLK', 'DESTADDRREQ', 'DOM', 'DQUOT',
  'EXIST', 'FAULT', 'FBIG', 'HOSTUNREACH', 'IDRM', 'ILSEQ', 'INPROGRESS', 'INTR', 'INVAL', 'IO', 'ISCONN', 'ISDIR',
  'LOOP', 'MFILE', 'MLINK', 'MSGSIZE', 'MULTIHOP', 'NAMETOOLONG', 'NETDOWN', 'NETRESET', 'NETUNREACH', 'NFILE',
  'NOBUFS', 'NODEV', 'NOENT', 'NOEXEC', 'NOLCK', 'NOLINK', 'NOMEM', 'NOMSG', 'NOPROTOOPT', 'NOSPC', 'NOSYS',
  'NOTCONN', 'NOTDIR', 'NOTEMPTY', 'NOTRECOVERABLE', 'NOTSOCK', 'NOTSUP', 'NOTTY', 'NXIO', 'OVERFLOW', 'OWNERDEAD',
  'PERM', 'PIPE', 'PROTO', 'PROTONOSUPPORT', 'PROTOTYPE', 'RANGE', 'ROFS', 'SPIPE', 'SRCH', 'STALE', 'TIMEDOUT',
  'TXTBSY', 'XDEV', 'NOTCAPABLE',
] as const;

export const ERRNO_SUCCESS = 0;
export const ERRNO_2BIG = 1;
export const ERRNO_ACCES = 2;
export const ERRNO_AGAIN = 6;
export const ERRNO_BADF = 8;
export const ERRNO_BUSY = 10;
export const ERRNO_EXIST = 20;
export const ERRNO_FAULT = 21;
export const ERRNO_FBIG = 22;
export const ERRNO_ILSEQ = 25;
export const ERRNO_INVAL = 28;
export const ERRNO_IO = 29;
export const ERRNO_ISDIR = 31;
export const ERRNO_LOOP = 32;
export const ERRNO_MLINK = 34;
export const ERRNO_NAMETOOLONG = 37;
export const ERRNO_NOENT = 44;
export const ERRNO_NOSPC = 51;
export const ERRNO_NOSYS = 52;
export const ERRNO_NOTDIR = 54;
export const ERRNO_NOTEMPTY = 55;
export const ERRNO_NOTSOCK = 57;
export const ERRNO_NOTSUP = 58;
export const ERRNO_OVERFLOW = 61;
export const ERRNO_PERM = 63;
export const ERRNO_ROFS = 69;
export const ERRNO_SPIPE = 70;
export const ERRNO_XDEV = 75;
export const ERRNO_NOTCAPABLE = 76;

// ---- rights (u64; every defined bit fits in 30 bits, so the host keeps them as numbers) ---------------------------

export const RIGHTS_FD_DATASYNC = 1 << 0;
export const RIGHTS_FD_READ = 1 << 1;
export const RIGHTS_FD_SEEK = 1 << 2;
export const RIGHTS_FD_FDSTAT_SET_FLAGS = 1 << 3;
export const RIGHTS_FD_SYNC = 1 << 4;
export const RIGHTS_FD_TELL = 1 << 5;
export const RIGHTS_FD_WRITE = 1 << 6;
export const RIGHTS_FD_ADVISE = 1 << 7;
export const RIGHTS_FD_ALLOCATE = 1 << 8;
export const RIGHTS_PATH_CREATE_DIRECTORY = 1 << 9;
export const RIGHTS_PATH_CREATE_FILE = 1 << 10;
export const RIGHTS_PATH_LINK_SOURCE = 1 << 11;
export const RIGHTS_PATH_LINK_TARGET = 1 << 12;
export const RIGHTS_PATH_OPEN = 1 << 13;
export const RIGHTS_FD_READDIR = 1 << 14;
export const RIGHTS_PATH_READLINK = 1 << 15;
export const RIGHTS_PATH_RENAME_SOURCE = 1 << 16;
export const RIGHTS_PATH_RENAME_TARGET = 1 << 17;
export const RIGHTS_PATH_FILESTAT_GET = 1 << 18;
export const RIGHTS_PATH_FILESTAT_SET_SIZE = 1 << 19;
export const RIGHTS_PATH_FILESTAT_SET_TIMES = 1 << 20;
export const RIGHTS_FD_FILESTAT_GET = 1 << 21;
export const RIGHTS_FD_FILESTAT_SET_SIZE = 1 << 22;
export const RIGHTS_FD_FILESTAT_SET_TIMES = 1 << 23;
export const RIGHTS_PATH_SYMLINK = 1 << 24;
export const RIGHTS_PATH_REMOVE_DIRECTORY = 1 << 25;
export const RIGHTS_PATH_UNLINK_FILE = 1 << 26;
export const RIGHTS_POLL_FD_READWRITE = 1 << 27;
export const RIGHTS_SOCK_SHUTDOWN = 1 << 28;
/** preview1 only; `wasi_unstable` ends at `sock_shutdown`. */
export const RIGHTS_SOCK_ACCEPT = 1 << 29;
export const RIGHTS_ALL_PREVIEW1 = (1 << 30) - 1;
export const RIGHTS_ALL_UNSTABLE = (1 << 29) - 1;

// ---- small enums and flags ------------------------------------------------------------------------------------------

export const FILETYPE_UNKNOWN = 0;
export const FILETYPE_BLOCK_DEVICE = 1;
export const FILETYPE_CHARACTER_DEVICE = 2;
export const FILETYPE_DIRECTORY = 3;
export const FILETYPE_REGULAR_FILE = 4;
export const FILETYPE_SYMBOLIC_LINK = 7;

export const FDFLAGS_APPEND = 1 << 0;
export const FDFLAGS_DSYNC = 1 << 1;
export const FDFLAGS_NONBLOCK = 1 << 2;
export const FDFLAGS_RSYNC = 1 << 3;
export const FDFLAGS_SYNC = 1 << 4;
export const FDFLAGS_ALL = (1 << 5) - 1;

export const OFLAGS_CREAT = 1 << 0;
export const OFLAGS_DIRECTORY = 1 << 1;
export const OFLAGS_EXCL = 1 << 2;
export const OFLAGS_TRUNC = 1 << 3;
export const OFLAGS_ALL = (1 << 4) - 1;

export const LOOKUPFLAGS_SYMLINK_FOLLOW = 1 << 0;
export const LOOKUPFLAGS_ALL = 1;

export const FSTFLAGS_ATIM = 1 << 0;
export const FSTFLAGS_ATIM_NOW = 1 << 1;
export const FSTFLAGS_MTIM = 1 << 2;
export const FSTFLAGS_MTIM_NOW = 1 << 3;
export const FSTFLAGS_ALL = (1 << 4) - 1;

export const CLOCKID_REALTIME = 0;
export const CLOCKID_MONOTONIC = 1;
export const CLOCKID_PROCESS_CPUTIME_ID = 2;
export const CLOCKID_THREAD_CPUTIME_ID = 3;

export const EVENTTYPE_CLOCK = 0;
export const EVENTTYPE_FD_READ = 1;
export const EVENTTYPE_FD_WRITE = 2;
export const EVENTRWFLAGS_FD_READWRITE_HANGUP = 1;
export const SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME = 1;

/** Highest valid `advice` (noreuse) and `signal` (sys) values; larger ones are invalid enum values -> EINVAL. */
export const ADVICE_MAX = 5;
export const SIGNAL_MAX = 30;
export const SDFLAGS_ALL = 3;
export const RIFLAGS_ALL = 3;

export const PREOPENTYPE_DIR = 0;

/** `whence` numbering: preview1 is set/cur/end = 0/1/2; `wasi_unstable` is cur/end/set = 0/1/2. */
export const WHENCE_SET = 0;
export const WHENCE_CUR = 1;
export const WHENCE_END = 2;
/** Maps an ABI whence value to preview1 numbering; `undefined` for an invalid value. */
export const WHENCE_FROM_UNSTABLE: readonly number[] = [WHENCE_CUR, WHENCE_END, WHENCE_SET];

// ---- struct layouts (little endian, natural alignment) --------------------------------------------------------------

/** iovec / ciovec: `buf: u32 @0, buf_len: u32 @4`, size 8, align 4. */
export const IOVEC_SIZE = 8;
/** fdstat: `fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting u64 @16`, size 24. */
export const FDSTAT_SIZE = 24;
/** prestat: `tag u8 @0, pr_name_len u32 @4`, size 8, align 4. */
export const PRESTAT_SIZE = 8;
/** dirent: `d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20`, size 24 (same in both snapshots). */
export const DIRENT_SIZE = 24;
/** event: `userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24`, size 32 (both snapshots). */
export const EVENT_SIZE = 32;

/** Where the layouts of the two snapshots differ. */
export interface StructLayouts {
  /** filestat: preview1 `nlink` is u64 @24 (size 64); unstable `nlink` is u32 @20 and later fields move up 8. */
  filestat: { size: number; nlink: number; nlink64: boolean; size_: number; atim: number; mtim: number; ctim: number };
  /** subscription: preview1 clock is `id u32 @16, timeout @24, precision @32, flags u16 @40` (size 48); unstable
   *  inserts `identifier u64 @16` first (size 56). `fd_readwrite.file_descriptor` is u32 @16 in both. */
  subscription: { size: number; clockId: number; clockTimeout: number; clockFlags: number };
}

export const LAYOUTS_PREVIEW1: StructLayouts = {
  filestat: { size: 64, nlink: 24, nlink64: true, size_: 32, atim: 40, mtim: 48, ctim: 56 },
  subscription: { size: 48, clockId: 16, clockTimeout: 24, clockFlags: 40 },
};

export const LAYOUTS_UNSTABLE: StructLayouts = {
  filestat: { size: 56, nlink: 20, nlink64: false, size_: 24, atim: 32, mtim: 40, ctim: 48 },
  subscription: { size: 56, clockId: 24, clockTimeout: 32, clockFlags: 48 },
};
