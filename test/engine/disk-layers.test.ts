/**
 * Layers kept on disk (Node's default): an image's layers are unpacked once per machine into `layers/` (the
 * uncompressed tar + its index; a plain tar is a hard link to the store's blob), containers read file bytes on demand
 * through extents, a write copies the file up into the container, and a fresh engine (a new `wasmbox run`) reads no
 * blob at all. Guest: test/programs/image_file.c (prints a file's size and FNV-1a hash, optionally after a pwrite).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.ts';
import { DiskLayerSnapshots } from '../../runtime/engine/layer-snapshots.node.ts';
import { nodePlatform } from '../../runtime/platform/platform.node.ts';
import type { FileExtent, LowerEntry } from '../../runtime/vfs/api.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import type { ImageStore } from '../../images/store/blob-store.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import { readText } from '../helpers/run-guest.ts';
import { buildImage, dir, file, program } from '../helpers/images.ts';

const home = mkdtempSync(join(tmpdir(), 'wasmbox-disk-layers-'));
const storeDir = join(home, 'store');
const layersDir = join(home, 'layers');
const BIG = 6 * 1024 * 1024 + 123;
const big = new Uint8Array(BIG).map((_, i) => (i * 7 + (i >> 12)) & 0xff);
let store: ImageStore;
const engines: Engine[] = [];

function fnv(bytes: Uint8Array): string {
  let hash = 0xcbf29ce484222325n;
  for (const b of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(b)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

function newEngine(on: { store: ImageStore; storeDir: string; layersDir: string } = { store, storeDir, layersDir }): Engine {
  const blobs = join(on.storeDir, 'blobs');
  const layerSnapshots = new DiskLayerSnapshots(on.layersDir, { blobFile: (digest) => join(blobs, ...digest.split(':')) });
  const engine = new Engine({ platform: nodePlatform(), warmWorkers: 1, store: on.store, layerSnapshots });
  engines.push(engine);
  return engine;
}

async function run(engine: Engine, args: string[]) {
  const proc = await engine.run({ image: 'big', args });
  const [status, stdout, stderr] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout: stdout.trim(), stderr };
}

function layerDir(digest: string): string {
  return join(layersDir, ...digest.split(':'));
}

function extents(tree: LowerEntry): FileExtent[] {
  const out: FileExtent[] = [];
  const walk = (e: LowerEntry) => {
    if (e.data !== undefined && !(e.data instanceof Uint8Array)) out.push(e.data);
    for (const child of Object.values(e.children ?? {})) if (child.type !== 'whiteout') walk(child as LowerEntry);
  };
  walk(tree);
  return out;
}

beforeAll(async () => {
  store = await openOciLayoutStore(storeDir);
  // Layer 0 is gzip (unpacked into its own file), layer 1 plain tar (a hard link to the blob).
  await buildImage(store, 'big', [[dir('bin'), program('image_file')], [dir('data'), file('data/big.bin', big)]], {
    Entrypoint: ['/bin/image_file.wasm'],
    Cmd: ['/data/big.bin'],
  });
});

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await store?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('layers on disk', () => {
  it('runs from extents: no layer bytes in memory, the plain layer a hard link to its blob', async () => {
    const engine = newEngine();
    const result = await run(engine, []);
    expect(result).toMatchObject({ code: 0, stdout: `size=${BIG} fnv=${fnv(big)}` });

    const handle = await engine.images.resolve('big');
    const [gz, plain] = handle.image.layers;
    const lowers = await engine.images.lowerLayers(handle);
    expect(extents(lowers[1]).map((e) => e.size)).toEqual([BIG]);
    expect((await engine.images.layers()).sharedBytes).toBe(0);

    const blobFile = join(storeDir, 'blobs', ...plain.digest.split(':'));
    expect(statSync(join(layerDir(plain.digest), 'data')).ino).toBe(statSync(blobFile).ino);
    const gzData = readFileSync(join(layerDir(gz.digest), 'data'));
    expect(gzData.byteLength).toBeGreaterThan(gz.size); // the uncompressed tar
    expect(`sha256:${createHash('sha256').update(gzData).digest('hex')}`).toBe(handle.image.config.rootfs.diff_ids[0]);
  });

  it('a fresh engine (a new process) reads no blob: the snapshots are reused', async () => {
    const engine = newEngine();
    const result = await run(engine, []);
    expect(result.stdout).toBe(`size=${BIG} fnv=${fnv(big)}`);
    expect((await engine.images.layers()).blobReads).toBe(0);
  });

  it('a write copies the file up into that container only; the image and the layer file stay as they were', async () => {
    const engine = newEngine();
    const handle = await engine.images.resolve('big');
    const plainData = join(layerDir(handle.image.layers[1].digest), 'data');
    const before = createHash('sha256').update(readFileSync(plainData)).digest('hex');

    const patched = big.slice();
    patched.set(new TextEncoder().encode('PATCH'), 5_000_000);
    expect((await run(engine, ['/data/big.bin', '5000000', 'PATCH'])).stdout).toBe(`size=${BIG} fnv=${fnv(patched)}`);
    expect((await run(engine, [])).stdout).toBe(`size=${BIG} fnv=${fnv(big)}`);
    expect(createHash('sha256').update(readFileSync(plainData)).digest('hex')).toBe(before);
  });

  it('remakes a torn snapshot from the blob instead of serving wrong bytes', async () => {
    const handle = await newEngine().images.resolve('big');
    const gzData = join(layerDir(handle.image.layers[0].digest), 'data');
    truncateSync(gzData, 1000);
    const engine = newEngine();
    expect((await run(engine, [])).stdout).toBe(`size=${BIG} fnv=${fnv(big)}`);
    expect((await engine.images.layers()).blobReads).toBe(1);
    expect(statSync(gzData).size).toBeGreaterThan(1000);
  });

  it('a load unpacks the layers it brings: gzip ones from the load\'s own read, plain ones linked after the commit', async () => {
    const archive = await saveArchive(store, ['big']);
    const other = { storeDir: join(home, 'store2'), layersDir: join(home, 'layers2') };
    const otherStore = await openOciLayoutStore(other.storeDir);
    try {
      const engine = newEngine({ store: otherStore, ...other });
      const { loaded } = await engine.images.load(archive);
      expect(loaded).toHaveLength(1);
      // only the plain layer's blob was read after the load (to index it); the gzip one came from the load itself
      expect((await engine.images.layers()).blobReads).toBe(1);
      const handle = await engine.images.resolve('big');
      for (const layer of handle.image.layers) {
        expect(statSync(join(other.layersDir, ...layer.digest.split(':'), 'index.json')).isFile()).toBe(true);
      }
      expect((await run(engine, [])).stdout).toBe(`size=${BIG} fnv=${fnv(big)}`);
    } finally {
      await otherStore.close();
    }
  });

  it('closes every layer file it opened once the engine and its workers are gone', async () => {
    /** Descriptors (numbers) of this process open on files under layers/. */
    const layerFds = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(layersDir);
        } catch {
          return false; // closed meanwhile (readdir's own descriptor)
        }
      });
    const before = layerFds(); // other tests' engines keep theirs
    const engine = new Engine({ platform: nodePlatform(), warmWorkers: 1, store, layerSnapshots: new DiskLayerSnapshots(layersDir) });
    expect((await run(engine, [])).code).toBe(0);
    // the worker read big.bin's layer and keeps it open for the next run; the host read the module's layer
    const opened = layerFds().filter((fd) => !before.includes(fd));
    expect(opened).toHaveLength(2);
    await engine.close(); // terminates the worker: its descriptors are the process's, so the host closes them
    expect(layerFds().filter((fd) => opened.includes(fd))).toEqual([]);
  });

  it('prune drops the snapshots of layers whose blobs are gone', async () => {
    const engine = newEngine();
    const handle = await engine.images.resolve('big');
    const snapshots = new DiskLayerSnapshots(layersDir);
    await snapshots.prune(async (digest) => digest !== handle.image.layers[0].digest);
    expect(() => statSync(layerDir(handle.image.layers[0].digest))).toThrow(/ENOENT/);
    expect(statSync(layerDir(handle.image.layers[1].digest)).isDirectory()).toBe(true);
  });
});
