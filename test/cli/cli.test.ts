/**
 * `wasmbox run` as a user runs it: the built CLI (dist/cli.js) in a child process, checked by exit code and output.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixtures.ts';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  peakRssKb: number;
}

/**
 * `interactive`: keep stdin open, write `line` to it, and send SIGINT (a terminal's Ctrl-C) once `line` came back on
 * stdout: the container is running then, whatever the machine's load.
 */
function wasmbox(args: string[], options: { input?: string; env?: Record<string, string>; interruptAfterEcho?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, WASMBOX_HOME: join(scratch, 'home'), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakRssKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakRssKb = Math.max(peakRssKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // the process already ended
      }
    }, 20);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
      if (options.interruptAfterEcho !== undefined && stdout.includes(options.interruptAfterEcho)) child.kill('SIGINT');
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    if (options.interruptAfterEcho !== undefined) child.stdin.write(options.interruptAfterEcho);
    else if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started, peakRssKb });
    });
  });
}

describe('wasmbox run', () => {
  it('runs a module and exits with its code', async () => {
    const result = await wasmbox(['run', fixturePath('hello')]);
    expect(result).toMatchObject({ code: 0, stdout: 'hello from wasm\n', stderr: '' });
  });

  it('passes -e variables and program arguments after the file, including ones that look like flags', async () => {
    const result = await wasmbox(['run', '-e', 'COLOR=blue', fixturePath('args_env'), '--not-ours', '-v']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('COLOR=blue');
    expect(result.stdout).toContain('--not-ours');
  });

  it('streams stdin with -i', async () => {
    const result = await wasmbox(['run', '-i', fixturePath('cat_stdin')], { input: 'from the terminal\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('from the terminal');
  });

  it('closes stdin without -i', async () => {
    const result = await wasmbox(['run', fixturePath('cat_stdin')], { input: 'ignored\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('ignored');
  });

  it("exits with the program's own code", async () => {
    expect((await wasmbox(['run', fixturePath('exit_codes'), 'exit3'])).code).toBe(3);
    expect((await wasmbox(['run', fixturePath('exit_codes'), 'return42'])).code).toBe(42);
  });

  it('exits 134 on a trap, naming the trap and the wasm function on stderr', async () => {
    const result = await wasmbox(['run', fixturePath('exit_codes'), 'trap']);
    expect(result.code).toBe(134);
    expect(result.stderr).toMatch(/wasmbox: trap: unreachable.*\(in wasm function .+\)/);
  });

  it('exits 134 on unbounded recursion without crashing the host', async () => {
    const result = await wasmbox(['run', fixturePath('exit_codes'), 'stack']);
    expect(result.code).toBe(134);
    expect(result.stderr).toMatch(/wasmbox: trap: /); // the C stack lives in linear memory: it overruns it
  });

  it('survives its output being closed early (like `| head -1`) and runs the program to its end', async () => {
    const child = spawn(process.execPath, [CLI, 'run', fixturePath('write_lines'), '200000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('exits 127 for a missing file', async () => {
    const result = await wasmbox(['run', join(scratch, 'nope.wasm')]);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/nope\.wasm: no such file/);
  });

  it('exits 126 for a file that is not wasm, saying so', async () => {
    const path = join(scratch, 'script.wasm');
    writeFileSync(path, '#!/bin/sh\n');
    const result = await wasmbox(['run', path]);
    expect(result.code).toBe(126);
    expect(result.stderr).toMatch(/not a WebAssembly module/);
  });

  it('exits 126 for a WASI preview2 component, saying so', async () => {
    const path = join(scratch, 'component.wasm');
    writeFileSync(path, new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]));
    const result = await wasmbox(['run', path]);
    expect(result.code).toBe(126);
    expect(result.stderr).toMatch(/component \(WASI preview2\)/);
  });

  it('exits 125 for a bad flag or a bad value', async () => {
    expect((await wasmbox(['run', '--bogus', fixturePath('hello')])).code).toBe(125);
    const badMemory = await wasmbox(['run', '--memory', 'lots', fixturePath('hello')]);
    expect(badMemory.code).toBe(125);
    expect(badMemory.stderr).toMatch(/invalid size "lots"/);
    const badVolume = await wasmbox(['run', '-v', join(scratch, 'missing') + ':/data', fixturePath('hello')]);
    expect(badVolume.code).toBe(125);
    expect(badVolume.stderr).toMatch(/does not exist/);
  });

  it('stops a program that spins forever at --timeout 1s with 137 within 1.5 s', async () => {
    const result = await wasmbox(['run', '--timeout', '1s', fixturePath('spin')]);
    expect(result.code).toBe(137);
    expect(result.stderr).toMatch(/timeout/);
    expect(result.ms).toBeLessThan(1500 + 500); // acceptance is 1.5 s; slack for a loaded CI machine
  });

  it('Ctrl-C stops the container and exits 130 (the engine tests cover waking, grace and the second Ctrl-C)', async () => {
    const result = await wasmbox(['run', '-i', fixturePath('cat_stdin')], { interruptAfterEcho: 'ping\n' });
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('ping\n');
  });

  it('caps memory: the program sees allocation failure and the host stays bounded', async () => {
    const result = await wasmbox(['run', '--memory', '32m', fixturePath('alloc'), '1024']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/allocation failed after \d+ MiB/);
    expect(result.peakRssKb).toBeLessThan(300 * 1024); // a 1 GiB request never reaches the host
  });

  it('mounts a host directory at / with -v DIR:/', async () => {
    const root = join(scratch, 'rootfs');
    mkdirSync(root, { recursive: true });
    const result = await wasmbox(['run', '-v', `${root}:/`, fixturePath('file_rw'), '/written-by-guest.bin', '1']);
    expect(result.code).toBe(0);
    expect(readFileSync(join(root, 'written-by-guest.bin')).length).toBe(1024 * 1024);
  });

  it('keeps a named volume between containers', async () => {
    const first = await wasmbox(['run', '-v', 'keep:/data', fixturePath('file_rw'), '/data/kept.bin', '1']);
    expect(first.code).toBe(0);
    const kept = join(scratch, 'home', 'volumes', 'keep', '_data', 'kept.bin');
    expect(readFileSync(kept).length).toBe(1024 * 1024);
  });

  it('manages volumes as docker volume does: create, ls, inspect, rm', async () => {
    expect(await wasmbox(['volume', 'create', 'made'])).toMatchObject({ code: 0, stdout: 'made\n' });
    const listed = await wasmbox(['volume', 'ls']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^DRIVER\s+VOLUME NAME$/);
    expect(listed.stdout).toMatch(/\nlocal\s+made\n/);
    const inspected = JSON.parse((await wasmbox(['volume', 'inspect', 'made'])).stdout);
    expect(inspected).toEqual([expect.objectContaining({ Name: 'made', Driver: 'local', Scope: 'local' })]);
    expect(await wasmbox(['volume', 'rm', 'made'])).toMatchObject({ code: 0, stdout: 'made\n' });
    expect((await wasmbox(['volume', 'ls', '-q'])).stdout).not.toContain('made');
    expect(await wasmbox(['volume', 'rm', 'made'])).toMatchObject({ code: 1, stderr: 'Error: no such volume: made\n' });
    expect(await wasmbox(['volume', 'create', '../x'])).toMatchObject({ code: 1 });
  });

  it('never lets a guest reach outside a bind mount', async () => {
    const mount = join(scratch, 'mount');
    mkdirSync(join(mount, 'inner'), { recursive: true });
    writeFileSync(join(scratch, 'host-secret.txt'), 'HOST-SECRET');
    writeFileSync(join(mount, 'inner', 'ok.txt'), 'inside');
    symlinkSync('../host-secret.txt', join(mount, 'up-link'));
    symlinkSync(join(scratch, 'host-secret.txt'), join(mount, 'abs-link'));
    symlinkSync('/', join(mount, 'root-link'));
    const result = await wasmbox([
      'run', '-v', `${mount}:/data`, fixturePath('escape'), '/data', '/data/inner/ok.txt',
      '/data/up-link', '/data/abs-link', '/data/root-link', '/data/../host-secret.txt', '/data/inner/../../host-secret.txt',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('inside'); // the probe really reads files
    expect(result.stdout).not.toContain('HOST-SECRET');
    expect(result.stdout).not.toContain('host-secret.txt\tOK');
    expect(result.stdout).not.toMatch(/wasmbox-cli-/); // no host directory names
  });
});
