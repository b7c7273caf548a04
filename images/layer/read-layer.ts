/**
 * read layer: one image layer blob (plain tar or gzip, sniffed by magic bytes) -> the uncompressed tar plus a sorted
 * list of `LayerEntry` describing it. File bytes are not copied: each file entry points into the returned tar.
 *
 * Everything in a layer is untrusted. Refused with a `LayerFormatError` naming the entry and the problem: absolute
 * names and `..` components; members below a symlink or file planted earlier in the same layer; hard links that
 * leave the layer, point to a directory or to a name not yet seen; structural damage (bad checksum, malformed
 * numbers or pax records, truncation anywhere, sizes past the end); zstd/xz/bzip2 blobs; more expansion, entries or
 * path bytes than the limits allow. Skipped with a warning: device nodes, FIFOs and aufs metadata (`.wh..wh.*` other
 * than the opaque marker). The layer root's own entry (`./`) carries nothing we apply and is dropped.
 *
 * Limits keep one hostile layer from exhausting memory: gzip output is capped while it streams (see
 * `compression.ts`), and entry count and path length are bounded. Not checked here: `diff_id` (the caller hashes the
 * returned `tar`), and symlinks planted by *lower* layers — resolving a member's parents through those, inside the
 * container root, is the job of whoever stacks the layers (the engine/VFS), as Docker does with FollowSymlinkInScope.
 * Must not: import node:* or Buffer; know about the VFS, stores or manifests.
 */
import { gunzipBounded, sniffCompression, type Compression } from './compression.ts';
import { LayerFormatError, type LayerEntry, type LayerWarning } from './layer-entry.ts';
import { ancestors, basename, dirname, joinPath, normalizeLayerPath, utf8Length } from './layer-path.ts';
import { LayerTree, type MemberMeta } from './layer-tree.ts';
import { readTar } from './tar-reader.ts';

export interface LayerLimits {
  /** Largest uncompressed tar accepted (default 4 GiB); gzip decompression stops as soon as it is crossed. */
  maxUncompressedBytes?: number;
  /** Largest uncompressed/compressed size ratio for gzip layers (default: no ratio limit, only the byte cap). */
  maxExpansionRatio?: number;
  /** Most tar headers (members plus pax/GNU headers) accepted (default 1,000,000). */
  maxEntries?: number;
  /** Longest normalized path, and longest symlink target, in UTF-8 bytes (default 4096, Linux PATH_MAX). */
  maxPathBytes?: number;
}

export interface ReadLayerResult {
  /** Sorted, parents first; see `LayerEntry` for the invariants. */
  entries: LayerEntry[];
  /** The uncompressed tar (the input itself when it was not compressed). File entries point into it. */
  tar: Uint8Array;
  /** What the blob was, by its magic bytes. */
  compression: Compression;
  warnings: LayerWarning[];
}

export const DEFAULT_LAYER_LIMITS: Readonly<Required<Omit<LayerLimits, 'maxExpansionRatio'>>> = {
  maxUncompressedBytes: 4 * 1024 ** 3,
  maxEntries: 1_000_000,
  maxPathBytes: 4096,
};

/** Largest pax or GNU long-name body: far above any legitimate path plus attributes. */
const MAX_METADATA_BYTES = 1024 * 1024;
const OPAQUE_MARKER = '.wh..wh..opq';
const WHITEOUT_PREFIX = '.wh.';
const AUFS_META_PREFIX = '.wh..wh.';

/**
 * Reads a layer blob. Example:
 * `const { entries, tar } = await readLayer(blob); const f = entries.find((e) => e.path === 'hello.wasm')!;
 *  const bytes = tar.subarray(f.dataOffset, f.dataOffset + f.size);`
 */
export async function readLayer(bytes: Uint8Array, limits: LayerLimits = {}): Promise<ReadLayerResult> {
  const maxPathBytes = limits.maxPathBytes ?? DEFAULT_LAYER_LIMITS.maxPathBytes;
  const maxEntries = limits.maxEntries ?? DEFAULT_LAYER_LIMITS.maxEntries;
  let cap = limits.maxUncompressedBytes ?? DEFAULT_LAYER_LIMITS.maxUncompressedBytes;
  const compression = sniffCompression(bytes);
  let tar = bytes;
  if (compression === 'gzip') {
    if (limits.maxExpansionRatio !== undefined) cap = Math.min(cap, Math.floor(bytes.length * limits.maxExpansionRatio));
    tar = await gunzipBounded(bytes, cap);
  } else if (bytes.length > cap) {
    throw new LayerFormatError(`tar of ${bytes.length} bytes is larger than the limit of ${cap} bytes`, { reason: 'too-large' });
  }

  const tree = new LayerTree();
  const warnings: LayerWarning[] = [];
  for (const member of readTar(tar, { maxEntries, maxMetadataBytes: MAX_METADATA_BYTES })) {
    const meta: MemberMeta = {
      mode: member.mode & 0o7777,
      mtimeSec: member.mtimeSec,
      rawName: member.name,
      offset: member.headerOffset,
    };
    const fail = (problem: string): never => {
      throw new LayerFormatError(problem, { path: member.name, offset: member.headerOffset });
    };
    const path = normalizeLayerPath(member.name, maxPathBytes);
    if (typeof path !== 'string') return fail(path.problem);
    if (path === '') {
      if (member.type !== '5') fail('the layer root must be a directory');
      continue;
    }
    if (path.startsWith(WHITEOUT_PREFIX) || path.includes(`/${WHITEOUT_PREFIX}`)) {
      for (const parent of ancestors(path)) {
        if (basename(parent).startsWith(WHITEOUT_PREFIX)) fail(`whiteout name ${JSON.stringify(parent)} used as a directory`);
      }
    }

    const base = basename(path);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (base === OPAQUE_MARKER) tree.addOpaque(dirname(path), meta);
      else if (base.startsWith(AUFS_META_PREFIX)) warnings.push({ path, message: 'aufs metadata entry skipped' });
      else {
        const hidden = base.slice(WHITEOUT_PREFIX.length);
        if (hidden === '' || hidden === '.' || hidden === '..') fail(`whiteout of an invalid name ${JSON.stringify(hidden)}`);
        tree.addWhiteout(joinPath(dirname(path), hidden), meta);
      }
      continue;
    }

    switch (member.type) {
      case '0':
        tree.addFile(path, meta, { dataOffset: member.dataOffset, size: member.size });
        break;
      case '5':
        tree.addDir(path, meta);
        break;
      case '2': {
        const target = member.linkName;
        if (target === '') fail('symlink with an empty target');
        if (target.includes('\0')) fail('symlink target contains a NUL character');
        if (utf8Length(target) > maxPathBytes) fail(`symlink target longer than ${maxPathBytes} bytes`);
        tree.addSymlink(path, meta, target);
        break;
      }
      case '1': {
        if (member.linkName === '') fail('hard link with an empty target');
        const target = normalizeLayerPath(member.linkName, maxPathBytes);
        if (typeof target !== 'string') return fail(`bad hard link target ${JSON.stringify(member.linkName)}: ${target.problem}`);
        if (target === '') fail('hard link to the layer root');
        tree.addHardlink(path, meta, target);
        break;
      }
      case '3':
      case '4':
      case '6': {
        const what = member.type === '6' ? 'FIFO' : member.type === '3' ? 'character device' : 'block device';
        warnings.push({ path, message: `${what} skipped (containers have no device nodes but /dev's own)` });
        break;
      }
      default:
        fail(`unsupported tar entry type ${JSON.stringify(member.type)}`);
    }
  }
  return { entries: tree.entries(), tar, compression, warnings };
}
