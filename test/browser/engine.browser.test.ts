/**
 * The same engine, WASI host, VFS and process code, in real Chromium: containers run in Web Workers.
 * Fixtures are the C programs from test/programs, built by the global setup into .cache/fixtures.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../helpers/streams.ts';
import { createEngine } from '../../runtime/platform/entry.browser.ts';
import helloUrl from '../../.cache/fixtures/hello.wasm?url';
import argsEnvUrl from '../../.cache/fixtures/args_env.wasm?url';
import fileRwUrl from '../../.cache/fixtures/file_rw.wasm?url';
import catStdinUrl from '../../.cache/fixtures/cat_stdin.wasm?url';

const engine = createEngine({ warmWorkers: 1 });
afterAll(() => engine.close());

async function bytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}


describe('engine in Chromium', () => {
  it('runs in a cross-origin-isolated page with SharedArrayBuffer', () => {
    expect(crossOriginIsolated).toBe(true);
  });

  it('runs hello in a Web Worker', async () => {
    const proc = await engine.run({ wasm: await bytes(helloUrl), name: 'hello' });
    const [status, out] = await Promise.all([proc.exited, readText(proc.stdout)]);
    expect(status).toEqual({ code: 0, reason: 'exit', message: '' });
    expect(out).toBe('hello from wasm\n');
  });

  it('passes args and env', async () => {
    const proc = await engine.run({
      wasm: await bytes(argsEnvUrl),
      name: 'args_env',
      args: ['one', 'två', ''],
      env: { GREETING: 'hej' },
    });
    const [status, out] = await Promise.all([proc.exited, readText(proc.stdout)]);
    expect(status.code).toBe(0);
    expect(out).toContain('one');
    expect(out).toContain('två');
    expect(out).toContain('GREETING=hej');
  });

  it('writes and reads back a file in the container filesystem', async () => {
    const proc = await engine.run({ wasm: await bytes(fileRwUrl), name: 'file_rw', args: ['/tmp/data.bin', '2'] });
    const [status, out, err] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
    expect(err).toBe('');
    expect(status).toEqual({ code: 0, reason: 'exit', message: '' });
    expect(out).toBe('wrote 2 MiB, read 2 MiB\n'); // file_rw verifies every byte it reads back
  });

  it('blocks on stdin until the page sends a line, echoes it before end of input', async () => {
    const proc = await engine.run({ wasm: await bytes(catStdinUrl), name: 'cat_stdin', stdin: 'pipe' });
    const writer = proc.stdin!.getWriter();
    const reader = proc.stdout.getReader();
    await writer.write(new TextEncoder().encode('ping\n'));
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('ping');
    await writer.close();
    reader.releaseLock();
    const [status] = await Promise.all([proc.exited, readText(proc.stdout)]);
    expect(status.code).toBe(0);
  });
});

describe('engine in Chromium without shared memory (as in a page that is not cross-origin isolated)', () => {
  const messages = createEngine({ warmWorkers: 1, sharedMemory: false });
  afterAll(() => messages.close());

  it('runs programs with stdio as messages and stdin given up front', async () => {
    expect(messages.interactiveStdin).toBe(false);
    const hello = await messages.run({ wasm: await bytes(helloUrl), name: 'hello' });
    expect(await readText(hello.stdout)).toBe('hello from wasm\n');
    const cat = await messages.run({ wasm: await bytes(catStdinUrl), name: 'cat_stdin', stdin: 'typed ahead\n' });
    const [status, out] = await Promise.all([cat.exited, readText(cat.stdout)]);
    expect(status.code).toBe(0);
    expect(out).toBe('typed ahead\n');
    await expect(messages.run({ wasm: await bytes(catStdinUrl), stdin: 'pipe' })).rejects.toThrow(/cross-origin-isolated/);
  });
});
