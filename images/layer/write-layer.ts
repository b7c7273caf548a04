/**
 * write layer: entries -> a deterministic layer tar, optionally gzip'd. The same entries always give the same bytes,
 * so a rebuilt image has the same diff_ids and (on one platform's zlib) the same layer digests.
 *
 * Determinism rules: members sorted component-wise by UTF-8 bytes, parents first, and inside each directory its opaque
 * marker, then its whiteouts, then the rest (so appliers that process whiteouts in order never remove this layer's own
 * files); uid/gid 0, empty uname/gname, the caller's mtime (pass SOURCE_DATE_EPOCH) and nothing else from the
 * environment; ustar headers, with pax records (sorted by keyword, fixed pax member name) only where ustar cannot
 * hold a value (long or non-ASCII names, sizes ≥ 8 GiB, mtimes outside 0..8^11-1), as Go archive/tar decides; no
 * atime/ctime; two zero blocks at the end and no record padding (as Go, hence Docker and BuildKit, write).
 * Hard links: the first name of a group in that order carries the data; the others link to it.
 * Whiteouts are written as empty files `dir/.wh.NAME`, opaque markers as `dir/.wh..wh..opq` (OCI image-spec layer.md).
 * Must not: import node:* or Buffer; read clocks, environment or randomness.
 */
import { gzipDeterministic } from './compression.ts';
import { LayerFormatError, type LayerEntryKind } from './layer-entry.ts';
import { ancestors, basename, dirname, joinPath, normalizeLayerPath, sortKey, compareUtf8 } from './layer-path.ts';
import { BLOCK, MAX_OCTAL_11, encodePaxRecords, writeBytes, writeChecksum, writeOctal } from './tar-format.ts';
import { concatBytes } from '../../shared/bytes.ts';

/** What to put in a layer. `data` only for files; `linkTarget` for symlinks (as is) and hard links (a file's path). */
export interface LayerSourceEntry {
  path: string;
  kind: LayerEntryKind;
  /** Permission bits; anything above 0o7777 is masked off. Hard links take their file's mode. */
  mode: number;
  /** Whole seconds since the epoch. Hard links take their file's mtime. */
  mtimeSec: number;
  data?: Uint8Array;
  linkTarget?: string;
}

export interface WriteLayerOptions {
  gzip: boolean;
}

const OPAQUE_MARKER = '.wh..wh..opq';
const WHITEOUT_PREFIX = '.wh.';
const MAX_PATH_BYTES = 4096;
const encoder = new TextEncoder();

/** Writes a layer blob: the tar, gzip'd with a fixed header when `options.gzip`. */
export async function writeLayer(entries: readonly LayerSourceEntry[], options: WriteLayerOptions): Promise<Uint8Array> {
  const tar = writeLayerTar(entries);
  return options.gzip ? gzipDeterministic(tar) : tar;
}

interface Member {
  name: string;
  key: string;
  entry: LayerSourceEntry;
  path: string;
}

/** The uncompressed layer tar (its sha256 is the layer's diff_id). Throws LayerFormatError on invalid entries. */
export function writeLayerTar(entries: readonly LayerSourceEntry[]): Uint8Array {
  const members = plan(entries);
  const chunks: Uint8Array[] = [];
  const firstOfGroup = new Map<string, string>(); // hard-link group (file path) -> tar name carrying the data
  const files = new Map(members.filter((m) => m.entry.kind === 'file').map((m) => [m.path, m.entry]));

  for (const { name, entry, path } of members) {
    const mode = entry.mode & 0o7777;
    switch (entry.kind) {
      case 'dir':
        chunks.push(...header({ name, type: '5', mode, mtimeSec: entry.mtimeSec, size: 0 }));
        break;
      case 'symlink':
        chunks.push(...header({ name, type: '2', mode, mtimeSec: entry.mtimeSec, size: 0, linkName: entry.linkTarget }));
        break;
      case 'whiteout':
      case 'opaque':
        chunks.push(...header({ name, type: '0', mode, mtimeSec: entry.mtimeSec, size: 0 }));
        break;
      case 'file':
      case 'hardlink': {
        const group = entry.kind === 'file' ? path : normalized(entry.linkTarget!);
        const file = files.get(group)!;
        const fileMode = file.mode & 0o7777;
        const first = firstOfGroup.get(group);
        if (first !== undefined) {
          chunks.push(...header({ name, type: '1', mode: fileMode, mtimeSec: file.mtimeSec, size: 0, linkName: first }));
          break;
        }
        firstOfGroup.set(group, name);
        const data = file.data ?? new Uint8Array(0);
        chunks.push(...header({ name, type: '0', mode: fileMode, mtimeSec: file.mtimeSec, size: data.length }));
        chunks.push(data);
        if (data.length % BLOCK) chunks.push(new Uint8Array(BLOCK - (data.length % BLOCK)));
        break;
      }
    }
  }
  chunks.push(new Uint8Array(2 * BLOCK));
  return concatBytes(chunks);
}

/** Validates the entries and orders them as tar members. */
function plan(entries: readonly LayerSourceEntry[]): Member[] {
  const members: Member[] = [];
  const byName = new Map<string, LayerSourceEntry>();
  const nonDirs = new Set<string>();
  const fail = (entry: LayerSourceEntry, problem: string): never => {
    throw new LayerFormatError(problem, { path: entry.path });
  };
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.mtimeSec)) fail(entry, `mtimeSec ${entry.mtimeSec} is not a whole number of seconds`);
    if (!Number.isInteger(entry.mode) || entry.mode < 0) fail(entry, `bad mode ${entry.mode}`);
    const path = normalizeLayerPath(entry.path === '' ? '.' : entry.path, MAX_PATH_BYTES);
    if (typeof path !== 'string') return fail(entry, path.problem);
    if (path === '' && entry.kind !== 'opaque') fail(entry, 'only an opaque marker can name the layer root');
    if (entry.data !== undefined && entry.kind !== 'file') fail(entry, `data given for a ${entry.kind}`);
    const base = basename(path);
    if (base.startsWith(WHITEOUT_PREFIX)) fail(entry, `names starting with ${WHITEOUT_PREFIX} are reserved for whiteouts`);
    let name: string;
    switch (entry.kind) {
      case 'dir':
        name = `${path}/`;
        break;
      case 'whiteout':
        name = joinPath(dirname(path), WHITEOUT_PREFIX + base);
        break;
      case 'opaque':
        name = joinPath(path, OPAQUE_MARKER);
        break;
      case 'symlink':
        if (!entry.linkTarget) fail(entry, 'symlink without a linkTarget');
        name = path;
        break;
      case 'hardlink': {
        const target = entry.linkTarget === undefined ? undefined : normalizeLayerPath(entry.linkTarget, MAX_PATH_BYTES);
        if (typeof target !== 'string' || target === '') return fail(entry, 'hard link needs the path of a file as linkTarget');
        name = path;
        break;
      }
      case 'file':
        name = path;
        break;
      default:
        return fail(entry, `unknown kind ${JSON.stringify(entry.kind)}`);
    }
    if (byName.has(name)) fail(entry, 'listed twice');
    byName.set(name, entry);
    if (entry.kind !== 'dir' && entry.kind !== 'opaque') nonDirs.add(path);
    const rank = (c: string) => (c === OPAQUE_MARKER ? 0 : c.startsWith(WHITEOUT_PREFIX) ? 1 : 2);
    members.push({ name, key: sortKey(name.endsWith('/') ? name.slice(0, -1) : name, rank), entry, path });
  }
  for (const { entry, path } of members) {
    if (entry.kind === 'hardlink') {
      const target = byName.get(normalized(entry.linkTarget!));
      if (target?.kind !== 'file') fail(entry, `hard link target ${JSON.stringify(entry.linkTarget)} is not a file entry`);
    }
    for (const parent of ancestors(path)) {
      if (nonDirs.has(parent)) fail(entry, `its parent ${JSON.stringify(parent)} is not a directory`);
    }
  }
  return members.sort((a, b) => compareUtf8(a.key, b.key));
}

function normalized(path: string): string {
  return normalizeLayerPath(path, MAX_PATH_BYTES) as string;
}

interface HeaderSpec {
  name: string;
  type: string;
  mode: number;
  mtimeSec: number;
  size: number;
  linkName?: string;
}

/** One member's header blocks: [pax header, pax body (padded)] when needed, then the ustar header. */
function header(spec: HeaderSpec): Uint8Array[] {
  const pax: Array<[string, string]> = [];
  const block = new Uint8Array(BLOCK);
  const split = ustarName(spec.name);
  if (split) {
    writeBytes(block, 'name', encoder.encode(split.name));
    writeBytes(block, 'prefix', encoder.encode(split.prefix));
  } else {
    pax.push(['path', spec.name]);
    writeBytes(block, 'name', asciiPlaceholder(spec.name, 100));
  }
  if (spec.linkName !== undefined) {
    if (isAscii(spec.linkName) && spec.linkName.length <= 100) writeBytes(block, 'linkname', encoder.encode(spec.linkName));
    else {
      pax.push(['linkpath', spec.linkName]);
      writeBytes(block, 'linkname', asciiPlaceholder(spec.linkName, 100));
    }
  }
  writeOctal(block, 'mode', spec.mode);
  writeOctal(block, 'uid', 0);
  writeOctal(block, 'gid', 0);
  if (spec.size > MAX_OCTAL_11) pax.push(['size', String(spec.size)]);
  writeOctal(block, 'size', spec.size > MAX_OCTAL_11 ? 0 : spec.size);
  const mtimeFits = spec.mtimeSec >= 0 && spec.mtimeSec <= MAX_OCTAL_11;
  if (!mtimeFits) pax.push(['mtime', String(spec.mtimeSec)]);
  writeOctal(block, 'mtime', mtimeFits ? spec.mtimeSec : 0);
  block[156] = spec.type.charCodeAt(0);
  writeBytes(block, 'magic', encoder.encode('ustar\0'));
  writeBytes(block, 'version', encoder.encode('00'));
  writeOctal(block, 'devmajor', 0);
  writeOctal(block, 'devminor', 0);
  writeChecksum(block);
  if (pax.length === 0) return [block];

  pax.sort((a, b) => compareUtf8(a[0], b[0]));
  const body = encodePaxRecords(pax);
  const paxHeader = new Uint8Array(BLOCK);
  const base = basename(spec.name.endsWith('/') ? spec.name.slice(0, -1) : spec.name);
  writeBytes(paxHeader, 'name', asciiPlaceholder(`PaxHeaders/${base}`, 100));
  writeOctal(paxHeader, 'mode', 0o644);
  writeOctal(paxHeader, 'uid', 0);
  writeOctal(paxHeader, 'gid', 0);
  writeOctal(paxHeader, 'size', body.length);
  writeOctal(paxHeader, 'mtime', 0);
  paxHeader[156] = 0x78; // 'x'
  writeBytes(paxHeader, 'magic', encoder.encode('ustar\0'));
  writeBytes(paxHeader, 'version', encoder.encode('00'));
  writeOctal(paxHeader, 'devmajor', 0);
  writeOctal(paxHeader, 'devminor', 0);
  writeChecksum(paxHeader);
  const padding = body.length % BLOCK ? [new Uint8Array(BLOCK - (body.length % BLOCK))] : [];
  return [paxHeader, body, ...padding, block];
}

/** Name fits ustar as is or split at a `/` into prefix (≤155) and name (≤100), ASCII only (Go splitUSTARPath). */
function ustarName(name: string): { prefix: string; name: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return { prefix: '', name };
  let length = name.length;
  if (length > 156) length = 156;
  else if (name.endsWith('/')) length--;
  const slash = name.lastIndexOf('/', length - 1);
  const rest = name.length - slash - 1;
  if (slash <= 0 || rest > 100 || rest === 0) return undefined;
  return { prefix: name.slice(0, slash), name: name.slice(slash + 1) };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7e || text.charCodeAt(i) < 0x20) return false;
  return true;
}

/** What a pax-unaware reader sees instead of the real name: printable ASCII, cut to the field. */
function asciiPlaceholder(text: string, max: number): Uint8Array {
  let out = '';
  for (const ch of text) {
    out += isAscii(ch) ? ch : '_';
    if (out.length >= max) break;
  }
  return encoder.encode(out.slice(0, max));
}
