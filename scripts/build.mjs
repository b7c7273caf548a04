// Bundles the Node entry points into dist/: the CLI, the library, and the container worker.
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
  ]);
  chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll();
}
