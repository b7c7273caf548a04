// Peer: wasmbox through its public engine API (the built dist/index.js). Each run is a container: a pooled worker,
// a fresh in-memory container filesystem, stdout and stderr consumed as Web streams into counting sinks.
// `prepare` returns the bytes themselves: the engine compiles once per digest and remembers the digest per array.
import { createEngine } from '../../dist/index.js';

export const name = 'wasmbox';
export const concurrent = true;

export async function createPeer({ warmWorkers, prewarm = true } = {}) {
  const engine = createEngine(warmWorkers ? { warmWorkers } : {});
  if (prewarm) await engine.warm();
  return {
    prepare: async (bytes) => bytes,
    async run(bytes, { argv0, args, capture }) {
      const proc = await engine.run({ wasm: bytes, name: argv0, argv0, args });
      const out = sink(capture);
      const err = sink(true);
      const [status] = await Promise.all([proc.exited, proc.stdout.pipeTo(out.stream), proc.stderr.pipeTo(err.stream)]);
      const stderr = status.reason === 'exit' ? err.text() : `${err.text()}[${status.reason}] ${status.message}`;
      return { code: status.code, stdout: capture ? out.text() : null, stdoutBytes: out.bytes(), stderr };
    },
    close: () => engine.close(),
  };
}

function sink(keep) {
  let bytes = 0;
  const chunks = [];
  return {
    stream: new WritableStream({
      write(chunk) {
        bytes += chunk.length;
        if (keep) chunks.push(chunk);
      },
    }),
    bytes: () => bytes,
    text: () => Buffer.concat(chunks).toString('latin1'),
  };
}
