/**
 * process worker-pool: warm container workers, so starting a container does not pay for starting a thread.
 *
 * Lifecycle: `acquire` hands out an idle worker (or spawns one); after a run that ended by itself the caller
 * `release`s it for reuse; after a kill, a timeout or a crash the caller `discard`s it (it is terminated).
 * Reuse is safe because a worker keeps no state between runs (see `worker-main.ts`).
 */
import type { Platform, WorkerHandle } from '../platform/platform.ts';

export interface WorkerPoolOptions {
  /** Idle workers kept warm; more are terminated on release. */
  maxIdle: number;
}

export class WorkerPool {
  private readonly idle: WorkerHandle[] = [];
  /** Unsubscribes the crash watch of each idle worker. */
  private readonly idleWatch = new Map<WorkerHandle, () => void>();
  private closed = false;

  constructor(
    private readonly platform: Platform,
    private readonly options: WorkerPoolOptions,
  ) {}

  acquire(): WorkerHandle {
    if (this.closed) throw new Error('worker pool is closed');
    const worker = this.idle.pop() ?? this.platform.spawnWorker();
    this.idleWatch.get(worker)?.();
    this.idleWatch.delete(worker);
    worker.setActive(true);
    return worker;
  }

  release(worker: WorkerHandle): void {
    if (this.closed || this.idle.length >= this.options.maxIdle) {
      void worker.terminate();
      return;
    }
    this.keepIdle(worker);
  }

  /** Parks `worker` as idle; if it dies while idle it leaves the pool, so `acquire` never hands out a dead one. */
  private keepIdle(worker: WorkerHandle): void {
    worker.setActive(false);
    this.idle.push(worker);
    const unsubscribe = worker.onCrash(() => {
      unsubscribe();
      this.idleWatch.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    this.idleWatch.set(worker, unsubscribe);
  }

  discard(worker: WorkerHandle): void {
    void worker.terminate();
  }

  /**
   * Starts idle workers up to `count` and waits until each answers, so the next `acquire` is instant.
   * Rejects (and keeps none of them) if a worker dies while starting.
   */
  async prewarm(count: number): Promise<void> {
    const fresh: WorkerHandle[] = [];
    while (this.idle.length + fresh.length < Math.min(count, this.options.maxIdle)) {
      fresh.push(this.platform.spawnWorker());
    }
    try {
      await Promise.all(fresh.map(answered));
    } catch (error) {
      await Promise.all(fresh.map((w) => w.terminate()));
      throw error;
    }
    for (const worker of fresh) this.keepIdle(worker);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

/** Resolves when `worker` answers a ping; rejects if it dies first. */
function answered(worker: WorkerHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    const unsubscribe = worker.onCrash((error) => {
      unsubscribe();
      reject(new Error(`container worker failed to start: ${error.message}`));
    });
    worker.api.ping().then(() => {
      unsubscribe();
      resolve();
    }, reject);
  });
}
