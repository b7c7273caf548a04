/**
 * layer entry: the neutral description of one name in an image layer, shared by `read-layer.ts` (tar -> entries) and
 * `write-layer.ts` (entries -> tar). Neither this module nor its users know the VFS: the engine maps a list of
 * `LayerEntry` to a VFS lower layer (`runtime/vfs/api.ts` `LowerEntry`) — a tree keyed by path component.
 *
 * Vocabulary (OCI image-spec layer.md): a *whiteout* `dir/.wh.NAME` hides `dir/NAME` of the layers below; an *opaque*
 * marker `dir/.wh..wh..opq` hides everything the layers below have under `dir` (this layer's own `dir/*` stays).
 * Must not: import node:* or Buffer (shared by Node and browsers), or know about stores, manifests or the VFS.
 */
import { WasmboxError, type ErrorKind } from '../../shared/errors.ts';

export type LayerEntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque';

/**
 * One name in a layer, as `readLayer` returns it.
 *
 * Invariants (guaranteed by `readLayer`):
 * - `path` is relative, `/`-separated, with no empty, `.` or `..` component and no leading or trailing `/`; at most
 *   `maxPathBytes` UTF-8 bytes. The empty path `''` names the layer root and appears only as `{ kind: 'opaque' }`
 *   (a `.wh..wh..opq` at the top of the tar).
 * - The list is sorted component-wise by UTF-8 bytes, so a directory comes before everything inside it. At most two
 *   entries share a path, and only as `dir` followed by `opaque` (a directory that also hides the lower layers' copy).
 * - Parent directories may be missing: the tar did not list them. They are implied (Docker creates them 0755 when no
 *   lower layer has them); an implied parent never replaces a lower directory's mode or mtime.
 * - No entry lies below a `file`, `symlink`, `hardlink` or `whiteout` of the same layer.
 * - `file`: the bytes are `tar.subarray(dataOffset, dataOffset + size)` of the uncompressed tar returned with the
 *   entries; nothing is copied.
 * - `hardlink`: another name for the inode of the `file` entry at `linkTarget`, which comes earlier in the list;
 *   `mode`, `mtimeSec`, `size` and `dataOffset` repeat that file's, so a consumer without hard links can copy it.
 *   A hard link to a symlink is returned as a second `symlink` (same target).
 * - `symlink`: `linkTarget` is the target exactly as stored (may be absolute or contain `..`; the VFS resolves it
 *   inside the container root). `size` and `dataOffset` are 0.
 * - `dir`, `whiteout`, `opaque`: `size` and `dataOffset` are 0. `whiteout` hides `path` in the layers below (the tar
 *   name was `dirname/.wh.basename`); `opaque` hides everything below the directory `path` in the layers below.
 * - `mode` holds permission bits only (`& 0o7777`); `mtimeSec` is whole seconds since the Unix epoch (may be < 0).
 *
 * Example: the tar `bin/`, `bin/sh` (5 bytes at tar offset 1536), `bin/busybox` hard link to `bin/sh`, `etc/.wh.motd`
 * gives `[{ path: 'bin', kind: 'dir' }, { path: 'bin/busybox', kind: 'file', size: 5, dataOffset: 1536 },
 * { path: 'bin/sh', kind: 'hardlink', linkTarget: 'bin/busybox', size: 5, dataOffset: 1536 },
 * { path: 'etc/motd', kind: 'whiteout' }]` (other fields left out).
 */
export interface LayerEntry {
  path: string;
  kind: LayerEntryKind;
  mode: number;
  mtimeSec: number;
  /** `file`/`hardlink`: the file's length in bytes (the data length); 0 otherwise. */
  size: number;
  /** `file`/`hardlink`: where the file's bytes start in the uncompressed tar; 0 otherwise. */
  dataOffset: number;
  /** `symlink`: the target as stored; `hardlink`: the path of the `file` entry it shares an inode with. */
  linkTarget?: string;
}

/** Something `readLayer` skipped rather than failed on (device nodes, FIFOs, aufs metadata), for logs. */
export interface LayerWarning {
  path: string;
  message: string;
}

/**
 * Why a layer was refused; it also picks the error's `kind` (`shared/errors.ts`), which the CLI and daemon
 * map: `invalid` -> InvalidArgument, `too-large` -> ResourceExhausted, `unsupported` -> NotImplemented.
 */
export type LayerErrorReason = 'invalid' | 'too-large' | 'unsupported';

const KIND: Record<LayerErrorReason, ErrorKind> = {
  invalid: 'InvalidArgument',
  'too-large': 'ResourceExhausted',
  unsupported: 'NotImplemented',
};

/**
 * Every failure to read or write a layer. The message names the entry (as far as it could be read) and the problem,
 * e.g. `layer entry "link/passwd" at byte 2048: writes through the symlink "link" planted earlier in this layer`;
 * `data` carries `{ path, offset, reason }` so callers need not parse it.
 */
export class LayerFormatError extends WasmboxError {
  /** The entry's name as read from the tar (raw, possibly hostile), if one was known. */
  readonly path: string | undefined;
  /** Byte offset of the entry's header in the uncompressed tar, if known. */
  readonly offset: number | undefined;
  readonly reason: LayerErrorReason;

  constructor(
    readonly problem: string,
    options: { path?: string; offset?: number; reason?: LayerErrorReason; cause?: unknown } = {},
  ) {
    const reason = options.reason ?? 'invalid';
    super(KIND[reason], describe(problem, options.path, options.offset), {
      cause: options.cause,
      data: { path: options.path, offset: options.offset, reason },
    });
    this.path = options.path;
    this.offset = options.offset;
    this.reason = reason;
  }
}

function describe(problem: string, path: string | undefined, offset: number | undefined): string {
  const where = offset === undefined ? '' : ` at byte ${offset}`;
  if (path === undefined) return `layer${where}: ${problem}`;
  return `layer entry ${showPath(path)}${where}: ${problem}`;
}

/** A name from a hostile tar, safe to put in a message: JSON-quoted (control characters escaped), at most 200 chars. */
function showPath(path: string): string {
  return JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);
}
