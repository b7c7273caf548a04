/**
 * tar format: the byte layout of tar headers and PAX records, shared by the reader and the writer.
 *
 * Formats read: POSIX ustar and pax (IEEE 1003.1-2017, "pax" Extended Header), GNU tar (`L`/`K` long names, base-256
 * numbers, "ustar  " magic) and old V7 headers. Written: ustar plus pax records only where ustar cannot say it.
 * Every numeric field is validated (octal digits only, or GNU base-256), never parsed leniently: a lenient parser is
 * how two readers come to see two different archives in the same bytes.
 * Must not: import node:* or Buffer.
 */

export const BLOCK = 512;

/** Header field offsets and lengths (ustar). */
export const F = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

export type FieldName = keyof typeof F;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A numeric field could not be read; `field` says which. */
export class FieldError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`bad ${field} field: ${detail}`);
  }
}

/** Bytes of a NUL-terminated (or full-width) string field. */
export function fieldBytes(block: Uint8Array, field: FieldName): Uint8Array {
  const [at, len] = F[field];
  const raw = block.subarray(at, at + len);
  const nul = raw.indexOf(0);
  return nul === -1 ? raw : raw.subarray(0, nul);
}

/** Decodes UTF-8 strictly: invalid bytes would otherwise become U+FFFD and two names could collide. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  if (bytes.length <= 256) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new FieldError(what, 'not valid UTF-8');
  }
}

/** Latin-1 view of a field, for messages about a header whose name could not be decoded. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * A numeric field: octal ASCII (leading spaces/NULs, then digits, then an optional NUL/space terminator), all
 * NUL/space = 0, or GNU base-256 (first byte 0x80 positive, 0xff negative, two's complement).
 */
export function readNumber(block: Uint8Array, field: FieldName): number {
  const [at, len] = F[field];
  const raw = block.subarray(at, at + len);
  if (raw[0] & 0x80) {
    if (raw[0] !== 0x80 && raw[0] !== 0xff) throw new FieldError(field, 'unknown binary encoding');
    let value = BigInt(raw[0] & 0x7f) - (raw[0] === 0xff ? 0x80n : 0n);
    for (let i = 1; i < len; i++) value = (value << 8n) | BigInt(raw[i]);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new FieldError(field, 'number too large');
    }
    return Number(value);
  }
  let i = 0;
  while (i < len && (raw[i] === 0x20 || raw[i] === 0)) i++;
  let value = 0;
  let digits = 0;
  for (; i < len; i++) {
    const c = raw[i];
    if (c >= 0x30 && c <= 0x37) {
      value = value * 8 + (c - 0x30);
      digits++;
    } else break;
  }
  for (; i < len; i++) {
    if (raw[i] !== 0 && raw[i] !== 0x20) throw new FieldError(field, `not an octal number (${JSON.stringify(latin1(raw))})`);
  }
  if (!Number.isSafeInteger(value)) throw new FieldError(field, 'number too large');
  return digits === 0 ? 0 : value;
}

/** The checksum rule (ustar): sum of all header bytes with the chksum field read as 8 spaces. */
export function headerChecksum(block: Uint8Array): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += block[i];
  for (let i = 156; i < BLOCK; i++) sum += block[i];
  return sum;
}

/** The same sum over signed bytes, as some historic tars computed it. */
export function signedHeaderChecksum(block: Uint8Array): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i === 148) i = 156;
    sum += block[i] > 0x7f ? block[i] - 256 : block[i];
  }
  return sum;
}

export function isZeroBlock(bytes: Uint8Array, at: number): boolean {
  for (let i = at, end = at + BLOCK; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

// ---- PAX extended header records: "%d %s=%s\n", the length counting the whole record ---------------------------

/** Parses a pax extended header body strictly; throws FieldError('pax header', …) on any malformed record. */
export function parsePaxRecords(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    let space = at;
    let length = 0;
    while (space < body.length && body[space] >= 0x30 && body[space] <= 0x39 && space - at < 10) {
      length = length * 10 + (body[space] - 0x30);
      space++;
    }
    if (space === at || body[space] !== 0x20) throw new FieldError('pax header', `bad record length at byte ${at}`);
    const end = at + length;
    if (length <= space - at + 1 || end > body.length || body[end - 1] !== 0x0a) {
      throw new FieldError('pax header', `record at byte ${at} does not fit its length ${length}`);
    }
    const record = body.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new FieldError('pax header', `record at byte ${at} has no keyword`);
    records.set(decodeUtf8(record.subarray(0, eq), 'pax keyword'), decodeUtf8(record.subarray(eq + 1), 'pax value'));
    at = end;
  }
  return records;
}

/** Encodes pax records (in the order given) into one extended header body. */
export function encodePaxRecords(records: Array<[string, string]>): Uint8Array {
  let text = '';
  for (const [key, value] of records) {
    const rest = ` ${key}=${value}\n`;
    const restBytes = encoder.encode(rest).length;
    let length = restBytes + 1;
    while (String(length).length + restBytes !== length) length = String(length).length + restBytes;
    text += `${length}${rest}`;
  }
  return encoder.encode(text);
}

// ---- writing ----------------------------------------------------------------------------------------------------

/** Writes `value` as zero-padded octal filling the field but its last byte (NUL), as ustar writers do. */
export function writeOctal(block: Uint8Array, field: FieldName, value: number): void {
  const [at, len] = F[field];
  const digits = value.toString(8).padStart(len - 1, '0');
  if (digits.length > len - 1 || value < 0) throw new RangeError(`${field} ${value} does not fit the ustar field`);
  for (let i = 0; i < len - 1; i++) block[at + i] = digits.charCodeAt(i);
  block[at + len - 1] = 0;
}

/** Writes raw bytes into a string field (the caller checked they fit). */
export function writeBytes(block: Uint8Array, field: FieldName, bytes: Uint8Array): void {
  const [at, len] = F[field];
  if (bytes.length > len) throw new RangeError(`${field} is longer than ${len} bytes`);
  block.set(bytes, at);
}

/** Fills in the checksum of a finished header: six octal digits, NUL, space (the traditional form). */
export function writeChecksum(block: Uint8Array): void {
  const sum = headerChecksum(block);
  const digits = sum.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) block[148 + i] = digits.charCodeAt(i);
  block[154] = 0;
  block[155] = 0x20;
}

/** Largest value an 11-digit octal field (size, mtime) holds. */
export const MAX_OCTAL_11 = 0o77777777777;
