/**
 * platform (browser): container workers are module Web Workers. No host directories exist here.
 *
 * Blocking stdin and the bounded stdio channels need SharedArrayBuffer, which browsers give only to
 * cross-origin-isolated pages (COOP: same-origin + COEP: require-corp). Elsewhere containers still run, with stdio
 * as messages and stdin given up front (`sharedMemory: false`).
 */
import { wrap } from 'comlink';
import type { WorkerApi } from '../process/protocol.ts';
import type { Platform, WorkerHandle } from './platform.ts';

export interface BrowserPlatformOptions {
  /**
   * The container worker script (a module worker bundling runtime/process/worker.browser.ts). Default: the SDK
   * bundle's `worker.js` next to it (dist/browser/), or from sources the .ts file, which dev servers (vite, vitest
   * browser mode) compile on the fly.
   */
  workerUrl?: string | URL;
  /**
   * Use SharedArrayBuffer for stdio (interactive stdin, bounded output). Default: when the page is cross-origin
   * isolated; `false` forces the message transport (stdin up front), e.g. to test it.
   */
  sharedMemory?: boolean;
}

/** Set by the SDK bundle (scripts/build.mjs): the worker bundle then sits next to it as `worker.js`. */
declare const __WASMBOX_BUNDLE__: boolean | undefined;

/**
 * Both URLs are written as literal `new URL('…', import.meta.url)` so an app's bundler (vite, webpack) sees the
 * worker file and ships it.
 */
function defaultWorkerUrl(): URL {
  if (typeof __WASMBOX_BUNDLE__ !== 'undefined') return new URL('./worker.js', import.meta.url);
  return new URL('../process/worker.browser.ts', import.meta.url);
}

export function browserPlatform(options: BrowserPlatformOptions = {}): Platform {
  const workerUrl = options.workerUrl ?? defaultWorkerUrl();
  const sharedMemory = options.sharedMemory ?? (globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function');
  return { name: 'browser', hostDirs: false, sharedMemory, spawnWorker: () => spawnWebWorker(workerUrl) };
}

function spawnWebWorker(workerUrl: string | URL): WorkerHandle {
  const worker = new Worker(workerUrl, {
    type: 'module',
    name: 'wasmbox-container',
  });
  const listeners = new Set<(error: Error) => void>();
  worker.addEventListener('error', (event) => {
    const error = new Error(event.message || 'container worker failed');
    for (const listener of [...listeners]) listener(error);
  });
  return {
    api: wrap<WorkerApi>(worker),
    async terminate() {
      worker.terminate();
    },
    onCrash(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setActive() {
      // Web Workers never keep a page alive; nothing to do.
    },
  };
}
