// Serves the playground (dist/web, built by scripts/build-web.mjs) and the example images over HTTP.
//
// Every response carries COOP/COEP/CORP: the page must be cross-origin isolated to get SharedArrayBuffer, which the
// container stdio channels and blocking stdin need. Before listening, each example image in the local store
// ($WASMBOX_HOME/store, built by `npm run images`) is exported with `wasmbox save` to .cache/web-images/NAME.tar
// (skipped when the tar already holds the store's current image ID) and listed in /images/index.json as
// [{ name, file, bytes }]; the page loads them into its IndexedDB store on the first visit.
//
// Only regular files under the two folders are served: the URL path is decoded, normalized and must stay inside its
// folder after symlinks are resolved, so no request reaches anything else on disk.
//
// Usage: node scripts/serve-web.mjs   env: PORT (default 8080; 0 = any free port), HOST (default 127.0.0.1),
//        WASMBOX_HOME (default ~/.wasmbox), WEB_IMAGES_DIR (default .cache/web-images), WEB_DIR (default dist/web)
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { extname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'cli.js');
const EXAMPLES_DIR = join(root, 'images', 'examples');
export const DEFAULT_WEB_DIR = join(root, 'dist', 'web');
export const DEFAULT_IMAGES_DIR = join(root, '.cache', 'web-images');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.tar': 'application/x-tar',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The example names: folders of images/examples with a Dockerfile (the same list scripts/build-images.mjs builds). */
async function exampleNames() {
  const names = [];
  for (const entry of await readdir(EXAMPLES_DIR, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(EXAMPLES_DIR, entry.name, 'Dockerfile'))) names.push(entry.name);
  }
  return names.sort();
}

/** Ref name -> root digest, read from the store's OCI layout index (the image ID `wasmbox images` shows). */
async function storeRefs(home) {
  const refs = new Map();
  let index;
  try {
    index = JSON.parse(await readFile(join(home, 'store', 'index.json'), 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return refs; // no store yet: no images to export
    throw error;
  }
  for (const m of index.manifests ?? []) {
    const name = m.annotations?.['org.opencontainers.image.ref.name'];
    if (typeof name === 'string') refs.set(name, m.digest);
  }
  return refs;
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.slice(1).join(' ')} failed (${code}): ${stderr.trim()}`))));
  });
}

/**
 * Exports each example image of the store at `home` to `imagesDir`/NAME.tar and writes `imagesDir`/index.json.
 * A tar is re-saved only when the store's image ID differs from the one recorded next to it (NAME.id); tars of
 * images no longer in the store are removed. Resolves to the index entries.
 */
export async function exportExampleImages({ home = defaultHome(), imagesDir = DEFAULT_IMAGES_DIR, log = console.log } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  await mkdir(imagesDir, { recursive: true });
  const refs = await storeRefs(home);
  const env = { ...process.env, WASMBOX_HOME: home };
  const entries = [];
  for (const name of await exampleNames()) {
    const tar = join(imagesDir, `${name}.tar`);
    const idFile = join(imagesDir, `${name}.id`);
    const id = refs.get(`docker.io/wasmbox/${name}:latest`);
    if (!id) {
      await rm(tar, { force: true });
      await rm(idFile, { force: true });
      log(`  ${name}: not in ${join(home, 'store')} (build it with \`npm run images\`), skipped`);
      continue;
    }
    const saved = await readFile(idFile, 'utf8').catch(() => '');
    if (saved.trim() !== id || !existsSync(tar)) {
      const partial = `${tar}.partial`;
      await run([CLI, 'save', '-o', partial, `wasmbox/${name}:latest`], env);
      await rename(partial, tar);
      await writeFile(idFile, `${id}\n`);
      log(`  ${name}: exported`);
    }
    entries.push({ name: `wasmbox/${name}:latest`, file: `${name}.tar`, bytes: (await stat(tar)).size });
  }
  await writeFile(join(imagesDir, 'index.json'), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}

function defaultHome() {
  return process.env.WASMBOX_HOME || join(homedir(), '.wasmbox');
}

/**
 * Maps a URL path to a file under one of the two roots, or null. `/images/...` is the images folder, anything else
 * dist/web (`/` is index.html). Rejects encoded NULs and anything that normalizes or resolves outside its root.
 */
export async function resolveRequestPath(urlPath, { webDir, imagesDir }) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return null;
  path = posix.normalize(path);
  let base = webDir;
  if (path === '/images' || path.startsWith('/images/')) {
    base = imagesDir;
    path = path.slice('/images'.length) || '/';
  }
  if (path.endsWith('/')) path += 'index.html';
  const candidate = join(base, ...path.split('/').filter(Boolean));
  try {
    // realpath: a symlink inside the root must not lead out of it either.
    const [real, realBase] = await Promise.all([realpath(candidate), realpath(base)]);
    if (!real.startsWith(realBase + sep)) return null;
    const info = await stat(real);
    return info.isFile() ? { file: real, info } : null;
  } catch {
    return null;
  }
}

/** Starts the server; resolves once it listens, with its URL. */
export async function startServer({ port = 8080, host = '127.0.0.1', webDir = DEFAULT_WEB_DIR, imagesDir = DEFAULT_IMAGES_DIR } = {}) {
  const server = createServer((req, res) => {
    handle(req, res, { webDir, imagesDir }).catch((error) => {
      if (!res.headersSent) send(res, 500, `internal error: ${error.message}\n`);
      else res.destroy(error);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}/` };
}

function send(res, status, text, headers = {}) {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function handle(req, res, dirs) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  const url = new URL(req.url ?? '/', 'http://localhost');
  const found = await resolveRequestPath(url.pathname, dirs);
  if (!found) return send(res, 404, 'not found\n');
  const { file, info } = found;
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = {
    ...ISOLATION_HEADERS,
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    // Revalidate every time: a rebuilt bundle or re-exported image is picked up on the next reload.
    'Cache-Control': 'no-cache',
    ETag: etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return res.end();
  }
  res.writeHead(200, { ...headers, 'Content-Length': info.size });
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(file);
  stream.on('error', (error) => res.destroy(error));
  stream.pipe(res);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const webDir = process.env.WEB_DIR || DEFAULT_WEB_DIR;
  if (!existsSync(join(webDir, 'index.html'))) {
    console.error(`${webDir} has no index.html: run \`node scripts/build-web.mjs\` first`);
    process.exit(1);
  }
  const imagesDir = process.env.WEB_IMAGES_DIR || DEFAULT_IMAGES_DIR;
  console.log(`exporting example images from ${join(defaultHome(), 'store')} to ${imagesDir}`);
  const images = await exportExampleImages({ imagesDir });
  console.log(`  ${images.length} image(s): ${images.map((i) => i.name).join(', ') || 'none'}`);
  const port = process.env.PORT === undefined || process.env.PORT === '' ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0 for any free port), got "${process.env.PORT}"`);
    process.exit(1);
  }
  const { url } = await startServer({ port, host: process.env.HOST || '127.0.0.1', webDir, imagesDir });
  console.log(`wasmbox playground: ${url}`);
}
