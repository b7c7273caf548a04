/**
 * Running containers from images: images written into a memory store (test/helpers/images.ts: one store
 * transaction each), resolved by name, their layers turned into shared lower trees, their config merged by Docker's
 * rules. Guests are the C programs in test/programs (hello, args_env, escape, file_rw: see their header comments).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, isWasmboxError, type Engine } from '../../runtime/platform/entry.node.ts';
import { lowerTreeFromLayer } from '../../runtime/engine/layer-cache.ts';
import { createContainerFs } from '../../runtime/vfs/container-fs.ts';
import type { LowerEntry } from '../../runtime/vfs/api.ts';
import { readLayer } from '../../images/layer/read-layer.ts';
import { writeLayerTar } from '../../images/layer/write-layer.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import type { RefStore } from '../../images/store/blob-store.ts';
import { findImageById } from '../../images/store/image-id.ts';
import { MEDIA_TYPE } from '../../images/oci/media-types.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';
import { readText } from '../helpers/run-guest.ts';
import { T, buildArtifact, buildImage, dir, file, program, whiteout } from '../helpers/images.ts';

const store = createMemoryStore();
let engine: Engine;
let helloConfig: Descriptor;

async function run(options: Parameters<Engine['run']>[0]) {
  const proc = await engine.run(options);
  const [status, stdout, stderr] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout, stderr };
}

function lines(stdout: string, prefix: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith(prefix));
}

async function failure(promise: Promise<unknown>): Promise<{ kind: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isWasmboxError(error)) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

/** The in-memory file data of a tree (engines on a store of their own keep layers in memory). */
function fileData(tree: LowerEntry): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (e: LowerEntry) => {
    if (e.data) {
      if (!(e.data instanceof Uint8Array)) throw new Error('expected layers in memory');
      out.push(e.data);
    }
    for (const child of Object.values(e.children ?? {})) if (child.type !== 'whiteout') walk(child as LowerEntry);
  };
  walk(tree);
  return out;
}

afterAll(() => engine?.close());

describe('images -> containers', () => {
  it('builds the test images', async () => {
    engine = createEngine({ store, warmWorkers: 1 });
    helloConfig = await buildImage(store, 'hello', [[dir('bin'), program('hello')]], { Entrypoint: ['/bin/hello.wasm'] }, '2024-01-02T03:04:05Z');
    await buildImage(store, 'args:1', [[program('args_env')]], {
      Entrypoint: ['/bin/args_env.wasm'],
      Cmd: ['a', 'b'],
      Env: ['A=1', 'B=2', 'PATH=/bin'],
      WorkingDir: '/work',
      Labels: { team: 'x' },
    }, '2024-03-04T05:06:07Z', {
      history: [
        { created_by: 'ADD scratch', empty_layer: true },
        { created: '2024-03-04T05:06:06Z', created_by: 'COPY args_env.wasm /bin/ # buildkit', comment: 'buildkit.dockerfile.v0' },
        { created: '2024-03-04T05:06:07Z', created_by: 'CMD ["a" "b"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
      ],
    });
    await buildImage(
      store,
      'fs',
      [
        [dir('etc', 0o700), file('etc/a.txt', 'from layer one'), file('etc/b.txt', 'bee'), program('escape'), program('file_rw')],
        [whiteout('etc/a.txt'), file('etc/c.txt', 'sea')], // etc not listed: an implied parent, keeps 0700
      ],
      { Entrypoint: ['/bin/escape.wasm'] },
    );
    await buildImage(store, 'broken', [[file('bin/text.wasm', 'not wasm', 0o755)]], { Entrypoint: ['/bin/nope.wasm'] });
    await buildArtifact(store, 'ghcr.io/example/hello-artifact:v1', fixtureBytes('hello'));
  });

  it('runs an image by the name the user types, its Entrypoint read from the image rootfs', async () => {
    const result = await run({ image: 'hello' });
    expect(result).toMatchObject({ code: 0, reason: 'exit', stdout: 'hello from wasm\n' });
    expect((await run({ image: 'docker.io/library/hello:latest' })).stdout).toBe('hello from wasm\n');
    const handle = await engine.images.resolve('hello:latest');
    expect(handle.refName).toBe('docker.io/library/hello:latest');
    const root = (await store.refs.get('docker.io/library/hello:latest'))!;
    expect(handle.id).toBe(root.digest); // the image ID is the root digest (docker's containerd store)
    expect(handle.configDigest).toBe(helloConfig.digest);
    const missing = await failure(engine.images.resolve('nothere'));
    expect(missing.kind).toBe('NotFound');
    expect(missing.message).toContain('docker.io/library/nothere:latest');
  });

  it('lists images with repository, tag, id (root digest), created and size', async () => {
    const list = await engine.images.list();
    const hello = list.find((i) => i.repository === 'hello')!;
    const helloRoot = (await store.refs.get('docker.io/library/hello:latest'))!;
    expect(hello).toMatchObject({
      name: 'docker.io/library/hello:latest',
      tag: 'latest',
      id: helloRoot.digest,
      configDigest: helloConfig.digest,
      created: '2024-01-02T03:04:05Z',
    });
    expect(hello.size).toBeGreaterThan(fixtureBytes('hello').byteLength / 4);
    expect(list.map((i) => `${i.repository}:${i.tag}`).sort()).toEqual(['args:1', 'broken:latest', 'fs:latest', 'ghcr.io/example/hello-artifact:v1', 'hello:latest']);

    // An untagged image kept under its root digest (as `wasmbox load` keeps one) shows as <none>:<none>.
    const root = (await store.refs.get('docker.io/library/hello:latest'))!;
    await store.refs.set(root.digest, root);
    try {
      const untagged = (await engine.images.list()).find((i) => i.name === root.digest)!;
      expect(untagged).toMatchObject({ repository: '<none>', tag: '<none>', id: root.digest });
      expect((await run({ image: root.digest })).stdout).toBe('hello from wasm\n');
    } finally {
      await store.refs.delete(root.digest);
    }
  });

  it('resolves an image ID: the root digest, full or a unique prefix of at least 4 hex digits', async () => {
    const root = (await store.refs.get('docker.io/library/hello:latest'))!;
    const hex = root.digest.slice('sha256:'.length);
    for (const input of [root.digest, hex, hex.slice(0, 12), hex.slice(0, 4)]) {
      const handle = await engine.images.resolve(input);
      expect(handle.id).toBe(root.digest);
      expect(handle.refName).toBe('docker.io/library/hello:latest');
    }
    expect((await run({ image: hex.slice(0, 12) })).stdout).toBe('hello from wasm\n');
    const missing = await failure(engine.images.resolve('sha256:' + '0'.repeat(64)));
    expect(missing.kind).toBe('NotFound');
    expect((await failure(engine.images.resolve('abc'))).kind).toBe('NotFound'); // 3 digits: a name, not an ID
    // A prefix two images share is ambiguous, as in docker (the lookup reads refs only).
    const fake = (name: string, hex: string) => ({ name, descriptor: { mediaType: MEDIA_TYPE.ociManifest, digest: `sha256:${hex.padEnd(64, '0')}`, size: 2 } });
    const refs = { list: async () => [fake('a:1', 'abcd1'), fake('a:2', 'abcd2'), fake('b:1', 'abcd1')] } as unknown as RefStore;
    const ambiguous = await failure(findImageById(refs, 'abcd'));
    expect(ambiguous).toMatchObject({ kind: 'InvalidArgument', message: expect.stringContaining('ambiguous') });
    expect((await findImageById(refs, 'sha256:abcd1'))?.names).toEqual(['a:1', 'b:1']);
    expect(await findImageById(refs, 'abcd3')).toBeUndefined();
  });

  it('inspects an image in the shape of docker image inspect', async () => {
    const root = (await store.refs.get('docker.io/library/args:1'))!;
    await store.refs.set('ghcr.io/o/args:2', root);
    try {
      const info = await engine.images.inspect('args:1');
      expect(info).toMatchObject({
        Id: root.digest,
        RepoDigests: expect.arrayContaining([`args@${root.digest}`, `ghcr.io/o/args@${root.digest}`]),
        Created: '2024-03-04T05:06:07Z',
        Architecture: 'wasm',
        Os: 'wasi',
        Config: { Env: ['A=1', 'B=2', 'PATH=/bin'], Entrypoint: ['/bin/args_env.wasm'], Cmd: ['a', 'b'], WorkingDir: '/work', Labels: { team: 'x' } },
        RootFS: { Type: 'layers' },
      });
      expect(info.RepoTags.sort()).toEqual(['args:1', 'ghcr.io/o/args:2']);
      expect(info.RootFS.Layers).toHaveLength(1);
      expect(info.RootFS.Layers[0]).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(info.Size).toBe((await engine.images.list()).find((i) => i.name === 'docker.io/library/args:1')!.size);
      expect((await engine.images.inspect('hello')).Config).toMatchObject({ Cmd: null, Labels: null, WorkingDir: '', Env: null });
    } finally {
      await store.refs.delete('ghcr.io/o/args:2');
    }
  });

  it('gives the history newest first: the image ID on top, <missing> below, layer sizes on layer steps', async () => {
    const root = (await store.refs.get('docker.io/library/args:1'))!;
    const history = await engine.images.history('args:1');
    expect(history.map((h) => h.Id)).toEqual([root.digest, '<missing>', '<missing>']);
    expect(history.map((h) => h.CreatedBy)).toEqual(['CMD ["a" "b"]', 'COPY args_env.wasm /bin/ # buildkit', 'ADD scratch']);
    expect(history[0]).toMatchObject({ Tags: ['args:1'], Size: 0, Comment: 'buildkit.dockerfile.v0', Created: Date.parse('2024-03-04T05:06:07Z') / 1000 });
    const image = await engine.images.resolve('args:1');
    expect(history[1].Size).toBe(image.image.layers[0].size);
    expect(history[2]).toMatchObject({ Size: 0, Created: 0, Tags: null });
    // no history in the config: one row per layer
    const fs = await engine.images.history('fs');
    expect(fs).toHaveLength(2);
    expect(fs[1].Id).toBe('<missing>');
  });

  it('merges Entrypoint/Cmd/Env/WorkingDir by Docker rules', async () => {
    const plain = await run({ image: 'args:1' });
    expect(lines(plain.stdout, 'argv')).toEqual(['argv[0]=/bin/args_env.wasm', 'argv[1]=a', 'argv[2]=b']);
    expect(lines(plain.stdout, 'environ').map((l) => l.replace(/^environ\[\d+\]=/, ''))).toEqual(['A=1', 'B=2', 'PATH=/bin', 'PWD=/work']);

    const withArgs = await run({ image: 'args:1', args: ['x'], env: { B: '3', C: '4' }, workdir: '/tmp' });
    expect(lines(withArgs.stdout, 'argv')).toEqual(['argv[0]=/bin/args_env.wasm', 'argv[1]=x']);
    expect(withArgs.stdout).toContain('=B=3\n');
    expect(withArgs.stdout).toContain('=C=4\n');
    expect(withArgs.stdout).toContain('=PWD=/tmp\n');

    const unset = await run({ image: 'args:1', env: ['A'] });
    expect(unset.stdout).not.toContain('=A=1');

    // An entrypoint override drops the image's Cmd; a bare name is found through the image's PATH.
    const entry = await run({ image: 'args:1', entrypoint: 'args_env.wasm' });
    expect(lines(entry.stdout, 'argv')).toEqual(['argv[0]=args_env.wasm']);
  });

  it('stacks layers: a whiteout hides a lower file, implied parents keep the lower mode', async () => {
    const result = await run({ image: 'fs', args: ['/etc', '/etc/a.txt', '/etc/b.txt', '/etc/c.txt'] });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('list /etc\tOK b.txt,c.txt\n');
    expect(result.stdout).toContain('read /etc/a.txt\tERR ENOENT');
    expect(result.stdout).toContain('read /etc/b.txt\tOK bee');
    expect(result.stdout).toContain('read /etc/c.txt\tOK sea');

    const lowers = await engine.images.lowerLayers(await engine.images.resolve('fs'));
    const vfs = createContainerFs({ lowers, mounts: [], workdir: '', quotaBytes: 1 << 20 });
    expect(vfs.stat(vfs.root(), '/etc', true).mode).toBe(0o700);
    expect(vfs.stat(vfs.root(), '/etc/b.txt', true)).toMatchObject({ mode: 0o644, mtimeNs: BigInt(T) * 1_000_000_000n });
    expect(vfs.stat(vfs.root(), '/bin/escape.wasm', true).mode).toBe(0o755);
  });

  it("keeps a container's writes in its own upper layer, never in the image", async () => {
    const write = await run({ image: 'fs', entrypoint: '/bin/file_rw.wasm', args: ['/etc/new.bin', '1'] });
    expect(write.stdout).toContain('wrote 1 MiB, read 1 MiB');
    const overwrite = await run({ image: 'fs', entrypoint: '/bin/file_rw.wasm', args: ['/etc/b.txt', '1'] });
    expect(overwrite.code).toBe(0);
    const after = await run({ image: 'fs', args: ['/etc', '/etc/b.txt'] });
    expect(after.stdout).toContain('list /etc\tOK b.txt,c.txt\n');
    expect(after.stdout).toContain('read /etc/b.txt\tOK bee');
  });

  it('runs a CNCF wasm artifact as a one-file image', async () => {
    const result = await run({ image: 'ghcr.io/example/hello-artifact:v1' });
    expect(result).toMatchObject({ code: 0, stdout: 'hello from wasm\n' });
    const [tree] = await engine.images.lowerLayers(await engine.images.resolve('ghcr.io/example/hello-artifact:v1'));
    expect(Object.keys(tree.children!)).toEqual(['hello.wasm']);
  });

  it('lists and inspects an image of another platform, but refuses to run it, naming the platform', async () => {
    await buildImage(store, 'linux-app', [[file('app', 'ELF')]], { Cmd: ['/app'] }, undefined, { os: 'linux', architecture: 'amd64' });
    expect(await engine.images.inspect('linux-app')).toMatchObject({ Os: 'linux', Architecture: 'amd64', Config: { Cmd: ['/app'] } });
    expect(await engine.images.history('linux-app')).toHaveLength(1);
    const listed = (await engine.images.list()).find((image) => image.repository === 'linux-app');
    expect(listed).toBeDefined();
    expect(listed!.problem).toBeUndefined();
    const refused = await failure(engine.run({ image: 'linux-app' }));
    expect(refused.kind).toBe('NotRunnable');
    expect(refused.message).toContain('linux/amd64');
  });

  it('names a missing or non-wasm entrypoint in a clear error', async () => {
    const missing = await failure(engine.run({ image: 'broken' }));
    expect(missing.kind).toBe('NotFound');
    expect(missing.message).toContain('"/bin/nope.wasm"');
    const notWasm = await failure(engine.run({ image: 'broken', entrypoint: '/bin/text.wasm' }));
    expect(notWasm.kind).toBe('NotRunnable');
    expect(notWasm.message).toContain('/bin/text.wasm');
    const noPath = await failure(engine.run({ image: 'broken', entrypoint: 'ghost' }));
    expect(noPath.kind).toBe('NotFound');
    expect(noPath.message).toContain('"ghost"');
    const both = await failure(engine.run({ image: 'hello', wasm: fixtureBytes('hello') }));
    expect(both.kind).toBe('InvalidArgument');
  });

  it('shares layer bytes with workers: SharedArrayBuffer views, each layer blob read once', async () => {
    const cache = await engine.images.layers();
    const handle = await engine.images.resolve('fs');
    const lowers = await engine.images.lowerLayers(handle);
    const data = lowers.flatMap(fileData);
    expect(data.length).toBeGreaterThan(3);
    for (const bytes of data) expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Both layers' files view one buffer per layer: nothing was copied per file.
    expect(new Set(fileData(lowers[0]).map((d) => d.buffer)).size).toBe(1);

    const before = cache.blobReads;
    await run({ image: 'fs', args: ['/etc'] });
    await run({ image: 'fs', args: ['/etc'] });
    expect(cache.blobReads).toBe(before); // already cached by the runs above
    expect(await engine.images.lowerLayers(handle)).toEqual(lowers);
    expect((await engine.images.lowerLayers(handle))[0]).toBe(lowers[0]);
  });

  it('reads each layer blob once across runs of a fresh engine', async () => {
    const fresh = createEngine({ store, warmWorkers: 1 });
    try {
      const cache = await fresh.images.layers();
      const first = await fresh.run({ image: 'fs', args: ['/etc'] });
      await first.exited;
      expect(cache.blobReads).toBe(2);
      const second = await fresh.run({ image: 'fs', args: ['/etc'] });
      await second.exited;
      expect(cache.blobReads).toBe(2);
    } finally {
      await fresh.close();
    }
  });
});

describe('layer -> lower tree', () => {
  it('maps kinds, hard links (shared bytes), symlinks, whiteouts, opaque dirs, modes and mtimes', async () => {
    const tar = writeLayerTar([
      dir('a', 0o750),
      file('a/f', 'data', 0o600),
      { path: 'a/h', kind: 'hardlink', mode: 0, mtimeSec: 0, linkTarget: 'a/f' },
      { path: 'a/s', kind: 'symlink', mode: 0o777, mtimeSec: T, linkTarget: '../x' },
      whiteout('a/gone'),
      { path: 'o', kind: 'opaque', mode: 0, mtimeSec: T },
      file('deep/er/g', 'g'),
    ]);
    const { entries, tar: plain } = await readLayer(tar);
    const tree = lowerTreeFromLayer(entries, (offset, size) => plain.subarray(offset, offset + size));
    const a = tree.children!.a as LowerEntry;
    expect(a).toMatchObject({ type: 'dir', mode: 0o750, mtimeNs: BigInt(T) * 1_000_000_000n });
    const f = a.children!.f as LowerEntry<Uint8Array>;
    const h = a.children!.h as LowerEntry<Uint8Array>;
    expect(new TextDecoder().decode(f.data)).toBe('data');
    expect(h).not.toBe(f);
    expect(h.data!.buffer).toBe(f.data!.buffer);
    expect(h.data!.byteOffset).toBe(f.data!.byteOffset);
    expect(a.children!.s).toMatchObject({ type: 'symlink', target: '../x' });
    expect(a.children!.gone).toEqual({ type: 'whiteout' });
    expect((tree.children!.o as LowerEntry).opaque).toBe(true);
    const deep = tree.children!.deep as LowerEntry;
    expect(deep.mode).toBeUndefined(); // implied: the lower layers' copy keeps its mode
    expect(deep.children!.er).toBeDefined();
  });
});
