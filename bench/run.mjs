// npm run bench: same-run comparison of wasmbox with node:wasi, @wasmer/wasi and browser_wasi_shim.
// Prints a Markdown table on stdout (progress on stderr) and writes every sample to .cache/bench-results.json.
// Options (for development): --only=ROW_ID[,ROW_ID] (cold-hello, warm-hello, cpu, stdout, file, files-10k, yosys,
// clang, rate, images, browser) and --peers=NAME[,NAME] (the baseline node:wasi is always included; the browser rows
// have their own hosts: bench/rows/browser.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanup, retries, runTask } from './harness.mjs';
import { BASELINE, PEERS } from './peers/index.mjs';
import { BROWSER_FOOTNOTES, FOOTNOTES, markdownTable } from './report.mjs';
import { apps } from './rows/apps.mjs';
import { BROWSER_HOSTS, browserRows } from './rows/browser.mjs';
import { images } from './rows/images.mjs';
import { coldHello, warmHello } from './rows/startup.mjs';
import { cpuBound, fileRw, manyFiles, stdoutLines } from './rows/syscalls.mjs';
import { containersPerSecond } from './rows/throughput.mjs';

const ROWS = [
  ['cold-hello', coldHello],
  ['warm-hello', warmHello],
  ['cpu', cpuBound],
  ['stdout', stdoutLines],
  ['file', fileRw],
  ['files-10k', manyFiles],
  ['apps', apps],
  ['rate', containersPerSecond],
  ['images', images],
  ['browser', browserRows],
];

const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',');
const only = option('only');
const peerNames = Object.keys(PEERS).filter((p) => !option('peers') || option('peers').includes(p) || p === BASELINE);
const log = (msg) => process.stderr.write(`${msg}\n`);

const loadBefore = loadavg()[0];
const started = performance.now();
const ctx = { peers: peerNames, runTask, log };
const rows = [];
for (const [id, measure] of ROWS) {
  if (only && !only.includes(id) && !(id === 'apps' && (only.includes('yosys') || only.includes('clang')))) continue;
  log(`${id}`);
  const produced = await measure(ctx);
  rows.push(...(Array.isArray(produced) ? produced : [produced]));
}
const seconds = (performance.now() - started) / 1000;
cleanup();

const nodeRows = rows.filter((r) => r.group !== 'browser');
const chromiumRows = rows.filter((r) => r.group === 'browser');
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.versions.node}`;
// Other processes on the machine skew absolute times (ratios less so): say how busy it was.
const load = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
const reruns = retries.map((r) => `- ${r.peer} crashed (SIGSEGV) in the ${r.kind} task of ${r.wasm.split('/').pop()}; ` +
  `rerun with ${r.flag} (nodejs/node#52402, #53087).`);
process.stdout.write(`## wasmbox bench (${machine}; ${load}; ${seconds.toFixed(0)} s)\n\n`);
if (nodeRows.length) process.stdout.write(`${markdownTable(nodeRows, peerNames)}\n\n${FOOTNOTES}\n`);
if (chromiumRows.length) {
  const chromium = chromiumRows[0].chromium ? ` ${chromiumRows[0].chromium}` : '';
  process.stdout.write(`${nodeRows.length ? '\n' : ''}### In the browser (headless Debian Chromium${chromium})\n\n` +
    `${markdownTable(chromiumRows, BROWSER_HOSTS)}\n\n${BROWSER_FOOTNOTES}\n`);
}
if (reruns.length) process.stdout.write(`\nReruns:\n${reruns.join('\n')}\n`);

const out = fileURLToPath(new URL('../.cache/bench-results.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('../.cache/', import.meta.url)), { recursive: true });
const json = { date: new Date().toISOString(), machine, load, seconds, peers: peerNames, retries,
  rows: rows.map(({ target, ...row }) => ({ ...row, target: target?.text })) };
writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
log(`wrote ${out}`);
