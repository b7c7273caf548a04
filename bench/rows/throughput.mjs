// Row: containers per second running `hello` back to back with a warm pool (wasmbox: 4 warm workers; sequential and
// 2-4 in flight, best reported). Synchronous hosts run one at a time on the calling thread.
import { BASELINE } from '../peers/index.mjs';
import { fmtRate, fmtRatio } from '../stats.mjs';
import { fixture, perPeer } from './common.mjs';

export async function containersPerSecond(ctx) {
  const task = { kind: 'rate', wasm: fixture('hello'), argv0: 'hello', args: [], concurrencies: [1, 2, 3, 4],
    durationMs: 1500, warmup: 5, peerOptions: { warmWorkers: 4 }, expect: { stdout: 'hello from wasm\n' } };
  const outcomes = await perPeer(ctx, () => task, 60_000);
  const best = (o) => o.result.results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const baseRate = outcomes[BASELINE]?.ok ? best(outcomes[BASELINE]).perSecond : Number.NaN;
  const cells = {};
  for (const [peer, o] of Object.entries(outcomes)) {
    if (!o.ok) {
      cells[peer] = { na: o.reason };
      continue;
    }
    const b = best(o);
    const ratio = baseRate / b.perSecond; // time per container relative to node:wasi
    const all = o.result.results.length > 1 ? ` [${o.result.results.map((r) => `c${r.concurrency}: ${fmtRate(r.perSecond)}`).join(', ')}]` : '';
    cells[peer] = { rate: b.perSecond, ratio, text: `${fmtRate(b.perSecond)} (${fmtRatio(ratio)})${all}` };
  }
  return {
    id: 'containers-per-second',
    title: 'containers/s, warm pool, `hello`',
    target: { text: '≥ 500/s', ok: (cell) => cell.rate >= 500 },
    cells,
    raw: outcomes,
  };
}
