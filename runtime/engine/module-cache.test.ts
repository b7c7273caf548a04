import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWasmboxError } from '../../shared/errors.ts';
import { ModuleCache } from './module-cache.ts';

const hello = () => new Uint8Array(readFileSync(new URL('../../.cache/fixtures/hello.wasm', import.meta.url)));

describe('ModuleCache', () => {
  it('compiles equal content once, whichever array it comes in', async () => {
    const cache = new ModuleCache();
    const first = await cache.prepare(hello(), 'hello', null);
    const second = await cache.prepare(hello(), 'hello', null);
    expect(second.module).toBe(first.module);
    expect(first.memoryLimitBytes).toBeNull();
  });

  it('keeps one module per memory cap, with the cap written into it', async () => {
    const cache = new ModuleCache();
    const bytes = hello();
    const capped = await cache.prepare(bytes, 'hello', 8 * 65536 + 100);
    const uncapped = await cache.prepare(bytes, 'hello', null);
    expect(capped.module).not.toBe(uncapped.module);
    expect(capped.memoryLimitBytes).toBe(8 * 65536);
  });

  it('refuses a cap below the module minimum with ResourceExhausted, and caches no failure', async () => {
    const cache = new ModuleCache();
    const error = await cache.prepare(hello(), 'hello', 65536).catch((e) => e);
    expect(isWasmboxError(error, 'ResourceExhausted')).toBe(true);
    const ok = await cache.prepare(hello(), 'hello', null);
    expect(ok.module).toBeInstanceOf(WebAssembly.Module);
  });
});
