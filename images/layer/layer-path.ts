/**
 * layer path: the one normalizer for names inside a layer tar, and the canonical order of layer entries.
 *
 * A layer name is untrusted. Normal form: relative, `/`-separated, no empty, `.` or `..` components. An absolute name
 * or any `..` component is refused outright (even `a/../b`, which would stay inside): Docker and containerd clean and
 * re-root such names, but a layer that needs them is malformed or hostile, and refusing is simpler to reason about.
 * Must not: touch the filesystem or resolve symlinks (that is `read-layer.ts`'s job, for symlinks of the same layer).
 */

/** Linux NAME_MAX: no filesystem we map to accepts a longer component. */
export const MAX_COMPONENT_BYTES = 255;

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  // Fast path for ASCII, the overwhelmingly common case.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? text.length : encoder.encode(text).length;
}

/**
 * Normalizes a tar name: drops empty and `.` components (`./a//b/` -> `a/b`); `''` means the root itself.
 * Returns a problem description instead of throwing, so the caller can name the entry in its error.
 */
export function normalizeLayerPath(name: string, maxPathBytes: number): string | { problem: string } {
  if (name === '') return { problem: 'empty name' };
  if (name.startsWith('/')) return { problem: 'absolute path (layer paths must be relative)' };
  if (name.includes('\0')) return { problem: 'NUL character in name' };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { problem: '".." component (would leave the layer root)' };
    if (utf8Length(part) > MAX_COMPONENT_BYTES) {
      return { problem: `a name component is longer than ${MAX_COMPONENT_BYTES} bytes` };
    }
    parts.push(part);
  }
  const path = parts.join('/');
  if (utf8Length(path) > maxPathBytes) return { problem: `path longer than ${maxPathBytes} bytes` };
  return path;
}

/** `a/b/c` -> `['a', 'a/b']`: the proper ancestors of a normalized path, outermost first. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** `a/b/c` -> `a/b`; `a` -> `''`. */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** `a/b/c` -> `c`. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a directory (possibly `''`, the root) and a name. */
export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/**
 * Canonical order: component by component, each compared by UTF-8 bytes, a prefix first. So `a` < `a/b` < `a-b`
 * (plain string order would put `a-b` before `a/b`, splitting a directory from its contents).
 */
export function compareLayerPaths(a: string, b: string): number {
  return compareUtf8(sortKey(a), sortKey(b));
}

/**
 * A string whose `compareUtf8` order is the canonical order: `/` becomes NUL, which no name contains, so it sorts
 * before every other character. `rank` (0..9) is put before each component, to order some names first within their
 * directory (the writer puts a directory's opaque marker, then its whiteouts, before its other children).
 */
export function sortKey(path: string, rank?: (component: string) => number): string {
  if (!rank) return path.replaceAll('/', '\0');
  return path === '' ? '' : path.split('/').map((c) => String.fromCharCode(0x30 + rank(c)) + c).join('\0');
}

/**
 * Compares strings by their UTF-8 bytes, i.e. by code point. UTF-16 order (JS `<`) differs only where a surrogate
 * (an astral character) meets U+E000..U+FFFF at the first difference: the astral character is the larger.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    return xs === ys ? x - y : xs ? 1 : -1;
  }
  return a.length - b.length;
}
