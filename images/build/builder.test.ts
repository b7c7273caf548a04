import { describe, expect, it } from 'vitest';
import { isWasmboxError } from '../../shared/errors.ts';
import { resolveImage } from '../oci/resolve-image.ts';
import { readLayer } from '../layer/read-layer.ts';
import { writeLayer, writeLayerTar } from '../layer/write-layer.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { ImageStore } from '../store/blob-store.ts';
import { ImageBuilder, type BuildStep, type StepRunner } from './builder.ts';
import { memoryContext, type MemoryContextFile } from './context.ts';

const enc = new TextEncoder();

async function layerListing(store: ImageStore, name: string): Promise<string[][]> {
  const root = await store.refs.get(name);
  const image = await resolveImage(store.blobs, root!);
  const out: string[][] = [];
  for (const layer of image.layers) {
    const { entries } = await readLayer(await store.blobs.get(layer.digest));
    out.push(entries.map((e) => `${e.kind} ${e.path} ${e.mode.toString(8)}${e.kind === 'symlink' ? ` -> ${e.linkTarget}` : ''}`));
  }
  return out;
}

async function build(files: Record<string, MemoryContextFile>, options: { buildArgs?: Record<string, string>; store?: ImageStore; runner?: StepRunner } = {}) {
  const store = options.store ?? createMemoryStore();
  const builder = new ImageBuilder({ store, ...(options.runner ? { stepRunner: options.runner } : {}) });
  const result = await builder.build({ context: memoryContext(files), tags: ['t'], ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}) });
  const image = await resolveImage(store.blobs, result.manifest);
  return { store, result, image, layers: await layerListing(store, 'docker.io/library/t:latest') };
}

describe('ImageBuilder', () => {
  it('COPY: file to a path, to a dir/, a directory\'s contents, globs, --chmod, relative to WORKDIR', async () => {
    const { layers, image } = await build({
      'a.txt': 'a',
      'b.wasm': { data: 'b', mode: 0o755 },
      'c.wasm': 'c',
      'dir/sub/x': 'x',
      'dir/link': { symlink: 'sub/x' },
      Dockerfile: [
        'FROM scratch',
        'COPY a.txt /etc/renamed',
        'COPY a.txt /etc/',
        'COPY dir /opt/d',
        'COPY --chmod=700 *.wasm /bin/',
        'WORKDIR /w',
        'COPY a.txt rel/',
      ].join('\n'),
    });
    expect(layers).toEqual([
      ['dir etc 755', 'file etc/renamed 644'],
      ['dir etc 755', 'file etc/a.txt 644'],
      ['dir opt 755', 'dir opt/d 755', 'symlink opt/d/link 777 -> sub/x', 'dir opt/d/sub 755', 'file opt/d/sub/x 644'],
      ['dir bin 755', 'file bin/b.wasm 700', 'file bin/c.wasm 700'],
      ['dir w 755', 'dir w/rel 755', 'file w/rel/a.txt 644'],
    ]);
    expect(image.config.config?.WorkingDir).toBe('/w');
    expect(image.config.history?.filter((h) => h.empty_layer).map((h) => h.created_by)).toEqual(['WORKDIR /w']);
  });

  it('ADD extracts local tar archives (plain and gzip) and copies other files as they are', async () => {
    const tar = writeLayerTar([
      { path: 'pkg', kind: 'dir', mode: 0o755, mtimeSec: 5 },
      { path: 'pkg/f', kind: 'file', mode: 0o600, mtimeSec: 5, data: enc.encode('f') },
    ]);
    const gz = await writeLayer([{ path: 'g', kind: 'file', mode: 0o644, mtimeSec: 5, data: enc.encode('g') }], { gzip: true });
    const { layers } = await build({ 'p.tar': tar, 'g.tar.gz': gz, 'plain.txt': 'p', Dockerfile: 'FROM scratch\nADD p.tar /opt\nADD g.tar.gz /gz/\nADD plain.txt /p.txt\n' });
    expect(layers).toEqual([
      ['dir opt 755', 'dir opt/pkg 755', 'file opt/pkg/f 600'],
      ['dir gz 755', 'file gz/g 644'],
      ['file p.txt 644'],
    ]);
  });

  it('ARG/ENV/LABEL substitution, build args, ARG before FROM, and the RUN environment', async () => {
    const steps: BuildStep[] = [];
    const runner: StepRunner = {
      run: async (step) => {
        steps.push(step);
        return { exitCode: 0, changes: [{ path: 'out', kind: 'file', mode: 0o644, mtimeSec: 2_000_000_000, data: enc.encode('o') }] };
      },
    };
    const store = createMemoryStore();
    await build({ 'x.wasm': 'x', Dockerfile: 'FROM scratch\nENV PATH=/bin\nCOPY x.wasm /bin/\nCMD ["x.wasm"]\n' }, { store });
    await store.refs.set('docker.io/library/base:1', (await store.refs.get('docker.io/library/t:latest'))!);
    const { image, layers } = await build(
      {
        Dockerfile: [
          'ARG TAG=1',
          'FROM base:${TAG}',
          'ARG WHO=world',
          'ARG OVER',
          'ENV PATH=$PATH:/usr/bin GREETING="hello ${WHO}" DIR=${NOPE:-/data}',
          'LABEL greeting="$GREETING"',
          'WORKDIR $DIR',
          'ENTRYPOINT ["x.wasm"]',
          'RUN ["x.wasm", "$WHO"]',
        ].join('\n'),
      },
      { store, runner, buildArgs: { OVER: 'o' } },
    );
    expect(image.config.config).toEqual({
      Env: ['PATH=/bin:/usr/bin', 'GREETING=hello world', 'DIR=/data'],
      Labels: { greeting: 'hello world' },
      WorkingDir: '/data',
      Entrypoint: ['x.wasm'], // the base image's CMD is reset by ENTRYPOINT
    });
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ argv: ['x.wasm', '$WHO'], workdir: '/data', env: ['PATH=/bin:/usr/bin', 'GREETING=hello world', 'DIR=/data', 'WHO=world', 'OVER=o'], line: 9 });
    expect(steps[0].layers).toHaveLength(1);
    expect(layers).toEqual([['dir bin 755', 'file bin/x.wasm 644'], ['file out 644']]);
    const runLayer = await readLayer(await store.blobs.get(image.layers[1].digest));
    expect(runLayer.entries[0].mtimeSec).toBe(0); // clamped to SOURCE_DATE_EPOCH
    expect(image.config.history).toHaveLength(2 + 8);
  });

  it('errors name the line; nothing is stored', async () => {
    const store = createMemoryStore();
    const attempt = async (dockerfile: string, runner?: StepRunner) => {
      const builder = new ImageBuilder({ store, ...(runner ? { stepRunner: runner } : {}) });
      const error = await builder.build({ context: memoryContext({ 'a': 'a', Dockerfile: dockerfile }), tags: ['t'] }).catch((e: unknown) => e);
      expect(isWasmboxError(error)).toBe(true);
      return (error as Error).message;
    };
    expect(await attempt('FROM nope:1\n')).toMatch(/line 1: FROM nope:1: image not found/);
    expect(await attempt('FROM scratch\nCOPY a /\nCOPY missing /\n')).toMatch(/line 3: COPY missing: not found/);
    expect(await attempt('FROM scratch\nCOPY *.x /\n')).toMatch(/line 2/);
    expect(await attempt('FROM scratch\nRUN ["a"]\n')).toMatch(/line 2: RUN needs a step runner/);
    expect(await attempt('FROM scratch\nCOPY a /\nRUN ["a"]\n', { run: async () => ({ exitCode: 7, changes: [] }) })).toMatch(/line 3: RUN \["a"\] returned a non-zero code: 7/);
    expect(await attempt('FROM scratch\nCOPY a /\nRUN ["a"]\n', { run: async () => Promise.reject(new Error('boom')) })).toMatch(/line 3: .*boom/);
    expect((await store.usage()).blobs).toBe(0);
    expect(await store.refs.list()).toEqual([]);
  });

  it('an untagged build is kept under its manifest digest', async () => {
    const store = createMemoryStore();
    const result = await new ImageBuilder({ store }).build({ context: memoryContext({ Dockerfile: 'FROM scratch\nCMD ["x"]\n' }) });
    expect(result.refs).toEqual([result.manifest.digest]);
    expect(await store.refs.get(result.manifest.digest)).toMatchObject({ digest: result.manifest.digest });
  });
});

describe('ImageBuilder build cache', () => {
  /** A fake RUN: writes /out-<argv[0]> holding the argv and the input file count, and counts its runs. */
  function countingRunner() {
    const runs: string[][] = [];
    const runner: StepRunner = {
      run: async (step) => {
        runs.push(step.argv);
        const data = enc.encode(`${step.argv.join(' ')} over ${step.layers.length} layers`);
        return { exitCode: 0, changes: [{ path: `out-${step.argv[0]}`, kind: 'file', mode: 0o644, mtimeSec: 0, data }] };
      },
    };
    return { runs, runner };
  }

  const DOCKERFILE = ['FROM scratch', 'COPY a.txt /', 'RUN ["first"]', 'ENV X=1', 'COPY b.txt /', 'RUN ["second"]', 'CMD ["x"]'].join('\n');

  async function buildWith(store: ImageStore, runner: StepRunner, files: Record<string, MemoryContextFile>, options: { noCache?: boolean } = {}) {
    const log: string[] = [];
    const result = await new ImageBuilder({ store, stepRunner: runner }).build({
      context: memoryContext(files),
      tags: ['cached'],
      log: (line) => log.push(line),
      ...options,
    });
    // Which steps were cached: the step line before each "Using cache".
    const cached = log.flatMap((line, i) => (line === ' ---> Using cache' ? [log[i - 1].replace(/^Step \d+\/\d+ : /, '')] : []));
    return { result, cached };
  }

  it('a second build of the same context reuses every layer: no RUN runs, same digest, every layer step says so', async () => {
    const store = createMemoryStore();
    const { runs, runner } = countingRunner();
    const files = { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE };
    const first = await buildWith(store, runner, files);
    expect(runs).toEqual([['first'], ['second']]);
    expect(first.cached).toEqual([]);
    const second = await buildWith(store, runner, files);
    expect(runs).toHaveLength(2);
    expect(second.result.id).toBe(first.result.id);
    expect(second.cached).toEqual(['COPY a.txt /', 'RUN ["first"]', 'COPY b.txt /', 'RUN ["second"]']);
  });

  it('a changed COPY source rebuilds that step and every later one; earlier steps stay cached', async () => {
    const store = createMemoryStore();
    const { runs, runner } = countingRunner();
    const first = await buildWith(store, runner, { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE });
    const changed = await buildWith(store, runner, { 'a.txt': 'a', 'b.txt': 'B!', Dockerfile: DOCKERFILE });
    expect(changed.cached).toEqual(['COPY a.txt /', 'RUN ["first"]']);
    expect(runs).toEqual([['first'], ['second'], ['second']]);
    expect(changed.result.id).not.toBe(first.result.id);
    // the first file changed: everything after it runs again, even a RUN whose own instruction did not change
    await buildWith(store, runner, { 'a.txt': 'A!', 'b.txt': 'B!', Dockerfile: DOCKERFILE });
    expect(runs.slice(3)).toEqual([['first'], ['second']]);
  });

  it('a changed instruction invalidates its step and the later ones', async () => {
    const store = createMemoryStore();
    const { runs, runner } = countingRunner();
    await buildWith(store, runner, { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE });
    const edited = await buildWith(store, runner, { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE.replace('RUN ["first"]', 'RUN ["first", "-v"]') });
    expect(edited.cached).toEqual(['COPY a.txt /']);
    expect(runs.slice(2)).toEqual([['first', '-v'], ['second']]);
  });

  it('noCache rebuilds every step (to the same image) and refreshes the records', async () => {
    const store = createMemoryStore();
    const { runs, runner } = countingRunner();
    const files = { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE };
    const first = await buildWith(store, runner, files);
    const again = await buildWith(store, runner, files, { noCache: true });
    expect(again.cached).toEqual([]);
    expect(runs).toEqual([['first'], ['second'], ['first'], ['second']]);
    expect(again.result.id).toBe(first.result.id);
    expect(await store.cache.list()).toHaveLength(4);
  });

  it('cached layers outlive their image until prune, which drops the records with them', async () => {
    const store = createMemoryStore();
    const { runs, runner } = countingRunner();
    const files = { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE };
    await buildWith(store, runner, files);
    await store.remove('docker.io/library/cached:latest');
    expect((await buildWith(store, runner, files)).cached).toHaveLength(4); // rmi keeps the build cache
    expect(runs).toHaveLength(2);
    await store.remove('docker.io/library/cached:latest');
    const pruned = await store.prune();
    expect(pruned.cacheRecords).toHaveLength(4);
    expect(await store.cache.list()).toEqual([]);
    expect((await buildWith(store, runner, files)).cached).toEqual([]);
    expect(runs).toHaveLength(4);
  });

  it('a failed build records nothing', async () => {
    const store = createMemoryStore();
    const failing: StepRunner = { run: async (step) => ({ exitCode: step.argv[0] === 'second' ? 1 : 0, changes: [] }) };
    await expect(buildWith(store, failing, { 'a.txt': 'a', 'b.txt': 'b', Dockerfile: DOCKERFILE })).rejects.toThrow(/non-zero code: 1/);
    expect(await store.cache.list()).toEqual([]);
    expect((await store.usage()).blobs).toBe(0);
  });
});
