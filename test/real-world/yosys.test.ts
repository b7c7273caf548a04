/**
 * Real-world program: Yosys (Verilog synthesis) from `@yowasp/yosys`, a 31 MB WASI preview1 command, run as is.
 *
 * yowasp's own runtime gives the program one preopen `/` holding a `share/` tree (its techlibs: `techmap.v`,
 * `simlib.v`, ... — yosys looks for them at `/share/`). That tree ships in two parts: small files inline as strings
 * in `gen/resources-yosys.js`, large ones as files under `gen/share/` referenced by URL. The test writes the whole
 * tree to a host dir once and bind-mounts it read-only at `/share`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MountSpec } from '../../runtime/platform/entry.node.ts';
import { runModule } from '../helpers/run-guest.ts';
import { ScratchDirs, findPackage, missingReason, packageBytes } from './npm-package.ts';

const TIMEOUT = 60_000;
const pkg = findPackage('@yowasp/yosys');
const skipReason = missingReason('@yowasp/yosys');

const COUNTER_V = `module counter(input clk, input rst, output reg [7:0] q);
  always @(posedge clk)
    if (rst) q <= 8'd0;
    else q <= q + 8'd1;
endmodule
`;

type ShareTree = { [name: string]: string | Uint8Array | URL | ShareTree };

function writeTree(tree: ShareTree, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === 'string' || value instanceof Uint8Array) writeFileSync(path, value);
    else if (value instanceof URL) copyFileSync(fileURLToPath(value), path);
    else writeTree(value, path);
  }
}

describe('yosys (@yowasp/yosys)', () => {
  const scratch = new ScratchDirs();
  let wasm: Uint8Array;
  let share: string;
  let src: string;

  beforeAll(async () => {
    if (!pkg) return;
    wasm = packageBytes(pkg, 'gen/yosys.core.wasm');
    const resources = (await import(pathToFileURL(join(pkg.dir, 'gen/resources-yosys.js')).href)) as {
      filesystem: { share: ShareTree };
    };
    share = scratch.make('yosys-share');
    writeTree(resources.filesystem.share, share);
    src = scratch.make('yosys-src');
    writeFileSync(join(src, 'counter.v'), COUNTER_V);
  }, TIMEOUT);

  afterAll(() => scratch.removeAll());

  /** `/share` techlibs and `/work` sources read-only, `/tmp` for ABC's scratch files, `/out` writable on the host. */
  function mounts(out?: string): MountSpec[] {
    const list: MountSpec[] = [
      { target: '/share', source: { kind: 'host', hostPath: share }, readonly: true },
      { target: '/work', source: { kind: 'host', hostPath: src }, readonly: true },
      { target: '/tmp', source: { kind: 'tmpfs' }, readonly: false },
    ];
    if (out) list.push({ target: '/out', source: { kind: 'host', hostPath: out }, readonly: false });
    return list;
  }

  it('prints its version with -V', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const result = await runModule(wasm, 'yosys', { args: ['-V'] });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, reason: 'exit' });
    // Package 0.55.944 is Yosys 0.55.
    const [major, minor] = pkg!.version.split('.');
    expect(result.stdout).toMatch(new RegExp(`^Yosys ${major}\\.${minor}\\b.*\\n$`));
  }, TIMEOUT);

  it('synthesizes a bind-mounted Verilog counter with its /share techlibs and writes the netlist to /out', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const out = scratch.make('yosys-out');
    // -noabc: the generic techmap flow (reads /share/techmap.v and friends) without the in-process ABC step.
    const script = 'read_verilog /work/counter.v; synth -top counter -noabc; stat; write_verilog -noattr /out/netlist.v';
    const result = await runModule(wasm, 'yosys', { args: ['-p', script], mounts: mounts(out) });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, reason: 'exit' });
    expect(result.stdout).toContain('Successfully finished Verilog frontend.');
    expect(result.stdout).toContain('=== counter ===');
    expect(result.stdout).toMatch(/Number of cells:\s+\d+/);
    // 8 bits of state with a synchronous reset: eight $_SDFF_PP0_ flip-flops, whatever the gate-level mapping.
    expect(result.stdout).toMatch(/\$_SDFF_PP0_\s+8\n/);
    expect(result.stdout).toContain('End of script.');
    const netlist = readFileSync(join(out, 'netlist.v'), 'utf8');
    expect(netlist).toMatch(/^module counter\(clk, rst, q\);/m);
    expect(netlist).toContain('endmodule');
  }, TIMEOUT);

  it('runs the full synth flow, ABC technology mapping included, and prints stat after it', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    // yowasp links ABC into yosys and redirects stdout/stderr around it like a dup2: it opens two placeholder fds
    // (N, N+1), parks stdio on them with fd_renumber(1, N) and fd_renumber(2, N+1) — fds 1 and 2 are now closed —,
    // renumbers its log file onto the *closed* fds 1 and 2, and later renumbers N and N+1 back onto 1 and 2. That
    // works where fd_renumber may target a closed fd (the WASI preview1 component adapter that yowasp's own runtime
    // uses, wasmer); where the target must be open (wasmtime's p1, node:wasi) fds 1 and 2 stay closed after ABC and
    // everything yosys prints afterwards is lost (fd_write(1) = EBADF) while it still exits 0.
    const script = 'read_verilog /work/counter.v; synth -top counter; stat';
    const result = await runModule(wasm, 'yosys', { args: ['-p', script], mounts: mounts() });
    expect(result).toMatchObject({ code: 0, reason: 'exit' });
    expect(result.stdout).toContain('Executing ABC pass');
    const lost = 'stdout after ABC (fd_renumber onto a closed fd 1 returned EBADF?)';
    expect(result.stdout, lost).toContain('3. Printing statistics.');
    expect(result.stdout).toMatch(/Number of cells:\s+\d+/);
    expect(result.stdout).toMatch(/\$_SDFF_PP0_\s+8\n/);
    expect(result.stdout).toContain('End of script.');
  }, TIMEOUT);

  it('fails with a message naming a missing input file', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const result = await runModule(wasm, 'yosys', { args: ['-p', 'read_verilog /work/missing.v'], mounts: mounts() });
    expect(result).toMatchObject({ code: 1, reason: 'exit' });
    expect(result.stdout + result.stderr).toContain("ERROR: File `/work/missing.v' not found or is a directory");
  }, TIMEOUT);
});
