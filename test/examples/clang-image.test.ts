/**
 * The example image wasmbox/clang (images/examples/clang): Clang/LLD from `@yowasp/clang` compiling C inside a
 * container, built and run through the real CLI (dist/cli.js) in a temporary WASMBOX_HOME. The program it makes runs
 * as a bare module (`wasmbox run hello.wasm`), as a user would run it.
 *
 * WASI cannot spawn processes, so the image compiles with `clang -c` and links with `wasm-ld` and the response file
 * /usr/lib/wasm32-wasip1/command.rsp; these tests hold that file to the link plan of the driver itself (`clang -###`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareContext } from '../../scripts/build-images.mjs';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { parseDriverCommands } from '../helpers/clang-driver.ts';

// The image holds a 75 MB LLVM: building it, and each container's first start, take seconds on this machine.
const TIMEOUT = 120_000;
const RSP = '/usr/lib/wasm32-wasip1/command.rsp';

const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-clang-image-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const HOME = join(scratch, 'home');
const src = join(scratch, 'src');

const wasmbox = (args: string[]): Promise<CliResult> => runCli(args, { home: HOME });
/** `wasmbox run` in the clang image with the scratch source dir mounted at /src. */
const inImage = (...args: string[]): Promise<CliResult> => wasmbox(['run', '-v', `${src}:/src`, 'wasmbox/clang', ...args]);

// A program whose output depends on its arguments and on libc (printf of a double, qsort): a wrong link shows.
const SORT_C = `#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  long v[16];
  int n = 0;
  for (int i = 1; i < argc && n < 16; i++) v[n++] = strtol(argv[i], NULL, 10);
  qsort(v, n, sizeof v[0], cmp);
  double sum = 0;
  for (int i = 0; i < n; i++) {
    printf("%ld%c", v[i], i + 1 < n ? ' ' : '\\n');
    sum += v[i];
  }
  printf("mean %.2f\\n", n ? sum / n : 0.0);
  return n == 0 ? 3 : 0;
}
`;

const BAD_C = `int main(void) {
  return missing;
}
`;

let skipReason: string | null = null;

beforeAll(async () => {
  const { context, reason } = await prepareContext('clang');
  if (!context) {
    skipReason = reason;
    return;
  }
  const built = await wasmbox(['build', '-t', 'wasmbox/clang:latest', context]);
  expect(built.stderr).toContain('Successfully tagged wasmbox/clang:latest');
  expect(built.code).toBe(0);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'sort.c'), SORT_C);
  writeFileSync(join(src, 'bad.c'), BAD_C);
}, TIMEOUT);

describe('example image clang', () => {
  it('has PATH=/usr/bin and runs clang --version by default', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const [image] = JSON.parse((await wasmbox(['inspect', 'wasmbox/clang'])).stdout) as Array<{
      Config: { Entrypoint?: string[] | null; Cmd: string[]; Env: string[] };
    }>;
    expect(image.Config.Cmd).toEqual(['clang', '--version']);
    expect(image.Config.Env).toContain('PATH=/usr/bin');
    const result = await wasmbox(['run', 'wasmbox/clang']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^clang version \d+\.\d+\.\d+ /);
    expect(result.stdout).toContain('Target: wasm32-unknown-wasip1\n');
    expect(result.stdout).toContain('InstalledDir: /usr/bin\n');
  }, TIMEOUT);

  it('compiles C with clang -c, links it with wasm-ld and command.rsp, and the program runs as a bare module', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const compiled = await inImage('clang', '-O2', '-c', '/src/sort.c', '-o', '/src/sort.o');
    expect(compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    const linked = await inImage('wasm-ld', `@${RSP}`, '/src/sort.o', '-o', '/src/sort.wasm');
    expect(linked.stderr).toBe('');
    expect(linked.code).toBe(0);

    const program = join(src, 'sort.wasm');
    expect(WebAssembly.validate(readFileSync(program))).toBe(true);
    const run = await wasmbox(['run', program, '42', '-7', '19', '0']);
    expect(run).toEqual({ code: 0, stdout: '-7 0 19 42\nmean 13.50\n', stderr: '' });
    // Its own exit code comes through too.
    expect((await wasmbox(['run', program])).code).toBe(3);
  }, TIMEOUT);

  it('command.rsp is the link line the driver plans (clang -###), less the objects and output', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const plan = await inImage('clang', '-###', '/src/sort.o', '-o', '/src/sort.wasm');
    expect(plan.code).toBe(0);
    const commands = parseDriverCommands(plan.stdout + plan.stderr);
    expect(commands).toHaveLength(1);
    const [tool, ...args] = commands[0];
    expect(tool).toBe('/usr/bin/wasm-ld'); // the image's symlink, found beside clang
    const rsp = readFileSync(new URL('../../images/examples/clang/command.rsp', import.meta.url), 'utf8').trim().split(/\s+/);
    // The driver also names its library dirs relative to itself (-L/usr/bin/../lib/...): the same dirs again.
    const planned = args
      .filter((a) => !['/src/sort.o', '-o', '/src/sort.wasm'].includes(a))
      .map((a) => (a.startsWith('-L') ? `-L${posix.normalize(a.slice(2))}` : a));
    expect([...new Set(planned)]).toEqual(rsp);
  }, TIMEOUT);

  it('compiling and linking in one step fails: the driver cannot spawn wasm-ld under WASI', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const result = await inImage('clang', '/src/sort.c', '-o', '/src/one-step.wasm');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unable to execute command: WASI does not support spawning subprocesses');
  }, TIMEOUT);

  it('reports a compile error with file, line and column, and exits 1', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const result = await inImage('clang', '-c', '/src/bad.c', '-o', '/src/bad.o');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("/src/bad.c:2:10: error: use of undeclared identifier 'missing'");
    expect(result.stderr).toContain('1 error generated.');
  }, TIMEOUT);
});
