import { describe, expect, it } from 'vitest';
import * as abi from './abi.ts';
import { FlatVfs, RecordingIo, runGuest, type Guest } from './test-kit.ts';

const SUBS = 1024; // subscriptions array
const EVENTS = 4096; // events array

function run(body: (g: Guest, io: RecordingIo) => void, io = new RecordingIo()): RecordingIo {
  runGuest({ args: [], env: [], vfs: new FlatVfs(), io }, (g) => body(g, io));
  return io;
}

function clock(g: Guest, i: number, userdata: bigint, id: number, timeout: bigint, flags = 0, size = 48): void {
  const dv = g.view();
  const at = SUBS + i * size;
  const shift = size === 56 ? 8 : 0; // snapshot 0 has `identifier: u64` first
  dv.setBigUint64(at, userdata, true);
  dv.setUint8(at + 8, abi.EVENTTYPE_CLOCK);
  dv.setUint32(at + 16 + shift, id, true);
  dv.setBigUint64(at + 24 + shift, timeout, true);
  dv.setBigUint64(at + 32 + shift, 0n, true);
  dv.setUint16(at + 40 + shift, flags, true);
}

function fdSub(g: Guest, i: number, userdata: bigint, type: number, fd: number): void {
  const dv = g.view();
  dv.setBigUint64(SUBS + i * 48, userdata, true);
  dv.setUint8(SUBS + i * 48 + 8, type);
  dv.setUint32(SUBS + i * 48 + 16, fd, true);
}

interface Event { userdata: bigint; error: number; type: number; nbytes: bigint; flags: number }

function poll(g: Guest, n: number, wasi = g.wasi): Event[] | number {
  const errno = wasi.poll_oneoff(SUBS, EVENTS, n, 8);
  if (errno !== 0) return errno;
  const dv = g.view();
  return Array.from({ length: dv.getUint32(8, true) }, (_, i) => {
    const at = EVENTS + i * 32;
    return {
      userdata: dv.getBigUint64(at, true),
      error: dv.getUint16(at + 8, true),
      type: dv.getUint8(at + 10),
      nbytes: dv.getBigUint64(at + 16, true),
      flags: dv.getUint16(at + 24, true),
    };
  });
}

const now = () => performance.now();

describe('poll_oneoff', () => {
  it('no subscriptions is EINVAL (wasmtime)', () => {
    run((g) => expect(poll(g, 0)).toBe(abi.ERRNO_INVAL));
  });

  it('sleeps once through io.sleep for a relative clock, monotonic or realtime (never spins)', () => {
    const io = run((g) => {
      for (const id of [abi.CLOCKID_MONOTONIC, abi.CLOCKID_REALTIME]) {
        clock(g, 0, 0x1234_5678n, id, 5_000_000n);
        const t0 = now();
        expect(poll(g, 1)).toEqual([{ userdata: 0x1234_5678n, error: 0, type: abi.EVENTTYPE_CLOCK, nbytes: 0n, flags: 0 }]);
        expect(now() - t0).toBeGreaterThanOrEqual(4.9);
      }
    });
    expect(io.sleeps).toHaveLength(2);
    for (const ns of io.sleeps) expect(Number(ns)).toBeGreaterThan(4_000_000);
  });

  it('ABSTIME: a past deadline fires at once; a realtime deadline 5 ms ahead sleeps about 5 ms', () => {
    const io = run((g) => {
      clock(g, 0, 1n, abi.CLOCKID_MONOTONIC, 1n, abi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
      expect(poll(g, 1)).toMatchObject([{ userdata: 1n }]);
      expect(g.wasi.clock_time_get(abi.CLOCKID_REALTIME, 0n, 16)).toBe(0);
      const wall = g.view().getBigUint64(16, true);
      clock(g, 0, 2n, abi.CLOCKID_REALTIME, wall + 5_000_000n, abi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
      expect(poll(g, 1)).toMatchObject([{ userdata: 2n }]);
    });
    expect(io.sleeps).toHaveLength(1);
    expect(Number(io.sleeps[0])).toBeGreaterThan(0);
    expect(Number(io.sleeps[0])).toBeLessThanOrEqual(5_000_000);
  });

  it('reports only the clocks that are due, in subscription order', () => {
    run((g) => {
      clock(g, 0, 10n, abi.CLOCKID_MONOTONIC, 60_000_000_000n);
      clock(g, 1, 11n, abi.CLOCKID_MONOTONIC, 1_000_000n);
      clock(g, 2, 12n, abi.CLOCKID_MONOTONIC, 0n);
      expect((poll(g, 3) as Event[]).map((e) => e.userdata)).toEqual([12n]);
      clock(g, 2, 12n, abi.CLOCKID_MONOTONIC, 30_000_000_000n);
      expect((poll(g, 3) as Event[]).map((e) => e.userdata)).toEqual([11n]);
    });
  });

  it('cputime clocks, unknown flags and unknown tags are EINVAL', () => {
    run((g) => {
      clock(g, 0, 1n, abi.CLOCKID_PROCESS_CPUTIME_ID, 1n);
      expect(poll(g, 1)).toBe(abi.ERRNO_INVAL);
      clock(g, 0, 1n, abi.CLOCKID_MONOTONIC, 1n, 2);
      expect(poll(g, 1)).toBe(abi.ERRNO_INVAL);
      fdSub(g, 0, 1n, 3, 1);
      expect(poll(g, 1)).toBe(abi.ERRNO_INVAL);
    });
  });

  it('files and stdout are ready at once; a file read reports the bytes left and HANGUP at its end', () => {
    const io = run((g) => {
      const len = g.put(4000, 'f');
      expect(g.wasi.path_open(3, 0, 4000, len, abi.OFLAGS_CREAT, 0n, 0n, 0, 12)).toBe(0);
      const fd = g.view().getUint32(12, true);
      g.put(100, 'abcdef');
      g.iovecs(16, [[100, 6]]);
      g.wasi.fd_write(fd, 16, 1, 8);
      g.wasi.fd_seek(fd, 2n, abi.WHENCE_SET, 32);
      clock(g, 0, 1n, abi.CLOCKID_MONOTONIC, 60_000_000_000n);
      fdSub(g, 1, 2n, abi.EVENTTYPE_FD_READ, fd);
      fdSub(g, 2, 3n, abi.EVENTTYPE_FD_WRITE, 1);
      fdSub(g, 3, 4n, abi.EVENTTYPE_FD_WRITE, fd);
      expect(poll(g, 4)).toEqual([
        { userdata: 2n, error: 0, type: abi.EVENTTYPE_FD_READ, nbytes: 4n, flags: 0 },
        { userdata: 3n, error: 0, type: abi.EVENTTYPE_FD_WRITE, nbytes: 1n, flags: 0 },
        { userdata: 4n, error: 0, type: abi.EVENTTYPE_FD_WRITE, nbytes: 1n, flags: 0 },
      ]);
      g.wasi.fd_seek(fd, 0n, abi.WHENCE_END, 32);
      expect(poll(g, 2)).toMatchObject([{ userdata: 2n, nbytes: 0n, flags: abi.EVENTRWFLAGS_FD_READWRITE_HANGUP }]);
    });
    expect(io.sleeps).toHaveLength(0);
  });

  it('a subscription on a closed fd or of the wrong kind fails the call with EBADF', () => {
    run((g) => {
      fdSub(g, 0, 1n, abi.EVENTTYPE_FD_READ, 0xffffffff);
      expect(poll(g, 1)).toBe(abi.ERRNO_BADF);
      fdSub(g, 0, 1n, abi.EVENTTYPE_FD_WRITE, 0);
      expect(poll(g, 1)).toBe(abi.ERRNO_BADF);
      fdSub(g, 0, 1n, abi.EVENTTYPE_FD_READ, 1);
      expect(poll(g, 1)).toBe(abi.ERRNO_BADF);
      fdSub(g, 0, 1n, abi.EVENTTYPE_FD_READ, 3);
      expect(poll(g, 1)).toBe(abi.ERRNO_BADF);
    });
  });

  it('stdin: waits in io.stdin.waitReadable bounded by the earliest clock', () => {
    const idle = run((g) => {
      fdSub(g, 0, 1n, abi.EVENTTYPE_FD_READ, 0);
      clock(g, 1, 2n, abi.CLOCKID_MONOTONIC, 3_000_000n);
      expect(poll(g, 2)).toMatchObject([{ userdata: 2n, type: abi.EVENTTYPE_CLOCK }]);
    }, new RecordingIo('', { stdinReady: false }));
    expect(idle.waits).toHaveLength(1);
    expect(Number(idle.waits[0])).toBeGreaterThan(0);
    expect(Number(idle.waits[0])).toBeLessThanOrEqual(3_000_000);

    const ready = run((g) => {
      fdSub(g, 0, 1n, abi.EVENTTYPE_FD_READ, 0);
      clock(g, 1, 2n, abi.CLOCKID_MONOTONIC, 60_000_000_000n);
      expect(poll(g, 2)).toEqual([{ userdata: 1n, error: 0, type: abi.EVENTTYPE_FD_READ, nbytes: 1n, flags: 0 }]);
      fdSub(g, 1, 3n, abi.EVENTTYPE_FD_WRITE, 1);
      expect((poll(g, 2) as Event[]).map((e) => e.userdata)).toEqual([1n, 3n]);
    }, new RecordingIo('x'));
    expect(ready.waits).toEqual([60_000_000_000n, 0n]);
  });

  it('wasi_unstable reads the clock subscription with its identifier field', () => {
    run((g) => {
      clock(g, 0, 7n, abi.CLOCKID_MONOTONIC, 0n, 0, 56);
      clock(g, 1, 8n, abi.CLOCKID_MONOTONIC, 60_000_000_000n, 0, 56);
      expect((poll(g, 2, g.unstable) as Event[]).map((e) => e.userdata)).toEqual([7n]);
    });
  });
});
