/**
 * The house rules that keep the code portable and layered, checked on every import:
 * - dependencies point down: vfs <- wasi <- process <- engine <- cli/web (platform composes them all);
 * - only *.node.ts files (and the Node-only cli/daemon folders) may import node:* modules;
 *   only *.browser.ts files may use browser-only globals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

// For each layer, the runtime folders it may import from (besides itself and `shared`).
const ALLOWED: Record<string, string[]> = {
  shared: [],
  vfs: [],
  wasi: ['vfs'],
  process: ['wasi', 'vfs', 'platform'],
  engine: ['process', 'vfs', 'platform'],
  cli: ['engine', 'process', 'vfs', 'platform'],
  platform: ['engine', 'process', 'vfs', 'wasi'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const files = sourceFiles(join(ROOT, 'runtime'));
const NODE_ONLY_FOLDERS = ['cli', 'daemon'];
const isNodeOnly = (file: string) =>
  file.endsWith('.node.ts') || NODE_ONLY_FOLDERS.includes(relative(join(ROOT, 'runtime'), file).split('/')[0]);

describe('architecture', () => {
  it('finds the runtime sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('keeps layer imports pointing down', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = relative(join(ROOT, 'runtime'), file).split('/')[0];
      const allowed = new Set([layer, 'shared', ...(ALLOWED[layer] ?? [])]);
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(join(ROOT, 'runtime'), join(file, '..', spec)).split('/')[0];
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
