/**
 * process byte-channel: a bounded single-producer/single-consumer byte pipe in a SharedArrayBuffer.
 *
 * It carries a container's stdio between its worker and the host. One side is synchronous and blocks with
 * `Atomics.wait` (the guest's side: WASI syscalls are synchronous); the other is asynchronous and awaits with
 * `Atomics.waitAsync` (the host's side: it must never block its event loop). Being bounded, a fast writer waits for
 * the reader, so host memory stays bounded whatever the guest prints.
 *
 * Layout: a header of Int32 slots, then `capacity` bytes of ring. `write` and `read` are byte counters that wrap at
 * 2^32 (used bytes = (write - read) >>> 0), so no slot is wasted to tell full from empty.
 * Either side may close: the writer's close means end of data; the reader's close means "nobody listens": writes
 * are then discarded, as with a pipe whose reader went away (there is no SIGPIPE in WASI p1).
 *
 * Waking (the hot path's main cost is waking the other thread, so it is done only when someone sleeps):
 * each direction has an event sequence (bumped after every publish and on close) and a "sleeping" flag. A waiter
 * reads the sequence, raises its flag, re-checks its condition, then waits for the sequence to move. A publisher
 * stores its counter, bumps the sequence, and notifies only if it takes the flag down (an atomic exchange, so one
 * sleep costs one notify however many writes come before the sleeper runs). With sequentially consistent atomics
 * either the waiter's re-check sees the new data or the publisher sees the flag: no wake-up is lost, and a reader
 * that is busy anyway costs the writer nothing.
 *
 * Must not: allocate on the synchronous hot path, or depend on worker/Node APIs (shared by Node and browser).
 */

const WRITE = 0; // bytes written (wrapping counter)
const READ = 1; // bytes read (wrapping counter)
const WRITER_CLOSED = 2;
const READER_CLOSED = 3;
const DATA_EVENTS = 4; // bumped when data arrives or the writer closes; readers wait on it
const SPACE_EVENTS = 5; // bumped when room appears or the reader closes; writers wait on it
const READER_SLEEPING = 6;
const WRITER_SLEEPING = 7;
const HEADER_BYTES = 32;

/**
 * 64 KiB, as a Linux pipe: enough to keep a writer busy while the reader drains, small enough that a new channel
 * costs few fresh pages (first touches of fresh memory dominate short runs) and can be pooled cheaply.
 */
export const DEFAULT_CHANNEL_CAPACITY = 1 << 16;

export function createChannelBuffer(capacity = DEFAULT_CHANNEL_CAPACITY): SharedArrayBuffer {
  if (capacity <= 0 || capacity > 1 << 30 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`channel capacity must be a power of two up to 1 GiB, got ${capacity}`);
  }
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

/** Makes a used channel buffer like new (empty, open) so it can carry another container's stdio. */
export function resetChannelBuffer(buffer: SharedArrayBuffer): void {
  new Int32Array(buffer, 0, HEADER_BYTES / 4).fill(0);
}

class ChannelView {
  protected readonly header: Int32Array;
  protected readonly ring: Uint8Array;
  protected readonly capacity: number;
  protected readonly mask: number;

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.ring = new Uint8Array(buffer, HEADER_BYTES);
    this.capacity = this.ring.length;
    this.mask = this.capacity - 1;
  }

  protected used(): number {
    return (Atomics.load(this.header, WRITE) - Atomics.load(this.header, READ)) >>> 0;
  }

  /** Copies `src` into the ring at counter `at` (wrapping). */
  protected copyIn(src: Uint8Array, at: number): void {
    const start = at & this.mask;
    const first = Math.min(src.length, this.capacity - start);
    this.ring.set(first === src.length ? src : src.subarray(0, first), start);
    if (first < src.length) this.ring.set(src.subarray(first), 0);
  }

  /** Copies `dst.length` bytes out of the ring from counter `at` (wrapping). */
  protected copyOut(dst: Uint8Array, at: number): void {
    const start = at & this.mask;
    const first = Math.min(dst.length, this.capacity - start);
    dst.set(this.ring.subarray(start, start + first), 0);
    if (first < dst.length) dst.set(this.ring.subarray(0, dst.length - first), first);
  }

  /** Publishes bytes written up to `write`; wakes the reader only if it sleeps. */
  protected publishWrite(write: number): void {
    Atomics.store(this.header, WRITE, write);
    Atomics.add(this.header, DATA_EVENTS, 1);
    this.wakeReader();
  }

  /** Wakes a sleeping reader (one notify per sleep: the exchange takes its flag down). */
  protected wakeReader(): void {
    if (Atomics.exchange(this.header, READER_SLEEPING, 0) !== 0) Atomics.notify(this.header, DATA_EVENTS);
  }

  /** Publishes bytes consumed up to `read`; wakes the writer only if it sleeps. */
  protected publishRead(read: number): void {
    Atomics.store(this.header, READ, read);
    Atomics.add(this.header, SPACE_EVENTS, 1);
    if (Atomics.exchange(this.header, WRITER_SLEEPING, 0) !== 0) Atomics.notify(this.header, SPACE_EVENTS);
  }

  /** Sequence value to wait on; read it before checking the condition you wait for. */
  protected dataEvents(): number {
    return Atomics.load(this.header, DATA_EVENTS);
  }

  protected spaceEvents(): number {
    return Atomics.load(this.header, SPACE_EVENTS);
  }

  get writerClosed(): boolean {
    return Atomics.load(this.header, WRITER_CLOSED) !== 0;
  }

  get readerClosed(): boolean {
    return Atomics.load(this.header, READER_CLOSED) !== 0;
  }

  closeWriter(): void {
    Atomics.store(this.header, WRITER_CLOSED, 1);
    Atomics.add(this.header, DATA_EVENTS, 1);
    Atomics.notify(this.header, DATA_EVENTS);
  }

  closeReader(): void {
    Atomics.store(this.header, READER_CLOSED, 1);
    Atomics.add(this.header, SPACE_EVENTS, 1);
    Atomics.notify(this.header, SPACE_EVENTS);
  }

  /** Blocks the thread until `slot` moves from `seen` (or `timeoutMs` passes), flagging `sleeping` meanwhile. */
  protected sleep(slot: number, sleeping: number, seen: number, ready: () => boolean, timeoutMs?: number): void {
    Atomics.store(this.header, sleeping, 1);
    if (!ready()) Atomics.wait(this.header, slot, seen, timeoutMs);
    Atomics.store(this.header, sleeping, 0);
  }

  /**
   * Awaits `slot` moving from `seen` (or `timeoutMs` passing) without blocking the event loop, flagging `sleeping`
   * meanwhile.
   */
  protected async sleepAsync(
    slot: number,
    sleeping: number,
    seen: number,
    ready: () => boolean,
    timeoutMs?: number,
  ): Promise<void> {
    Atomics.store(this.header, sleeping, 1);
    try {
      if (!ready()) await changed(this.header, slot, seen, timeoutMs);
    } finally {
      Atomics.store(this.header, sleeping, 0);
    }
  }
}

/**
 * The blocking writer (a guest's stdout/stderr, in its worker).
 *
 * Waking the host costs more than a small write, so a write wakes a sleeping reader only once a quarter of the ring
 * is used; smaller amounts wait for `flush()` (which the worker calls before the guest blocks or ends) or for the
 * reader's own periodic look (`READER_POLL_MS`). Output thus reaches the host in few large chunks during a burst
 * and within a few milliseconds otherwise.
 */
export class BlockingWriter extends ChannelView {
  private readonly hasRoom = (): boolean => this.readerClosed || this.used() < this.capacity;

  /** Writes all of `src`, waiting while the ring is full. Returns early (discarding) once the reader has closed. */
  write(src: Uint8Array): void {
    let offset = 0;
    while (offset < src.length) {
      if (this.readerClosed) return;
      const seen = this.spaceEvents();
      const write = Atomics.load(this.header, WRITE);
      const free = this.capacity - ((write - Atomics.load(this.header, READ)) >>> 0);
      if (free === 0) {
        this.sleep(SPACE_EVENTS, WRITER_SLEEPING, seen, this.hasRoom);
        continue;
      }
      const n = Math.min(free, src.length - offset);
      this.copyIn(n === src.length ? src : src.subarray(offset, offset + n), write);
      const next = (write + n) | 0;
      Atomics.store(this.header, WRITE, next);
      Atomics.add(this.header, DATA_EVENTS, 1);
      if (((next - Atomics.load(this.header, READ)) >>> 0) >= this.capacity / 4) this.wakeReader();
      offset += n;
    }
  }

  /** Makes everything written so far visible to a sleeping reader now (before the guest blocks or ends). */
  flush(): void {
    if (this.used() > 0) this.wakeReader();
  }
}

/** The blocking reader (a guest's stdin, in its worker). */
export class BlockingReader extends ChannelView {
  private readonly hasData = (): boolean => this.used() > 0 || this.writerClosed;

  /** Blocks until data or end of input; returns the count copied (0 = end of input). */
  read(dst: Uint8Array): number {
    if (dst.length === 0) return 0;
    for (;;) {
      const seen = this.dataEvents();
      const read = Atomics.load(this.header, READ);
      const used = (Atomics.load(this.header, WRITE) - read) >>> 0;
      if (used > 0) {
        const n = Math.min(used, dst.length);
        this.copyOut(n === dst.length ? dst : dst.subarray(0, n), read);
        this.publishRead((read + n) | 0);
        return n;
      }
      if (this.writerClosed) return 0;
      this.sleep(DATA_EVENTS, READER_SLEEPING, seen, this.hasData);
    }
  }

  /** Blocks up to `timeoutMs` (Infinity = forever) until data or end of input; true if a read would not block. */
  waitReadable(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = this.dataEvents();
      if (this.hasData()) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      this.sleep(DATA_EVENTS, READER_SLEEPING, seen, this.hasData, left === Infinity ? undefined : left);
    }
  }
}

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
type WaitAsync = (a: Int32Array, i: number, v: number, timeoutMs?: number) => WaitAsyncResult;
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** Awaits a change of `header[index]` from `value` (or `timeoutMs`) without blocking the event loop. */
async function changed(header: Int32Array, index: number, value: number, timeoutMs = Infinity): Promise<void> {
  if (waitAsync) {
    const result = waitAsync(header, index, value, timeoutMs);
    if (result.async) await result.value;
    return;
  }
  // Browsers without Atomics.waitAsync: poll. Slower, never wrong.
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(header, index) === value && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** How often a sleeping host reader looks for output the guest wrote without waking it (see `BlockingWriter`). */
export const READER_POLL_MS = 5;

/** The host's asynchronous reader (a guest's stdout/stderr). */
export class AsyncReader extends ChannelView {
  private readonly hasData = (): boolean => this.used() > 0 || this.writerClosed;

  /** Resolves with the next bytes (everything available, coalescing many guest writes), or null at end of data. */
  async read(maxBytes = this.capacity): Promise<Uint8Array | null> {
    for (;;) {
      const seen = this.dataEvents();
      const closed = this.writerClosed;
      const read = Atomics.load(this.header, READ);
      const used = (Atomics.load(this.header, WRITE) - read) >>> 0;
      if (used > 0) {
        const chunk = new Uint8Array(Math.min(used, maxBytes));
        this.copyOut(chunk, read);
        this.publishRead((read + chunk.length) | 0);
        return chunk;
      }
      if (closed) return null;
      await this.sleepAsync(DATA_EVENTS, READER_SLEEPING, seen, this.hasData, READER_POLL_MS);
    }
  }
}

/** The host's asynchronous writer (a guest's stdin). */
export class AsyncWriter extends ChannelView {
  private readonly hasRoom = (): boolean => this.readerClosed || this.used() < this.capacity;

  /** Writes all of `src`, awaiting room. Resolves false if the reader is gone (the data was not delivered). */
  async write(src: Uint8Array): Promise<boolean> {
    let offset = 0;
    while (offset < src.length) {
      if (this.readerClosed) return false;
      const seen = this.spaceEvents();
      const write = Atomics.load(this.header, WRITE);
      const free = this.capacity - ((write - Atomics.load(this.header, READ)) >>> 0);
      if (free === 0) {
        await this.sleepAsync(SPACE_EVENTS, WRITER_SLEEPING, seen, this.hasRoom);
        continue;
      }
      const n = Math.min(free, src.length - offset);
      this.copyIn(src.subarray(offset, offset + n), write);
      this.publishWrite((write + n) | 0);
      offset += n;
    }
    return true;
  }
}
