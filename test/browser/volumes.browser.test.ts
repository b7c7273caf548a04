/**
 * Named volumes in Chromium: kept in IndexedDB, so what a container wrote is there for a new engine (a reload);
 * one container at a time; uploads through `files({ write: true })`. Guests: file_rw, image_file (test/programs).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../helpers/streams.ts';
import { createEngine, createMemoryStore } from '../../runtime/platform/entry.browser.ts';
import fileRwUrl from '../../.cache/fixtures/file_rw.wasm?url';
import imageFileUrl from '../../.cache/fixtures/image_file.wasm?url';
import spinUrl from '../../.cache/fixtures/spin.wasm?url';

const DB = `wasmbox-test-volumes-${Date.now()}`;
afterAll(() => new Promise((resolve) => (indexedDB.deleteDatabase(DB).onsuccess = resolve)));

const bytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
const volume = (name: string) => [{ target: '/data', source: { kind: 'volume' as const, name } }];

async function run(engine: ReturnType<typeof createEngine>, url: string, args: string[]) {
  const proc = await engine.run({ wasm: await bytes(url), args, mounts: volume('notes') });
  const [status, stdout] = await Promise.all([proc.exited, readText(proc.stdout)]);
  return { ...status, stdout: stdout.trim() };
}

describe('volumes in Chromium (IndexedDB)', () => {
  it('keeps what a container wrote for the next engine (a reload), one container at a time', async () => {
    const first = createEngine({ warmWorkers: 1, store: createMemoryStore(), volumesDb: DB });
    try {
      expect((await run(first, fileRwUrl, ['/data/big.bin', '2'])).code).toBe(0);
      // one container at a time: a second one is refused while the first runs
      const spinning = await first.run({ wasm: await bytes(spinUrl), mounts: volume('notes') });
      await expect(first.run({ wasm: await bytes(imageFileUrl), args: ['/data/big.bin'], mounts: volume('notes') })).rejects.toMatchObject({ kind: 'Conflict' });
      spinning.kill();
      await spinning.exited;
    } finally {
      await first.close();
    }

    const second = createEngine({ warmWorkers: 1, store: createMemoryStore(), volumesDb: DB });
    try {
      expect((await run(second, imageFileUrl, ['/data/big.bin'])).stdout).toMatch(/^size=2097152 fnv=/);
      expect((await second.volumes.list()).map((v) => v.name)).toEqual(['notes']);
      // an upload into the volume, seen by the next container
      const view = await second.volumes.files('notes', { write: true });
      const handle = view.fs.open(view.fs.root(), '/upload.txt', { follow: true, create: true, exclusive: false, truncate: true, directory: false, write: true });
      if (handle.kind !== 'file') throw new Error('expected a file');
      handle.write(new TextEncoder().encode('uploaded'), 0);
      handle.close();
      await view.save();
      expect((await run(second, imageFileUrl, ['/data/upload.txt'])).stdout).toMatch(/^size=8 /);
      await second.volumes.remove('notes');
      expect(await second.volumes.list()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
