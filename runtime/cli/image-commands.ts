/**
 * cli image-commands: `wasmbox load`, `save`, `images`, `rmi`, `tag`, `image prune`, on the image store at
 * `$WASMBOX_HOME/store` (an OCI image layout: `skopeo inspect oci:$WASMBOX_HOME/store:docker.io/library/hello:latest`).
 * Everything goes through the engine's ImageService (one image-ID convention: the root digest; loads unpack layers,
 * removals drop them); this module only reads files and formats output.
 * Ref names follow images/archive/image-names.ts: the full normalized reference (`docker.io/library/hello:latest`);
 * untagged images under `sha256:<hex>`. Output follows docker's wording.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { WasmboxError } from '../../shared/errors.ts';
import { displayName, isUntaggedRefName, refOfStoreName } from '../../images/archive/image-names.ts';
import { digestHex } from '../../images/oci/digest.ts';
import { familiarName } from '../../images/oci/reference.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { ImageService } from '../engine/image-service.ts';
import { defaultStoreDir, diskLayerSnapshots } from '../platform/entry.node.ts';
import { ago, humanSize } from './units.ts';
import { writeTable, type Output } from './output.ts';

export { humanSize } from './units.ts';


/** The engine's image service on the CLI's store (opened on first use, closed after `fn`). */
export async function withImages<T>(fn: (images: ImageService) => Promise<T>): Promise<T> {
  const images = new ImageService(() => openOciLayoutStore(defaultStoreDir()), diskLayerSnapshots());
  try {
    return await fn(images);
  } finally {
    await images.close();
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
  const { loaded } = await withImages((images) => images.load(bytes));
  for (const image of loaded) {
    out.write(image.name !== undefined ? `Loaded image: ${displayName(image.name)}\n` : `Loaded image ID: ${image.id}\n`);
  }
}

/** `wasmbox save [-o FILE] IMAGE...`: one tar, OCI layout + Docker archive (stdout when -o is absent and not a TTY). */
export async function saveCommand(images: string[], options: { output?: string }, out: Output & { isTTY?: boolean }): Promise<void> {
  if (options.output === undefined && out.isTTY) {
    throw new WasmboxError('InvalidArgument', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const tar = await withImages((service) => service.save(images));
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


/** `wasmbox rmi [-f] IMAGE...`: untags; deletes the blobs only that image reached. */
export async function rmiCommand(images: string[], options: { force?: boolean }, out: Output): Promise<void> {
  await withImages(async (service) => {
    for (const input of images) {
      const removed = await service.remove(input, options);
      for (const name of removed.untagged) out.write(`Untagged: ${displayName(name)}\n`);
      if (removed.deleted.includes(removed.id)) out.write(`Deleted: ${removed.id}\n`);
    }
  });
}

/** `wasmbox tag SOURCE TARGET`. */
export async function tagCommand(source: string, target: string): Promise<void> {
  await withImages((images) => images.tag(source, target));
}

/**
 * `wasmbox image prune`: removes untagged images (each listed as `deleted:`, even when a tagged image shares its
 * blobs), then every blob no image reaches.
 */
export async function pruneCommand(out: Output): Promise<void> {
  const { deleted, bytes } = await withImages((images) => images.prune());
  if (deleted.length > 0) out.write(`Deleted Images:\n${deleted.map((d) => `deleted: ${d}\n`).join('')}\n`);
  out.write(`Total reclaimed space: ${humanSize(bytes)}\n`);
}

