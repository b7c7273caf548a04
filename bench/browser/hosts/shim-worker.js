// The shim's container worker: runs one WASI instance per message with @bjorn3/browser_wasi_shim 0.4.2 (a fresh
// in-memory PreopenDirectory `/` each run, `{ debug: false }`). Stdout goes to the page in batches (below); stderr is
// sent with the exit status.
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI } from '/node_modules/@bjorn3/browser_wasi_shim/dist/index.js';

const decoder = new TextDecoder();

// Stdout is batched: chunks are gathered and posted (transferred) per 64 KiB and at exit. The shim's ConsoleStdout is a
// character device, so wasi-libc line-buffers it: posting every write would be one message per line.
const BATCH = 64 * 1024;

self.onmessage = ({ data: { id, module, argv } }) => {
  if (!module) return self.postMessage({ id }); // ping: the worker has loaded
  let stderr = '';
  let batch = new Uint8Array(BATCH);
  let used = 0;
  const flush = () => {
    if (used === 0) return;
    const out = batch.subarray(0, used);
    self.postMessage({ id, out }, [batch.buffer]);
    batch = new Uint8Array(BATCH);
    used = 0;
  };
  const stdout = new ConsoleStdout((chunk) => {
    // the shim reads chunk.byteLength after this callback as the count written: copy, never transfer `chunk`
    if (chunk.length > BATCH - used) flush();
    if (chunk.length >= BATCH) self.postMessage({ id, out: chunk });
    else {
      batch.set(chunk, used);
      used += chunk.length;
    }
  });
  const err = new ConsoleStdout((chunk) => (stderr += decoder.decode(chunk, { stream: true })));
  const fds = [new OpenFile(new File([])), stdout, err, new PreopenDirectory('/', new Map())];
  try {
    const wasi = new WASI(argv, [], fds, { debug: false });
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
    const code = wasi.start(instance);
    flush();
    self.postMessage({ id, code, stderr });
  } catch (error) {
    flush();
    self.postMessage({ id, code: -1, stderr: `${stderr}${error?.stack ?? error}` });
  }
};
