/**
 * The engine end to end: worker, VFS, WASI host, stdio channels, limits. Guests are the C programs in test/programs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isWasmboxError } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';
import { readText, runGuest, testEngine } from '../helpers/run-guest.ts';

afterAll(() => testEngine().close());

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

describe('running a module', () => {
  it('runs hello and reports a typed exit status', async () => {
    const result = await runGuest('hello');
    expect(result).toEqual({ code: 0, reason: 'exit', message: '', stdout: 'hello from wasm\n', stderr: '' });
  });

  it('passes exactly the given args and env, nothing of the host', async () => {
    const result = await runGuest('args_env', { args: ['a b', 'ünï', ''], env: { ONE: '1', EMPTY: '' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('a b');
    expect(result.stdout).toContain('ünï');
    expect(result.stdout).toContain('ONE=1');
    expect(result.stdout).toContain('EMPTY=');
    expect(result.stdout).not.toContain(`HOME=${process.env.HOME}`);
    expect(result.stdout).not.toContain('PATH=');
  });

  it('reuses warm workers across many containers', async () => {
    for (let i = 0; i < 20; i++) {
      const result = await runGuest('hello');
      expect(result.stdout).toBe('hello from wasm\n');
    }
  });

  it('keeps the output of concurrent containers apart (channels are recycled between containers)', async () => {
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => runGuest('args_env', { args: [`container-${round}-${i}`] })),
      );
      results.forEach((result, i) => {
        expect(result.stdout).toContain(`container-${round}-${i}`);
        expect(result.stdout.match(/container-\d+-\d+/g)).toEqual([`container-${round}-${i}`]);
      });
    }
  });

  it('delivers all output of a fast writer in order through the bounded channel', async () => {
    const result = await runGuest('write_lines', { args: ['200000'] });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(200000);
    expect(lines[0]).toBe('line 1');
    expect(lines[199999]).toBe('line 200000');
  });
});

describe('stdin', () => {
  it('reads input given up front, then end of input', async () => {
    const result = await runGuest('cat_stdin', { stdin: 'first\nsecond\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('first');
    expect(result.stdout).toContain('second');
  });

  it('is interactive: a line is echoed before end of input is sent', async () => {
    const proc = await testEngine().run({ wasm: fixtureBytes('cat_stdin'), name: 'cat_stdin', stdin: 'pipe' });
    const writer = proc.stdin!.getWriter();
    const reader = proc.stdout.getReader();
    await writer.write(encoder.encode('ping\n'));
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('ping');
    await writer.write(encoder.encode('pong\n'));
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toContain('pong');
    await writer.close();
    reader.releaseLock();
    await readText(proc.stdout);
    expect((await proc.exited).code).toBe(0);
  });
});

describe('limits', () => {
  it('kills a guest spinning in a tight loop', async () => {
    const proc = await testEngine().run({ wasm: fixtureBytes('spin'), name: 'spin' });
    setTimeout(() => proc.kill(), 100);
    expect(await proc.exited).toEqual({ code: 137, reason: 'killed', message: 'killed' });
  });

  it('streams output of a guest that never blocks while it still runs', async () => {
    const proc = await testEngine().run({ wasm: fixtureBytes('spin'), name: 'spin' });
    const reader = proc.stdout.getReader();
    const { value } = await reader.read(); // spin prints one line, then loops forever without a syscall
    expect(new TextDecoder().decode(value)).toBe('spinning\n');
    proc.kill();
    expect((await proc.exited).reason).toBe('killed');
  });

  it('kills a guest blocked reading stdin', async () => {
    const proc = await testEngine().run({ wasm: fixtureBytes('cat_stdin'), name: 'cat_stdin', stdin: 'pipe' });
    setTimeout(() => proc.kill(), 100);
    const status = await proc.exited;
    expect(status.reason).toBe('killed');
    expect(status.code).toBe(137);
  });

  it('kills a guest sleeping in poll_oneoff without waiting for the sleep', async () => {
    const proc = await testEngine().run({ wasm: fixtureBytes('sleep'), name: 'sleep', args: ['60000'] });
    const started = Date.now();
    setTimeout(() => proc.kill(), 100);
    expect((await proc.exited).reason).toBe('killed');
    expect(Date.now() - started).toBeLessThan(10_000); // the sleep was 60 s
  });

  it('sleeps for at least the requested time', async () => {
    const started = performance.now();
    const result = await runGuest('sleep', { args: ['120'] });
    expect(result.code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('stops a guest at its wall-clock timeout', async () => {
    const result = await runGuest('spin', { limits: { timeoutMs: 300 } });
    expect(result.reason).toBe('timeout');
    expect(result.code).toBe(137);
  });

  it('fails allocations past the memory cap inside the guest', async () => {
    const result = await runGuest('alloc', { args: ['256'], limits: { memoryBytes: 32 * MiB } });
    expect(result.code).toBe(0);
    const failed = /allocation failed after (\d+) MiB/.exec(result.stdout);
    expect(failed).not.toBeNull();
    expect(Number(failed![1])).toBeLessThan(32);
  });

  it('lets the same program allocate freely without a cap', async () => {
    const result = await runGuest('alloc', { args: ['64'] });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('allocation failed');
  });
});

describe('refusing what cannot run', () => {
  const run = (wasm: Uint8Array) => testEngine().run({ wasm, name: 'input.wasm' });

  it('names a file that is not wasm', async () => {
    const error = await run(encoder.encode('#!/bin/sh\necho hi\n')).catch((e) => e);
    expect(isWasmboxError(error, 'NotRunnable')).toBe(true);
    expect(error.message).toMatch(/not a WebAssembly module/);
  });

  it('names a WASI preview2 component', async () => {
    const error = await run(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])).catch((e) => e);
    expect(isWasmboxError(error, 'NotRunnable')).toBe(true);
    expect(error.message).toMatch(/component/);
  });

  it('names a module with no _start', async () => {
    const error = await run(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).catch((e) => e);
    expect(isWasmboxError(error, 'NotRunnable')).toBe(true);
    expect(error.message).toMatch(/_start/);
  });

  it('rejects a relative workdir and a relative mount target', async () => {
    const wasm = fixtureBytes('hello');
    await expect(testEngine().run({ wasm, workdir: 'rel' })).rejects.toMatchObject({ kind: 'InvalidArgument' });
    await expect(
      testEngine().run({ wasm, mounts: [{ target: 'data', source: { kind: 'tmpfs' }, readonly: false }] }),
    ).rejects.toMatchObject({ kind: 'InvalidArgument' });
  });
});
