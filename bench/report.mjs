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

export const BROWSER_FOOTNOTES = `
Browser rows (\`bench/rows/browser.mjs\`; \`node bench/run.mjs --only=browser\` runs just these): headless Debian Chromium
driven through chromedriver (webdriverio), one static page per host under \`bench/browser/\` served from 127.0.0.1 with
COOP/COEP (every page is cross-origin isolated). Each host gets its own Chromium session; each phase (first-run loads;
warm rows; each concurrency configuration; files) opens a new tab, so a new renderer process. Times are taken in the
page (\`performance.now()\`); cells are medians; the ratio is time(host) / time(fastest peer) in this run (the fastest
peer shows 1.00×). Exit code and stdout (text or byte count) are checked on every untimed warmup run. A peer is shown
in its fastest configuration that worked, named in brackets, its other configurations after it; wasmbox always in its
default configuration (\`createEngine()\`), other configurations after it for information. Other processes on this
2-core machine move these figures by up to 2× between runs (see the load average in the heading).
- **wasmbox**: the SDK bundle \`dist/browser/wasmbox.js\` as an app imports it: \`createEngine({ store: memory })\`, its
  container worker found next to the bundle (default pool: 2 warm workers, extra workers ended after their run); each
  run a container in a pooled Web Worker with a fresh in-memory filesystem; stdout/stderr are Web streams read on the
  page's main thread. The same \`Uint8Array\` each run, so the module is compiled once.
- **@wasmer/sdk 0.16.0** (browser entry served from node_modules; its 4.8 MB runtime wasm and worker script load from
  the package's own files, nothing from a CDN or the Wasmer registry; \`cache: false\`): each fixture loaded once with
  \`packages.load(bytes)\`. Default: each run a fresh \`sandboxes.create({ packages })\` (its own filesystem) and one
  \`command(pkg, args).spawn({ stdout: 'pipe' })\` whose stdout the page iterates, sandbox closed after; "one shared
  sandbox": every command in one long-lived sandbox (no fresh filesystem); "stdout captured": \`command.run()\`, stdout
  handed to the page at exit. 50 sandboxes at once failed once (exit 45, then every later command "Scheduler is
  dead") in a tab that had run other tasks before (now each configuration gets a fresh tab); on a busy machine a batch
  of 50 can exceed the 10 s limit.
- **browser_wasi_shim 0.4.2** in module Web Workers pooled like wasmbox's default (idle ones reused, more spawned when
  busy, 2 kept): the page compiles the module once and posts the \`WebAssembly.Module\`; a fresh in-memory
  \`PreopenDirectory('/')\` per run, \`{ debug: false }\`. Its stdout is a character device, so wasi-libc line-buffers it:
  the worker batches stdout per 64 KiB before posting it to the page (one message per line took 3.1 s for 100k lines).
- **first run after page load**: a new tab per sample (4, the first discarded: it fills Chromium's HTTP and code
  caches); timed from creating the host (wasmbox: \`createEngine()\` without prewarm, so it spawns the worker and
  compiles; Wasmer: \`new Wasmer()\` + \`ready()\`, which compiles its runtime, + load + sandbox + run; shim: its first
  worker + compile + run) to the exit status. Importing the library and fetching the fixture are excluded; "page's
  modules loaded" is when the page's module graph (the library import) had been evaluated, from navigation start.
- **warm** rows run after an untimed \`init\` (wasmbox: \`engine.warm()\`; shim: 2 workers started) and warmup runs.
- **16 MiB + 2k files**: \`file_rw /f 16\` (write 16 MiB in 4 KiB writes, read it back) then \`many_files 2000\`
  (create/stat/unlink 2000 files in /tmp), two containers back to back, summed; the split is shown. A host still
  running after 10 s is abandoned and shown as "> 10 s" (the shim's file writes are quadratic).
- **50 concurrent**: 50 \`hello\` runs started at once on a warm host, timed until all exited (median of up to 3 after
  1 warmup batch; 10 s limit per batch). With the default pools, wasmbox and the shim spawn 48 workers per batch.
  "\`warmWorkers: 50\`": an engine keeping 50 workers (1 + 2 batches: on 50 warm workers the 4th batch in one page
  failed with "Out of memory: Cannot allocate Wasm memory for new instance").
- **image import**: \`engine.images.load(bytes)\` of the 50 MB archive \`bench/images/prepare.mjs --big-only\` builds
  (\`big.tar\`: a hello layer + 10 incompressible 5 MB files, gzip layers), into a fresh IndexedDB store per sample
  (opened before the timer, deleted after); fetching the archive is not timed. The other hosts have no images.
`.trim();
