/**
 * process worker-pool: warm container workers, so starting a container does not pay for starting a thread.
 *
 * Lifecycle: `acquire` hands out an idle worker; after a run that ended by itself the caller `release`s it for
 * reuse; after a kill, a timeout or a crash the caller `discard`s it (it is terminated).
 * Reuse is safe because a worker keeps no state between runs (see `worker-main.ts`).
 * With no idle worker, `acquire` starts one but takes whichever is ready first: it, or a worker another container
 * releases meanwhile. A thread takes tens of milliseconds to start (~45 ms in Chromium) and a short container a
 * few, so a burst of 50 short containers runs on the few workers that keep coming back instead of waiting for 50
 * new threads, while long-running containers still each get their own. At most `MAX_SPAWNING` threads start at
 * once, so a burst does not starve the host's cores; a surplus started worker parks idle (or ends beyond maxIdle).
 */
import type { Platform, WorkerHandle } from '../platform/platform.ts';

export interface WorkerPoolOptions {
  /** Idle workers kept warm; more are terminated on release. */
  maxIdle: number;
}

/** Threads starting at the same time, at most. */
const MAX_SPAWNING = 4;

interface Waiter {
  resolve(worker: WorkerHandle): void;
  reject(error: Error): void;
}

export class WorkerPool {
  private readonly idle: WorkerHandle[] = [];
  /** Acquires waiting for a worker, oldest first. */
  private readonly waiters: Waiter[] = [];
  private spawning = 0;
  /** Unsubscribes the crash watch of each idle worker. */
  private readonly idleWatch = new Map<WorkerHandle, () => void>();
  private closed = false;

  constructor(
    private readonly platform: Platform,
    private readonly options: WorkerPoolOptions,
  ) {}

  /** A worker for one container: an idle one at once, else the first to be ready (see the module doc). */
  acquire(): Promise<WorkerHandle> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(this.activate(idle));
    return new Promise<WorkerHandle>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.spawnForWaiters();
    });
  }

  release(worker: WorkerHandle): void {
    this.offer(worker);
  }

  /** A worker is free: to the oldest waiter, else idle (or terminated beyond maxIdle or once closed). */
  private offer(worker: WorkerHandle): void {
    const waiter = this.waiters.shift();
    if (waiter && !this.closed) {
      waiter.resolve(this.activate(worker));
      return;
    }
    if (this.closed || this.idle.length >= this.options.maxIdle) {
      void worker.terminate();
      return;
    }
    this.keepIdle(worker);
  }

  /** Starts threads while waiters outnumber the ones starting (up to MAX_SPAWNING at once). */
  private spawnForWaiters(): void {
    while (this.spawning < Math.min(this.waiters.length, MAX_SPAWNING)) {
      this.spawning++;
      const fresh = this.platform.spawnWorker();
      answered(fresh).then(
        () => {
          this.spawning--;
          this.offer(fresh);
          this.spawnForWaiters();
        },
        (error: Error) => {
          this.spawning--;
          void fresh.terminate();
          // A thread that cannot start fails the oldest waiter (it would fail again for the others).
          this.waiters.shift()?.reject(error);
          this.spawnForWaiters();
        },
      );
    }
  }

  private activate(worker: WorkerHandle): WorkerHandle {
    this.idleWatch.get(worker)?.();
    this.idleWatch.delete(worker);
    worker.setActive(true);
    return worker;
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
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('worker pool is closed'));
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
