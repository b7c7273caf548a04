// Rows: images (wasmbox only; the other hosts have no images).
// - import of a 50 MB image: `node dist/cli.js load -i big.tar` into a fresh $WASMBOX_HOME, wall time including the
//   CLI's process start (median of 2); MB/s = tar bytes / time. The in-process `loadArchive` time is in the JSON.
// - container start from a stored 50 MB image vs a 1 MB image (bench/images/start.mjs, a fresh process per sample,
//   3 per image, alternating): first start (a new process: layer indexes read from disk) and warm start (median of 10 later runs).
// - store size after loading two images that share a 40 MB layer: bytes of the files under the store's
//   blobs/sha256 directory, against the two images' blob bytes added up.
// The archives are built by bench/images/prepare.mjs (the repository's image code run under tsx: the dist bundle
// exports the engine, not the image toolkit), in a scratch directory removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../stats.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(root, 'dist/cli.js');
const MB = 1_000_000;

function node(args, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().slice(-400)}`);
  return { ms, stdout: r.stdout };
}

function blobBytes(home) {
  const dir = join(home, 'store', 'blobs', 'sha256');
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

const fmt = (ms) => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);

export async function images(ctx) {
  const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-bench-images-'));
  const home = (name) => join(scratch, name);
  const rows = [];
  try {
    ctx.log('  building archives (50 MB, 1 MB, 2 × 40 MB shared) ...');
    const prep = JSON.parse(node(['--import', 'tsx', 'bench/images/prepare.mjs', scratch]).stdout);

    ctx.log('  import (wasmbox load) ...');
    const loadMs = [];
    for (let i = 0; i < 2; i++) loadMs.push(node([CLI, 'load', '-i', join(scratch, 'big.tar')], { WASMBOX_HOME: home(`import-${i}`) }).ms);
    const ms = median(loadMs);
    const mbps = prep.tars.big / MB / (ms / 1000);
    const libMbps = prep.tars.big / MB / (median(prep.inProcessLoadMs) / 1000);
    rows.push({
      id: 'image-import',
      title: 'import a 50 MB image (`wasmbox load -i`)',
      target: { text: '—' },
      cells: { wasmbox: { ms, text: `${mbps.toFixed(1)} MB/s (${fmt(ms)} for ${(prep.tars.big / MB).toFixed(0)} MB; in-process ${libMbps.toFixed(1)} MB/s)` } },
      raw: { loadMs, tarBytes: prep.tars.big, inProcessLoadMs: prep.inProcessLoadMs },
    });

    ctx.log('  container start, 50 MB vs 1 MB image ...');
    const startHome = home('import-0');
    node([CLI, 'load', '-i', join(scratch, 'small.tar')], { WASMBOX_HOME: startHome });
    const samples = { big: [], small: [] };
    for (let i = 0; i < 3; i++) {
      for (const image of ['big', 'small']) {
        samples[image].push(JSON.parse(node(['bench/images/start.mjs', `${image}:1`, '10'], { WASMBOX_HOME: startHome }).stdout));
      }
    }
    const first = (s) => median(s.map((x) => x.firstMs));
    const warm = (s) => median(s.flatMap((x) => x.warmMs));
    const big = { first: first(samples.big), warm: warm(samples.big) };
    const small = { first: first(samples.small), warm: warm(samples.small) };
    rows.push({
      id: 'image-start',
      title: 'container start from a stored image: 50 MB vs 1 MB (first / warm)',
      target: { text: 'warm start flat with image size', ok: (cell) => cell.warmRatio <= 1.5 },
      cells: {
        wasmbox: {
          warmRatio: big.warm / small.warm,
          text: `50 MB: ${fmt(big.first)} / ${fmt(big.warm)}; 1 MB: ${fmt(small.first)} / ${fmt(small.warm)} (warm ${(big.warm / small.warm).toFixed(2)}×)`,
        },
      },
      raw: samples,
    });

    ctx.log('  store size, two images sharing a 40 MB layer ...');
    const sharedHome = home('shared');
    for (const name of ['shared-a', 'shared-b']) node([CLI, 'load', '-i', join(scratch, `${name}.tar`)], { WASMBOX_HOME: sharedHome });
    const onDisk = blobBytes(sharedHome);
    const separately = prep.images['shared-a'].blobBytes + prep.images['shared-b'].blobBytes;
    const sharedLayer = prep.images['shared-a'].layers[1];
    rows.push({
      id: 'image-store-size',
      title: 'store size after loading 2 images sharing a 40 MB layer',
      target: { text: 'shared layer stored once', ok: (cell) => cell.bytes < separately - sharedLayer * 0.99 },
      cells: {
        wasmbox: {
          bytes: onDisk,
          text: `${(onDisk / MB).toFixed(2)} MB on disk (images add up to ${(separately / MB).toFixed(2)} MB; shared layer ${(sharedLayer / MB).toFixed(2)} MB)`,
        },
      },
      raw: { onDisk, separately, sharedLayer },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
