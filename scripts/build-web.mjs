// Bundles the browser playground into dist/web/: the page's script (web/src/main.ts -> app.js), the container
// worker (runtime/process/worker.browser.ts -> worker.js, the URL the page gives createEngine({ workerUrl })), the
// service worker (web/src/sw.ts -> sw.js, at the root so its scope is the whole playground), index.html, the
// stylesheet and xterm.js's stylesheet. Serve it with scripts/serve-web.mjs (COOP/COEP headers, example images).
//
// Usage: node scripts/build-web.mjs        buildWeb({ outDir }) builds elsewhere (tests running side by side).
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = join(root, 'dist', 'web');

export async function buildWeb({ quiet = false, outDir = WEB_DIST } = {}) {
  await mkdir(outDir, { recursive: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // Module workers and top-level await: every browser that has cross-origin isolation has these.
    target: ['chrome110', 'firefox115', 'safari16.4'],
    sourcemap: 'linked',
    minify: false,
    logLevel: quiet ? 'error' : 'warning',
    outdir: outDir,
  };
  const require = createRequire(import.meta.url);
  await Promise.all([
    build({ ...common, entryPoints: { app: 'web/src/main.ts', worker: 'runtime/process/worker.browser.ts' } }),
    // A classic script: service workers registered as modules are not supported everywhere.
    build({ ...common, format: 'iife', entryPoints: { sw: 'web/src/sw.ts' } }),
    copyFile(join(root, 'web', 'index.html'), join(outDir, 'index.html')),
    copyFile(join(root, 'web', 'styles.css'), join(outDir, 'styles.css')),
    copyFile(require.resolve('@xterm/xterm/css/xterm.css'), join(outDir, 'xterm.css')),
  ]);
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await buildWeb();
  console.log(`built ${dir}`);
}
