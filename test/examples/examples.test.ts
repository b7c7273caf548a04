/**
 * The example images (images/examples/): hello and coreutils, their contexts made by scripts/build-images.mjs
 * (C compiled to wasm32-wasi under .cache/examples/), built and run through the real CLI (dist/cli.js) in a
 * temporary WASMBOX_HOME, as a user runs them after `npm run images`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareContext } from '../../scripts/build-images.mjs';
import { runCli, type CliResult } from '../helpers/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const HOME = join(scratch, 'home');

const wasmbox = (args: string[], input?: string): Promise<CliResult> => runCli(args, { home: HOME, ...(input === undefined ? {} : { input }) });

const contexts: Record<string, string> = {};

async function build(name: string): Promise<string> {
  const result = await wasmbox(['build', '-t', `wasmbox/${name}:latest`, contexts[name]]);
  expect(result.stderr).toContain(`Successfully tagged wasmbox/${name}:latest`);
  expect(result.code).toBe(0);
  const id = result.stdout.trim();
  expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
  return id;
}

/** Runs a command and expects it to succeed; resolves to its stdout. */
async function ok(args: string[], input?: string): Promise<string> {
  const result = await wasmbox(args, input);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  for (const name of ['hello', 'coreutils']) {
    const { context, reason } = await prepareContext(name);
    if (!context) throw new Error(reason ?? `no context for ${name}`);
    contexts[name] = context;
  }
}, 60_000);

describe('example image hello', () => {
  it('builds to the same digest twice, and runs', async () => {
    const first = await build('hello');
    const second = await build('hello');
    expect(second).toBe(first);
    const out = await ok(['run', 'wasmbox/hello', 'one', 'two']);
    expect(out).toMatch(/^Hello from wasmbox!\n/);
    expect(out).toContain('argv[1] = one\nargv[2] = two\n');
  });
});

describe('example image coreutils', () => {
  const data = join(scratch, 'data');

  beforeAll(async () => {
    await build('coreutils');
    mkdirSync(data, { recursive: true });
    const bytes = Buffer.alloc(200_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    writeFileSync(join(data, 'blob.bin'), bytes);
    writeFileSync(join(data, 'words.txt'), 'one two\nthree\n\nfour five six\n');
    writeFileSync(join(data, 'empty'), '');
  });

  it('has the configured Cmd, Env and no Entrypoint', async () => {
    const [config] = JSON.parse(await ok(['inspect', 'wasmbox/coreutils'])) as Array<{
      Config: { Entrypoint?: string[] | null; Cmd: string[]; Env: string[] };
    }>;
    expect(config.Config.Entrypoint ?? null).toBeNull();
    expect(config.Config.Cmd).toEqual(['/bin/ls', '-l', '/']);
    expect(config.Config.Env).toContain('PATH=/bin');
    // The default command lists the root, /bin among it.
    expect(await ok(['run', 'wasmbox/coreutils'])).toMatch(/^total \d+\n(.*\n)*d[rwx-]{9} +\d+ root root +\d+ .* bin\n/);
  });

  it('ls -l and ls -a list /bin', async () => {
    const long = (await ok(['run', 'wasmbox/coreutils', 'ls', '-l', '/bin'])).trimEnd().split('\n');
    expect(long[0]).toMatch(/^total \d+$/);
    const names = long.slice(1).map((line) => line.split(/ +/).pop());
    expect(names).toEqual(['cat', 'echo', 'ls', 'sha256sum', 'wc']);
    for (const line of long.slice(1)) expect(line).toMatch(/^-[rwx-]{9} +1 root root +\d+ [A-Z][a-z]{2} [ \d]\d +(\d{4}|\d\d:\d\d) \w+$/);
    expect(await ok(['run', 'wasmbox/coreutils', 'ls', '-a', '/bin'])).toBe('.\n..\ncat\necho\nls\nsha256sum\nwc\n');
    const missing = await wasmbox(['run', 'wasmbox/coreutils', 'ls', '/nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("ls: cannot access '/nope': No such file or directory\n");
  });

  it('wc counts stdin and files as GNU wc prints them', async () => {
    expect(await ok(['run', '-i', 'wasmbox/coreutils', 'wc', '-l'], 'hi\n')).toBe('1\n');
    expect(await ok(['run', '-i', 'wasmbox/coreutils', 'wc'], 'a b\nc\n')).toBe('      2       3       6\n');
    expect(await ok(['run', '-v', `${data}:/data:ro`, '-w', '/data', 'wasmbox/coreutils', 'wc', '-lw', 'words.txt', 'empty'])).toBe(
      // GNU pads to the digits of the total size (29 bytes): width 2.
      ' 4  6 words.txt\n 0  0 empty\n 4  6 total\n',
    );
  });

  it('cat concatenates files and stdin', async () => {
    expect(await ok(['run', '-i', '-v', `${data}:/data:ro`, 'wasmbox/coreutils', 'cat', '/data/words.txt', '-'], 'tail\n')).toBe(
      'one two\nthree\n\nfour five six\ntail\n',
    );
    expect(await ok(['run', '-i', 'wasmbox/coreutils', 'cat', '-n'], 'a\nb\n')).toBe('     1\ta\n     2\tb\n');
  });

  it('sha256sum of files in a bind mount and of stdin matches node:crypto', async () => {
    const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
    const blob = Buffer.alloc(200_000);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 7919) % 251;
    expect(await ok(['run', '-v', `${data}:/data:ro`, 'wasmbox/coreutils', 'sha256sum', '/data/blob.bin', '/data/empty'])).toBe(
      `${sha(blob)}  /data/blob.bin\n${sha('')}  /data/empty\n`,
    );
    expect(await ok(['run', '-i', 'wasmbox/coreutils', 'sha256sum'], 'abc\n')).toBe(`${sha('abc\n')}  -\n`);
    const list = `${sha(blob)}  /data/blob.bin\n${sha('x')}  /data/empty\n`;
    const check = await wasmbox(['run', '-i', '-v', `${data}:/data:ro`, 'wasmbox/coreutils', 'sha256sum', '-c'], list);
    expect(check.stdout).toBe('/data/blob.bin: OK\n/data/empty: FAILED\n');
    expect(check.stderr).toBe('sha256sum: WARNING: 1 computed checksum did NOT match\n');
    expect(check.code).toBe(1);
  });

  it('echo prints its arguments', async () => {
    expect(await ok(['run', 'wasmbox/coreutils', 'echo', 'hello', 'world'])).toBe('hello world\n');
    expect(await ok(['run', 'wasmbox/coreutils', 'echo', '-n', '-e', 'a\\tb'])).toBe('a\tb');
  });
});
