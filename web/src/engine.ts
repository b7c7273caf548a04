/**
 * The page's one engine: container workers from the bundled worker.js next to app.js, images in the default
 * IndexedDB store (database "wasmbox", so they survive reloads).
 */
import { createEngine, type Engine } from '../../runtime/platform/entry.browser.ts';

export function createPlaygroundEngine(): Engine {
  // One warm worker: the next Run starts without spawning a thread, and an idle page holds little memory.
  return createEngine({ workerUrl: new URL('./worker.js', import.meta.url), warmWorkers: 1 });
}
