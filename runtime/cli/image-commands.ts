/**
 * cli image-commands: `wasmbox load`, `save`, `images`, `rmi`, `tag`, `image prune`, on the image store at
 * `$WASMBOX_HOME/store` (an OCI image layout: `skopeo inspect oci:$WASMBOX_HOME/store:docker.io/library/hello:latest`).
 * Listing and lookups for run/inspect/history go through the engine's ImageService (one image-ID convention: the
 * root digest); archive work (load/save) and name bookkeeping (rmi/tag/prune) use images/archive and the store.
 * Ref names follow images/archive/image-names.ts: the full normalized reference (`docker.io/library/hello:latest`);
 * untagged images under `sha256:<hex>`. Output follows docker's wording.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WasmboxError } from '../../shared/errors.ts';
import { displayName, findImage, isUntaggedRefName, refOfStoreName, storeRefName } from '../../images/archive/image-names.ts';
import { loadArchive } from '../../images/archive/load-archive.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import { digestHex, type Digest } from '../../images/oci/digest.ts';
import { familiarName } from '../../images/oci/reference.ts';
import type { ImageStore } from '../../images/store/blob-store.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { ImageService } from '../engine/image-service.ts';
import { ago, humanSize } from './units.ts';
import { dataDir } from './volumes.ts';

export { humanSize } from './units.ts';

export interface Output {
  write(text: string): void;
}

export function storeDir(): string {
  return join(dataDir(), 'store');
}

/** The engine's image service on the CLI's store (opened on first use, closed after `fn`). */
export async function withImages<T>(fn: (images: ImageService) => Promise<T>): Promise<T> {
  const images = new ImageService(() => openOciLayoutStore(storeDir()));
  try {
    return await fn(images);
  } finally {
    await images.close();
  }
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

/** `wasmbox images`: REPOSITORY TAG IMAGE ID CREATED SIZE, newest first; the ID is the root digest. */
export async function imagesCommand(options: { quiet?: boolean }, out: Output, now = Date.now()): Promise<void> {
  const list = await withImages((images) => images.list());
  const rows = list.map((image) => {
    const ref = refOfStoreName(image.name);
    const created = image.created === undefined ? Number.NaN : Date.parse(image.created);
    return {
      repository: ref ? familiarName(ref) : isUntaggedRefName(image.name) ? '<none>' : image.name,
      tag: ref?.tag ?? '<none>',
      id: digestHex(image.id).slice(0, 12),
      created: Number.isNaN(created) ? undefined : created,
      size: image.size,
    };
  });
  rows.sort((a, b) => (b.created ?? 0) - (a.created ?? 0) || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  if (options.quiet) {
    for (const id of new Set(rows.map((r) => r.id))) out.write(`${id}\n`);
    return;
  }
  writeTable(out, [
    ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
    ...rows.map((r) => [r.repository, r.tag, r.id, r.created === undefined ? 'N/A' : ago(now - r.created), humanSize(r.size)]),
  ]);
}

/** Writes rows as docker's tabwriter does: columns padded to the widest cell plus 3 spaces, the last unpadded. */
export function writeTable(out: Output, table: string[][]): void {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) out.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('')}\n`);
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

