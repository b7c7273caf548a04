/** The build cache persists in an OCI layout store: a new store object on the same directory reuses every layer. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openOciLayoutStore } from '../store/oci-layout-store.node.ts';
import { ImageBuilder, type StepRunner } from './builder.ts';
import { memoryContext } from './context.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('a rebuild through a new store object on the same directory runs no RUN and gives the same image', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmbox-build-cache-'));
  dirs.push(dir);
  let runs = 0;
  const runner: StepRunner = {
    run: async () => {
      runs++;
      return { exitCode: 0, changes: [{ path: 'made', kind: 'file', mode: 0o644, mtimeSec: 0, data: new TextEncoder().encode(`run ${runs}`) }] };
    },
  };
  const context = memoryContext({ 'a.txt': 'a', Dockerfile: 'FROM scratch\nCOPY a.txt /\nRUN ["make"]\n' });
  const build = async () => {
    const store = await openOciLayoutStore(join(dir, 'store'));
    try {
      const log: string[] = [];
      const result = await new ImageBuilder({ store, stepRunner: runner }).build({ context, tags: ['persisted'], log: (l) => log.push(l) });
      return { id: result.id, cached: log.filter((l) => l === ' ---> Using cache').length };
    } finally {
      await store.close();
    }
  };
  const first = await build();
  expect({ runs, cached: first.cached }).toEqual({ runs: 1, cached: 0 });
  const second = await build();
  expect({ runs, cached: second.cached, id: second.id }).toEqual({ runs: 1, cached: 2, id: first.id });
});
