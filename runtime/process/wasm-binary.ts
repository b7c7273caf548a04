/**
 * wasm-binary: a bounds-checked reader for the parts of the WebAssembly core binary format that `wasm-module.ts`
 * needs: the preamble, section headers, LEB128 integers, names, and the types inside import descriptors.
 *
 * Every read checks the end of the current section first, so malformed input fails with a `WasmFormatError` that
 * names the byte offset, never with a `RangeError` or a read past the end. A count is checked against the bytes left
 * before anything is read for it, and nothing is ever allocated from a count.
 * Must not: decode code or data sections, validate (that stays with `WebAssembly.compile`), or use node:* / Buffer.
 *
 * Spec: WebAssembly Core 3.0, chapter 5 "Binary Format" (webassembly.github.io/spec/core/binary/); the threads
 * proposal for shared-memory limits (flag 0x03).
 */

/** The input is not a well-formed core module; `offset` is where reading failed. */
export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';

  constructor(
    readonly detail: string,
    readonly offset: number,
  ) {
    super(`${detail} at byte offset ${offset} (0x${offset.toString(16)})`);
  }
}

export const SECTION_NAMES: readonly string[] = [
  'custom', 'type', 'import', 'function', 'table', 'memory', 'global',
  'export', 'start', 'element', 'code', 'data', 'data count', 'tag',
];

/** Rank of each known non-custom section id in the required order (binary/modules "Modules"; tag goes after memory). */
const SECTION_ORDER = new Map<number, number>([
  [1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [13, 6], [6, 7], [7, 8], [8, 9], [9, 10], [12, 11], [10, 12], [11, 13],
]);

/** A section as found in the file: `start` is the offset of its id byte, `payloadStart`..`end` its contents. */
export interface Section {
  id: number;
  start: number;
  payloadStart: number;
  end: number;
}

/** A decoded limits field; `start`..`end` covers the flags byte through the last byte of the maximum. */
export interface Limits {
  flags: number;
  min: number;
  max: number | null;
  i64: boolean;
  shared: boolean;
  start: number;
  end: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_U32 = 0xffff_ffff;

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

/** Abstract heap types, one-byte negative s33s (binary/types "Heap Types"): 0x69 exn .. 0x74 noexn. */
const isAbstractHeapType = (byte: number): boolean => byte >= 0x69 && byte <= 0x74;

/** Reads one range of the input; reads never go past `end`. */
export class WasmReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(detail: string, at: number = this.pos): never {
    throw new WasmFormatError(detail, at);
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.fail(`unexpected end of section while reading ${what}`);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128, at most 5 bytes; unused bits of the 5th byte must be zero (binary/values "Integers"). */
  u32(what: string): number {
    return this.uleb(what, 5);
  }

  /** Unsigned LEB128, at most 10 bytes; values above 2^53-1 are refused (no memory or table can be that large). */
  u64(what: string): number {
    return this.uleb(what, 10);
  }

  private uleb(what: string, maxBytes: 5 | 10): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) this.fail(`truncated LEB128 ${what}`, start);
      const byte = this.bytes[this.pos++];
      // Last allowed byte: no continuation bit and only the bits the integer still has room for (4 of u32, 1 of u64).
      if (i === maxBytes - 1 && byte & (maxBytes === 5 ? 0xf0 : 0xfe)) {
        this.fail(`LEB128 ${what} is too long or exceeds ${maxBytes === 5 ? 32 : 64} bits`, start);
      }
      result += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail(`${what} is larger than 2^53-1`, start);
        return result;
      }
    }
    return this.fail(`LEB128 ${what} is too long`, start); // not reached: the last-byte check above throws first
  }

  /** A vector length; each entry takes at least `minEntryBytes`, so a count the section cannot hold is an error. */
  count(what: string, minEntryBytes: number): number {
    const at = this.pos;
    const n = this.u32(`${what} count`);
    if (n * minEntryBytes > this.remaining) {
      this.fail(`${what} count ${n} is larger than the ${this.remaining} bytes left in the section`, at);
    }
    return n;
  }

  skip(length: number, what: string): void {
    if (length > this.remaining) this.fail(`${what} (${length} bytes) runs past the end of its section`);
    this.pos += length;
  }

  name(what: string): string {
    const length = this.u32(`${what} length`);
    const start = this.pos;
    this.skip(length, what);
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch {
      return this.fail(`${what} is not valid UTF-8`, start);
    }
  }

  /** Memory flags: bit 0 max present, bit 1 shared (threads; needs a max), bit 2 memory64. Tables: bits 0 and 2. */
  limits(kind: 'memory' | 'table'): Limits {
    const start = this.pos;
    const flags = this.u8(`${kind} limits flags`);
    if (flags & 0x08 && kind === 'memory') {
      this.fail(`memory limits flags ${hex(flags)}: custom page sizes are not supported`, start);
    }
    const allowed = kind === 'memory' ? [0x00, 0x01, 0x03, 0x04, 0x05, 0x07] : [0x00, 0x01, 0x04, 0x05];
    if (!allowed.includes(flags)) {
      const why = (flags & 0x03) === 0x02 ? ' (shared memory needs a maximum)' : '';
      this.fail(`invalid ${kind} limits flags ${hex(flags)}${why}`, start);
    }
    const i64 = (flags & 0x04) !== 0;
    const min = i64 ? this.u64(`${kind} minimum`) : this.u32(`${kind} minimum`);
    const max = flags & 0x01 ? (i64 ? this.u64(`${kind} maximum`) : this.u32(`${kind} maximum`)) : null;
    return { flags, min, max, i64, shared: (flags & 0x02) !== 0, start, end: this.pos };
  }

  /** Heap type: an abstract one (one byte) or a non-negative s33 type index (binary/types "Heap Types"). */
  heapType(): void {
    const start = this.pos;
    let byte = this.u8('heap type');
    if ((byte & 0xc0) === 0x40) {
      if (!isAbstractHeapType(byte)) this.fail(`unknown heap type ${hex(byte)}`, start);
      return;
    }
    for (let i = 1; byte & 0x80; i++) {
      if (i === 5) this.fail('heap type index is too long', start);
      byte = this.u8('heap type index');
      if (i === 4 && byte & 0xf0) this.fail('heap type index exceeds 32 bits', start);
    }
    if (byte & 0x40) this.fail('heap type index is negative', start);
  }

  /** Reference type: 0x63/0x64 + heap type, or an abstract heap type as shorthand for a nullable reference. */
  refType(): void {
    const start = this.pos;
    const byte = this.u8('reference type');
    if (byte === 0x63 || byte === 0x64) this.heapType();
    else if (!isAbstractHeapType(byte)) this.fail(`unknown reference type ${hex(byte)}`, start);
  }

  /** Value type: i32 i64 f32 f64 (0x7f..0x7c), v128 (0x7b), or a reference type. */
  valType(): void {
    if (this.pos < this.end && this.bytes[this.pos] >= 0x7b && this.bytes[this.pos] <= 0x7f) this.pos++;
    else this.refType();
  }
}

/** Minimal unsigned LEB128 encoding. */
export function encodeU32(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) throw new RangeError(`not a u32: ${value}`);
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Checks the preamble (magic + version 1) and returns every section header, in order, without reading payloads. */
export function readSections(bytes: Uint8Array): Section[] {
  const reader = new WasmReader(bytes, 0, bytes.length);
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (bytes.length < 4 || magic.some((byte, i) => bytes[i] !== byte)) {
    reader.fail('not a WebAssembly binary (no \\0asm magic)', 0);
  }
  if (bytes.length < 8) reader.fail('preamble is truncated', bytes.length);
  if (bytes[6] === 0x01 && bytes[7] === 0x00) reader.fail('this is a component (layer 1), not a core module', 6);
  if (bytes[4] !== 0x01 || bytes[5] !== 0x00 || bytes[6] !== 0x00 || bytes[7] !== 0x00) {
    reader.fail(`unsupported binary version ${[...bytes.subarray(4, 8)].map(hex).join(' ')}`, 4);
  }
  reader.pos = 8;
  const sections: Section[] = [];
  let lastOrder = 0;
  let lastId = 0;
  while (reader.pos < bytes.length) {
    const start = reader.pos;
    const id = reader.u8('section id');
    const order = SECTION_ORDER.get(id);
    if (id !== 0 && order === undefined) reader.fail(`unknown section id ${id}`, start);
    if (order !== undefined) {
      if (order <= lastOrder) {
        const problem = id === lastId ? 'appears twice' : `must come before the ${SECTION_NAMES[lastId]} section`;
        reader.fail(`${SECTION_NAMES[id]} section ${problem}`, start);
      }
      lastOrder = order;
      lastId = id;
    }
    const size = reader.u32(`${SECTION_NAMES[id]} section size`);
    const payloadStart = reader.pos;
    if (size > reader.remaining) {
      const detail = `${SECTION_NAMES[id]} section size ${size} runs past the end (${reader.remaining} bytes left)`;
      reader.fail(detail, start);
    }
    reader.pos += size;
    sections.push({ id, start, payloadStart, end: reader.pos });
  }
  return sections;
}
