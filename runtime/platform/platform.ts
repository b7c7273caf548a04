/**
 * platform: the narrow seam between shared code and Node or the browser.
 *
 * Shared code (process, engine) receives a `Platform` and never tests globals to find out where it runs. Each
 * platform has one implementation file (`platform.node.ts`, `platform.browser.ts`) and one composition root
 * (`entry.node.ts`, `entry.browser.ts`). Porting to a new host adds files, not branches.
 */
import type { Remote } from 'comlink';
import type { WorkerApi } from '../process/protocol.ts';

/** A started container worker. */
export interface WorkerHandle {
  readonly api: Remote<WorkerApi>;
  /** Ends the worker at once, even while the guest spins or blocks; resolves when it is gone. */
  terminate(): Promise<void>;
  /** Calls `listener` if the worker dies on its own (crash, out of memory); returns a function that unsubscribes. */
  onCrash(listener: (error: Error) => void): () => void;
  /** Whether this worker keeps the host process alive (Node); idle pooled workers must not. */
  setActive(active: boolean): void;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  spawnWorker(): WorkerHandle;
  /** Whether host directories can be mounted (bind mounts and disk-backed volumes): Node only. */
  readonly hostDirs: boolean;
  /**
   * Whether workers can share memory with the host (SharedArrayBuffer: Node, cross-origin-isolated pages). Without
   * it stdio goes as messages and stdin must be given up front (runtime/process/host-stdio.ts).
   */
  readonly sharedMemory: boolean;
}
