import { describe, expect, it } from 'vitest';
import type { Platform, WorkerHandle } from '../platform/platform.ts';
import { WorkerPool } from './worker-pool.ts';

/** A platform whose workers take `startMs` to answer (a thread starting); `failing` ones die while starting. */
function fakePlatform(startMs: number, failing = false) {
  const stats = { spawned: 0, terminated: 0 };
  const platform: Platform = {
    name: 'node',
    hostDirs: false,
    sharedMemory: true,
    spawnWorker(): WorkerHandle {
      stats.spawned++;
      const crashListeners = new Set<(error: Error) => void>();
      const ready = new Promise<'pong'>((resolve) =>
        setTimeout(() => {
          if (failing) for (const l of crashListeners) l(new Error('no memory for a thread'));
          else resolve('pong');
        }, startMs),
      );
      return {
        api: { ping: () => ready } as unknown as WorkerHandle['api'],
        async terminate() {
          stats.terminated++;
        },
        onCrash(listener) {
          crashListeners.add(listener);
          return () => crashListeners.delete(listener);
        },
        setActive() {},
      };
    },
  };
  return { platform, stats };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker pool', () => {
  it('serves a burst of short containers with the workers that come back, not a thread each', async () => {
    const { platform, stats } = fakePlatform(50);
    const pool = new WorkerPool(platform, { maxIdle: 2 });
    await pool.prewarm(1);
    const short = async () => {
      const worker = await pool.acquire();
      await sleep(2);
      pool.release(worker);
    };
    await Promise.all(Array.from({ length: 30 }, short));
    expect(stats.spawned).toBeLessThan(10); // not 30: most ran on workers that had come back
    await pool.close();
  });

  it('still gives every long-running container its own worker', async () => {
    const { platform, stats } = fakePlatform(10);
    const pool = new WorkerPool(platform, { maxIdle: 2 });
    const held = await Promise.all(Array.from({ length: 10 }, () => pool.acquire()));
    expect(new Set(held).size).toBe(10);
    expect(stats.spawned).toBe(10);
    for (const worker of held) pool.release(worker);
    expect(stats.terminated).toBe(8); // beyond maxIdle
    await pool.close();
  });

  it('fails an acquire when its thread cannot start, and closes with nobody waiting', async () => {
    const { platform } = fakePlatform(5, true);
    const pool = new WorkerPool(platform, { maxIdle: 2 });
    await expect(pool.acquire()).rejects.toThrow(/failed to start: no memory for a thread/);
    const waiting = pool.acquire();
    await pool.close();
    await expect(waiting).rejects.toThrow(/closed|failed to start/);
  });
});
