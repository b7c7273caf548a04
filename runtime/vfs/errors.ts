/**
 * vfs errors: the closed set of expected filesystem failures.
 *
 * Expected failures (a missing file, a full directory) are not bugs, so they carry no stack: each code is one frozen,
 * preallocated `FsError` that VFS code throws and the WASI layer maps to an errno in one table
 * (`runtime/wasi/errno.ts`). Anything else thrown inside the VFS is a host bug and becomes a trap.
 * The names follow POSIX errno so they grep against man pages, wasmtime and the WASI spec.
 */
export const FS_ERROR_CODES = [
  'EACCES', // permission denied (e.g. a path escaping a bind mount is refused, not followed)
  'EBADF', // handle closed or opened without the needed access
  'EBUSY', // mount point or root cannot be removed/renamed
  'EEXIST',
  'EFBIG', // file would exceed the maximum file size
  'EINVAL',
  'EIO', // a host file operation failed in a way POSIX does not name
  'EISDIR',
  'ELOOP', // too many symlinks, or a symlink met with nofollow
  'EMLINK',
  'ENAMETOOLONG',
  'ENOENT',
  'ENOSPC', // the container's storage quota is used up
  'ENOTDIR',
  'ENOTEMPTY',
  'ENOTSUP',
  'EPERM',
  'EROFS', // read-only mount or read-only layer
  'ESPIPE',
  'EXDEV', // rename/link across mounts
] as const;

export type FsErrorCode = (typeof FS_ERROR_CODES)[number];

export class FsError {
  private constructor(readonly code: FsErrorCode) {
    Object.freeze(this);
  }

  get message(): string {
    return `filesystem error ${this.code}`;
  }

  private static readonly all = new Map<FsErrorCode, FsError>(FS_ERROR_CODES.map((c) => [c, new FsError(c)]));

  /** The shared instance for `code`; throwing it allocates nothing. */
  static of(code: FsErrorCode): FsError {
    return FsError.all.get(code)!;
  }
}

/** Throws the preallocated error for `code`. Typed `never` so callers can write `return fail('ENOENT')`. */
export function fail(code: FsErrorCode): never {
  throw FsError.of(code);
}
