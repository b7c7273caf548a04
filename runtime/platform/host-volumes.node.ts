/**
 * platform host-volumes (Node): named volumes as directories `DIR/NAME/_data` (DIR = `$WASMBOX_HOME/volumes`), as
 * Docker keeps them. Containers mount the `_data` directory through the VFS's host-directory code, which no guest
 * path can leave; several containers may use a volume at once (their writes go straight to disk).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WasmboxError } from '../../shared/errors.ts';
import { createContainerFs } from '../vfs/container-fs.ts';
import { NodeHostDirs } from '../vfs/host-dir.node.ts';
import { checkVolumeName, type VolumeAttachment, type VolumeBackend, type VolumeFiles, type VolumeSummary } from '../engine/volumes.ts';

export class HostVolumes implements VolumeBackend {
  readonly exclusive = false;
  private readonly hostDirs = new NodeHostDirs();

  constructor(private readonly dir: string) {}

  async create(name: string): Promise<VolumeSummary> {
    await mkdir(this.dataDir(name), { recursive: true });
    return this.summary(name);
  }

  async list(): Promise<VolumeSummary[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: VolumeSummary[] = [];
    for (const name of names.sort()) {
      try {
        out.push(await this.summary(checkVolumeName(name)));
      } catch {
        // not a volume (a stray file or a name we would not create)
      }
    }
    return out;
  }

  async remove(name: string): Promise<void> {
    await this.summary(name); // NotFound first
    await rm(join(this.dir, name), { recursive: true, force: true });
  }

  async attach(name: string): Promise<VolumeAttachment> {
    return { source: { kind: 'host', hostPath: this.dataDir(name) } };
  }

  async files(name: string, options: { write: boolean }): Promise<VolumeFiles> {
    await this.summary(name);
    const fs = createContainerFs(
      { lowers: [], mounts: [{ target: '/', source: { kind: 'host', hostPath: this.dataDir(name) }, readonly: !options.write }], workdir: '', quotaBytes: 0, view: true },
      { hostDirs: this.hostDirs },
    );
    return { fs, save: async () => undefined };
  }

  private dataDir(name: string): string {
    return join(this.dir, checkVolumeName(name), '_data');
  }

  private async summary(name: string): Promise<VolumeSummary> {
    const info = await stat(this.dataDir(name)).catch(() => undefined);
    if (!info?.isDirectory()) throw new WasmboxError('NotFound', `no such volume: ${name}`);
    return { name, created: Math.floor(info.birthtimeMs || info.ctimeMs) };
  }
}
