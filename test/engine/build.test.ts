/**
 * `wasmbox build` end to end: Dockerfiles built by images/build into a memory store (RUN through the engine's
 * EngineStepRunner), then run with engine.run({ image }). Guests: hello, file_rw, escape, exit_codes (see their
 * header comments in test/programs).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, isWasmboxError } from '../../runtime/platform/entry.node.ts';
import { EngineStepRunner } from '../../runtime/engine/build-step-runner.ts';
import { ImageBuilder } from '../../images/build/builder.ts';
import { memoryContext } from '../../images/build/context.ts';
import { directoryContext } from '../../images/build/context.node.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import { resolveImage } from '../../images/oci/resolve-image.ts';
import { readLayer } from '../../images/layer/read-layer.ts';
import { MEDIA_TYPE } from '../../images/oci/media-types.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';
import { readText } from '../helpers/run-guest.ts';

const store = createMemoryStore();
const engine = createEngine({ store, warmWorkers: 0 });
const builder = new ImageBuilder({ store, stepRunner: new EngineStepRunner(engine) });
const tmp = mkdtempSync(join(tmpdir(), 'wasmbox-build-'));

afterAll(async () => {
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function runImage(image: string, args?: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = await engine.run({ image, ...(args ? { args } : {}) });
  const [stdout, stderr, status] = await Promise.all([readText(proc.stdout), readText(proc.stderr), proc.exited]);
  return { code: status.code, stdout, stderr };
}

describe('build', () => {
  it('builds FROM scratch with COPY + ENTRYPOINT from a directory context, and runs it', async () => {
    const dir = join(tmp, 'hello');
    mkdirSync(dir);
    writeFileSync(join(dir, 'hello.wasm'), fixtureBytes('hello'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello.wasm /hello.wasm\nENTRYPOINT ["/hello.wasm"]\n');
    const result = await builder.build({ context: directoryContext(dir), tags: ['hello-built'] });
    expect(result.refs).toEqual(['docker.io/library/hello-built:latest']);
    const image = await resolveImage(store.blobs, result.manifest);
    expect(image.platform).toMatchObject({ os: 'wasi', architecture: 'wasm' });
    expect(image.layers.map((l) => l.mediaType)).toEqual([MEDIA_TYPE.ociLayer]);
    expect(image.config.config?.Entrypoint).toEqual(['/hello.wasm']);
    expect(image.config.created).toBe('1970-01-01T00:00:00Z');
    expect(image.config.history?.map((h) => h.created_by)).toEqual(['COPY hello.wasm /hello.wasm', 'ENTRYPOINT ["/hello.wasm"]']);
    const run = await runImage('hello-built');
    expect(run).toMatchObject({ code: 0, stdout: 'hello from wasm\n' });
  });

  it('builds the same context to the same manifest digest twice (also with another builder)', async () => {
    const context = memoryContext({
      'bin/hello.wasm': { data: fixtureBytes('hello'), mode: 0o755 },
      'etc/motd': 'hi\n',
      Dockerfile: 'FROM scratch\nARG V=1\nENV V=$V\nCOPY bin /bin\nCOPY etc/motd /etc/\nLABEL version=${V}\nCMD ["/bin/hello.wasm"]\n',
    });
    const a = await builder.build({ context, tags: ['repro:1'], sourceDateEpoch: 1_700_000_000 });
    const other = new ImageBuilder({ store: createMemoryStore() });
    const b = await other.build({ context, tags: ['repro:1'], sourceDateEpoch: 1_700_000_000 });
    expect(b.manifest.digest).toBe(a.manifest.digest);
    const c = await builder.build({ context, tags: ['repro:1'], sourceDateEpoch: 1_700_000_001 });
    expect(c.manifest.digest).not.toBe(a.manifest.digest);
    const d = await builder.build({ context, tags: ['repro:2'], buildArgs: { V: '2' }, sourceDateEpoch: 1_700_000_000 });
    const image = await resolveImage(store.blobs, d.manifest);
    expect(image.config.config?.Labels).toEqual({ version: '2' });
    expect(image.config.config?.Env).toEqual(['V=2']);
  });

  it('RUN (exec form) commits the program\'s writes as a layer that later runs see', async () => {
    const context = memoryContext({
      'file_rw.wasm': fixtureBytes('file_rw'),
      'escape.wasm': fixtureBytes('escape'),
      Dockerfile: [
        'FROM scratch',
        'COPY *.wasm /bin/',
        'WORKDIR /data',
        'RUN ["/bin/file_rw.wasm", "/data/x", "1"]',
        'ENTRYPOINT ["/bin/escape.wasm", "/"]',
        'CMD ["/data"]',
      ].join('\n'),
    });
    const logs: string[] = [];
    const built = await builder.build({ context, tags: ['runner:1'], log: (l) => logs.push(l) });
    const image = await resolveImage(store.blobs, built.manifest);
    expect(image.layers).toHaveLength(2);
    const runLayer = await readLayer(await store.blobs.get(image.layers[1].digest));
    expect(runLayer.entries.map((e) => `${e.kind} ${e.path} ${e.mtimeSec}`)).toEqual(['dir data 0', 'file data/x 0']);
    expect(runLayer.entries[1].size).toBe(1 << 20);
    const run = await runImage('runner:1');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^list \/data\tOK x$/m);

    // Built again by the same builder: the RUN comes from the cache, same digest.
    const again = await builder.build({ context, tags: ['runner:1'], log: (l) => logs.push(l) });
    expect(again.manifest.digest).toBe(built.manifest.digest);
    expect(logs).toContain(' ---> Using cache');

    // FROM the built image: the file is in its layers, the new layer sees it.
    const child = memoryContext({ Dockerfile: 'FROM runner:1\nRUN ["/bin/file_rw.wasm", "/data/y", "1"]\n' });
    const childBuilt = await builder.build({ context: child, tags: ['runner:child'] });
    const childRun = await runImage('runner:child', ['/data']);
    expect(childRun.stdout).toMatch(/^list \/data\tOK x,y$/m);
    expect((await resolveImage(store.blobs, childBuilt.manifest)).layers).toHaveLength(3);
  });

  it('a failing RUN fails the build naming the line and exit code, and leaves the store unchanged', async () => {
    const before = await store.usage();
    const refsBefore = await store.refs.list();
    const context = memoryContext({
      'exit_codes.wasm': fixtureBytes('exit_codes'),
      Dockerfile: 'FROM scratch\nCOPY exit_codes.wasm /x.wasm\nENV A=1\nRUN ["/x.wasm", "exit3"]\n',
    });
    const error = await builder.build({ context, tags: ['fails:1'] }).catch((e: unknown) => e);
    expect(isWasmboxError(error)).toBe(true);
    expect((error as Error).message).toMatch(/line 4/);
    expect((error as Error).message).toMatch(/code: 3/);
    expect(await store.usage()).toEqual(before);
    expect(await store.refs.list()).toEqual(refsBefore);
  });

  it('.dockerignore excludes files from COPY', async () => {
    const context = memoryContext({
      '.dockerignore': 'secret*\n**/*.log\n!keep.log\n',
      'app/a.txt': 'a',
      'app/debug.log': 'log',
      'keep.log': 'kept',
      'secret.key': 'k',
      Dockerfile: 'FROM scratch\nCOPY . /src/\n',
    });
    const built = await builder.build({ context, tags: ['ignored:1'] });
    const handle = await engine.images.resolve('ignored:1');
    const lowers = await engine.images.lowerLayers(handle);
    const src = lowers[0].children!.src as { children: Record<string, { children?: Record<string, unknown> }> };
    expect(Object.keys(src.children).sort()).toEqual(['.dockerignore', 'Dockerfile', 'app', 'keep.log']);
    expect(Object.keys(src.children.app.children!)).toEqual(['a.txt']);
    expect(built.refs).toEqual(['docker.io/library/ignored:1']);
    const missing = memoryContext({ '.dockerignore': 'secret.key\n', 'secret.key': 'k', Dockerfile: 'FROM scratch\nCOPY secret.key /\n' });
    await expect(builder.build({ context: missing })).rejects.toThrow(/line 2.*not found in the build context/);
  });
});
