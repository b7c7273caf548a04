/**
 * The house rules that keep the code portable and layered, checked on every import:
 * - dependencies point down: vfs <- wasi <- process <- engine <- cli/web (platform composes them all), and
 *   oci <- store/layer <- build/registry; images/ never imports runtime/; everything may import shared/;
 * - only *.node.ts files (and the Node-only cli/daemon folders) may import node:* modules;
 *   only *.browser.ts files may use browser-only globals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

// For each unit (a folder), the units it may import from besides itself and `shared`.
const ALLOWED: Record<string, string[]> = {
  shared: [],
  'runtime/vfs': [],
  'runtime/wasi': ['runtime/vfs'],
  'runtime/process': ['runtime/wasi', 'runtime/vfs', 'runtime/platform'],
  'runtime/engine': ['runtime/process', 'runtime/vfs', 'runtime/platform', 'images/oci', 'images/store', 'images/layer', 'images/build', 'images/archive'],
  'runtime/cli': ['runtime/engine', 'runtime/process', 'runtime/vfs', 'runtime/platform', 'images/oci', 'images/store', 'images/archive', 'images/build'],
  'runtime/platform': ['runtime/engine', 'runtime/process', 'runtime/vfs', 'runtime/wasi', 'images/store'],
  'images/oci': [],
  'images/store': ['images/oci'],
  'images/layer': ['images/oci'],
  'images/build': ['images/oci', 'images/store', 'images/layer'],
  'images/registry': ['images/oci', 'images/store'],
  'images/archive': ['images/oci', 'images/store', 'images/layer'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(test|suite)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') &&
      !entry.name.startsWith('test-kit') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** `shared`, `runtime/<layer>` or `images/<layer>` for a path inside the repository. */
function unitOf(path: string): string {
  const parts = relative(ROOT, path).split('/');
  return parts[0] === 'shared' ? 'shared' : `${parts[0]}/${parts[1]}`;
}

const files = ['shared', 'runtime', 'images'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
const NODE_ONLY_UNITS = ['runtime/cli', 'runtime/daemon'];
const isNodeOnly = (file: string) => file.endsWith('.node.ts') || NODE_ONLY_UNITS.includes(unitOf(file));

describe('architecture', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('keeps imports pointing down', () => {
    const violations: string[] = [];
    for (const file of files) {
      const unit = unitOf(file);
      const allowed = new Set([unit, 'shared', ...(ALLOWED[unit] ?? [])]);
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = unitOf(join(file, '..', spec));
        if (!allowed.has(target)) violations.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps node:* imports in *.node.ts files', () => {
    const violations = files
      .filter((file) => !isNodeOnly(file))
      .flatMap((file) => imports(file).filter((s) => s.startsWith('node:') || /^(fs|path|os|worker_threads)$/.test(s)).map((s) => `${relative(ROOT, file)} imports ${s}`));
    expect(violations).toEqual([]);
  });

  it('keeps browser-only globals in *.browser.ts files', () => {
    const violations = files
      .filter((file) => !file.endsWith('.browser.ts'))
      .filter((file) => /\b(window|document|indexedDB|navigator)\./.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(violations).toEqual([]);
  });
});
