/**
 * wasi test-kit: what the WASI unit tests share: a guest that hands control back to the test (so syscalls can be
 * called directly on a real instance's memory), recording stdio, and small in-memory files and directories.
 *
 * Test-only; imports nothing from Node so the same tests could run in a browser.
 */
import type { DirEntry, OpenDir, OpenFile, Stat, TimeSpec, Vfs, OpenOptions } from '../vfs/api.ts';
import { fail } from '../vfs/errors.ts';
import type { HostIo } from './host-io.ts';
import { WasiHost, type WasiHostOptions } from './wasi-host.ts';

/**
 * A module importing `test.body` and exporting `memory` (1 page) and `_start`, which calls `body` once:
 * (module (import "test" "body" (func)) (memory (export "memory") 1) (func (export "_start") call 0))
 */
const BODY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
  0x02, 0x0d, 0x01, 0x04, 0x74, 0x65, 0x73, 0x74, 0x04, 0x62, 0x6f, 0x64, 0x79, 0x00, 0x00, // import test.body
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory min 1
  0x07, 0x13, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // export "memory"
  0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x01, // export "_start"
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b, // body: call 0
]);
const bodyModule = new WebAssembly.Module(BODY_MODULE);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Imports = Record<string, (...args: any[]) => any>;

export interface Guest {
  /** wasi_snapshot_preview1 */
  wasi: Imports;
  unstable: Imports;
  memory: WebAssembly.Memory;
  view(): DataView;
  /** Writes bytes (or a UTF-8 string) at `ptr`; returns the length. */
  put(ptr: number, data: Uint8Array | string): number;
  get(ptr: number, len: number): Uint8Array;
  text(ptr: number, len: number): string;
  /** Writes `[ptr, len]` pairs as an iovec array at `at`. */
  iovecs(at: number, pairs: Array<[number, number]>): void;
}

/** Runs `body` as the guest's `_start` on a fresh host; returns what `start` returns (the exit code). */
export function runGuest(options: WasiHostOptions, body: (g: Guest) => void): number {
  const host = new WasiHost(options);
  let memory: WebAssembly.Memory | undefined;
  const imports = host.imports as Record<string, Imports>;
  const guest: Guest = {
    wasi: imports.wasi_snapshot_preview1!,
    unstable: imports.wasi_unstable!,
    get memory() {
      return memory!;
    },
    view: () => new DataView(memory!.buffer),
    put(ptr, data) {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      new Uint8Array(memory!.buffer, ptr, bytes.length).set(bytes);
      return bytes.length;
    },
    get: (ptr, len) => new Uint8Array(memory!.buffer, ptr, len).slice(),
    text: (ptr, len) => new TextDecoder().decode(new Uint8Array(memory!.buffer, ptr, len)),
    iovecs(at, pairs) {
      const dv = new DataView(memory!.buffer);
      pairs.forEach(([p, l], i) => {
        dv.setUint32(at + i * 8, p, true);
        dv.setUint32(at + i * 8 + 4, l, true);
      });
    },
  };
  const instance = new WebAssembly.Instance(bodyModule, { ...imports, test: { body: () => body(guest) } });
  memory = instance.exports.memory as WebAssembly.Memory;
  return host.start(instance);
}

/** Stdio and host services that record what the guest does. */
export class RecordingIo implements HostIo {
  stdoutChunks: Uint8Array[] = [];
  stderrChunks: Uint8Array[] = [];
  sleeps: bigint[] = [];
  waits: Array<bigint | null> = [];
  tty = false;
  private input: Uint8Array;
  /** Whether stdin is readable for `waitReadable` (data present or closed). */
  stdinReady: boolean;

  constructor(stdin = '', options: { stdinReady?: boolean } = {}) {
    this.input = new TextEncoder().encode(stdin);
    this.stdinReady = options.stdinReady ?? true;
  }

  stdin = {
    read: (dst: Uint8Array): number => {
      const n = Math.min(dst.length, this.input.length);
      dst.set(this.input.subarray(0, n));
      this.input = this.input.subarray(n);
      return n;
    },
    waitReadable: (timeoutNs: bigint | null): boolean => {
      this.waits.push(timeoutNs);
      if (!this.stdinReady && timeoutNs !== null) this.sleep(timeoutNs);
      return this.stdinReady;
    },
  };
  stdout = { write: (src: Uint8Array) => void this.stdoutChunks.push(src.slice()) };
  stderr = { write: (src: Uint8Array) => void this.stderrChunks.push(src.slice()) };

  sleep(ns: bigint): void {
    this.sleeps.push(ns);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ns) / 1e6);
  }

  randomFill(dst: Uint8Array): void {
    for (let i = 0; i < dst.length; i++) dst[i] = (i * 7 + 3) & 0xff;
  }

  text(which: 'stdout' | 'stderr' = 'stdout'): string {
    const chunks = which === 'stdout' ? this.stdoutChunks : this.stderrChunks;
    return chunks.map((c) => new TextDecoder().decode(c)).join('');
  }
}

const statOf = (type: Stat['type'], ino: number, size: number): Stat => ({
  dev: 7, ino, type, nlink: 1, size, mode: 0o644, atimeNs: 1_000n, mtimeNs: 2_000n, ctimeNs: 3_000n,
});

/** A growable in-memory file. */
export class MemFile implements OpenFile {
  readonly kind = 'file';
  data = new Uint8Array(0);
  closed = false;
  times: Array<[TimeSpec, TimeSpec]> = [];
  constructor(
    readonly ino = 100,
    readonly type: 'file' | 'chardev' = 'file',
  ) {}
  read(dst: Uint8Array, position: number): number {
    const n = Math.max(0, Math.min(dst.length, this.data.length - position));
    dst.set(this.data.subarray(position, position + n));
    return n;
  }
  write(src: Uint8Array, position: number): number {
    if (position + src.length > this.data.length) {
      const grown = new Uint8Array(position + src.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(src, position);
    return src.length;
  }
  size = () => this.data.length;
  truncate(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.data.subarray(0, size));
    this.data = next;
  }
  stat = () => statOf(this.type, this.ino, this.data.length);
  setTimes = (a: TimeSpec, m: TimeSpec) => void this.times.push([a, m]);
  sync(): void {}
  close(): void {
    this.closed = true;
  }
}

/** A directory handle serving a fixed listing (`.` and `..` included by the caller). */
export class ListDir implements OpenDir {
  readonly kind = 'dir';
  closed = false;
  constructor(
    public list: DirEntry[] = [],
    readonly ino = 1,
  ) {}
  entries = () => this.list.slice();
  stat = () => statOf('dir', this.ino, 0);
  setTimes(): void {}
  close(): void {
    this.closed = true;
  }
}

/**
 * A flat Vfs: names (no `/`) map to files or directories in one root; enough for ABI tests. `calls` records each
 * call as `method path`. Path semantics beyond that are the real VFS's business and are tested there.
 */
export class FlatVfs implements Vfs {
  readonly rootDir = new ListDir([], 1);
  readonly nodes = new Map<string, MemFile | ListDir>();
  calls: string[] = [];
  lastOpen: OpenOptions | undefined;
  root = () => this.rootDir;
  open(_at: OpenDir, path: string, o: OpenOptions): OpenFile | OpenDir {
    this.calls.push(`open ${path}`);
    this.lastOpen = o;
    let node = this.nodes.get(path);
    if (node === undefined) {
      if (!o.create) fail('ENOENT');
      node = new MemFile(100 + this.nodes.size);
      this.nodes.set(path, node);
    } else if (o.create && o.exclusive) fail('EEXIST');
    if (node.kind === 'dir' && o.write) fail('EISDIR');
    if (node.kind === 'file' && o.directory) fail('ENOTDIR');
    if (node.kind === 'file' && o.truncate) node.truncate(0);
    return node;
  }
  stat(_at: OpenDir, path: string): Stat {
    this.calls.push(`stat ${path}`);
    const node = this.nodes.get(path) ?? fail('ENOENT');
    return node.stat();
  }
  setTimes = (_at: OpenDir, path: string) => void this.calls.push(`setTimes ${path}`);
  mkdir = (_at: OpenDir, path: string) => void this.nodes.set(path, new ListDir());
  rmdir = (_at: OpenDir, path: string) => void this.calls.push(`rmdir ${path}`);
  unlink = (_at: OpenDir, path: string) => void this.calls.push(`unlink ${path}`);
  rename = (_a: OpenDir, from: string, _b: OpenDir, to: string) => void this.calls.push(`rename ${from} ${to}`);
  link = (_a: OpenDir, from: string, follow: boolean, _b: OpenDir, to: string) =>
    void this.calls.push(`link ${from} ${follow} ${to}`);
  symlink = (target: string, _at: OpenDir, path: string) => void this.calls.push(`symlink ${target} ${path}`);
  readlink(_at: OpenDir, path: string): string {
    this.calls.push(`readlink ${path}`);
    return path === 'link' ? 'target-Д' : fail('EINVAL');
  }
}
