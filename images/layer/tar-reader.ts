/**
 * tar reader: walks an uncompressed tar held in memory and yields one `TarRecord` per archive member, with pax
 * (`x`) and GNU long-name (`L`/`K`) headers already folded into the member they describe. It checks the archive's
 * structure only — checksums, numeric fields, sizes against the end of input, the end-of-archive marker, bounds on
 * entry count and metadata size; what the names mean (paths, links, whiteouts) is `read-layer.ts`'s job.
 *
 * Why our own reader and writer and not an npm tar library (evaluated: modern-tar 0.8.6, tar-stream 3.2.2,
 * nanotar 0.3.0):
 * - none reports where a member's bytes lie in the archive; containers read file bytes lazily from the layer's tar,
 *   so the reader must return offsets, not copies (modern-tar's `unpackTar` copies every body into a new array);
 * - their readers are lenient where a layer reader must be strict: modern-tar verifies no checksum and accepts a
 *   truncated archive unless `strict` is set, and drops malformed pax records silently; tar-stream reads octal with
 *   `parseInt` (trailing garbage accepted) and base-256 without a precision bound, and is CommonJS on streamx/b4a
 *   (Node-stream semantics); nanotar checks no checksum, reads no pax or GNU long names, ignores a Uint8Array's
 *   byteOffset and gunzips without a bound;
 * - the writer must be byte-for-byte deterministic (fixed pax header names, sorted records, no atime/ctime), which
 *   none of them promises. The format is small (this file plus `tar-format.ts`); the hostile-input tests cover it.
 * References: POSIX.1-2017 pax "ustar Interchange Format" and "pax Extended Header"; GNU tar manual "Basic Tar
 * Format"; Go archive/tar (reader.go) for the real-world corner cases (signed checksums, header-only types, global
 * headers, star prefixes), whose choices Docker and containerd inherit.
 * Must not: import node:* or Buffer; copy member data.
 */
import { LayerFormatError } from './layer-entry.ts';
import {
  BLOCK, F, FieldError, decodeUtf8, fieldBytes, headerChecksum, isZeroBlock, latin1, parsePaxRecords, readNumber,
  signedHeaderChecksum,
} from './tar-format.ts';

export interface TarRecord {
  /** Full member name after pax `path` / GNU `L` / ustar `prefix` (not normalized). */
  name: string;
  /** The typeflag character; `'\0'` and `'7'` are reported as `'0'`. */
  type: string;
  linkName: string;
  /** As in the header: may include file-type bits (callers mask). */
  mode: number;
  mtimeSec: number;
  size: number;
  /** Where the member's data starts (0 bytes long for header-only types). */
  dataOffset: number;
  /** Where the member's own header starts (its pax/GNU prefix headers come before). */
  headerOffset: number;
}

export interface TarReadLimits {
  maxEntries: number;
  /** Largest pax or GNU long-name body accepted. */
  maxMetadataBytes: number;
}

/** Types whose header carries no data, whatever the size field says (Go archive/tar `isHeaderOnlyType`). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
/** Types we understand as members; the rest are refused rather than misread. */
const MEMBER_TYPES = new Set(['0', '1', '2', '3', '4', '5', '6']);

/** Iterates the members of `tar`. Throws LayerFormatError naming the member and the byte offset. */
export function* readTar(tar: Uint8Array, limits: TarReadLimits): Generator<TarRecord> {
  if (tar.length === 0) throw new LayerFormatError('empty input: not a tar archive');
  let at = 0;
  let headers = 0;
  // Pending extended-header state for the next member.
  let paxPath: string | undefined;
  let paxLink: string | undefined;
  let paxSize: number | undefined;
  let paxMtime: number | undefined;
  let gnuName: string | undefined;
  let gnuLink: string | undefined;
  let pendingSince = -1;

  for (;;) {
    if (at + BLOCK > tar.length) {
      const problem = at === tar.length
        ? 'archive ends without its end-of-archive marker (truncated?)'
        : at > tar.length
          ? 'archive ends inside the padding of the member before (truncated?)'
          : 'archive ends inside a header block (truncated?)';
      throw new LayerFormatError(problem, { offset: at });
    }
    if (isZeroBlock(tar, at)) {
      if (pendingSince !== -1) {
        throw new LayerFormatError('extended header is not followed by a member', { offset: pendingSince });
      }
      // End of archive: two zero blocks; one followed by end of input is accepted (as Go and GNU tar do).
      // Bytes after the marker (GNU tar pads to its record size) are not part of the archive.
      if (at + 2 * BLOCK <= tar.length && !isZeroBlock(tar, at + BLOCK)) {
        throw new LayerFormatError('a zero block is followed by more data (corrupt archive)', { offset: at });
      }
      return;
    }
    if (++headers > limits.maxEntries) {
      throw new LayerFormatError(`more than ${limits.maxEntries} tar headers (maxEntries)`, { offset: at, reason: 'too-large' });
    }
    const block = tar.subarray(at, at + BLOCK);
    const fail = (problem: string, reason?: 'too-large' | 'unsupported'): never => {
      // The header's own name field, undecoded: the best name we have before the member is understood.
      const path = latin1(fieldBytes(block, 'name'));
      throw new LayerFormatError(problem, { path, offset: at, ...(reason ? { reason } : {}) });
    };
    // A bad first header without the ustar magic is no tar at all: say that, not what its first bytes happen to hold.
    const notTar = (): never => {
      throw new LayerFormatError('not a tar archive: its first 512 bytes are not a tar header', { offset: 0 });
    };
    verifyChecksum(block, at === 0 && !hasUstarMagic(block) ? notTar : fail);

    let type = String.fromCharCode(block[F.typeflag[0]]);
    const oldStyle = type === '\0';
    if (type === '\0' || type === '7') type = '0';
    let size: number;
    let mode: number;
    let mtimeSec: number;
    try {
      size = readNumber(block, 'size');
      mode = readNumber(block, 'mode');
      mtimeSec = readNumber(block, 'mtime');
    } catch (e) {
      if (e instanceof FieldError) return fail(e.message);
      throw e;
    }
    if (size < 0) fail(`negative size ${size}`);
    const dataOffset = at + BLOCK;

    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > limits.maxMetadataBytes) {
        fail(`extended header of ${size} bytes is larger than the ${limits.maxMetadataBytes}-byte limit`, 'too-large');
      }
      if (dataOffset + size > tar.length) fail(`extended header of ${size} bytes runs past the end of the archive (truncated?)`);
      const body = tar.subarray(dataOffset, dataOffset + size);
      try {
        if (type === 'x') {
          const records = parsePaxRecords(body);
          for (const key of records.keys()) {
            if (key.startsWith('GNU.sparse.')) fail('sparse files (GNU.sparse pax records) are not supported', 'unsupported');
          }
          // An empty value deletes the keyword: the ustar field applies again (POSIX pax, "Extended Header Keywords").
          if (records.has('path')) paxPath = records.get('path') || undefined;
          if (records.has('linkpath')) paxLink = records.get('linkpath') || undefined;
          if (records.has('size')) paxSize = parsePaxInteger(records.get('size')!, 'size', fail);
          if (records.has('mtime')) paxMtime = parsePaxTime(records.get('mtime')!, fail);
        } else if (type === 'g') {
          // Global headers are validated but not applied (Go archive/tar does the same; git archive writes one).
          parsePaxRecords(body);
        } else {
          const nul = body.indexOf(0);
          const text = decodeUtf8(nul === -1 ? body : body.subarray(0, nul), type === 'L' ? 'GNU long name' : 'GNU long link name');
          if (type === 'L') gnuName = text;
          else gnuLink = text;
        }
      } catch (e) {
        if (e instanceof FieldError) return fail(e.message);
        throw e;
      }
      if (type !== 'g' && pendingSince === -1) pendingSince = at;
      at = dataOffset + padded(size);
      continue;
    }
    if (!MEMBER_TYPES.has(type)) {
      fail(`unsupported tar entry type ${JSON.stringify(type)}${type === 'S' ? ' (GNU sparse file)' : ''}`, 'unsupported');
    }

    let name: string;
    let linkName: string;
    try {
      name = paxPath ?? gnuName ?? headerName(block);
      linkName = paxLink ?? gnuLink ?? decodeUtf8(fieldBytes(block, 'linkname'), 'linkname');
    } catch (e) {
      if (e instanceof FieldError) return fail(e.message);
      throw e;
    }
    if (oldStyle && name.endsWith('/')) type = '5'; // pre-POSIX tars mark directories by a trailing slash only
    if (paxSize !== undefined) size = paxSize;
    if (paxMtime !== undefined) mtimeSec = paxMtime;
    paxPath = paxLink = gnuName = gnuLink = undefined;
    paxSize = paxMtime = undefined;
    pendingSince = -1;

    if (HEADER_ONLY.has(type)) size = 0;
    if (dataOffset + size > tar.length) {
      throw new LayerFormatError(`size ${size} runs past the end of the archive (truncated?)`, { path: name, offset: at });
    }
    yield { name, type, linkName, mode, mtimeSec, size, dataOffset, headerOffset: at };
    at = dataOffset + padded(size);
  }
}

/** "ustar" at the magic field: POSIX ("ustar\0") and GNU ("ustar  ") headers; V7 tars have none. */
function hasUstarMagic(block: Uint8Array): boolean {
  const m = F.magic[0];
  return block[m] === 0x75 && block[m + 1] === 0x73 && block[m + 2] === 0x74 && block[m + 3] === 0x61 && block[m + 4] === 0x72;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function verifyChecksum(block: Uint8Array, fail: (problem: string) => never): void {
  let stored: number;
  try {
    stored = readNumber(block, 'chksum');
  } catch (e) {
    if (e instanceof FieldError) return fail(`${e.message} (not a tar header?)`);
    throw e;
  }
  const unsigned = headerChecksum(block);
  // Some historic tars summed signed bytes; accept either (Go archive/tar, GNU tar).
  if (stored !== unsigned && stored !== signedHeaderChecksum(block)) {
    fail(`header checksum mismatch (stored ${stored.toString(8)}, computed ${unsigned.toString(8)}): corrupt or not a tar archive`);
  }
}

/** The ustar name: `prefix/name` for POSIX ustar (magic "ustar\0"), just `name` for GNU and V7 headers. */
function headerName(block: Uint8Array): string {
  const name = decodeUtf8(fieldBytes(block, 'name'), 'name');
  const m = F.magic[0];
  const posix = block[m] === 0x75 && block[m + 1] === 0x73 && block[m + 2] === 0x74 && block[m + 3] === 0x61 &&
    block[m + 4] === 0x72 && block[m + 5] === 0;
  if (!posix) return name;
  // star puts atime/ctime after a 131-byte prefix and marks it with "tar\0" at 508 (Go archive/tar).
  const star = block[508] === 0x74 && block[509] === 0x61 && block[510] === 0x72 && block[511] === 0;
  const [at, len] = F.prefix;
  let prefixBytes = block.subarray(at, at + (star ? 131 : len));
  const nul = prefixBytes.indexOf(0);
  if (nul !== -1) prefixBytes = prefixBytes.subarray(0, nul);
  const prefix = decodeUtf8(prefixBytes, 'prefix');
  return prefix === '' ? name : `${prefix}/${name}`;
}

function parsePaxInteger(value: string, key: string, fail: (problem: string) => never): number {
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) fail(`bad pax ${key} ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

function parsePaxTime(value: string, fail: (problem: string) => never): number {
  // "seconds[.fraction]", possibly negative; whole seconds are kept.
  const m = /^(-?)(\d{1,16})(?:\.\d*)?$/.exec(value);
  if (!m) return fail(`bad pax mtime ${JSON.stringify(value.slice(0, 40))}`);
  const whole = Number(m[2]);
  const fraction = /\.\d*[1-9]/.test(value);
  return m[1] === '-' ? -whole - (fraction ? 1 : 0) : whole;
}
