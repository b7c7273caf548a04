/**
 * vfs limits: the Linux limits the VFS enforces, and cheap checks for them.
 *
 * Must not: allocate on the common path (short ASCII names are checked by length alone).
 */
import { fail } from './errors.ts';

/** Linux NAME_MAX: bytes in one path component. */
export const NAME_MAX = 255;
/** Linux PATH_MAX counts the terminating NUL, so a path (or symlink target) of 4096 bytes is already too long. */
export const PATH_MAX = 4096;
/** Linux MAXSYMLINKS: the 41st symlink followed in one resolution fails with ELOOP. */
export const MAX_SYMLINK_HOPS = 40;
/** Largest file the VFS accepts (ext4's limit with 4 KiB blocks is 16 TiB = 2^44); beyond it writes fail with EFBIG. */
export const MAX_FILE_BYTES = 2 ** 44;

/** UTF-8 length of a JS string (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** ENOENT for an empty path, ENAMETOOLONG past PATH_MAX, EINVAL for NUL (C APIs would silently cut the path there). */
export function checkPath(path: string): void {
  if (path.length === 0) fail('ENOENT');
  // Every UTF-16 unit is at most 3 UTF-8 bytes, so short paths need no byte count.
  if (path.length * 3 >= PATH_MAX && (path.length >= PATH_MAX || utf8Length(path) >= PATH_MAX)) fail('ENAMETOOLONG');
  if (path.indexOf('\0') >= 0) fail('EINVAL');
}

/** ENAMETOOLONG for a component over NAME_MAX bytes. */
export function checkName(name: string): void {
  if (name.length * 3 > NAME_MAX && (name.length > NAME_MAX || utf8Length(name) > NAME_MAX)) fail('ENAMETOOLONG');
}
