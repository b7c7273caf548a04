// Node-only (wat2wasm, clang and wasm-objdump run as child processes); the module under test is shared code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSections } from './wasm-binary.ts';
import { MemoryLimitError, WasmFormatError, capMemory, sniffWasm, summarizeModule } from './wasm-module.ts';

const work = mkdtempSync(join(tmpdir(), 'wasm-module-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let fileCount = 0;

/** Assembles WAT with wabt's wat2wasm (a hard requirement of the dev environment: /usr/bin/wat2wasm). */
function wat(source: string, ...features: string[]): Uint8Array<ArrayBuffer> {
  const base = join(work, `m${fileCount++}`);
  writeFileSync(`${base}.wat`, source);
  execFileSync('wat2wasm', [...features, `${base}.wat`, '-o', `${base}.wasm`]);
  return new Uint8Array(readFileSync(`${base}.wasm`));
}

/** Runs a wabt tool on bytes, or returns null when the tool is missing. */
function wabt(tool: string, bytes: Uint8Array, ...args: string[]): string | null {
  const file = join(work, `t${fileCount++}.wasm`);
  writeFileSync(file, bytes);
  try {
    return execFileSync(tool, [...args, file], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

// Hand assembly, independent of the code under test.
const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(Math.floor(n / 128))]);
const str = (s: string): number[] => [...leb(new TextEncoder().encode(s).length), ...new TextEncoder().encode(s)];
const section = (id: number, payload: number[]): number[] => [id, ...leb(payload.length), ...payload];
const mod = (...sections: number[][]): Uint8Array<ArrayBuffer> =>
  Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);

function instance(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): Record<string, CallableFunction> {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<string, CallableFunction>;
}

/** Index of the first differing byte, or -1 (toEqual walks a 70 MB array far too slowly). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

function formatError(run: () => unknown): WasmFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof WasmFormatError) return error;
    throw error;
  }
  throw new Error('expected a WasmFormatError');
}

const GROW = (memory: string): string => `(module ${memory}
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "checksum") (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $fill (i32.store8 (local.get $i) (i32.mul (local.get $i) (i32.const 7)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $add (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $i))))
      (br_if $add (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum)))`;

describe('sniffWasm', () => {
  it('tells a core module, a component, text and empty input apart', () => {
    expect(sniffWasm(wat('(module)'))).toBe('module');
    expect(sniffWasm(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00))).toBe('component');
    expect(sniffWasm(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0a, 0x00, 0x01, 0x00))).toBe('component'); // older pre-standard version
    expect(sniffWasm(new TextEncoder().encode('(module (func))'))).toBe('not-wasm');
    expect(sniffWasm(new Uint8Array(0))).toBe('not-wasm');
    expect(sniffWasm(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00))).toBe('not-wasm'); // 7 bytes
    expect(sniffWasm(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00))).toBe('not-wasm');
  });
});

describe('summarizeModule', () => {
  it('decodes every import and export kind, in agreement with V8', () => {
    const bytes = wat(`(module
      (import "env" "f" (func $f (param i32) (result i32)))
      (import "env" "t" (table 2 funcref))
      (import "env" "x" (table 1 5 externref))
      (import "env" "g" (global (mut i32)))
      (import "env" "r" (global externref))
      (import "env" "v" (global v128))
      (import "env" "e" (tag $e (param i32)))
      (memory (export "memory") 1)
      (table (export "tab") 1 funcref)
      (global (export "glob") i32 (i32.const 1))
      (export "f2" (func $f))
      (export "tag" (tag $e)))`, '--enable-exceptions');
    const summary = summarizeModule(bytes);
    const v8Kind = (kind: string): string => (kind === 'function' ? 'func' : kind);
    const module = new WebAssembly.Module(bytes);
    expect(summary.imports).toEqual(WebAssembly.Module.imports(module).map((i) => ({ ...i, kind: v8Kind(i.kind) })));
    expect(summary.exports).toEqual(WebAssembly.Module.exports(module).map((e) => ({ ...e, kind: v8Kind(e.kind) })));
    expect(summary.imports.map((i) => i.kind)).toEqual(['func', 'table', 'table', 'global', 'global', 'global', 'tag']);
    expect(summary.exports.map((e) => e.kind)).toEqual(['memory', 'table', 'global', 'func', 'tag']);
  });

  it.each([
    ['no memory', '(module)', [], null],
    ['defined, no max', '(module (memory 3))', [], { imported: false, min: 3, max: null, memory64: false, shared: false }],
    ['defined with max', '(module (memory 1 65536))', [], { imported: false, min: 1, max: 65536, memory64: false, shared: false }],
    ['imported', '(module (import "env" "memory" (memory 2 9)))', [], { imported: true, min: 2, max: 9, memory64: false, shared: false }],
    ['shared', '(module (memory 1 4 shared))', ['--enable-threads'], { imported: false, min: 1, max: 4, memory64: false, shared: true }],
    ['memory64', '(module (memory i64 1 2))', ['--enable-memory64'], { imported: false, min: 1, max: 2, memory64: true, shared: false }],
  ])('reports the memory: %s', (_, source, features, memory) => {
    expect(summarizeModule(wat(source, ...features)).memory).toEqual(memory);
  });

  it('reports memory 0 when there are several (the imported one comes first)', () => {
    const bytes = wat('(module (import "env" "m" (memory 1)) (memory 2 10) (memory 3))', '--enable-multi-memory');
    expect(summarizeModule(bytes).memory).toEqual({ imported: true, min: 1, max: null, memory64: false, shared: false });
  });

  it('accepts non-minimal LEB128 and multi-byte heap type indices, as the spec does', () => {
    const bytes = mod(
      section(2, [1, ...str('m'), ...str('t'), 0x01, 0x63, 0xc8, 0x01, 0x00, 0x00]), // (ref null 200)
      section(7, [1, ...str('e'), 0x00, 0x80, 0x80, 0x80, 0x80, 0x00]), // index 0 in 5 bytes
    );
    expect(summarizeModule(bytes).exports).toEqual([{ name: 'e', kind: 'func' }]);
  });

  it('refuses text, empty input and components with a WasmFormatError', () => {
    expect(formatError(() => summarizeModule(new TextEncoder().encode('(module)'))).offset).toBe(0);
    expect(formatError(() => summarizeModule(new Uint8Array(0))).offset).toBe(0);
    const component = formatError(() => summarizeModule(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00)));
    expect(component.message).toMatch(/component/);
  });

  // [what, bytes, offset where reading fails]; the header is 8 bytes, so a lone section's payload starts at 10.
  const imp = (...desc: number[]): number[] => section(2, [1, ...str('m'), ...str('x'), ...desc]); // desc at 15
  it.each<[string, Uint8Array<ArrayBuffer>, number]>([
    ['truncated preamble', Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00), 7],
    ['section size past the end', mod([0x02, 0x05, 0x01]), 8],
    ['huge import count', mod(section(2, [0xff, 0xff, 0xff, 0xff, 0x0f])), 10],
    ['huge memory count', mod(section(5, [0x80, 0x80, 0x80, 0x80, 0x08])), 10],
    ['huge export count', mod(section(7, [0x90, 0x4e, 0x00])), 10],
    ['truncated LEB128', mod(section(7, [1, ...str('a'), 0x00, 0x80])), 14],
    ['LEB128 longer than 5 bytes', mod(section(7, [1, ...str('a'), 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), 14],
    ['LEB128 above 2^32', mod(section(7, [1, ...str('a'), 0x00, 0xff, 0xff, 0xff, 0xff, 0x1f])), 14],
    ['unknown import kind', mod(imp(0x05, 0x00)), 15],
    ['unknown export kind', mod(section(7, [1, ...str('a'), 0x07, 0x00])), 13],
    ['shared memory without a maximum', mod(section(5, [1, 0x02, 0x01])), 11],
    ['custom page size flag', mod(section(5, [1, 0x08, 0x01, 0x10])), 11],
    ['shared table', mod(imp(0x01, 0x70, 0x03, 0x01, 0x02)), 17],
    ['unknown reference type', mod(imp(0x01, 0x7f, 0x00, 0x01)), 16],
    ['heap type index too long', mod(imp(0x01, 0x64, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x01)), 17],
    ['negative multi-byte heap type', mod(imp(0x01, 0x63, 0xff, 0x7f, 0x00, 0x01)), 17],
    ['unknown value type', mod(imp(0x03, 0x40, 0x00)), 16],
    ['global mutability 2', mod(imp(0x03, 0x7f, 0x02)), 17],
    ['tag attribute 1', mod(imp(0x04, 0x01, 0x00)), 16],
    ['memory import cut short', mod(imp(0x02, 0x01, 0x01)), 18],
    ['memory64 maximum above 2^53', mod(section(5, [1, 0x05, 0x01, ...Array(7).fill(0xff), 0xff, 0x01])), 13],
    ['duplicate memory section', mod(section(5, [0]), section(5, [0])), 11],
    ['import section after export section', mod(section(7, [0]), section(2, [0])), 11],
    ['unknown section id', mod(section(14, [])), 8],
    ['invalid UTF-8 in a name', mod(section(7, [1, 0x01, 0xff, 0x00, 0x00])), 12],
    ['name longer than its section', mod(section(7, [1, 0x05, 0x61, 0x00, 0x00])), 12],
    ['custom section name past the end', mod(section(0, [0x05, 0x61])), 11],
    ['bytes after the last entry', mod(section(5, [1, 0x00, 0x01, 0xaa])), 13],
  ])('malformed: %s', (_, bytes, offset) => {
    const error = formatError(() => summarizeModule(bytes));
    expect(error.name).toBe('WasmFormatError');
    expect(error.offset).toBe(offset);
    expect(error.message).toContain(`byte offset ${offset}`);
    expect(WebAssembly.validate(bytes)).toBe(false); // V8 agrees the input is broken
  });

  it('throws nothing but WasmFormatError for any truncation or byte flip of a real module', () => {
    const bytes = wat(`(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "env" "memory" (memory 1 100)) (import "env" "t" (table 1 externref)) (import "env" "g" (global f64))
      (export "w" (func 0)) (export "m" (memory 0)) (func (export "f") (result i32) (i32.const 42)))`);
    const attempt = (input: Uint8Array): void => {
      try {
        summarizeModule(input);
      } catch (error) {
        expect(error).toBeInstanceOf(WasmFormatError);
      }
      try {
        capMemory(input, 10);
      } catch (error) {
        if (!(error instanceof MemoryLimitError)) expect(error).toBeInstanceOf(WasmFormatError); // a flipped minimum
      }
    };
    for (let length = 0; length < bytes.length; length++) attempt(bytes.subarray(0, length));
    let seed = 1;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      const mutated = bytes.slice();
      mutated[8 + Math.floor(random() * (mutated.length - 8))] = Math.floor(random() * 256);
      attempt(mutated);
    }
  });
});

describe('capMemory', () => {
  it('caps a defined memory without a maximum: growth past the cap fails inside the module', () => {
    const original = wat(GROW('(memory (export "memory") 1)'));
    const capped = capMemory(original, 4);
    expect(WebAssembly.validate(capped)).toBe(true);
    expect(summarizeModule(capped).memory).toEqual({ imported: false, min: 1, max: 4, memory64: false, shared: false });
    const before = instance(original);
    const after = instance(capped);
    expect(after.checksum(60000)).toBe(before.checksum(60000)); // behaves the same below the cap
    expect(before.grow(10)).toBe(1);
    expect(after.grow(3)).toBe(1);
    expect(after.grow(1)).toBe(-1);
  });

  it('rewrites only the memory section and copies every other byte', () => {
    const original = wat(GROW('(memory (export "memory") 1)'));
    const memorySection = readSections(original).find((s) => s.id === 5)!;
    const capped = capMemory(original, 4);
    expect(capped.subarray(0, memorySection.start)).toEqual(original.subarray(0, memorySection.start));
    expect([...capped.subarray(memorySection.start, memorySection.start + 6)]).toEqual([0x05, 0x04, 0x01, 0x01, 0x01, 0x04]);
    expect(capped.subarray(memorySection.start + 6)).toEqual(original.subarray(memorySection.end));
  });

  it('lowers a larger maximum and leaves a smaller one alone (returning the input itself)', () => {
    const big = wat(GROW('(memory 2 1000)'));
    expect(summarizeModule(capMemory(big, 300)).memory?.max).toBe(300);
    expect(capMemory(big, 1000)).toBe(big);
    expect(capMemory(big, 70000)).toBe(big);
    const unlimited = wat('(module (memory 1))');
    expect(capMemory(unlimited, 65536)).toBe(unlimited); // a 32-bit memory cannot exceed 65536 pages anyway
    expect(summarizeModule(capMemory(unlimited, 65535)).memory?.max).toBe(65535);
  });

  it('returns a module without memory unchanged', () => {
    const bytes = wat('(module (func (export "f")))');
    expect(capMemory(bytes, 1)).toBe(bytes);
  });

  it('caps an imported memory: the host must supply a memory within the cap', () => {
    const original = wat(GROW('(import "env" "memory" (memory 1))'));
    const capped = capMemory(original, 4);
    expect(WebAssembly.validate(capped)).toBe(true);
    expect(summarizeModule(capped).memory).toEqual({ imported: true, min: 1, max: 4, memory64: false, shared: false });
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const after = instance(capped, { env: { memory } });
    expect(after.grow(3)).toBe(1);
    expect(after.grow(1)).toBe(-1);
    expect(memory.buffer.byteLength).toBe(4 * 65536);
    const unbounded = new WebAssembly.Memory({ initial: 1 });
    expect(() => instance(capped, { env: { memory: unbounded } })).toThrow(WebAssembly.LinkError);
    expect(instance(original, { env: { memory: unbounded } }).grow(10)).toBe(1);
  });

  it('re-encodes the section size when it needs one more LEB128 byte', () => {
    // Import section payload: count 1 + "env" 4 + name 1+117 + kind 1 + limits 2 = 126 bytes; the cap adds 2.
    const original = wat(`(module (import "env" "${'m'.repeat(117)}" (memory 1)))`);
    const importSection = readSections(original).find((s) => s.id === 2)!;
    expect(importSection.end - importSection.payloadStart).toBe(126);
    const capped = capMemory(original, 200);
    expect([...capped.subarray(importSection.start, importSection.start + 3)]).toEqual([0x02, 0x80, 0x01]);
    expect(WebAssembly.validate(capped)).toBe(true);
    expect(summarizeModule(capped).memory?.max).toBe(200);
    instance(capped, { env: { ['m'.repeat(117)]: new WebAssembly.Memory({ initial: 1, maximum: 200 }) } });
  });

  it('keeps a shared memory shared', () => {
    const capped = capMemory(wat(GROW('(memory (export "memory") 1 100 shared)'), '--enable-threads'), 2);
    expect(WebAssembly.validate(capped)).toBe(true);
    expect(summarizeModule(capped).memory).toEqual({ imported: false, min: 1, max: 2, memory64: false, shared: true });
    const exports = instance(capped);
    expect((exports.memory as unknown as WebAssembly.Memory).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(exports.grow(1)).toBe(1);
    expect(exports.grow(1)).toBe(-1);
  });

  it('caps every memory of a multi-memory module', (context) => {
    const capped = capMemory(wat('(module (import "env" "m" (memory 1)) (memory 2 10) (memory 3) (memory 1 4))', '--enable-multi-memory'), 5);
    const dump = wabt('wasm-objdump', capped, '-x', '-j', 'Memory');
    const imports = wabt('wasm-objdump', capped, '-x', '-j', 'Import');
    if (dump === null || imports === null) return context.skip('wasm-objdump (wabt) is not installed');
    expect(imports).toContain('pages: initial=1 max=5');
    expect(dump.match(/pages: .*/g)).toEqual(['pages: initial=2 max=5', 'pages: initial=3 max=5', 'pages: initial=1 max=4']);
    expect(wabt('wasm-validate', capped, '--enable-multi-memory')).not.toBeNull();
  });

  it('throws MemoryLimitError when the minimum alone exceeds the cap', () => {
    for (const source of ['(module (memory 20))', '(module (import "env" "memory" (memory 20 30)))']) {
      let error: unknown;
      try {
        capMemory(wat(source), 16);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MemoryLimitError);
      expect(error).toMatchObject({ name: 'MemoryLimitError', neededPages: 20, allowedPages: 16 });
      expect((error as Error).message).toContain('1.25 MiB');
      expect((error as Error).message).toContain('1 MiB');
    }
  });

  it('refuses memory64 and a nonsensical cap', () => {
    expect(formatError(() => capMemory(wat('(module (memory i64 1))', '--enable-memory64'), 4)).message).toMatch(/memory64/);
    const bytes = wat('(module (memory 1))');
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => capMemory(bytes, bad)).toThrow(RangeError);
  });
});

describe('real programs', () => {
  const sysroot = existsSync('/usr/lib/wasm32-wasi/crt1-command.o');
  function clang(source: string): Uint8Array<ArrayBuffer> {
    const base = join(work, `c${fileCount++}`);
    writeFileSync(`${base}.c`, source);
    execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', `${base}.wasm`, `${base}.c`]);
    return new Uint8Array(readFileSync(`${base}.wasm`));
  }

  it('summarizes and caps clang --target=wasm32-wasi output', (context) => {
    if (!sysroot || !existsSync('/usr/bin/clang')) context.skip('clang or the wasm32-wasi sysroot is not installed');
    const empty = clang('int main(){return 0;}');
    const summary = summarizeModule(empty);
    expect(summary.exports).toEqual([{ name: 'memory', kind: 'memory' }, { name: '_start', kind: 'func' }]);
    // With this toolchain (Debian clang 14 + wasi-libc) an empty main links to no imports at all.
    expect(summary.imports).toEqual([]);
    expect(summary.memory).toMatchObject({ imported: false, max: null });
    const capped = capMemory(empty, 256);
    expect(WebAssembly.validate(capped)).toBe(true);
    expect(summarizeModule(capped).memory?.max).toBe(256);

    const hello = clang('#include <stdio.h>\nint main(int argc, char **argv) { printf("%d %s\\n", argc, argv[0]); return 0; }');
    const imports = summarizeModule(hello).imports;
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((i) => i.module === 'wasi_snapshot_preview1' && i.kind === 'func')).toBe(true);
    expect(imports.map((i) => i.name)).toEqual(expect.arrayContaining(['fd_write', 'proc_exit', 'args_get']));
    expect(WebAssembly.validate(capMemory(hello, 256))).toBe(true);
  });

  it('summarizes the 73 MB clang from @yowasp/clang quickly', (context) => {
    const path = 'node_modules/@yowasp/clang/gen/llvm.core.wasm';
    if (!existsSync(path)) context.skip('@yowasp/clang is not installed');
    const bytes = new Uint8Array(readFileSync(path));
    const started = performance.now();
    const summary = summarizeModule(bytes);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000); // about 1 ms in practice: the code section is skipped, not read
    expect(summary.memory).toMatchObject({ imported: false, memory64: false, shared: false });
    expect(summary.memory!.min).toBeGreaterThan(0);
    expect(summary.exports).toEqual(expect.arrayContaining([{ name: 'memory', kind: 'memory' }, { name: '_start', kind: 'func' }]));
    expect(summary.imports.length).toBeGreaterThan(0);
    expect(summary.imports.every((i) => i.module === 'wasi_snapshot_preview1')).toBe(true);

    const cap = summary.memory!.min + 16;
    const capped = capMemory(bytes, cap);
    expect(summarizeModule(capped).memory?.max).toBe(cap);
    const code = readSections(bytes).find((s) => s.id === 10)!;
    const shift = capped.length - bytes.length;
    expect(firstDifference(capped.subarray(code.start + shift), bytes.subarray(code.start))).toBe(-1); // code, data
  });
});
