// Paths and bytes of guest programs built from test/programs by scripts/build-fixtures.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../.cache/fixtures/', import.meta.url));

export function fixturePath(name: string): string {
  const path = `${DIR}${name}.wasm`;
  if (!existsSync(path)) throw new Error(`fixture ${name} is not built: run npm run fixtures`);
  return path;
}

export function fixtureBytes(name: string): Uint8Array {
  return readFileSync(fixturePath(name));
}
