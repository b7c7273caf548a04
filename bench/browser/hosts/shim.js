// Host: @bjorn3/browser_wasi_shim 0.4.2 in Web Workers (shim-worker.js). The page compiles each module once and
// sends the WebAssembly.Module to a worker; workers are pooled like wasmbox's default engine (idle ones are reused, a
// busy pool spawns more, at most 2 are kept idle and the rest ended; `warm` starts 2). Stdout arrives here, on the
// page, as messages (the worker batches it, see shim-worker.js).
import { concat } from './bytes.js';
export const name = 'browser_wasi_shim';

const WORKER = new URL('./shim-worker.js', import.meta.url);
const MAX_IDLE = 2;

export async function createHost({ prewarm }) {
  const idle = [];
  const all = new Set();
  const modules = new WeakMap();
  let nextId = 1;
  const spawn = () =>
    new Promise((resolve, reject) => {
      const worker = new Worker(WORKER, { type: 'module', name: 'shim-container' });
      all.add(worker);
      // a module worker has loaded once it answers; ping it so the pool counts only ready workers as warm
      worker.onmessage = () => resolve(worker);
      worker.onerror = (e) => reject(new Error(`shim worker: ${e.message}`));
      worker.postMessage({ id: 0, module: null, argv: [] });
    });
  const acquire = async () => idle.pop() ?? (await spawn());
  const host = {
    warm: prewarm ? async () => idle.push(...(await Promise.all([spawn(), spawn()]))) : undefined,
    async run(bytes, { argv0, args, capture }) {
      let module = modules.get(bytes);
      if (!module) modules.set(bytes, (module = await WebAssembly.compile(bytes)));
      const worker = await acquire();
      const id = nextId++;
      let stdoutBytes = 0;
      const chunks = [];
      const result = await new Promise((resolve) => {
        worker.onmessage = ({ data }) => {
          if (data.id !== id) return;
          if (data.out) {
            stdoutBytes += data.out.length;
            if (capture) chunks.push(data.out);
          } else resolve(data);
        };
        worker.postMessage({ id, module, argv: [argv0, ...args] });
      });
      if (idle.length < MAX_IDLE) idle.push(worker);
      else {
        worker.terminate();
        all.delete(worker);
      }
      const stdout = capture ? new TextDecoder('latin1').decode(concat(chunks, stdoutBytes)) : null;
      return { code: result.code, stdout, stdoutBytes, stderr: result.stderr };
    },
    close() {
      for (const w of all) w.terminate();
    },
  };
  return host;
}

