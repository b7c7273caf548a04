// bench child: runs one measurement task for one peer in its own process, so peers never share a heap, a JIT or
// a thread pool, and a peer that hangs can be killed by the parent (bench/harness.mjs) without stalling the bench.
//
// Task kinds (the JSON task arrives in argv[2]; the result goes back over the IPC channel):
// - runs:   prepare once, `warmup` checked runs, then `reps` timed runs (stops early past `budgetMs`).
// - cold:   one run in this fresh process, timed from creating the host (engine/WASI instance) to the exit status.
// - ladder: the same program at growing sizes ({n} in args); stops before a size projected to exceed `maxRunMs`.
// - rate:   back-to-back runs for `durationMs` at each concurrency: containers per second.
import { readFileSync } from 'node:fs';
import { loadPeer } from './peers/index.mjs';

const task = JSON.parse(process.argv[2]);

async function main() {
  const t0 = performance.now();
  const peerModule = await loadPeer(task.peer);
  const importMs = performance.now() - t0;
  const bytes = new Uint8Array(readFileSync(task.wasm));
  if (task.kind === 'cold') return cold(peerModule, bytes, importMs);
  const peer = await peerModule.createPeer(task.peerOptions ?? {});
  try {
    if (task.kind === 'runs') return await runs(peer, bytes);
    if (task.kind === 'ladder') return await ladder(peer, bytes);
    if (task.kind === 'rate') return await rate(peer, peerModule.concurrent, bytes);
    throw new Error(`unknown task kind ${task.kind}`);
  } finally {
    await peer.close();
  }
}

async function cold(peerModule, bytes, importMs) {
  const start = performance.now();
  const peer = await peerModule.createPeer({ ...(task.peerOptions ?? {}), prewarm: false });
  const prepared = await peer.prepare(bytes);
  const result = await peer.run(prepared, { argv0: task.argv0, args: task.args, capture: true });
  const ms = performance.now() - start;
  check(result, task.expect);
  await peer.close();
  return { ms, importMs };
}

async function runs(peer, bytes) {
  const start = performance.now();
  const prepared = await peer.prepare(bytes);
  const prepareMs = performance.now() - start;
  let firstMs = null;
  for (let i = 0; i < (task.warmup ?? 1); i++) {
    const result = await peer.run(prepared, { argv0: task.argv0, args: task.args, capture: true });
    check(result, task.expect);
    firstMs ??= performance.now() - start;
  }
  const times = [];
  const deadline = performance.now() + (task.budgetMs ?? Infinity);
  for (let i = 0; i < task.reps && (i < 1 || performance.now() < deadline); i++) {
    times.push(await timedRun(peer, prepared, task.args));
  }
  return { times, prepareMs, firstMs };
}

async function ladder(peer, bytes) {
  const prepared = await peer.prepare(bytes);
  const argsFor = (n) => task.args.map((a) => a.replaceAll('{n}', String(n)));
  const expectFor = (n) => ({ ...task.expect, stdout: task.expect.stdout.replaceAll('{n}', String(n)) });
  // Warm the host and the guest on the smallest size, checking the output once per size.
  check(await peer.run(prepared, { argv0: task.argv0, args: argsFor(task.sizes[0]), capture: true }), expectFor(task.sizes[0]));
  const points = [];
  let stopped = null;
  for (const n of task.sizes) {
    const projected = project(points, n);
    if (projected > task.maxRunMs) {
      stopped = { size: n, projectedMs: projected };
      break;
    }
    // The first run at a size is a warmup when there is time for more: it pays for memory the host has never
    // touched (page faults; in a VM ~3 ms per fresh MiB), which later runs reuse. It is kept as `firstMs`.
    const times = [];
    const started = performance.now();
    let firstMs = null;
    while (times.length < task.reps && (times.length === 0 || performance.now() - started < task.perSizeBudgetMs)) {
      const t = performance.now();
      const result = await peer.run(prepared, { argv0: task.argv0, args: argsFor(n), capture: true });
      const ms = performance.now() - t;
      check(result, expectFor(n));
      if (firstMs === null) {
        firstMs = ms;
        if (ms <= task.maxRunMs / 2) continue; // affordable: the first run was the warmup; measure again
      }
      times.push(ms);
    }
    points.push({ size: n, times, firstMs });
  }
  return { points, stopped };
}

/** Time at size n extrapolated from the last two points (growth exponent at least 1), or 0 with no data. */
function project(points, n) {
  if (points.length === 0) return 0;
  const last = points.at(-1);
  const lastMs = Math.min(...last.times);
  let exponent = 1;
  if (points.length >= 2) {
    const prev = points.at(-2);
    exponent = Math.max(1, Math.log(lastMs / Math.min(...prev.times)) / Math.log(last.size / prev.size));
  }
  return lastMs * (n / last.size) ** exponent;
}

async function rate(peer, concurrent, bytes) {
  const prepared = await peer.prepare(bytes);
  for (let i = 0; i < (task.warmup ?? 3); i++) {
    check(await peer.run(prepared, { argv0: task.argv0, args: task.args, capture: true }), task.expect);
  }
  const results = [];
  for (const concurrency of concurrent ? task.concurrencies : [1]) {
    let done = 0;
    let failed = null;
    const start = performance.now();
    const deadline = start + task.durationMs;
    const lane = async () => {
      while (performance.now() < deadline && !failed) {
        const result = await peer.run(prepared, { argv0: task.argv0, args: task.args, capture: false });
        if (result.code !== 0) failed = `exit ${result.code}: ${result.stderr}`;
        done++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    if (failed) throw new Error(failed);
    const ms = performance.now() - start;
    results.push({ concurrency, runs: done, ms, perSecond: (done * 1000) / ms });
  }
  return { results };
}

async function timedRun(peer, prepared, args) {
  const t = performance.now();
  const result = await peer.run(prepared, { argv0: task.argv0, args, capture: false });
  const ms = performance.now() - t;
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr.slice(0, 300)}`);
  return ms;
}

/** Throws (making the row "n/a") unless the run exited 0 with the expected output. */
function check(result, expect = {}) {
  const stderr = (result.stderr ?? '').trim().slice(0, 300);
  if (result.code !== 0) throw new Error(`exit code ${result.code}${stderr ? `: ${stderr}` : ''}`);
  const out = result.stdout ?? '';
  if (expect.stdout !== undefined && out !== expect.stdout) {
    throw new Error(`wrong output ${JSON.stringify(out.slice(0, 80))}, expected ${JSON.stringify(expect.stdout.slice(0, 80))}`);
  }
  if (expect.pattern !== undefined && !new RegExp(expect.pattern).test(out)) {
    throw new Error(`wrong output ${JSON.stringify(out.slice(0, 80))}, expected /${expect.pattern}/`);
  }
  if (expect.bytes !== undefined && out.length !== expect.bytes) {
    throw new Error(`wrong output size ${out.length} bytes, expected ${expect.bytes}`);
  }
}

main().then(
  (result) => process.send({ ok: true, result }, () => process.exit(0)),
  (error) => {
    const message = error instanceof Error ? error.message : String(error);
    process.send({ ok: false, error: message.split('\n')[0].slice(0, 300) }, () => process.exit(0));
  },
);
