// Peer: @wasmer/wasi 1.2.2 (WASI in Rust compiled to wasm, with its own in-memory MemFS; a fresh one per instance).
// Stdout: collected by the library in memory; the bench takes it with getStdoutBuffer() after each run.
import { init, WASI } from '@wasmer/wasi';

export const name = '@wasmer/wasi';
export const concurrent = false;

export async function createPeer() {
  await init();
  return {
    prepare: (bytes) => WebAssembly.compile(bytes),
    run(module, { argv0, args, capture }) {
      const wasi = new WASI({ args: [argv0, ...args], env: {} });
      wasi.instantiate(module, {});
      let code, out, err;
      try {
        code = wasi.start();
      } finally {
        out = wasi.getStdoutBuffer();
        err = wasi.getStderrString();
        wasi.free();
      }
      return { code, stdout: capture ? Buffer.from(out).toString('latin1') : null, stdoutBytes: out.length, stderr: err };
    },
    close() {},
  };
}
