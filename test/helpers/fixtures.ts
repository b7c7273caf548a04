/**
 * fixtures: the compiled guest programs. test/programs/NAME.c is built into .cache/fixtures/NAME.wasm by
 * scripts/build-fixtures.mjs (vitest's global setup runs it). Node only (reads files with node:fs); must not build
 * anything itself, so a missing fixture is an error that says how to build it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PROGRAMS_DIR = join(ROOT, 'test', 'programs');
export const FIXTURES_DIR = join(ROOT, '.cache', 'fixtures');

/**
 * Programs that are not self-checking: the runtime tests drive them with their own arguments and expectations
 * (each file's header comment documents its arguments and output). Every other program in test/programs is a
 * conformance program with a case in test/conformance/conformance.test.ts.
 */
export const HELPER_PROGRAMS = [
  'hello', // prints "hello from wasm"
  'spin', // infinite tight loop without syscalls
  'sleep', // sleep MS: nanosleep, then "slept MS ms"
  'cat_stdin', // copies stdin to stdout, flushing every line
  'alloc', // alloc MIB: "allocated N MiB" or "allocation failed after N MiB", exit 0 either way
  'write_lines', // write_lines N: "line 1".."line N"
  'image_file', // image_file PATH [OFFSET TEXT]: "size=N fnv=HEX", optionally after a pwrite
  'file_rw', // file_rw PATH MIB: write then verify a file in 4 KiB chunks
  'many_files', // many_files N [DIR]: create, stat, unlink N files
  'cpu', // cpu MIB: "sha256 <hex>" of generated data, no syscalls in the loop
  'escape', // escape [MOUNT [PATH...]]: reports every attempt to reach outside the container
  'args_env', // prints argc, argv[i], environ[i], one per line
] as const;
export type HelperProgram = (typeof HELPER_PROGRAMS)[number];

/** Names of all programs in test/programs (NAME for NAME.c), sorted. */
export function programNames(): string[] {
  return readdirSync(PROGRAMS_DIR)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

/** Absolute path of a built fixture; throws if the name is malformed or the fixture has not been built. */
export function fixturePath(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`invalid fixture name ${JSON.stringify(name)}`);
  const path = join(FIXTURES_DIR, `${name}.wasm`);
  if (!existsSync(path)) {
    throw new Error(
      `fixture ${name} is not built (${path} is missing; source test/programs/${name}.c): run npm run fixtures`);
  }
  return path;
}

/** The fixture's bytes, in a fresh ArrayBuffer of their own (safe to transfer to a worker). */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}
