/**
 * engine volumes: named volumes (`docker volume`), mounted by containers as `{ kind: 'volume', name }`.
 *
 * Where a volume lives is the platform's (a `VolumeBackend`):
 * - Node (runtime/platform/host-volumes.node.ts): a host directory `$WASMBOX_HOME/volumes/NAME/_data`, as Docker's;
 *   containers write it directly, several at once.
 * - Browser (runtime/platform/idb-volumes.browser.ts): a tree in IndexedDB. A worker cannot wait for IndexedDB while
 *   its guest runs, so a container gets the volume's files in memory (a seeded tmpfs) and its changes are saved
 *   when the guest ends (exit or trap; a killed container's changes go with its worker). One container at a time
 *   uses a browser volume (`exclusive`), so no change is lost to a concurrent one.
 * `files(name)` gives a view for file browsers and uploads (`save()` keeps what was written).
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { LowerEntry, MountSource } from '../vfs/api.ts';
import type { ContainerFs } from '../vfs/container-fs.ts';

export interface VolumeSummary {
  name: string;
  /** Unix milliseconds. */
  created: number;
}

/** How a container mounts a volume, and what to do with its changes afterwards. */
export interface VolumeAttachment {
  source: MountSource;
  /** With a `capture` source: saves the container's changes (relative to the seed it got). */
  save?(upper: LowerEntry<Uint8Array>): Promise<void>;
}

/** A volume's files outside any container. */
export interface VolumeFiles {
  fs: ContainerFs;
  /** Keeps what was written through `fs` (a no-op where writes go straight to disk). */
  save(): Promise<void>;
}

export interface VolumeBackend {
  /** Whether one container at a time may use a volume (its changes are saved as a whole when it ends). */
  readonly exclusive: boolean;
  /** Creates it if missing (as `docker volume create` and `docker run -v NAME:/x` do); returns it either way. */
  create(name: string): Promise<VolumeSummary>;
  list(): Promise<VolumeSummary[]>;
  /** NotFound if missing. */
  remove(name: string): Promise<void>;
  attach(name: string, readonly: boolean): Promise<VolumeAttachment>;
  files(name: string, options: { write: boolean }): Promise<VolumeFiles>;
  /** Lets go of what it holds open (a database connection). */
  close?(): Promise<void>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkVolumeName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new WasmboxError('InvalidArgument', `invalid volume name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name;
}

/** The engine's volumes (`engine.volumes`). */
export class VolumeService {
  /** Containers using each volume now (exclusive backends allow one). */
  private readonly inUse = new Map<string, number>();

  constructor(private readonly backend: VolumeBackend | null) {}

  create(name: string): Promise<VolumeSummary> {
    return this.require().create(checkVolumeName(name));
  }

  list(): Promise<VolumeSummary[]> {
    return this.require().list();
  }

  /** Conflict while a container uses it, as `docker volume rm`. */
  async remove(name: string): Promise<void> {
    checkVolumeName(name);
    if (this.inUse.has(name)) throw new WasmboxError('Conflict', `volume ${name} is in use by a running container`);
    await this.require().remove(name);
  }

  /** A view of its files (read-only unless `write`; then `save()` keeps the changes). Conflict while in use. */
  async files(name: string, options: { write?: boolean } = {}): Promise<VolumeFiles> {
    checkVolumeName(name);
    const backend = this.require();
    if (options.write && backend.exclusive && this.inUse.has(name)) {
      throw new WasmboxError('Conflict', `volume ${name} is in use by a running container; write to it when it has ended`);
    }
    return backend.files(name, { write: options.write === true });
  }

  /**
   * For a container about to start: the mount source (created if missing) and a release to call when it has ended,
   * with the changes of its capture mounts. Conflict if an exclusive volume is in use.
   */
  async attach(name: string, readonly: boolean): Promise<{ source: MountSource; release(upper: LowerEntry<Uint8Array> | null): Promise<void> }> {
    checkVolumeName(name);
    const backend = this.require();
    if (backend.exclusive && this.inUse.has(name)) {
      throw new WasmboxError('Conflict', `volume ${name} is in use by another running container (in the browser a volume is one container's at a time)`);
    }
    this.inUse.set(name, (this.inUse.get(name) ?? 0) + 1);
    let attachment: VolumeAttachment;
    try {
      await backend.create(name);
      attachment = await backend.attach(name, readonly);
    } catch (error) {
      this.unuse(name);
      throw error;
    }
    let released = false;
    return {
      source: attachment.source,
      release: async (upper) => {
        if (released) return;
        released = true;
        try {
          if (upper && attachment.save) await attachment.save(upper);
        } finally {
          this.unuse(name);
        }
      },
    };
  }

  /** With the engine: closes the backend. */
  async close(): Promise<void> {
    await this.backend?.close?.();
  }

  private unuse(name: string): void {
    const left = (this.inUse.get(name) ?? 1) - 1;
    if (left > 0) this.inUse.set(name, left);
    else this.inUse.delete(name);
  }

  private require(): VolumeBackend {
    if (!this.backend) throw new WasmboxError('NotImplemented', 'this engine has no volume storage');
    return this.backend;
  }
}
