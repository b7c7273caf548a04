/**
 * Shared setup for the real-world tests: finds a WASI program shipped in an npm package (devDependencies) and makes
 * scratch host directories to mount into its container. A test whose package is not installed skips, naming it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export interface NpmPackage {
  name: string;
  version: string;
  dir: string;
}

/** The installed package, or null when it is missing (the caller skips with `missingReason`). */
export function findPackage(name: string): NpmPackage | null {
  // Not `require.resolve(name)`: some packages' `exports` hide package.json, and a WASI-only package has no JS entry.
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
      return { name, version, dir };
    }
  }
  return null;
}

export function missingReason(name: string): string {
  return `npm package ${name} is not installed (it is a devDependency: run npm ci)`;
}

/** Reads a file of the package as a fresh Uint8Array; keep the one array so the engine compiles it once. */
export function packageBytes(pkg: NpmPackage, file: string): Uint8Array {
  const buffer = readFileSync(join(pkg.dir, file));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Scratch host directories for one test file, all removed by `removeAll` (call it in afterAll). */
export class ScratchDirs {
  private readonly dirs: string[] = [];

  make(label: string): string {
    const dir = mkdtempSync(join(tmpdir(), `wasmbox-real-world-${label}-`));
    this.dirs.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
