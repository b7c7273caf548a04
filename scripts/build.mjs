// Bundles the entry points into dist/: for Node the CLI, the library and the container worker; for browsers the SDK
// (dist/browser/wasmbox.js, the package's `browser` export) and its container worker (dist/browser/worker.js).
// One bundle per entry so a worker starts by loading one file (no TypeScript loader at run time).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildAll({ quiet = false } = {}) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    // commander is CommonJS; a require shim lets the ESM bundle load it.
    banner: { js: "import { createRequire as __wasmboxCreateRequire } from 'node:module'; const require = __wasmboxCreateRequire(import.meta.url);" },
  };
  await Promise.all([
    build({ ...common, entryPoints: { cli: 'runtime/cli/main.node.ts' }, outdir: 'dist',
      banner: { js: '#!/usr/bin/env node\n' + common.banner.js } }),
    build({ ...common, entryPoints: { index: 'runtime/platform/entry.node.ts' }, outdir: 'dist' }),
    build({ ...common, entryPoints: { worker: 'runtime/process/worker.node.ts' }, outdir: 'dist' }),
    build({
      absWorkingDir: root,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: ['chrome110', 'firefox115', 'safari16.4'], // module workers everywhere cross-origin isolation exists
      sourcemap: 'linked',
      logLevel: quiet ? 'error' : 'warning',
      define: { __WASMBOX_BUNDLE__: 'true' },
      minifySyntax: true, // drops the from-source worker URL, which an app's bundler would otherwise try to resolve
      entryPoints: { wasmbox: 'runtime/platform/entry.browser.ts', worker: 'runtime/process/worker.browser.ts' },
      outdir: 'dist/browser',
    }),
  ]);
  chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll();
}
