// bench images/start: container start from a stored image, through the public engine API (dist/index.js) on the
// store at $WASMBOX_HOME/store. One fresh process per sample (run by bench/rows/images.mjs):
//   node bench/images/start.mjs IMAGE WARM_RUNS
// The engine's one worker is prewarmed first (spawning a thread is the same for every image and is measured by the
// cold-hello row). "first" = engine.run({ image }) to exit status in a new process (as every `wasmbox run` is):
// resolving the name, reading each layer's index from $WASMBOX_HOME/layers (unpacked by `wasmbox load`; file bytes
// stay on disk and are read on demand) and compiling the module; "warm" = later runs of the same image in the same
// engine (layer trees cached).
// Prints JSON { firstMs, warmMs: [...] } on stdout.
import { createEngine } from '../../dist/index.js';

const [image, warmRuns] = [process.argv[2], Number(process.argv[3] ?? 10)];
const engine = createEngine({ warmWorkers: 1 });
await engine.warm(1);

async function once() {
  const t0 = performance.now();
  const proc = await engine.run({ image });
  const [status, out] = await Promise.all([proc.exited, new Response(proc.stdout).text(), proc.stderr.pipeTo(new WritableStream())]);
  const ms = performance.now() - t0;
  if (status.code !== 0 || out !== 'hello from wasm\n') throw new Error(`${image}: exit ${status.code} ${status.message} stdout ${JSON.stringify(out)}`);
  return ms;
}

const firstMs = await once();
const warmMs = [];
for (let i = 0; i < warmRuns; i++) warmMs.push(await once());
await engine.close();
process.stdout.write(`${JSON.stringify({ firstMs, warmMs })}\n`);
