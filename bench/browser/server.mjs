// bench browser server: a tiny static HTTP server for the browser rows, on 127.0.0.1 and a free port.
// Every response is cross-origin isolated (COOP same-origin + COEP require-corp, and CORP same-origin on each file):
// wasmbox needs SharedArrayBuffer for its stdio rings, Wasmer's SDK for its worker-backed runtime.
// Only a few roots are served (the bench pages, the SDK bundle, the fixtures, the peers' npm packages, and one
// scratch directory for generated files such as the image archive); anything else is 404.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.tar': 'application/x-tar',
};

/** Starts the server. `scratch`: a directory served under /scratch/. Resolves { url, close }. */
export function startServer({ scratch } = {}) {
  const mounts = [
    ['/bench/browser/', join(root, 'bench/browser/')],
    ['/dist/browser/', join(root, 'dist/browser/')],
    ['/fixtures/', join(root, '.cache/fixtures/')],
    ['/node_modules/@wasmer/sdk/', join(root, 'node_modules/@wasmer/sdk/')],
    ['/node_modules/@bjorn3/browser_wasi_shim/', join(root, 'node_modules/@bjorn3/browser_wasi_shim/')],
    ...(scratch ? [['/scratch/', scratch]] : []),
  ];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    const file = mount && normalize(join(mount[1], path.slice(mount[0].length)));
    let size = -1;
    try {
      if (file?.startsWith(mount[1])) {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      }
    } catch {
      // 404 below
    }
    if (size < 0) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
