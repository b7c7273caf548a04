/**
 * engine module-cache: turns wasm bytes into a runnable, memory-capped `WebAssembly.Module`, once per content.
 *
 * Checks come first so a bad input fails with a message naming what it is (not wasm, a preview2 component, a
 * reactor, a module needing imports wasmbox does not provide) instead of a link error deep in a worker.
 * Compiled modules are cached by (sha256 of the bytes, memory cap) and shared with workers by reference, so a
 * warm `run` never compiles. The cap is written into the module's memory maximum, so `memory.grow` past it fails
 * inside the guest (malloc returns NULL) and the host never allocates beyond it.
 */
import { WasmboxError } from '../../shared/errors.ts';
import { MemoryLimitError, WasmFormatError, capMemory, sniffWasm, summarizeModule } from '../process/wasm-module.ts';

const WASM_PAGE = 65536;
const MAX_PAGES_32 = 65536;
const WASI_MODULES = new Set(['wasi_snapshot_preview1', 'wasi_unstable']);

export interface PreparedModule {
  module: WebAssembly.Module;
  /** The effective cap on linear memory in bytes, or null when only the wasm32 limit (4 GiB) applies. */
  memoryLimitBytes: number | null;
}

export class ModuleCache {
  private readonly compiled = new Map<string, Promise<PreparedModule>>();
  private readonly digests = new WeakMap<Uint8Array, Promise<string>>();
  /** Cheap fingerprints (size and sampled bytes) of cached content, to tell new content before hashing it. */
  private readonly fingerprints = new Set<string>();

  /**
   * Validates, caps and compiles `bytes` (`name` is used in error messages, e.g. the file path).
   * Throws WasmboxError kind NotRunnable for inputs that are not a runnable WASI command,
   * ResourceExhausted when the module's minimum memory exceeds the cap.
   */
  async prepare(bytes: Uint8Array, name: string, memoryLimitBytes: number | null): Promise<PreparedModule> {
    checkRunnable(bytes, name);
    const maxPages = memoryLimitBytes === null ? null : Math.max(1, Math.floor(memoryLimitBytes / WASM_PAGE));
    const cap = `${maxPages ?? 'none'}`;
    // Content never seen before (no cached module has its fingerprint) is compiled while it is hashed: hashing a
    // 75 MB module takes as long as compiling it. Otherwise the digest decides, so equal content compiles once.
    const fingerprint = `${fingerprintOf(bytes)}/${cap}`;
    const early = this.fingerprints.has(fingerprint) ? null : compile(bytes, name, maxPages);
    early?.catch(() => undefined); // awaited below, or dropped when the digest finds a cached module
    const key = `${await this.digest(bytes)}/${cap}`;
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = early ?? compile(bytes, name, maxPages);
      this.compiled.set(key, entry);
      this.fingerprints.add(fingerprint);
      entry.catch(() => {
        this.compiled.delete(key); // do not cache failures
        this.fingerprints.delete(fingerprint);
      });
    }
    return entry;
  }

  private digest(bytes: Uint8Array): Promise<string> {
    let digest = this.digests.get(bytes);
    if (!digest) {
      digest = crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>).then(hex);
      this.digests.set(bytes, digest);
    }
    return digest;
  }
}

async function compile(bytes: Uint8Array, name: string, maxPages: number | null): Promise<PreparedModule> {
  let source = bytes;
  if (maxPages !== null) {
    try {
      source = capMemory(bytes, Math.min(maxPages, MAX_PAGES_32));
    } catch (error) {
      if (error instanceof MemoryLimitError) {
        throw new WasmboxError('ResourceExhausted', `${name}: ${error.message}`, { cause: error });
      }
      throw notRunnable(name, error);
    }
  }
  try {
    const module = await WebAssembly.compile(source as Uint8Array<ArrayBuffer>);
    return { module, memoryLimitBytes: maxPages === null ? null : maxPages * WASM_PAGE };
  } catch (error) {
    throw notRunnable(name, error);
  }
}

function checkRunnable(bytes: Uint8Array, name: string): void {
  const kind = sniffWasm(bytes);
  if (kind === 'not-wasm') {
    throw new WasmboxError('NotRunnable', `${name} is not a WebAssembly module (no \\0asm header)`);
  }
  if (kind === 'component') {
    throw new WasmboxError(
      'NotRunnable',
      `${name} is a WebAssembly component (WASI preview2); wasmbox runs WASI preview1 modules (wasm32-wasip1)`,
    );
  }
  let summary;
  try {
    summary = summarizeModule(bytes);
  } catch (error) {
    throw notRunnable(name, error);
  }
  const foreign = [...new Set(summary.imports.filter((i) => !WASI_MODULES.has(i.module)).map((i) => i.module))];
  if (foreign.length > 0) {
    throw new WasmboxError(
      'NotRunnable',
      `${name} imports from ${foreign.map((m) => `"${m}"`).join(', ')}; wasmbox provides only wasi_snapshot_preview1`,
    );
  }
  const exported = new Set(summary.exports.map((e) => e.name));
  if (!exported.has('_start')) {
    const what = exported.has('_initialize') ? 'a WASI reactor (library)' : 'not a WASI command';
    throw new WasmboxError('NotRunnable', `${name} is ${what}: it exports no _start function`);
  }
  if (!exported.has('memory')) {
    throw new WasmboxError('NotRunnable', `${name} exports no memory, which WASI requires`);
  }
}

function notRunnable(name: string, error: unknown): WasmboxError {
  const detail = error instanceof WasmFormatError || error instanceof Error ? error.message : String(error);
  return new WasmboxError('NotRunnable', `${name} is not a valid WebAssembly module: ${detail}`, { cause: error });
}

/** Size plus 8 sampled 32-byte windows: equal content always matches; different content almost never does. */
function fingerprintOf(bytes: Uint8Array): string {
  let text = `${bytes.length}`;
  for (let i = 0; i < 8; i++) {
    const at = Math.floor(((bytes.length - 32) * i) / 7);
    for (const b of bytes.subarray(Math.max(0, at), Math.max(0, at) + 32)) text += b.toString(36);
  }
  return text;
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}
