// Rows: cold and warm `run hello`.
// cold: a fresh process per sample; timed from creating the host (wasmbox: createEngine, no prewarm, so the first run
//       spawns its worker and compiles) to the exit status. The library import is excluded (reported in the JSON).
// warm: wasmbox with a prewarmed pool and the module cached; the others with the module compiled once.
import { median } from '../stats.mjs';
import { fixture, msCells, perPeer, runMedians } from './common.mjs';

const HELLO = { wasm: fixture('hello'), argv0: 'hello', args: [], expect: { stdout: 'hello from wasm\n' } };
const COLD_SAMPLES = 5;

export async function coldHello(ctx) {
  const medians = {};
  const importMs = {};
  for (const peer of ctx.peers) {
    ctx.log(`  ${peer} ...`);
    const samples = [];
    let failure = null;
    for (let i = 0; i <= COLD_SAMPLES && !failure; i++) {
      const outcome = await ctx.runTask({ peer, kind: 'cold', ...HELLO }, 30_000);
      if (!outcome.ok) failure = outcome.reason;
      else if (i > 0) samples.push(outcome.result); // the first process only warms the disk cache
    }
    medians[peer] = failure ? { na: failure } : { ms: median(samples.map((s) => s.ms)) };
    importMs[peer] = samples.length ? median(samples.map((s) => s.importMs)) : null;
  }
  return {
    id: 'cold-hello',
    title: 'cold `run hello` (new host, first run)',
    target: { text: '—' },
    cells: msCells(medians),
    raw: { medians, importMs },
  };
}

export async function warmHello(ctx) {
  const outcomes = await perPeer(ctx, () => ({ kind: 'runs', ...HELLO, warmup: 3, reps: 25 }), 60_000, { rounds: 2 });
  return {
    id: 'warm-hello',
    title: 'warm `run hello` (median of 50)',
    target: { text: '≤ 5 ms', ok: (cell) => cell.ms <= 5 },
    cells: msCells(runMedians(outcomes)),
    raw: outcomes,
  };
}
