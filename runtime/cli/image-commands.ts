/**
 * cli image-commands: `wasmbox load`, `save`, `images`, `rmi`, `tag`, `image prune`, on the image store at
 * `$WASMBOX_HOME/store` (an OCI image layout: `skopeo inspect oci:$WASMBOX_HOME/store:docker.io/library/hello:latest`).
 * Ref names follow images/archive/image-names.ts: the full normalized reference (`docker.io/library/hello:latest`);
 * untagged images under `sha256:<hex>`. Output follows docker's wording.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WasmboxError } from '../../shared/errors.ts';
import { displayName, findImage, isUntaggedRefName, refOfStoreName, storeRefName } from '../../images/archive/image-names.ts';
import { loadArchive } from '../../images/archive/load-archive.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import { digestHex, type Digest } from '../../images/oci/digest.ts';
import { familiarName } from '../../images/oci/reference.ts';
import { resolveImage } from '../../images/oci/resolve-image.ts';
import type { ImageStore } from '../../images/store/blob-store.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { dataDir } from './volumes.ts';

export interface Output {
  write(text: string): void;
}

export function storeDir(): string {
  return join(dataDir(), 'store');
}

async function withStore<T>(fn: (store: ImageStore) => Promise<T>): Promise<T> {
  const store = await openOciLayoutStore(storeDir());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** `wasmbox load [-i FILE]` (stdin without -i): prints `Loaded image: NAME:TAG` or `Loaded image ID: sha256:…`. */
export async function loadCommand(options: { input?: string }, out: Output): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(options.input ?? 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WasmboxError('NotFound', `open ${options.input}: no such file`);
    throw error;
  }
  const { loaded } = await withStore((store) => loadArchive(store, bytes));
  for (const image of loaded) {
    out.write(image.name !== undefined ? `Loaded image: ${displayName(image.name)}\n` : `Loaded image ID: ${image.id}\n`);
  }
}

/** `wasmbox save [-o FILE] IMAGE...`: one tar, OCI layout + Docker archive (stdout when -o is absent and not a TTY). */
export async function saveCommand(images: string[], options: { output?: string }, out: Output & { isTTY?: boolean }): Promise<void> {
  if (options.output === undefined && out.isTTY) {
    throw new WasmboxError('InvalidArgument', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const tar = await withStore((store) => saveArchive(store, images));
  if (options.output === undefined) {
    await new Promise<void>((resolve, reject) => process.stdout.write(tar, (e) => (e ? reject(e) : resolve())));
    return;
  }
  const temp = `${options.output}.wasmbox-${process.pid}.tmp`;
  try {
    writeFileSync(temp, tar);
    renameSync(temp, options.output);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

interface Row {
  repository: string;
  tag: string;
  id: string;
  created: number | undefined;
  size: number;
}

/** `wasmbox images`: REPOSITORY TAG IMAGE ID CREATED SIZE, newest first. */
export async function imagesCommand(options: { quiet?: boolean }, out: Output, now = Date.now()): Promise<void> {
  const rows = await withStore(async (store) => {
    const info = new Map<Digest, { created: number | undefined; size: number }>();
    const rows: Row[] = [];
    for (const { name, descriptor } of await store.refs.list()) {
      let meta = info.get(descriptor.digest);
      if (!meta) {
        meta = await imageInfo(store, descriptor);
        info.set(descriptor.digest, meta);
      }
      const ref = refOfStoreName(name);
      const repository = ref ? familiarName(ref) : isUntaggedRefName(name) ? '<none>' : name;
      const tag = ref?.tag ?? '<none>';
      rows.push({ repository, tag, id: digestHex(descriptor.digest).slice(0, 12), ...meta });
    }
    return rows.sort((a, b) => (b.created ?? 0) - (a.created ?? 0) || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  });
  if (options.quiet) {
    for (const id of new Set(rows.map((r) => r.id))) out.write(`${id}\n`);
    return;
  }
  const table = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']];
  for (const r of rows) table.push([r.repository, r.tag, r.id, r.created === undefined ? 'N/A' : ago(now - r.created), humanSize(r.size)]);
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) out.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('')}\n`);
}

async function imageInfo(store: ImageStore, root: Descriptor): Promise<{ created: number | undefined; size: number }> {
  try {
    const image = await resolveImage(store.blobs, root);
    const created = image.config.created === undefined ? undefined : Date.parse(image.config.created);
    let size = image.manifestDescriptor.size + image.manifest.config.size;
    for (const layer of image.layers) size += layer.size;
    return { created: Number.isNaN(created) ? undefined : created, size };
  } catch {
    return { created: undefined, size: root.size };
  }
}

/** `wasmbox rmi [-f] IMAGE...`: untags; deletes the blobs only that image reached. */
export async function rmiCommand(images: string[], options: { force?: boolean }, out: Output): Promise<void> {
  await withStore(async (store) => {
    for (const input of images) {
      const found = await findImage(store.refs, input);
      if (found.names.length > 1 && !options.force) {
        throw new WasmboxError('Conflict', `unable to delete ${input} (must be forced) - image is referenced in multiple repositories`);
      }
      for (const name of found.names) {
        const removed = await store.remove(name);
        if (!isUntaggedRefName(name)) out.write(`Untagged: ${displayName(name)}\n`);
        for (const digest of removed.deleted) if (digest === removed.descriptor.digest) out.write(`Deleted: ${digest}\n`);
      }
    }
  });
}

/** `wasmbox tag SOURCE TARGET`. */
export async function tagCommand(source: string, target: string): Promise<void> {
  const name = storeRefName(target);
  await withStore(async (store) => {
    const found = await findImage(store.refs, source);
    await store.refs.set(name, found.descriptor);
    // Tagging an untagged image names it: its `sha256:` placeholder ref is no longer needed.
    for (const old of found.names) if (isUntaggedRefName(old)) await store.refs.delete(old);
  });
}

/**
 * `wasmbox image prune`: removes untagged images (each listed as `deleted:`, even when a tagged image shares its
 * blobs), then every blob no image reaches.
 */
export async function pruneCommand(out: Output): Promise<void> {
  const { deleted, bytes } = await withStore(async (store) => {
    const images: Digest[] = [];
    for (const { name, descriptor } of await store.refs.list()) {
      if (!isUntaggedRefName(name)) continue;
      await store.refs.delete(name);
      images.push(descriptor.digest);
    }
    const pruned = await store.prune();
    return { deleted: [...new Set(images)], bytes: pruned.bytes };
  });
  if (deleted.length > 0) out.write(`Deleted Images:\n${deleted.map((d) => `deleted: ${d}\n`).join('')}\n`);
  out.write(`Total reclaimed space: ${humanSize(bytes)}\n`);
}

/** docker's units.HumanSize: decimal units, 4 significant digits (`144B`, `1.234kB`, `12.5MB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${Number(value.toPrecision(4))}${units[i]}`;
}

/** docker's units.HumanDuration + " ago". */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.round(s / 60);
  const h = Math.round(s / 3600);
  const d = Math.floor(h / 24);
  let text: string;
  if (s < 1) text = 'Less than a second';
  else if (s === 1) text = '1 second';
  else if (s < 60) text = `${s} seconds`;
  else if (m === 1) text = 'About a minute';
  else if (m < 60) text = `${m} minutes`;
  else if (h === 1) text = 'About an hour';
  else if (h < 48) text = `${h} hours`;
  else if (h < 24 * 7 * 2) text = `${d} days`;
  else if (h < 24 * 30 * 2) text = `${Math.floor(h / 24 / 7)} weeks`;
  else if (h < 24 * 365 * 2) text = `${Math.floor(h / 24 / 30)} months`;
  else text = `${Math.floor(h / 24 / 365)} years`;
  return `${text} ago`;
}
