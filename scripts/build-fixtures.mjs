// Compiles the guest programs test/programs/*.c into .cache/fixtures/NAME.wasm with Debian's clang and wasi-libc.
// A program is rebuilt only when its output is older than its source or any shared header (test/programs/*.h).
// Must not download anything: the toolchain comes from apt (scripts/wasi-cc.mjs).
import { mkdir, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkClang, compileWasi, mtime } from './wasi-cc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const PROGRAMS_DIR = join(root, 'test', 'programs');
export const FIXTURES_DIR = join(root, '.cache', 'fixtures');

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

  await checkClang('fixtures');
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

function compile(name) {
  // Compiled from inside test/programs so __FILE__ (in every failed CHECK) is just the file name.
  return compileWasi(`${name}.c`, join(FIXTURES_DIR, `${name}.wasm`), { cwd: PROGRAMS_DIR });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildFixtures();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
