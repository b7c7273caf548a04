// The peers, in table order. Each module exports name, concurrent and createPeer(options) -> { prepare, run, close }.
export const PEERS = {
  wasmbox: './wasmbox.mjs',
  'node:wasi': './node-wasi.mjs',
  '@wasmer/wasi': './wasmer.mjs',
  browser_wasi_shim: './shim.mjs',
};

export const BASELINE = 'node:wasi';

export function loadPeer(name) {
  const path = PEERS[name];
  if (!path) throw new Error(`unknown peer ${name}`);
  return import(new URL(path, import.meta.url));
}
