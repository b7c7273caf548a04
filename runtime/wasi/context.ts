/**
 * wasi context: the state every syscall family shares, and the per-snapshot ABI differences.
 *
 * One `WasiContext` per guest process, owned by `WasiHost`. Families receive it and close over it; they keep no
 * state of their own, so `wasi_unstable` and `wasi_snapshot_preview1` can share one descriptor table.
 */
import type { Vfs } from '../vfs/api.ts';
import type { HostIo } from './host-io.ts';
import type { StructLayouts } from './abi.ts';
import type { FdTable } from './fd-table.ts';
import type { GuestMemory } from './memory.ts';
import type { Clocks } from './clocks.ts';

export interface WasiContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  readonly vfs: Vfs;
  readonly io: HostIo;
  readonly clocks: Clocks;
  /** UTF-8 encoded argv and "K=V" environment, each without its NUL. */
  readonly args: readonly Uint8Array[];
  readonly env: readonly Uint8Array[];
}

/** What differs between the two import modules. */
export interface Snapshot {
  readonly layouts: StructLayouts;
  /** Every rights bit the snapshot defines. */
  readonly rightsAll: number;
  /** Maps the ABI's whence value to preview1 numbering (undefined = invalid). */
  readonly whence: (value: number) => number | undefined;
}
