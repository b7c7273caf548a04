/**
 * The server's example images (images/index.json, written by scripts/serve-web.mjs) as the page and the service
 * worker see them. Kept free of engine imports: the service worker bundle includes this file.
 */
export interface ExampleImage {
  name: string;
  file: string;
  bytes: number;
}

/**
 * Examples bigger than this (wasmbox/clang, ~105 MB) are not loaded or cached on the first visit: the page offers a
 * button instead, so a first visit stays quick and a phone's storage is not filled with a compiler nobody asked for.
 */
export const ON_DEMAND_BYTES = 50_000_000;

export function isOnDemand(example: ExampleImage): boolean {
  return example.bytes > ON_DEMAND_BYTES;
}
