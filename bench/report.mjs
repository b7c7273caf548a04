// bench report: the Markdown table (stdout) and its footnotes.
import { fmtMs, fmtRatio } from './stats.mjs';

export function markdownTable(rows, peers) {
  const header = ['row', 'target', ...peers, 'wasmbox meets target'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const cells = peers.map((peer) => cellText(row.cells[peer]));
    lines.push(`| ${[row.title, row.target?.text ?? '—', ...cells, verdict(row)].join(' | ')} |`);
  }
  return lines.join('\n');
}

function cellText(cell) {
  if (!cell) return '—';
  if (cell.text) return cell.text.replaceAll('|', '\\|');
  if (cell.na !== undefined) return `n/a (${cell.na.replaceAll('|', '\\|')})`;
  return `${fmtMs(cell.ms)} (${fmtRatio(cell.ratio)})`;
}

function verdict(row) {
  if (!row.target?.ok) return '—';
  const cell = row.cells.wasmbox;
  if (!cell || cell.na !== undefined) return 'n/a';
  return row.target.ok(cell) ? 'yes' : '**MISS**';
}

export const FOOTNOTES = `
Ratios are time(host) / time(node:wasi) measured in this run (for containers/s: node:wasi's time per container
over the host's). Each cell is a median over repetitions after a checked warmup run (output and exit code verified).
Every peer runs in its own Node process, one at a time; a peer that errors, traps or exceeds its time limit is n/a.
Rows with tight targets (warm hello, CPU, stdout, 10k files) run the hosts in turn 2-4 times (a fresh process each
time) and pool the samples, so load from other processes on this shared 2-core machine spreads over every host; the
CPU row also shows the ratio of the fastest runs (interference only ever adds time to a compute loop).

- **wasmbox**: the public API of the built \`dist/index.js\` (\`createEngine\`, \`engine.run\`); each run is a container in a
  pooled worker with a fresh in-memory filesystem; stdout and stderr are consumed as Web streams into counting sinks,
  and a run ends when the exit status is known and both streams are drained. The same \`Uint8Array\` is passed every
  run, so the module is compiled once (cached by digest and by array identity). Warm rows prewarm the pool.
- **node:wasi**: \`new WASI({ version: 'preview1' })\` + \`new WebAssembly.Instance\` per run on a module compiled once,
  on the process's main thread; a real temporary directory (ext4 page cache) is preopened as \`/\`; stdout is an fd of
  \`/dev/null\` (the kernel discards the bytes), stdin \`/dev/null\`.
- **@wasmer/wasi 1.2.2**: fresh \`WASI\` (own in-memory MemFS) per run; stdout is buffered by the library and taken with
  \`getStdoutBuffer()\` after the run.
- **browser_wasi_shim 0.4.2**: fresh in-memory \`PreopenDirectory('/')\` per run; stdout is a \`ConsoleStdout\` whose
  callback counts bytes; constructed with \`{ debug: false }\` (its default logs every call).
- **cold**: a fresh process per sample (5 samples after one discarded), timed from creating the host (wasmbox:
  \`createEngine()\` without prewarm, so it includes spawning the worker and compiling; others: compile) to the exit
  status; importing the library is excluded.
- **file rows**: \`file_rw /data.bin N\` at 1, 4, 16, 64, 256 MiB in one process per host; at each size the first
  run is a warmup unless it took over 4 s (it pays for memory never touched before: fresh pages fault, ~3 ms per MiB
  in this VM) and is shown as "first run" for 256 MiB. A host whose next size is projected (from its growth so far)
  to take more than 8 s per run stops there and is compared with node:wasi at its largest size.
- **yosys / clang**: the core preview1 modules YoWASP ships; its bundle (jco glue) runs them with argv[0]
  \`yowasp-yosys\` / \`yowasp-llvm\`, its resource tree preopened at \`/\` and no environment; here argv[0] is \`yosys\` /
  \`clang\` (LLVM's multi-call picks the tool by it) and no resources, which \`-V\` / \`--version\` do not read.
  "first" = compile + first run.
- **image rows** (wasmbox only; \`bench/rows/images.mjs\`): archives built with the repository's image code (gzip
  layers of pseudo-random bytes); import = \`node dist/cli.js load -i\` wall time into a fresh store, process start
  included (the load also unpacks each layer once into \`$WASMBOX_HOME/layers\`); start = \`engine.run({ image })\`
  to exit status in a fresh process with a prewarmed worker, "first" = the process's first run (layer indexes read
  from disk, file bytes read on demand, module compiled), "warm" later runs (median of 30); store size = bytes under
  \`store/blobs/sha256\`.
`.trim();
