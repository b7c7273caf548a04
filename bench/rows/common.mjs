// Shared by the rows: fixture paths, running one task per peer, and turning medians into table cells.
import { fileURLToPath } from 'node:url';
import { BASELINE } from '../peers/index.mjs';
import { median } from '../stats.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (name) => `${root}.cache/fixtures/${name}.wasm`;
export const nodeModule = (path) => `${root}node_modules/${path}`;

/**
 * Runs makeTask(peer) for every peer, one child process at a time. Resolves { [peer]: {ok, result|reason} }.
 * With `rounds` > 1 (`runs` tasks only) the peers take turns, round after round, and each peer's samples are pooled:
 * load from other processes on a shared machine then lands on every peer alike instead of on whichever ran during it.
 */
export async function perPeer(ctx, makeTask, timeoutMs, { rounds = 1 } = {}) {
  const out = {};
  for (let round = 0; round < rounds; round++) {
    for (const peer of ctx.peers) {
      const task = makeTask(peer);
      if (!task || (out[peer] && !out[peer].ok)) continue;
      ctx.log(`  ${peer}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ''} ...`);
      const outcome = await ctx.runTask({ peer, ...task }, timeoutMs);
      if (!outcome.ok) ctx.log(`  ${peer}: n/a (${outcome.reason})`);
      if (!out[peer] || !outcome.ok) out[peer] = outcome;
      else out[peer].result.times.push(...outcome.result.times);
    }
  }
  return out;
}

/** Cells from per-peer medians (ms), each with its ratio to the baseline's median. */
export function msCells(medians, extra = {}) {
  const base = medians[BASELINE]?.ms;
  const cells = {};
  for (const [peer, m] of Object.entries(medians)) {
    cells[peer] = m.na !== undefined ? { na: m.na } : { ms: m.ms, ratio: base ? m.ms / base : Number.NaN, ...extra[peer] };
  }
  return cells;
}

/** { [peer]: { ms } | { na } } from `runs` task outcomes. */
export function runMedians(outcomes) {
  return Object.fromEntries(
    Object.entries(outcomes).map(([peer, o]) => [peer, o.ok ? { ms: median(o.result.times) } : { na: o.reason }]),
  );
}
