/**
 * Real-world program: Clang/LLD from `@yowasp/clang` — `gen/llvm.core.wasm`, a 75 MB multi-call LLVM (WASI preview1
 * command) that picks its tool by argv[0] (`clang`, `wasm-ld`, ...; yowasp's own runtime passes `yowasp-llvm` and the
 * tool as argv[1]). It compiles C to wasm32-wasip1 *inside* the sandbox.
 *
 * Layout, as yowasp's bundle.js sets it up: `gen/llvm-resources.tar` (clang's headers, wasi-libc headers and
 * libraries, crt1) unpacked at `/usr`; the driver's resource dir and sysroot are both `/usr`. The driver runs cc1
 * in-process, but WASI cannot spawn, so linking runs `wasm-ld` as its own process with the command line that
 * `clang -###` prints — the way yowasp's `runClang` does it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MountSpec } from '../../runtime/platform/entry.node.ts';
import { runModule } from '../helpers/run-guest.ts';
import { ScratchDirs, findPackage, missingReason, packageBytes } from './npm-package.ts';
import { parseDriverCommands } from '../helpers/clang-driver.ts';

const TIMEOUT = 60_000;
const pkg = findPackage('@yowasp/clang');
const skipReason = missingReason('@yowasp/clang');

const HELLO_C = `#include <stdio.h>

int main(void) {
  printf("hello from clang in wasmbox\\n");
  return 0;
}
`;

const BAD_C = `int main(void) {
  return missing;
}
`;

function hasCustomSection(bytes: Uint8Array, name: string): boolean {
  return WebAssembly.Module.customSections(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), name).length > 0;
}

describe('clang (@yowasp/clang)', () => {
  const scratch = new ScratchDirs();
  let wasm: Uint8Array;
  let usr: string;
  let src: string;

  beforeAll(() => {
    if (!pkg) return;
    wasm = packageBytes(pkg, 'gen/llvm.core.wasm');
    usr = scratch.make('clang-usr');
    execFileSync('tar', ['-xf', join(pkg.dir, 'gen/llvm-resources.tar'), '-C', usr]);
    src = scratch.make('clang-src');
    writeFileSync(join(src, 'hello.c'), HELLO_C);
    writeFileSync(join(src, 'bad.c'), BAD_C);
  }, TIMEOUT);

  afterAll(() => scratch.removeAll());

  function mounts(out: string): MountSpec[] {
    return [
      { target: '/usr', source: { kind: 'host', hostPath: usr }, readonly: true },
      { target: '/src', source: { kind: 'host', hostPath: src }, readonly: true },
      { target: '/out', source: { kind: 'host', hostPath: out }, readonly: false },
    ];
  }

  function llvm(tool: string, args: string[], out: string) {
    return runModule(wasm, 'llvm.core.wasm', { argv0: tool, args, mounts: mounts(out) });
  }

  it('is clang when argv[0] is clang: --version names the wasm32-wasip1 target', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const result = await llvm('clang', ['--version'], scratch.make('clang-out'));
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, reason: 'exit' });
    const major = pkg!.version.split('.')[0];
    expect(result.stdout).toMatch(new RegExp(`^clang version ${major}\\.`));
    expect(result.stdout).toContain('Target: wasm32-unknown-wasip1');
  }, TIMEOUT);

  it('compiles C to a wasm32-wasip1 object, links it with wasm-ld, and the program runs in wasmbox', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const out = scratch.make('clang-out');

    // 1. Compile (cc1 runs in-process in the driver).
    const compile = await llvm('clang', ['--target=wasm32-wasip1', '-O2', '-c', '/src/hello.c', '-o', '/out/hello.o'], out);
    expect(compile.stderr).toBe('');
    expect(compile).toMatchObject({ code: 0, reason: 'exit' });
    const object = new Uint8Array(readFileSync(join(out, 'hello.o')));
    expect(WebAssembly.validate(object)).toBe(true);
    expect(hasCustomSection(object, 'linking')).toBe(true); // a relocatable object, not yet a program

    // 2. Ask the driver for the link command (it cannot spawn wasm-ld itself), then run it as its own process.
    const plan = await llvm('clang', ['-###', '--target=wasm32-wasip1', '/out/hello.o', '-o', '/out/hello.wasm'], out);
    expect(plan).toMatchObject({ code: 0, reason: 'exit' });
    const commands = parseDriverCommands(plan.stdout + plan.stderr);
    expect(commands).toHaveLength(1);
    const [tool, ...linkArgs] = commands[0];
    expect(tool).toBe('wasm-ld');
    expect(linkArgs).toContain('/usr/lib/wasm32-wasip1/crt1-command.o');
    const link = await llvm(tool, linkArgs, out);
    expect(link.stderr).toBe('');
    expect(link).toMatchObject({ code: 0, reason: 'exit' });

    // 3. The linked program is a valid WASI command, and it runs.
    const program = new Uint8Array(readFileSync(join(out, 'hello.wasm')));
    expect(WebAssembly.validate(program)).toBe(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(program));
    expect(exports.map((e) => e.name)).toContain('_start');
    const run = await runModule(program, 'hello.wasm');
    expect(run).toMatchObject({ code: 0, reason: 'exit', stdout: 'hello from clang in wasmbox\n', stderr: '' });
  }, TIMEOUT);

  it('reports a compile error with file, line and column, and exits 1', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const out = scratch.make('clang-out');
    const result = await llvm('clang', ['--target=wasm32-wasip1', '-c', '/src/bad.c', '-o', '/out/bad.o'], out);
    expect(result).toMatchObject({ code: 1, reason: 'exit' });
    expect(result.stderr).toContain("/src/bad.c:2:10: error: use of undeclared identifier 'missing'");
    expect(result.stderr).toContain('1 error generated.');
  }, TIMEOUT);
});
