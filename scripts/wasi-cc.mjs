// Compiles C to a wasm32-wasi command with Debian's clang and wasi-libc: the one toolchain call shared by the test
// fixtures (build-fixtures.mjs) and the example images (build-images.mjs).
// Must not download anything: the toolchain comes from apt (MISSING_TOOLCHAIN says which packages).
import { spawn } from 'node:child_process';
import { rename, rm, stat } from 'node:fs/promises';

export const CLANG = process.env.WASMBOX_CLANG || 'clang';
const CFLAGS = ['--target=wasm32-wasi', '-O2', '-Wall', '-Wextra', '-Werror=implicit-function-declaration',
  '-Wl,--strip-all'];
export const MISSING_TOOLCHAIN =
  'install the WASI C toolchain: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32';

/**
 * Compiles `src` (relative to `cwd`, so `__FILE__` is short; or several sources linked into one program) to `out`.
 * `args` are extra compiler and linker flags after the common ones (defines, emulation libraries). Writes a temporary
 * file and renames it, so an interrupted build never leaves a fresh-looking broken output. Rejects with the
 * compiler's output, plus a toolchain hint when the failure looks like a missing package.
 */
export async function compileWasi(src, out, { cwd, args = [] }) {
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await run(CLANG, [...CFLAGS, ...args, '-o', tmp, ...[src].flat()], cwd);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Rejects with a message naming the apt packages if clang cannot run at all. */
export async function checkClang(who) {
  try {
    await run(CLANG, ['--version'], process.cwd());
  } catch (err) {
    throw new Error(`${who}: cannot run ${CLANG} (${err instanceof Error ? err.message : err}); ${MISSING_TOOLCHAIN}`);
  }
}

/** The file's mtime in ms, or 0 when it does not exist. */
export async function mtime(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch (err) {
    if (err && err.code === 'ENOENT') return 0;
    throw err;
  }
}

function run(cmd, args, cwd) {
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
