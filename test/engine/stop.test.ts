/**
 * Stopping a container without killing its worker (docker stop, Ctrl+C): the guest's next syscall exits with the
 * given code, a sleeping guest or one blocked on stdin ends at once, and one that makes no
 * syscalls is killed after the grace period. Guests: test/programs (sleep, cat_stdin, spin, write_lines).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';
import { readText } from '../helpers/streams.ts';

const engine = createEngine({ warmWorkers: 1 });
afterAll(() => engine.close());

describe('stop', () => {
  it('wakes a sleeping guest and ends it with the code asked for, as an exit', async () => {
    const proc = await engine.run({ wasm: fixtureBytes('sleep'), args: ['20000'] });
    const output = readText(proc.stdout);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    proc.stop({ code: 130 });
    expect(await proc.exited).toEqual({ code: 130, reason: 'exit', message: 'stopped (exit code 130)' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await output).toBe(''); // it never got to print
  });

  it('ends a guest blocked reading its input at once; what it wrote before is kept', async () => {
    const proc = await engine.run({ wasm: fixtureBytes('cat_stdin'), stdin: 'pipe' });
    const writer = proc.stdin!.getWriter();
    await writer.write(new TextEncoder().encode('before\n'));
    const output = readText(proc.stdout);
    await new Promise((r) => setTimeout(r, 100));
    proc.stop();
    expect(await proc.exited).toEqual({ code: 143, reason: 'exit', message: 'stopped (exit code 143)' });
    expect(await output).toBe('before\n');
  });

  it('kills a guest that makes no syscalls once the grace period is over', async () => {
    const proc = await engine.run({ wasm: fixtureBytes('spin') });
    await new Promise((r) => setTimeout(r, 100)); // past libc's start-up syscalls, into the loop
    proc.stop({ graceMs: 200 });
    expect(await proc.exited).toEqual({ code: 137, reason: 'killed', message: 'did not stop within 200 ms: killed' });
  });

  it('stops a named container, which keeps its final filesystem', async () => {
    const c = await engine.containers.run({ wasm: fixtureBytes('sleep'), args: ['20000'] });
    await new Promise((r) => setTimeout(r, 100));
    c.stop({ code: 143 });
    expect(await c.done).toMatchObject({ code: 143, reason: 'exit' });
    expect(c.files()).not.toBeNull();
  });
});
