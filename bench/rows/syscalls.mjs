// Rows: CPU-bound, 100k stdout lines, 64/256 MiB file write+read, 10k files. Hosts run a compiled module
// (wasmbox: warm pool, module cached), so these time instantiate + run + exit, not compilation.
import { fmtMs, fmtRatio, median } from '../stats.mjs';
import { BASELINE } from '../peers/index.mjs';
import { fixture, msCells, perPeer, runMedians } from './common.mjs';

const ratioTarget = (label) => ({ text: `≤ ${label}×`, ok: (cell) => cell.ratio <= Number(label) });

export async function cpuBound(ctx) {
  const task = { kind: 'runs', wasm: fixture('cpu'), argv0: 'cpu', args: [], warmup: 1, reps: 2,
    expect: { pattern: '^sha256 [0-9a-f]{64}\\n$' } };
  const outcomes = await perPeer(ctx, () => task, 90_000, { rounds: 4 });
  // Interference from other processes only ever adds time to a compute loop, so the ratio of the fastest runs is
  // shown next to the median's: when they disagree, the machine was busy, not the host slow.
  const cells = msCells(runMedians(outcomes));
  const fastest = (peer) => Math.min(...outcomes[peer].result.times);
  for (const [peer, cell] of Object.entries(cells)) {
    if (cell.na !== undefined || !outcomes[BASELINE]?.ok) continue;
    cell.minRatio = fastest(peer) / fastest(BASELINE);
    cell.text = `${fmtMs(cell.ms)} (${fmtRatio(cell.ratio)}; fastest runs ${fmtRatio(cell.minRatio)})`;
  }
  return { id: 'cpu', title: 'CPU-bound (`cpu`: SHA-256 of 64 MiB)', target: ratioTarget('1.03'), cells, raw: outcomes };
}

// "line 1\n" .. "line 100000\n"
const LINES = 100_000;
const LINE_BYTES = Array.from({ length: LINES }, (_, i) => `line ${i + 1}\n`.length).reduce((a, b) => a + b, 0);

// Two baselines for stdout: node:wasi writing to /dev/null (the kernel drops the bytes: no host delivers less), and
// node:wasi writing to a pipe its parent drains (the bytes reach a reader, which is what every other host here does).
const PIPE_BASELINE = `${BASELINE} → pipe`;

export async function stdoutLines(ctx) {
  const task = { kind: 'runs', wasm: fixture('write_lines'), argv0: 'write_lines', args: [String(LINES)], warmup: 1,
    reps: 5, budgetMs: 5000, expect: { bytes: LINE_BYTES } };
  const piped = { ...task, peerOptions: { stdoutSink: 'pipe' }, drainStdout: true, expect: {} };
  const outcomes = await perPeer(
    { ...ctx, peers: [...ctx.peers, PIPE_BASELINE] },
    (peer) => (peer === PIPE_BASELINE ? { ...piped, peer: BASELINE } : task),
    90_000,
    { rounds: 3 },
  );
  const pipeOutcome = outcomes[PIPE_BASELINE];
  delete outcomes[PIPE_BASELINE];
  const medians = runMedians(outcomes);
  const rows = [{ id: 'stdout', title: '100k stdout lines (`write_lines 100000`), node:wasi → /dev/null',
    target: ratioTarget('0.9'), cells: msCells(medians), raw: outcomes }];
  if (pipeOutcome?.ok) {
    const pipeMs = median(pipeOutcome.result.times);
    const cells = msCells({ ...medians, [BASELINE]: { ms: pipeMs } });
    rows.push({ id: 'stdout-pipe', title: '100k stdout lines, node:wasi → a pipe drained by its parent',
      target: ratioTarget('0.9'), cells, raw: { [PIPE_BASELINE]: pipeOutcome } });
  }
  return rows;
}

export async function manyFiles(ctx) {
  const task = { kind: 'runs', wasm: fixture('many_files'), argv0: 'many_files', args: ['10000'], warmup: 1, reps: 3,
    budgetMs: 6000, expect: { stdout: 'created 10000, stat 10000, unlinked 10000\n' } };
  const outcomes = await perPeer(ctx, () => task, 120_000, { rounds: 2 });
  return { id: 'files-10k', title: '10k files create/stat/unlink (`many_files 10000`)', target: ratioTarget('0.4'),
    cells: msCells(runMedians(outcomes)), raw: outcomes };
}

// One ladder per peer: 1, 4, 16, 64, 256 MiB, stopping before a size projected past MAX_RUN_MS (quadratic peers).
const SIZES = [1, 4, 16, 64, 256];
const MAX_RUN_MS = 8000;

export async function fileRw(ctx) {
  const task = { kind: 'ladder', wasm: fixture('file_rw'), argv0: 'file_rw', args: ['/data.bin', '{n}'], sizes: SIZES,
    reps: 5, perSizeBudgetMs: 1500, maxRunMs: MAX_RUN_MS, expect: { stdout: 'wrote {n} MiB, read {n} MiB\n' } };
  const outcomes = await perPeer(ctx, () => task, 150_000);
  const at = (peer, size) => {
    const o = outcomes[peer];
    const point = o?.ok && o.result.points.find((p) => p.size === size);
    return point ? median(point.times) : undefined;
  };
  const base = (size) => at(BASELINE, size);

  const cells64 = {};
  const cells256 = {};
  for (const [peer, o] of Object.entries(outcomes)) {
    if (!o.ok) {
      cells64[peer] = cells256[peer] = { na: o.reason };
      continue;
    }
    const t64 = at(peer, 64);
    const t256 = at(peer, 256);
    if (t64 !== undefined) cells64[peer] = { ms: t64, ratio: t64 / base(64) };
    else cells64[peer] = capped(peer, o.result, at, base);
    if (t256 !== undefined && t64 !== undefined) {
      const scaling = t256 / t64;
      const first = o.result.points.find((p) => p.size === 256).firstMs;
      cells256[peer] = { ms: t256, ratio: t256 / base(256), scaling,
        text: `${fmtMs(t256)} (${fmtRatio(t256 / base(256))}); 256/64 = ${scaling.toFixed(2)}×; first run ${fmtMs(first)}` };
    } else {
      cells256[peer] = { na: t64 === undefined ? 'capped below 64 MiB' : capReason(o.result) };
    }
  }
  return [
    { id: 'file-64', title: '64 MiB file write+read, 4 KiB chunks (`file_rw`)', target: ratioTarget('1.0'), cells: cells64,
      raw: outcomes },
    { id: 'file-256', title: '256 MiB file write+read (256/64 scaling)', cells: cells256,
      target: { text: '256/64 ≈ 4× (≤ 4.6)', ok: (cell) => cell.scaling <= 4.6 } },
  ];
}

function capReason(result) {
  const s = result.stopped;
  return s ? `not run: ${s.size} MiB projected ${(s.projectedMs / 1000).toFixed(0)} s` : 'not measured';
}

/** The cell of a peer that stopped below 64 MiB: its largest size, against node:wasi at the same size. */
function capped(peer, result, at, base) {
  const largest = result.points.at(-1);
  if (!largest) return { na: capReason(result) };
  const ms = at(peer, largest.size);
  const s = result.stopped;
  return {
    na: `capped (>${MAX_RUN_MS / 1000} s/run projected at ${s.size} MiB: ~${(s.projectedMs / 1000).toFixed(0)} s)`,
    text: `n/a: ${largest.size} MiB = ${fmtMs(ms)} (${fmtRatio(ms / base(largest.size))} vs node:wasi at ${largest.size} MiB); ` +
      `${s.size} MiB projected ~${(s.projectedMs / 1000).toFixed(0)} s`,
  };
}
