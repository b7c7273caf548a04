// Rows: real programs from npm (YoWASP yosys and clang). Compile once per host, then instantiate + run per sample.
// The cell is the median instantiate+run; "first" is compile + the first run (wasmbox: its first engine.run, which
// validates, hashes and compiles). Each sample is a fresh instance (wasmbox: a fresh container) on the same module.
import { fmtMs, fmtRatio } from '../stats.mjs';
import { msCells, nodeModule, perPeer, runMedians } from './common.mjs';

const APPS = [
  {
    id: 'yosys',
    title: 'yosys startup (`yosys.core.wasm -V`)',
    wasm: nodeModule('@yowasp/yosys/gen/yosys.core.wasm'),
    argv0: 'yosys',
    args: ['-V'],
    expect: { pattern: '^Yosys \\d' },
  },
  {
    id: 'clang',
    title: 'clang startup (`llvm.core.wasm`, argv[0]=clang `--version`)',
    wasm: nodeModule('@yowasp/clang/gen/llvm.core.wasm'),
    argv0: 'clang',
    args: ['--version'],
    expect: { pattern: 'clang version' },
  },
];

export async function apps(ctx) {
  const rows = [];
  for (const app of APPS) {
    ctx.log(`${app.id}`);
    const { id, title, ...program } = app;
    const outcomes = await perPeer(ctx, () => ({ kind: 'runs', ...program, warmup: 1, reps: 5, budgetMs: 15_000 }), 180_000);
    const cells = msCells(runMedians(outcomes));
    for (const [peer, cell] of Object.entries(cells)) {
      if (cell.na !== undefined) continue;
      const first = outcomes[peer].result.firstMs;
      cell.text = `${fmtMs(cell.ms)} (${fmtRatio(cell.ratio)}); first ${fmtMs(first)}`;
    }
    rows.push({ id, title, target: { text: '—' }, cells, raw: outcomes });
  }
  return rows;
}
