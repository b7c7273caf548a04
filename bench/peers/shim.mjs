// Peer: @bjorn3/browser_wasi_shim 0.4.2 (pure JavaScript; in-memory PreopenDirectory `/`, fresh per run).
// Stdout: a ConsoleStdout whose callback counts the bytes (each fd_write hands it a copy of the iovec).
// The shim logs every call unless constructed with { debug: false }, which the bench does.
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI } from '@bjorn3/browser_wasi_shim';

export const name = 'browser_wasi_shim';
export const concurrent = false;

export async function createPeer() {
  const decoder = new TextDecoder();
  return {
    prepare: (bytes) => WebAssembly.compile(bytes),
    run(module, { argv0, args, capture }) {
      let stdoutBytes = 0;
      const chunks = [];
      let stderr = '';
      const stdout = new ConsoleStdout((data) => {
        stdoutBytes += data.length;
        if (capture) chunks.push(data);
      });
      const err = new ConsoleStdout((data) => (stderr += decoder.decode(data, { stream: true })));
      const fds = [new OpenFile(new File([])), stdout, err, new PreopenDirectory('/', new Map())];
      const wasi = new WASI([argv0, ...args], [], fds, { debug: false });
      const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
      const code = wasi.start(instance);
      return { code, stdout: capture ? Buffer.concat(chunks).toString('latin1') : null, stdoutBytes, stderr };
    },
    close() {},
  };
}
