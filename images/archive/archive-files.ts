/**
 * archive files: the image archive tar (`docker save`, skopeo `docker-archive:` / `oci-archive:`) read into a map of
 * regular files, with every name checked, and written back deterministically. Reuses the strict layer tar reader
 * (`images/layer/tar-reader.ts`) and bounded gunzip; only the naming rules differ from a layer's:
 *
 * - names are normalized like layer paths; absolute names and `..` components are refused;
 * - two members with the same normalized name are refused (which one would a loader see?);
 * - symlinks (skopeo writes `<v1id>/layer.tar -> ../<diffid>.tar`) and hard links are followed inside the archive
 *   only: a target that leaves the archive root, is absolute, is missing or loops is refused when looked up;
 * - devices and FIFOs are refused; directories are only names.
 * Must not: import node:* or Buffer.
 */
import { WasmboxError } from '../../shared/errors.ts';
import { gunzipBounded, sniffCompression } from '../layer/compression.ts';
import { normalizeLayerPath } from '../layer/layer-path.ts';
import { readTar } from '../layer/tar-reader.ts';
import { writeLayerTar, type LayerSourceEntry } from '../layer/write-layer.ts';

/** Any refusal of an archive: kind InvalidArgument (ResourceExhausted for limits); the message starts `image archive`. */
export class ArchiveFormatError extends WasmboxError {
  constructor(problem: string, options: { cause?: unknown; tooLarge?: boolean; path?: string } = {}) {
    const where = options.path === undefined ? '' : ` ${JSON.stringify(options.path.length > 200 ? `${options.path.slice(0, 200)}…` : options.path)}`;
    super(options.tooLarge ? 'ResourceExhausted' : 'InvalidArgument', `image archive${where}: ${problem}`, {
      cause: options.cause,
      data: options.path === undefined ? undefined : { path: options.path },
    });
  }
}

export interface ArchiveLimits {
  /** Largest archive accepted, uncompressed (gzip stops expanding here). Default 4 GiB. */
  maxArchiveBytes?: number;
  /** Most tar headers. Default 100,000. */
  maxEntries?: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Required<ArchiveLimits> = { maxArchiveBytes: 4 * 1024 ** 3, maxEntries: 100_000 };

const MAX_PATH_BYTES = 4096;
const MAX_LINK_HOPS = 16;

type Member = { kind: 'file'; data: Uint8Array } | { kind: 'dir' } | { kind: 'symlink'; target: string } | { kind: 'hardlink'; target: string };

/** The regular files of an archive, by normalized name; links resolved on lookup. */
export class ArchiveFiles {
  readonly #members: Map<string, Member>;

  constructor(members: Map<string, Member>) {
    this.#members = members;
  }

  /** Whether `name` (normalized) names anything in the archive. */
  has(name: string): boolean {
    return this.#members.has(name);
  }

  /** The bytes of the regular file `name` names (following links), or undefined when there is no such member. */
  get(name: string, what = 'file'): Uint8Array | undefined {
    let path = checkedName(name, what);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const member = this.#members.get(path);
      if (member === undefined) return undefined;
      switch (member.kind) {
        case 'file':
          return member.data;
        case 'dir':
          throw new ArchiveFormatError(`${what} is a directory, not a file`, { path: name });
        case 'hardlink':
          path = checkedName(member.target, `hard link target of ${what}`);
          break;
        case 'symlink':
          path = resolveSymlink(path, member.target, name);
          break;
      }
    }
    throw new ArchiveFormatError(`${what}: more than ${MAX_LINK_HOPS} links to follow (a loop?)`, { path: name });
  }

  /** Like `get`, but a missing file is an error naming `what`. */
  require(name: string, what: string): Uint8Array {
    const data = this.get(name, what);
    if (data === undefined) throw new ArchiveFormatError(`${what} is missing from the archive`, { path: name });
    return data;
  }
}

/** A name from the archive's own JSON (manifest.json `Config`/`Layers`): normalized, never leaving the root. */
export function checkedName(name: unknown, what: string): string {
  if (typeof name !== 'string') throw new ArchiveFormatError(`${what}: expected a file name string`);
  const path = normalizeLayerPath(name, MAX_PATH_BYTES);
  if (typeof path !== 'string') throw new ArchiveFormatError(`${what}: ${path.problem}`, { path: name });
  if (path === '') throw new ArchiveFormatError(`${what}: names the archive root`, { path: name });
  return path;
}

function resolveSymlink(link: string, target: string, original: string): string {
  if (target.startsWith('/')) throw new ArchiveFormatError(`symlink ${JSON.stringify(link)} has an absolute target`, { path: original });
  const parts = link.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new ArchiveFormatError(`symlink ${JSON.stringify(link)} points outside the archive`, { path: original });
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) throw new ArchiveFormatError(`symlink ${JSON.stringify(link)} points at the archive root`, { path: original });
  return parts.join('/');
}

/** Reads an archive (plain tar, or gzip by magic bytes) into its files, refusing hostile names. */
export async function readArchive(bytes: Uint8Array, limits: ArchiveLimits = {}): Promise<ArchiveFiles> {
  const maxBytes = limits.maxArchiveBytes ?? DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes;
  const maxEntries = limits.maxEntries ?? DEFAULT_ARCHIVE_LIMITS.maxEntries;
  let tar = bytes;
  try {
    if (sniffCompression(bytes) === 'gzip') tar = await gunzipBounded(bytes, maxBytes);
    else if (bytes.length > maxBytes) throw new ArchiveFormatError(`${bytes.length} bytes is over the limit of ${maxBytes}`, { tooLarge: true });
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw error;
    const e = error as WasmboxError;
    throw new ArchiveFormatError(e.message.replace(/^layer: /, ''), { cause: error, tooLarge: e.kind === 'ResourceExhausted' });
  }
  const members = new Map<string, Member>();
  try {
    for (const record of readTar(tar, { maxEntries, maxMetadataBytes: 1024 * 1024 })) {
      const path = normalizeLayerPath(record.name, MAX_PATH_BYTES);
      if (typeof path !== 'string') throw new ArchiveFormatError(`tar entry at byte ${record.headerOffset}: ${path.problem}`, { path: record.name });
      if (path === '') {
        if (record.type !== '5') throw new ArchiveFormatError('the archive root must be a directory', { path: record.name });
        continue;
      }
      let member: Member;
      switch (record.type) {
        case '0':
          member = { kind: 'file', data: tar.subarray(record.dataOffset, record.dataOffset + record.size) };
          break;
        case '5':
          member = { kind: 'dir' };
          break;
        case '2':
          member = { kind: 'symlink', target: record.linkName };
          break;
        case '1':
          member = { kind: 'hardlink', target: record.linkName };
          break;
        default:
          throw new ArchiveFormatError(`tar entry of type ${JSON.stringify(record.type)} (device or FIFO) has no place in an image archive`, { path: record.name });
      }
      const before = members.get(path);
      if (before !== undefined && !(before.kind === 'dir' && member.kind === 'dir')) {
        throw new ArchiveFormatError(`tar entry at byte ${record.headerOffset} names ${JSON.stringify(path)} a second time`, { path: record.name });
      }
      members.set(path, member);
    }
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw error;
    const e = error as WasmboxError;
    throw new ArchiveFormatError(e.message.replace(/^layer /, ''), { cause: error, tooLarge: e.kind === 'ResourceExhausted' });
  }
  return new ArchiveFiles(members);
}

/** Writes files (name -> bytes) as a deterministic tar: directories listed, sorted, uid/gid 0, mode 0644/0755, mtime fixed. */
export function writeArchive(files: Map<string, Uint8Array>, mtimeSec = 0): Uint8Array {
  const entries: LayerSourceEntry[] = [];
  const dirs = new Set<string>();
  for (const [path, data] of files) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    entries.push({ path, kind: 'file', mode: 0o644, mtimeSec, data });
  }
  for (const dir of dirs) entries.push({ path: dir, kind: 'dir', mode: 0o755, mtimeSec });
  return writeLayerTar(entries);
}
