/**
 * vfs quota: the container's storage budget, shared by the upper layer and every tmpfs mount of one container.
 *
 * Counts bytes of memory files hold (allocated blocks, capped at each file's size), as `du` counts allocated blocks. Callers charge before they change
 * anything, so a refused write leaves the file untouched. Must not: know about files or layers.
 */
import { fail } from './errors.ts';

export class Quota {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  /** Reserves `bytes` or throws ENOSPC, changing nothing. */
  charge(bytes: number): void {
    if (this.used + bytes > this.limitBytes) fail('ENOSPC');
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }

  usedBytes(): number {
    return this.used;
  }
}
