/**
 * The OCI layout store: the contract suite on disk, then what only a directory has — the on-disk format other
 * tools read, entries other tools wrote, damage, crashes of real processes, stale and live locks, processes racing,
 * and `skopeo inspect` when skopeo is installed.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestHex, sha256Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { type ImageStore, inTransaction, REF_NAME_ANNOTATION } from './blob-store.ts';
import { blobStoreSuite } from './blob-store.suite.ts';
import { openOciLayoutStore } from './oci-layout-store.node.ts';
import { BUILD_CACHE_FIELD } from './layout-index.ts';
import { type Blob, blob, jsonBlob, putAll, testImage } from './test-kit.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./oci-layout-store.child.node.ts', import.meta.url));

function residue(dir: string): string[] {
  const meta = join(dir, '.wasmbox');
  return [
    ...readdirSync(join(meta, 'tmp')).map((n) => `tmp/${n}`),
    ...readdirSync(join(meta, 'tx')).map((n) => `tx/${n}`),
    ...(existsSync(join(meta, 'lock')) ? ['lock'] : []),
  ];
}

blobStoreSuite('OCI layout directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmbox-store-'));
  return {
    open: (options) => openOciLayoutStore(dir, options),
    residue: async () => residue(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

async function importImage(store: ImageStore, name: string, blobs: Blob[], root = blobs[blobs.length - 1]): Promise<void> {
  await inTransaction(store, async (tx) => {
    await putAll(tx, blobs);
    tx.setRef(name, root.descriptor);
  });
}

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start a process');
  return pid;
}

/** The bytes of every file of the layout proper (not .wasmbox), to compare a store before and after. */
function layoutFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = { 'index.json': readFileSync(join(dir, 'index.json'), 'utf8') };
  for (const name of readdirSync(join(dir, 'blobs', 'sha256'))) out[`blobs/sha256/${name}`] = readFileSync(join(dir, 'blobs', 'sha256', name), 'hex');
  return out;
}

describe('OCI layout store on disk', () => {
  let dir: string;
  const stores: ImageStore[] = [];
  const open = async (options?: Parameters<typeof openOciLayoutStore>[1]) => {
    const store = await openOciLayoutStore(dir, options);
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'wasmbox-layout-')), 'store');
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes a plain OCI image layout', async () => {
    const store = await open();
    const image = await testImage(['layer bytes']);
    await importImage(store, 'wasi/hello:1.0', image.blobs);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))).toEqual({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociIndex,
      manifests: [{ ...image.manifest.descriptor, annotations: { [REF_NAME_ANNOTATION]: 'wasi/hello:1.0' } }],
    });
    for (const b of image.blobs) {
      expect(new Uint8Array(readFileSync(join(dir, 'blobs', 'sha256', digestHex(b.descriptor.digest))))).toEqual(b.bytes);
    }
    expect(residue(dir)).toEqual([]);
  });

  it('keeps what other tools wrote: unnamed entries (never pruned), extra fields, entries without a media type', async () => {
    const foreign = await testImage(['foreign layer']);
    const unnamed = await testImage(['unnamed layer']);
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    for (const b of [...foreign.blobs, ...unnamed.blobs]) writeFileSync(join(dir, 'blobs', 'sha256', digestHex(b.descriptor.digest)), b.bytes);
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    const { digest, size } = foreign.manifest.descriptor;
    const entries = [
      { digest: unnamed.manifest.descriptor.digest, size: unnamed.manifest.descriptor.size },
      { digest, size, annotations: { [REF_NAME_ANNOTATION]: 'foreign:1', 'io.containerd.image.name': 'docker.io/library/foreign:1' } },
    ];
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, annotations: { by: 'skopeo' }, manifests: entries }));

    const store = await open();
    expect(await store.refs.list()).toEqual([
      { name: 'foreign:1', descriptor: { ...foreign.manifest.descriptor, annotations: { 'io.containerd.image.name': 'docker.io/library/foreign:1' } } },
    ]);
    const mine = await testImage(['mine']);
    await importImage(store, 'mine', mine.blobs);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.annotations).toEqual({ by: 'skopeo' });
    expect(index.manifests.slice(0, 2)).toEqual(entries);
    expect((await store.prune()).deleted).toEqual([]);
    expect(await store.usage()).toMatchObject({ blobs: 9, unreferencedBlobs: 0 });
  });

  it('keeps build cache records in index.json, committed with refs; skips a malformed record', async () => {
    const store = await open();
    const image = await testImage(['cached']);
    const record = { key: await sha256Digest(new TextEncoder().encode('step')), layer: image.layers[0].descriptor, diffId: image.layers[0].descriptor.digest };
    await inTransaction(store, async (tx) => {
      await putAll(tx, image.blobs);
      tx.setRef('built', image.manifest.descriptor);
      tx.setCacheRecord(record);
    });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index[BUILD_CACHE_FIELD]).toEqual([record]);
    index[BUILD_CACHE_FIELD].push({ key: 'sha256:bogus', layer: 7 });
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
    expect(await (await open()).cache.list()).toEqual([record]);
    await store.refs.set('alias', image.manifest.descriptor); // a refs-only commit keeps the records
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))[BUILD_CACHE_FIELD]).toEqual([record]);
    await store.remove('built');
    await store.remove('alias');
    await store.prune();
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))).not.toHaveProperty(BUILD_CACHE_FIELD);
  });

  it('looks up and removes names other tools wrote outside our grammar, but never writes such names', async () => {
    const store = await open();
    const image = await testImage(['odd name']);
    await putAll(store.blobs, image.blobs);
    const odd = 'has space';
    const entry = { ...image.manifest.descriptor, annotations: { [REF_NAME_ANNOTATION]: odd } };
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
    expect(await store.refs.get(odd)).toEqual(image.manifest.descriptor);
    await expect(store.refs.set(odd, image.manifest.descriptor)).rejects.toMatchObject({ kind: 'InvalidArgument' });
    expect((await store.remove(odd)).deleted).toHaveLength(3);
  });

  it('does not take a symlink planted in blobs/ for a blob', async () => {
    const store = await open();
    const secret = join(dir, '..', 'secret');
    writeFileSync(secret, 'host secret');
    const digest = await sha256Digest(new TextEncoder().encode('host secret'));
    symlinkSync(secret, join(dir, 'blobs', 'sha256', digestHex(digest)));
    expect(await store.blobs.has(digest)).toBe(false);
    await expect(store.blobs.get(digest)).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('removes temp files of dead processes when opening, and leaves those of live ones', async () => {
    const tx = (await open()).begin();
    await tx.put(new TextEncoder().encode('live staging'));
    const [live] = readdirSync(join(dir, '.wasmbox', 'tx')); // <host tag>-<pid>-<random>, owned by this process
    const dead = `${live.split('-')[0]}-${deadPid()}-0123abcd`;
    writeFileSync(join(dir, '.wasmbox', 'tmp', dead), 'half a blob');
    mkdirSync(join(dir, '.wasmbox', 'tx', dead));
    await open();
    expect(residue(dir)).toEqual([`tx/${live}`]);
    await tx.abort();
    expect(residue(dir)).toEqual([]);
  });

  it('ignores files in blobs/ that are not sha256 blobs', async () => {
    const store = await open();
    writeFileSync(join(dir, 'blobs', 'sha256', 'README'), 'not a blob');
    mkdirSync(join(dir, 'blobs', 'sha512'));
    writeFileSync(join(dir, 'blobs', 'sha512', 'a'.repeat(128)), 'other algorithm');
    expect(await store.usage()).toMatchObject({ blobs: 0 });
    await store.prune();
    expect(existsSync(join(dir, 'blobs', 'sha256', 'README'))).toBe(true);
  });

  it('reports a damaged layout as FailedPrecondition', async () => {
    const store = await open();
    writeFileSync(join(dir, 'index.json'), '{"manifests": [{"digest": "sha256:../../../etc/passwd", "size": 1}]}');
    await expect(store.refs.list()).rejects.toMatchObject({ kind: 'FailedPrecondition' });
    await expect(store.prune()).rejects.toMatchObject({ kind: 'FailedPrecondition' });
    writeFileSync(join(dir, 'index.json'), 'not json');
    await expect(store.refs.list()).rejects.toMatchObject({ kind: 'FailedPrecondition' });
    rmSync(join(dir, 'index.json'));
    await expect(store.prune()).rejects.toMatchObject({ kind: 'FailedPrecondition' });
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await expect(openOciLayoutStore(dir)).rejects.toMatchObject({ kind: 'FailedPrecondition' });
  });

  it('a process killed after publishing blobs but before index.json: reopening restores the store exactly', async () => {
    const store = await open();
    const kept = await testImage(['kept layer']);
    await importImage(store, 'kept', kept.blobs);
    const before = layoutFiles(dir);

    const child = await runChild(['crash-in-commit', dir]);
    expect(child.signal, child.stderr).toBe('SIGKILL');
    // The crash really came mid-commit: blobs published, index untouched, a journal in a stale transaction.
    expect(Object.keys(layoutFiles(dir)).length).toBeGreaterThan(Object.keys(before).length);
    expect(layoutFiles(dir)['index.json']).toBe(before['index.json']);
    const [tx] = readdirSync(join(dir, '.wasmbox', 'tx'));
    expect(readdirSync(join(dir, '.wasmbox', 'tx', tx))).toContain('journal.json');

    await open();
    expect(layoutFiles(dir)).toEqual(before);
    expect(residue(dir)).toEqual([]);
  });

  it('a process killed with a transaction open: reopening removes its staging', async () => {
    await open();
    const before = layoutFiles(dir);
    const child = await runChild(['crash-staged', dir]);
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(readdirSync(join(dir, '.wasmbox', 'tx'))).toHaveLength(1);
    await open();
    expect(layoutFiles(dir)).toEqual(before);
    expect(residue(dir)).toEqual([]);
  });

  it('breaks the lock of a process that died holding it', async () => {
    const store = await open();
    writeFileSync(join(dir, '.wasmbox', 'lock'), JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead' }));
    const image = await testImage(['after a dead holder']);
    await importImage(store, 'after', image.blobs);
    expect((await store.refs.get('after'))?.digest).toBe(image.manifest.descriptor.digest);
    expect(residue(dir)).toEqual([]);
  });

  it('waits for a live holder and gives up with Unavailable', async () => {
    const store = await open({ lock: { timeoutMs: 300 } });
    const image = await testImage(['blocked']);
    await putAll(store.blobs, image.blobs);
    writeFileSync(join(dir, '.wasmbox', 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'live' }));
    await expect(store.refs.set('blocked', image.manifest.descriptor)).rejects.toMatchObject({ kind: 'Unavailable' });
    expect(await store.refs.list()).toEqual([]);
    rmSync(join(dir, '.wasmbox', 'lock'));
    await store.refs.set('blocked', image.manifest.descriptor);
    expect(await store.refs.list()).toHaveLength(1);
  });

  it('processes racing imports into one store lose nothing', async () => {
    const store = await open();
    const barrier = join(dir, '..', 'barrier');
    mkdirSync(barrier);
    const prefixes = ['p1', 'p2', 'p3'];
    const children = prefixes.map((prefix) => runChild(['race', dir, prefix, '15', barrier]));
    let exited = false;
    void Promise.all(children).then(() => (exited = true));
    while (readdirSync(barrier).length < prefixes.length && !exited) await new Promise((r) => setTimeout(r, 10));
    writeFileSync(join(barrier, 'go'), '');
    for (let i = 0; i < 15; i++) {
      const image = await testImage(['layer every image shares', `parent-${i}`], 'parent');
      await importImage(store, `parent:${i}`, image.blobs);
    }
    for (const result of await Promise.all(children)) expect(result, result.stderr).toMatchObject({ code: 0 });

    const fresh = await open();
    const names = (await fresh.refs.list()).map((r) => r.name);
    expect(names).toHaveLength(60);
    for (const p of ['parent', 'p1', 'p2', 'p3']) for (let i = 0; i < 15; i++) expect(names).toContain(`${p}:${i}`);
    expect(await fresh.usage()).toMatchObject({ blobs: 1 + 60 * 3, unreferencedBlobs: 0 });
    expect(residue(dir)).toEqual([]);
  }, 60_000);

  const skopeo = spawnSync('sh', ['-c', 'command -v skopeo']).status === 0;
  const skopeoTitle = 'is read as is by `skopeo inspect oci:DIR:NAME`';
  it.skipIf(!skopeo)(skopeo ? skopeoTitle : `${skopeoTitle} (skipped: skopeo is not installed; .ci/run installs it)`, async () => {
    const store = await open();
    const layer = await blob(ustar('hello.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), MEDIA_TYPE.ociLayer);
    const config = await jsonBlob(
      {
        architecture: 'wasm',
        os: 'wasi',
        config: { Entrypoint: ['/hello.wasm'], WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [layer.descriptor.digest] },
      },
      MEDIA_TYPE.ociConfig,
    );
    const manifest = await jsonBlob(
      { schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, config: config.descriptor, layers: [layer.descriptor] },
      MEDIA_TYPE.ociManifest,
    );
    await importImage(store, 'wasi/hello:1.0', [layer, config, manifest]);
    await store.refs.set('latest', manifest.descriptor);
    // index.json's build cache field must not disturb other readers
    const key = await sha256Digest(new TextEncoder().encode('a build step'));
    await inTransaction(store, async (tx) => tx.setCacheRecord({ key, layer: layer.descriptor, diffId: layer.descriptor.digest }));
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))[BUILD_CACHE_FIELD]).toHaveLength(1);
    for (const name of ['latest', 'wasi/hello:1.0']) {
      const out = JSON.parse(execFileSync('skopeo', ['inspect', `oci:${dir}:${name}`], { encoding: 'utf8' }));
      expect(out).toMatchObject({ Digest: manifest.descriptor.digest, Os: 'wasi', Architecture: 'wasm' });
      expect(out.Layers).toEqual([layer.descriptor.digest]);
    }
  });
});

/** A one-file ustar archive (POSIX.1-1988 header, two zero blocks at the end). */
function ustar(name: string, data: Uint8Array): Uint8Array {
  const block = (n: number) => Math.ceil(n / 512) * 512;
  const out = new Uint8Array(512 + block(data.length) + 1024);
  const put = (offset: number, value: string) => out.set(new TextEncoder().encode(value), offset);
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
  put(0, name);
  put(100, octal(0o755, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(data.length, 12));
  put(136, octal(0, 12));
  put(148, '        ');
  put(156, '0');
  put(257, 'ustar\u000000');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[i];
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  out.set(data, 512);
  return out;
}
