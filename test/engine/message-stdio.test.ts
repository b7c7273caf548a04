/**
 * Stdio without shared memory (what a page that is not cross-origin isolated gets): output posted as messages,
 * stdin only up front. Run here in Node with the platform told it has no shared memory, so the same worker code
 * paths run as in such a page (the browser suite runs them in Chromium too). Guests: test/programs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.ts';
import { nodePlatform } from '../../runtime/platform/platform.node.ts';
import { isWasmboxError } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';
import { readText } from '../helpers/streams.ts';

const engine = new Engine({ platform: { ...nodePlatform(), sharedMemory: false }, warmWorkers: 1 });
afterAll(() => engine.close());

async function run(program: string, options: Omit<Parameters<Engine['run']>[0], 'wasm'> = {}) {
  const proc = await engine.run({ wasm: fixtureBytes(program), name: program, ...options });
  const [status, stdout, stderr] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout, stderr, stdin: proc.stdin };
}

describe('stdio as messages (no SharedArrayBuffer)', () => {
  it('says it cannot do interactive stdin', () => {
    expect(engine.interactiveStdin).toBe(false);
  });

  it('runs a program and delivers all its output, in order, before the streams end', async () => {
    expect(await run('hello')).toMatchObject({ code: 0, reason: 'exit', stdout: 'hello from wasm\n' });
    const many = await run('write_lines', { args: ['100000'] });
    const lines = many.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(100_000);
    expect(lines[0]).toBe('line 1');
    expect(lines[99_999]).toBe('line 100000');
  });

  it('feeds stdin given up front, then end of input', async () => {
    const result = await run('cat_stdin', { stdin: 'one\ntwo\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'one\ntwo\n', stdin: null });
    expect((await run('cat_stdin')).stdout).toBe(''); // closed stdin: end of input at once
  });

  it('refuses interactive stdin with an error that says why and what to do', async () => {
    let error: unknown;
    try {
      await engine.run({ wasm: fixtureBytes('cat_stdin'), stdin: 'pipe' });
    } catch (caught) {
      error = caught;
    }
    expect(isWasmboxError(error, 'FailedPrecondition')).toBe(true);
    expect((error as Error).message).toMatch(/cross-origin-isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    // and the engine still runs the next container (no worker leaked)
    expect((await run('hello')).code).toBe(0);
  });

  it('sleeps and still kills and times out', async () => {
    const slept = await run('sleep', { args: ['50'] });
    expect(slept).toMatchObject({ code: 0, stdout: 'slept 50 ms\n' });
    const spinning = await engine.run({ wasm: fixtureBytes('spin') });
    setTimeout(() => spinning.kill(), 100);
    expect(await spinning.exited).toMatchObject({ reason: 'killed', code: 137 });
    const timed = await run('spin', { limits: { timeoutMs: 200 } });
    expect(timed).toMatchObject({ reason: 'timeout', code: 137 });
  });
});
