/**
 * process channel-pool: stdio channel buffers reused across containers.
 *
 * A fresh SharedArrayBuffer costs a page fault per page on first touch, which dominated short runs. A buffer goes
 * back to the pool only when both of its users are done with it: the worker has ended (nothing will write) and the
 * host reader has seen end of data or was cancelled (nothing will read). A buffer whose stream is never drained is
 * simply never returned and is collected with its stream.
 */
import { createChannelBuffer, DEFAULT_CHANNEL_CAPACITY, resetChannelBuffer } from './byte-channel.ts';

export class ChannelPool {
  private readonly free: SharedArrayBuffer[] = [];

  constructor(
    private readonly capacity = DEFAULT_CHANNEL_CAPACITY,
    private readonly maxFree = 16,
  ) {}

  acquire(): SharedArrayBuffer {
    return this.free.pop() ?? createChannelBuffer(this.capacity);
  }

  release(buffer: SharedArrayBuffer): void {
    if (this.free.length >= this.maxFree) return;
    resetChannelBuffer(buffer);
    this.free.push(buffer);
  }
}
