// Compiles the guest programs test/programs/*.c into .cache/fixtures/NAME.wasm with Debian's clang and wasi-libc.
// A program is rebuilt only when its output is older than its source or any shared header (test/programs/*.h).
// Must not download anything: the toolchain comes from apt (see MISSING_TOOLCHAIN below).
import { spawn } from 'node:child_process';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const PROGRAMS_DIR = join(root, 'test', 'programs');
export const FIXTURES_DIR = join(root, '.cache', 'fixtures');

const CLANG = process.env.WASMBOX_CLANG || 'clang';
const CFLAGS = ['--target=wasm32-wasi', '-O2', '-Wall', '-Wextra', '-Werror=implicit-function-declaration',
  '-Wl,--strip-all'];
const MISSING_TOOLCHAIN =
  'install the WASI C toolchain: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32';

/**
 * Builds every stale fixture. Resolves to the names it compiled; rejects with every compiler message if any
 * program fails to build (the others are still built).
 */
export async function buildFixtures({ quiet = false } = {}) {
  const log = quiet ? () => {} : (msg) => console.log(msg);
  const files = (await readdir(PROGRAMS_DIR)).sort();
  const sources = files.filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
  const headers = files.filter((f) => f.endsWith('.h'));
  const headerTime = Math.max(0, ...(await Promise.all(headers.map((h) => mtime(join(PROGRAMS_DIR, h))))));

  const stale = [];
  for (const name of sources) {
    const src = Math.max(headerTime, await mtime(join(PROGRAMS_DIR, `${name}.c`)));
    const out = await mtime(join(FIXTURES_DIR, `${name}.wasm`));
    if (out === 0 || out < src) stale.push(name);
  }
  if (stale.length === 0) {
    log(`fixtures: ${sources.length} up to date`);
    return [];
  }

  await checkClang();
  await mkdir(FIXTURES_DIR, { recursive: true });
  const failures = [];
  const queue = [...stale];
  const workers = Array.from({ length: Math.min(2, availableParallelism(), queue.length) }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        await compile(name);
        log(`fixtures: built ${name}.wasm`);
      } catch (err) {
        failures.push(`${name}.c:\n${err instanceof Error ? err.message : String(err)}`);
      }
    }
  });
  await Promise.all(workers);
  if (failures.length > 0) {
    const summary = `fixtures: ${failures.length} of ${stale.length} programs failed to build`;
    throw new Error(`${summary}\n\n${failures.join('\n\n')}`);
  }
  return stale;
}

async function compile(name) {
  const out = join(FIXTURES_DIR, `${name}.wasm`);
  // Write to a temporary name and rename, so an interrupted build never leaves a fresh-looking broken fixture.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    // Compiled from inside test/programs so __FILE__ (in every failed CHECK) is just the file name.
    await run(CLANG, [...CFLAGS, '-o', tmp, `${name}.c`], PROGRAMS_DIR);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function checkClang() {
  try {
    await run(CLANG, ['--version']);
  } catch (err) {
    throw new Error(`fixtures: cannot run ${CLANG} (${err instanceof Error ? err.message : err}); ${MISSING_TOOLCHAIN}`);
  }
}

/** Runs a command; rejects with its stderr (plus a toolchain hint when the failure looks like a missing package). */
function run(cmd, args, cwd = root) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => reject(new Error(err.code === 'ENOENT' ? `${cmd} not found` : err.message)));
    child.on('close', (code) => {
      if (code === 0) return resolve(output);
      const hint = /wasm-ld|libclang_rt|file not found|unable to execute|no such file or directory/i.test(output)
        ? `\n(${MISSING_TOOLCHAIN})` : '';
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${output.trimEnd()}${hint}`));
    });
  });
}

async function mtime(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch (err) {
    if (err && err.code === 'ENOENT') return 0;
    throw err;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildFixtures();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
