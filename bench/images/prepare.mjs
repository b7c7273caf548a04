// bench images/prepare: builds the image archives the image rows use, with the repository's own image code
// (images/layer writeLayer, images/archive saveArchive on a memory store). Run under tsx (it imports the TypeScript
// sources: the dist bundle exports the engine, not the image toolkit):
//   node --import tsx bench/images/prepare.mjs OUT_DIR [--big-only]
// (--big-only: just big.tar and no in-process import; the browser rows' image import uses it.)
// Writes OUT_DIR/{big,small,shared-a,shared-b}.tar and prints JSON on stdout: each tar's bytes, the images' layer
// sizes, and an in-process import time (loadArchive into a fresh OCI layout store) for big.tar.
// Images (wasi/wasm, gzip layers, Entrypoint /hello.wasm):
//   big:1       hello.wasm layer + a 50 MB layer (10 files of 5 MB of pseudo-random bytes: gzip cannot shrink them)
//   small:1     hello.wasm layer + a 1 MB layer
//   shared-a:1  hello.wasm layer + a 40 MB layer (the same blob in both) + a small layer of its own
//   shared-b:1  the same with a different small layer
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLayer, writeLayerTar } from '../../images/layer/write-layer.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import { loadArchive } from '../../images/archive/load-archive.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { inTransaction } from '../../images/store/blob-store.ts';
import { sha256Digest } from '../../images/oci/digest.ts';
import { MEDIA_TYPE } from '../../images/oci/media-types.ts';
import { storeName } from '../../runtime/engine/image-service.ts';

const out = process.argv[2];
const bigOnly = process.argv.includes('--big-only');
const MB = 1_000_000;
const enc = new TextEncoder();
const hello = new Uint8Array(readFileSync(new URL('../../.cache/fixtures/hello.wasm', import.meta.url)));

/** Pseudo-random bytes (xorshift32, seeded): deterministic and incompressible. */
function noise(bytes, seed) {
  const words = new Uint32Array(Math.ceil(bytes / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, bytes);
}

const file = (path, data, mode = 0o644) => ({ path, kind: 'file', mode, mtimeSec: 0, data });
const dataLayer = (dir, total, files, seed) =>
  Array.from({ length: files }, (_, i) => file(`${dir}/part-${i}.bin`, noise(Math.floor(total / files), seed + i)));

async function storeImage(store, name, layerSets) {
  const blobs = [];
  const layers = [];
  const diffIds = [];
  for (const entries of layerSets) {
    const bytes = await writeLayer(entries, { gzip: true });
    diffIds.push(await sha256Digest(writeLayerTar(entries)));
    const d = { mediaType: MEDIA_TYPE.ociLayerGzip, digest: await sha256Digest(bytes), size: bytes.length };
    layers.push(d);
    blobs.push([bytes, d]);
  }
  const configBytes = enc.encode(JSON.stringify({
    created: '2026-01-01T00:00:00Z', architecture: 'wasm', os: 'wasi',
    config: { Entrypoint: ['/hello.wasm'] }, rootfs: { type: 'layers', diff_ids: diffIds },
    history: layerSets.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `bench layer ${i}` })),
  }));
  const config = { mediaType: MEDIA_TYPE.ociConfig, digest: await sha256Digest(configBytes), size: configBytes.length };
  const manifestBytes = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, config, layers }));
  const manifest = { mediaType: MEDIA_TYPE.ociManifest, digest: await sha256Digest(manifestBytes), size: manifestBytes.length };
  await inTransaction(store, async (tx) => {
    for (const [bytes, d] of blobs) await tx.put(bytes, d);
    await tx.put(configBytes, config);
    await tx.put(manifestBytes, manifest);
    tx.setRef(storeName(name), manifest);
  });
  return { layers: layers.map((l) => l.size), blobBytes: layers.reduce((n, l) => n + l.size, 0) + config.size + manifest.size };
}

const store = createMemoryStore();
const base = [file('hello.wasm', hello, 0o755)];
const shared = bigOnly ? null : dataLayer('data', 40 * MB, 8, 1000);
const images = {
  big: await storeImage(store, 'big:1', [base, dataLayer('data', 50 * MB, 10, 1)]),
};
if (!bigOnly) {
  images.small = await storeImage(store, 'small:1', [base, dataLayer('data', 1 * MB, 1, 500)]);
  images['shared-a'] = await storeImage(store, 'shared-a:1', [base, shared, [file('etc/which', enc.encode('a\n'))]]);
  images['shared-b'] = await storeImage(store, 'shared-b:1', [base, shared, [file('etc/which', enc.encode('b\n'))]]);
}
const tars = {};
for (const name of Object.keys(images)) {
  const tar = await saveArchive(store, [`${name}:1`]);
  writeFileSync(join(out, `${name}.tar`), tar);
  tars[name] = tar.byteLength;
}

// In-process import of big.tar (the library path, without the CLI's process start): one run, into a fresh store.
const bigTar = new Uint8Array(readFileSync(join(out, 'big.tar')));
const loadMs = [];
for (let i = 0; i < (bigOnly ? 0 : 1); i++) {
  const dir = mkdtempSync(join(tmpdir(), 'wasmbox-bench-store-'));
  try {
    const target = await openOciLayoutStore(join(dir, 'store'));
    const t0 = performance.now();
    await loadArchive(target, bigTar);
    loadMs.push(performance.now() - t0);
    await target.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify({ tars, images, inProcessLoadMs: loadMs })}\n`);
