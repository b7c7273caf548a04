/**
 * The example image wasmbox/sqlite (images/examples/sqlite): SQLite's own shell (shell.c + the amalgamation) compiled
 * to wasm32-wasi with Debian's clang, built and run through the real CLI (dist/cli.js) in a temporary WASMBOX_HOME.
 *
 * The C sources are fetched at image-build time (`npm pack sqlite3@...`, integrity pinned; see SQLITE_NPM in
 * scripts/build-images.mjs): without the npm registry, and with no copy in .cache/sqlite yet, these tests skip.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareContext } from '../../scripts/build-images.mjs';
import { runCli, type CliResult } from '../helpers/cli.ts';

// The first build compiles the 9 MB amalgamation: about a minute on this machine (later runs reuse the .wasm).
const BUILD_TIMEOUT = 300_000;

const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-sqlite-image-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const HOME = join(scratch, 'home');
const data = join(scratch, 'data');

const wasmbox = (args: string[], input?: string): Promise<CliResult> =>
  runCli(args, { home: HOME, ...(input === undefined ? {} : { input }) });

/** Runs a command and expects it to succeed; resolves to its stdout. */
async function ok(args: string[], input?: string): Promise<string> {
  const result = await wasmbox(args, input);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

let skipReason: string | null = null;

beforeAll(async () => {
  const { context, reason } = await prepareContext('sqlite');
  if (!context) {
    skipReason = reason;
    return;
  }
  const built = await wasmbox(['build', '-t', 'wasmbox/sqlite:latest', context]);
  expect(built.stderr).toContain('Successfully tagged wasmbox/sqlite:latest');
  expect(built.code).toBe(0);
  mkdirSync(data, { recursive: true });
}, BUILD_TIMEOUT);

describe('example image sqlite', () => {
  it('runs SQL piped to stdin (-i) and prints the results', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    expect(await ok(['run', '-i', 'wasmbox/sqlite'], 'select 1+1;\n.quit\n')).toBe('2\n');

    const rows = [3, 14, 15, 92, 65];
    const sql = [
      'create table t(n integer);',
      `insert into t values ${rows.map((n) => `(${n})`).join(',')};`,
      'select count(*), sum(n), max(n) from t;',
      '.mode csv',
      'select n, n*n from t order by n desc limit 2;',
    ].join('\n');
    const sorted = [...rows].sort((a, b) => b - a);
    expect(await ok(['run', '-i', 'wasmbox/sqlite'], `${sql}\n`)).toBe(
      `${rows.length}|${rows.reduce((a, b) => a + b, 0)}|${sorted[0]}\n` +
        // csv mode ends records with CRLF (RFC 4180), as the shell does everywhere.
        sorted.slice(0, 2).map((n) => `${n},${n * n}\r\n`).join(''),
    );
  });

  it('reports SQL errors on stderr with the line, goes on, and exits 1', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const result = await wasmbox(['run', '-i', 'wasmbox/sqlite'], 'select 1;\nselect * from nope;\nselect 3;\n');
    expect(result.stdout).toBe('1\n3\n');
    expect(result.stderr).toBe('Parse error near line 2: no such table: nope\n');
    expect(result.code).toBe(1);
  });

  it('is interactive on a terminal (-it): banner, prompts and the table mode', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const out = await ok(['run', '-i', '-t', 'wasmbox/sqlite'], "select 6*7 as answer;\n.quit\n");
    expect(out).toMatch(/^SQLite version 3\.\d+\.\d+ /);
    expect(out).toContain('Enter ".help" for usage hints.');
    // One prompt per line read; between them the answer, in the box mode the shell uses on a terminal.
    const parts = out.split('sqlite> ');
    expect(parts).toHaveLength(3);
    const [, answer, last] = parts;
    expect(last).toBe('');
    expect(answer).toContain('│ answer │\n');
    expect(answer).toContain('│     42 │\n');
  });

  it('writes a database file in a bind mount that a second container reads', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const dir = join(data, 'notes'); // its own directory: the test lists it
    mkdirSync(dir);
    const mount = ['-v', `${dir}:/data`];
    // WORKDIR is /data: the relative name is the file in the mount.
    await ok(['run', ...mount, 'wasmbox/sqlite', 'notes.db',
      "create table notes(id integer primary key, body text); insert into notes(body) values ('first'), ('second');"]);
    expect(readFileSync(join(dir, 'notes.db')).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    // The "unix-none" VFS takes no locks: no stale DB.lock directory, no journal left behind.
    expect(readdirSync(dir)).toEqual(['notes.db']);

    await ok(['run', '-i', ...mount, 'wasmbox/sqlite', '/data/notes.db'], "insert into notes(body) values ('third');\n");
    expect(await ok(['run', ...mount, 'wasmbox/sqlite', '/data/notes.db', 'select id, body from notes order by id'])).toBe(
      '1|first\n2|second\n3|third\n',
    );
    expect(readdirSync(dir)).toEqual(['notes.db']);
  });

  it('resolves relative paths from the WORKDIR (-w): realpath() and writefile() (wasi-compat.c)', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    mkdirSync(join(data, 'sub'), { recursive: true });
    const sql = "select realpath('.'), realpath('sub/../sub'), writefile('sub/out.txt', 'from sqlite');";
    expect(await ok(['run', '-v', `${data}:/mnt`, '-w', '/mnt', 'wasmbox/sqlite', ':memory:', sql])).toBe('/mnt|/mnt/sub|11\n');
    expect(readFileSync(join(data, 'sub', 'out.txt'), 'utf8')).toBe('from sqlite');
  });

  it('opens a read-only mount with a clear error on writes', async (ctx) => {
    ctx.skip(skipReason !== null, skipReason ?? '');
    const ro = ['-v', `${data}:/data:ro`];
    await ok(['run', '-v', `${data}:/data`, 'wasmbox/sqlite', 'ro.db', 'create table t(x); insert into t values (7);']);
    expect(await ok(['run', ...ro, 'wasmbox/sqlite', 'ro.db', 'select x from t'])).toBe('7\n');
    const write = await wasmbox(['run', ...ro, 'wasmbox/sqlite', 'ro.db', 'insert into t values (8)']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/attempt to write a readonly database/);
  });
});
