// Host: wasmbox through its browser SDK bundle (dist/browser/wasmbox.js, made by scripts/build.mjs), the way an app
// embeds it: createEngine() with its container worker found next to the bundle. Each run is a container (a pooled Web
// Worker, a fresh in-memory filesystem); stdout and stderr are Web streams consumed here, on the page's main thread.
// The same Uint8Array is passed each run, so the module is compiled once (the engine caches it by array identity).
import { createEngine, createMemoryStore, deleteIdbStore, openIdbStore } from '/dist/browser/wasmbox.js';

export const name = 'wasmbox';

export async function createHost({ prewarm }) {
  const engines = new Map(); // variant -> engine
  const engineFor = (variant) => {
    if (!engines.has(variant)) {
      // 'pool50': an app that expects bursts keeps 50 warm workers (the default keeps 2 and ends the rest after use)
      const warmWorkers = variant === 'pool50' ? 50 : undefined;
      engines.set(variant, createEngine({ store: createMemoryStore(), ...(warmWorkers ? { warmWorkers } : {}) }));
    }
    return engines.get(variant);
  };
  const defaultEngine = engineFor(undefined);
  return {
    warm: prewarm ? () => defaultEngine.warm() : undefined,
    async run(bytes, { argv0, args, capture, variant }) {
      const proc = await engineFor(variant).run({ wasm: bytes, name: argv0, argv0, args });
      const out = sink(capture);
      const err = sink(true);
      const [status] = await Promise.all([proc.exited, proc.stdout.pipeTo(out.stream), proc.stderr.pipeTo(err.stream)]);
      const stderr = status.reason === 'exit' ? err.text() : `${err.text()}[${status.reason}] ${status.message}`;
      return { code: status.code, stdout: capture ? out.text() : null, stdoutBytes: out.bytes(), stderr };
    },
    close: () => Promise.all([...engines.values()].map((e) => e.close())),
  };
}

function sink(keep) {
  let bytes = 0;
  const chunks = [];
  return {
    stream: new WritableStream({
      write(chunk) {
        bytes += chunk.length;
        if (keep) chunks.push(chunk.slice());
      },
    }),
    bytes: () => bytes,
    text: () => {
      const all = new Uint8Array(bytes);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      return new TextDecoder('latin1').decode(all);
    },
  };
}

export const extras = {
  /**
   * Image import: fetches the archive (not timed), then times engine.images.load(bytes) into an IndexedDB store
   * opened beforehand (a fresh database per rep, deleted afterwards). Resolves { times, bytes, loaded }.
   */
  async imageImport({ url, reps = 2 }) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`fetch ${url}: ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const times = [];
    let loaded = null;
    for (let i = 0; i < reps; i++) {
      const db = `wasmbox-bench-${Date.now()}-${i}`;
      const store = await openIdbStore(db);
      const engine = createEngine({ store });
      try {
        const t0 = performance.now();
        const result = await engine.images.load(bytes);
        times.push(performance.now() - t0);
        loaded = result.loaded.map((image) => image.name ?? image.id);
      } finally {
        await engine.close();
        await store.close();
        await deleteIdbStore(db);
      }
    }
    return { times, bytes: bytes.length, loaded };
  },

  /**
   * Named volumes in IndexedDB: `file_rw PATH MIB` in a container with PATH on a volume (its changes saved into
   * IndexedDB before `exited` resolves) and, for the baseline, on the container's own in-memory layer. Resolves
   * { volumeMs, memoryMs, mib }: medians of `reps`, each on a fresh volume.
   */
  async volumeSave({ mib = 16, reps = 3 }) {
    const res = await fetch('/fixtures/file_rw.wasm');
    if (!res.ok) throw new Error(`fetch file_rw.wasm: ${res.status}`);
    const wasm = new Uint8Array(await res.arrayBuffer());
    const volumesDb = `wasmbox-bench-volumes-${Date.now()}`;
    const engine = createEngine({ store: createMemoryStore(), volumesDb });
    const time = async (path, mounts) => {
      const t0 = performance.now();
      const proc = await engine.run({ wasm, args: [path, String(mib)], mounts });
      const [status] = await Promise.all([proc.exited, proc.stdout.pipeTo(new WritableStream()), proc.stderr.pipeTo(new WritableStream())]);
      if (status.code !== 0) throw new Error(`file_rw ${path}: ${status.reason} ${status.code} ${status.message}`);
      return performance.now() - t0;
    };
    const volumeMs = [];
    const memoryMs = [];
    try {
      await time('/tmp/warmup', []);
      for (let i = 0; i < reps; i++) {
        memoryMs.push(await time('/tmp/f', []));
        volumeMs.push(await time('/data/f', [{ target: '/data', source: { kind: 'volume', name: `v${i}` } }]));
      }
    } finally {
      await engine.close();
      indexedDB.deleteDatabase(volumesDb);
    }
    const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    return { volumeMs: med(volumeMs), memoryMs: med(memoryMs), mib };
  },
};
