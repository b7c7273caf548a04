/**
 * wasm-module: what the process layer needs to know about a program before it instantiates it, and the one rewrite
 * it makes: capping the memory maximum so a container's memory limit is enforced by the engine itself.
 *
 * Reads only the preamble, the import, memory and export sections, and the section headers (the code section of a
 * 73 MB compiler is skipped in one step). This is not a validator: a module that passes here can still fail
 * `WebAssembly.compile`, which stays the authority. Must not: use node:* or Buffer (shared by Node and browsers),
 * or change any byte outside the section it rewrites.
 *
 * Vocabulary: a page is 64 KiB (spec: exec/runtime "Memory Instances"); a memory's `min`/`max` are in pages.
 */
import {
  type Limits,
  type Section,
  SECTION_NAMES,
  WasmFormatError,
  WasmReader,
  encodeU32,
  readSections,
} from './wasm-binary.ts';

export { WasmFormatError } from './wasm-binary.ts';

/** "\0asm" then 2 bytes of version and 2 of layer: layer 0 + version 1 is a core module, layer 1 a component. */
export type WasmKind = 'module' | 'component' | 'not-wasm';

type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

/** Imports and exports in file order; `memory` is memory 0 (an imported memory comes before any defined one). */
export interface ModuleSummary {
  imports: Array<{ module: string; name: string; kind: ExternKind }>;
  exports: Array<{ name: string; kind: ExternKind }>;
  memory: { imported: boolean; min: number; max: number | null; memory64: boolean; shared: boolean } | null;
}

/** The module's smallest memory is larger than the limit; sizes are in 64 KiB pages. */
export class MemoryLimitError extends Error {
  override readonly name = 'MemoryLimitError';

  constructor(
    readonly neededPages: number,
    readonly allowedPages: number,
  ) {
    super(
      `the program needs at least ${mib(neededPages)} MiB of memory (${neededPages} pages) ` +
        `but the memory limit is ${mib(allowedPages)} MiB (${allowedPages} pages)`,
    );
  }
}

const PAGES_PER_MIB = 16;
/** A 32-bit memory holds at most 2^16 pages (4 GiB; valid/types "Memory Types"): what a missing maximum means. */
const MAX_PAGES_32 = 65536;
const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

const mib = (pages: number): string => String(pages / PAGES_PER_MIB);

/**
 * Tells a core module from a component (a WASI preview 2 program) from anything else by the first 8 bytes.
 * A component is recognised by its layer field alone, since its version is pre-standard and still moving
 * (0x0a, ... 0x0d): component-model design/mvp/Binary.md, "preamble".
 */
export function sniffWasm(bytes: Uint8Array): WasmKind {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return 'not-wasm';
  }
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 0 && version === 1) return 'module';
  if (layer === 1) return 'component';
  return 'not-wasm';
}

/**
 * Lists imports, exports and memory 0 of a core module. Throws `WasmFormatError` for anything else or for a
 * malformed import, memory or export section, section header or custom section name.
 *
 *   summarizeModule(bytes).imports.filter((i) => i.module === 'wasi_snapshot_preview1')
 */
export function summarizeModule(bytes: Uint8Array): ModuleSummary {
  const { imports, exports, memories } = scanModule(bytes);
  const first = memories[0];
  if (!first) return { imports, exports, memory: null };
  const { min, max, i64, shared } = first.limits;
  return { imports, exports, memory: { imported: first.imported, min, max, memory64: i64, shared } };
}

/**
 * Returns the module with the maximum of every memory (defined or imported) lowered to `maxPages`, or the input
 * itself when no memory needs a change (none at all, or every maximum already at or below the cap). Only the
 * section holding a changed memory is re-encoded (its size is re-encoded as LEB128); every other byte is copied.
 * With an imported memory the cap becomes part of the import type, so the host must supply a memory whose
 * maximum is at most `maxPages`.
 *
 * Throws `MemoryLimitError` when a memory's minimum exceeds `maxPages`, `WasmFormatError` for malformed input or
 * a memory64 memory, and `RangeError` when `maxPages` is not a non-negative integer.
 *
 *   const capped = capMemory(bytes, 256 * 16); // 256 MiB; memory.grow past it returns -1 inside the program
 */
export function capMemory<B extends ArrayBufferLike>(
  bytes: Uint8Array<B>,
  maxPages: number,
): Uint8Array<B | ArrayBuffer> {
  if (!Number.isInteger(maxPages) || maxPages < 0) {
    throw new RangeError(`capMemory: maxPages must be a non-negative integer, got ${maxPages}`);
  }
  const cap = Math.min(maxPages, MAX_PAGES_32);
  const patches: Patch[] = [];
  for (const { limits, section } of scanModule(bytes).memories) {
    if (limits.i64) throw new WasmFormatError('cannot cap a memory64 memory (not supported)', limits.start);
    if (limits.min > cap) throw new MemoryLimitError(limits.min, cap);
    if ((limits.max ?? MAX_PAGES_32) <= cap) continue;
    // Keep the shared bit (a shared memory already has a maximum); set "maximum present".
    const encoded = [limits.flags | 0x01, ...encodeU32(limits.min), ...encodeU32(cap)];
    patches.push({ section, start: limits.start, end: limits.end, bytes: Uint8Array.from(encoded) });
  }
  return patches.length === 0 ? bytes : applyPatches(bytes, patches);
}

interface MemoryEntry {
  imported: boolean;
  limits: Limits;
  section: Section;
}

interface Scan extends Omit<ModuleSummary, 'memory'> {
  memories: MemoryEntry[];
}

function scanModule(bytes: Uint8Array): Scan {
  const scan: Scan = { imports: [], exports: [], memories: [] };
  for (const section of readSections(bytes)) {
    const reader = new WasmReader(bytes, section.payloadStart, section.end);
    switch (section.id) {
      case 0:
        reader.name('custom section name');
        continue; // the rest of a custom section is opaque
      case 2:
        readImports(reader, section, scan);
        break;
      case 5:
        for (let n = reader.count('memory', 2); n > 0; n--) {
          scan.memories.push({ imported: false, limits: reader.limits('memory'), section });
        }
        break;
      case 7:
        for (let n = reader.count('export', 3); n > 0; n--) {
          const name = reader.name('export name');
          const kind = externKind(reader, 'export');
          reader.u32(`${kind} export index`);
          scan.exports.push({ name, kind });
        }
        break;
      default:
        continue;
    }
    if (reader.pos !== section.end) {
      reader.fail(`${SECTION_NAMES[section.id]} section has ${section.end - reader.pos} bytes after its last entry`);
    }
  }
  return scan;
}

/**
 * Import descriptors (binary/modules "Import Section"): func typeidx | table reftype+limits | memory limits |
 * global valtype+mut | tag attribute+typeidx.
 */
function readImports(reader: WasmReader, section: Section, scan: Scan): void {
  for (let n = reader.count('import', 4); n > 0; n--) {
    const module = reader.name('import module name');
    const name = reader.name('import name');
    const kind = externKind(reader, 'import');
    switch (kind) {
      case 'func':
        reader.u32('function import type index');
        break;
      case 'table':
        reader.refType();
        reader.limits('table');
        break;
      case 'memory':
        scan.memories.push({ imported: true, limits: reader.limits('memory'), section });
        break;
      case 'global': {
        reader.valType();
        const at = reader.pos;
        const mutability = reader.u8('global mutability');
        if (mutability > 1) reader.fail(`invalid global mutability 0x${mutability.toString(16)}`, at);
        break;
      }
      case 'tag': {
        const at = reader.pos;
        if (reader.u8('tag attribute') !== 0) reader.fail('invalid tag attribute (only 0x00, exception, exists)', at);
        reader.u32('tag type index');
        break;
      }
    }
    scan.imports.push({ module, name, kind });
  }
}

function externKind(reader: WasmReader, what: 'import' | 'export'): ExternKind {
  const at = reader.pos;
  const byte = reader.u8(`${what} kind`);
  const kind = EXTERN_KINDS[byte];
  return kind ?? reader.fail(`unknown ${what} kind 0x${byte.toString(16).padStart(2, '0')}`, at);
}

interface Patch {
  section: Section;
  start: number;
  end: number;
  bytes: Uint8Array;
}

/** Replaces each patch's byte range, re-encodes the size of each section touched, and copies everything else. */
function applyPatches(bytes: Uint8Array, patches: Patch[]): Uint8Array<ArrayBuffer> {
  const pieces: Uint8Array[] = [];
  let copied = 0;
  for (let i = 0; i < patches.length; ) {
    const { section } = patches[i];
    const payload: Uint8Array[] = [];
    let cursor = section.payloadStart;
    for (; i < patches.length && patches[i].section === section; i++) {
      payload.push(bytes.subarray(cursor, patches[i].start), patches[i].bytes);
      cursor = patches[i].end;
    }
    payload.push(bytes.subarray(cursor, section.end));
    const size = payload.reduce((sum, piece) => sum + piece.length, 0);
    pieces.push(bytes.subarray(copied, section.start), Uint8Array.from([section.id, ...encodeU32(size)]), ...payload);
    copied = section.end;
  }
  pieces.push(bytes.subarray(copied));
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}
