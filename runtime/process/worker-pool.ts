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
  private closed = false;

  constructor(
    private readonly platform: Platform,
    private readonly options: WorkerPoolOptions,
  ) {}

  acquire(): WorkerHandle {
    if (this.closed) throw new Error('worker pool is closed');
    const worker = this.idle.pop() ?? this.platform.spawnWorker();
    worker.setActive(true);
    return worker;
  }

  release(worker: WorkerHandle): void {
    if (this.closed || this.idle.length >= this.options.maxIdle) {
      void worker.terminate();
      return;
    }
    worker.setActive(false);
    this.idle.push(worker);
  }

  discard(worker: WorkerHandle): void {
    void worker.terminate();
  }

  /** Starts idle workers up to `count` and waits until each answers, so the next `acquire` is instant. */
  async prewarm(count: number): Promise<void> {
    const fresh: WorkerHandle[] = [];
    while (this.idle.length + fresh.length < Math.min(count, this.options.maxIdle)) {
      fresh.push(this.platform.spawnWorker());
    }
    await Promise.all(fresh.map((w) => w.api.ping()));
    for (const worker of fresh) {
      worker.setActive(false);
      this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}
