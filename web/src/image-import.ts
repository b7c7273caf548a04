/**
 * Image archives into the store: dropped or chosen files, and URLs. Any archive `wasmbox save` or `docker save`
 * writes (OCI layout or Docker archive, plain or gzip) loads; the engine checks it and names what is wrong.
 */
import type { Engine } from '../../runtime/platform/entry.browser.ts';

/**
 * Whether `bytes` can be an image archive at all: gzip, or a POSIX tar (the "ustar" magic every `docker save` and
 * `wasmbox save` writes). Checked first so that a wrong file (an HTML error page, a script) gets one plain sentence
 * instead of the tar reader's complaint about its first header.
 */
export function looksLikeArchive(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  const magic = String.fromCharCode(...bytes.subarray(257, 262));
  return bytes.length >= 512 && magic === 'ustar';
}

/** Loads one archive; resolves to the names (or IDs of untagged images) it brought. */
export async function importArchive(engine: Engine, bytes: Uint8Array): Promise<string[]> {
  if (!looksLikeArchive(bytes)) {
    throw new Error('not an image archive: expected a .tar or .tar.gz file as `wasmbox save` or `docker save` writes');
  }
  const result = await engine.images.load(bytes);
  return result.loaded.map((image) => image.name ?? image.id);
}

export async function importFiles(engine: Engine, files: Iterable<File>): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    try {
      names.push(...(await importArchive(engine, new Uint8Array(await file.arrayBuffer()))));
    } catch (error) {
      throw new Error(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return names;
}

export async function importUrl(engine: Engine, url: string): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    // fetch gives no detail on purpose; the usual causes are a wrong address or a server that sends no CORS headers.
    throw new Error(`could not fetch ${url}: the address is unreachable, or the server does not allow cross-origin requests (CORS)`);
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  try {
    return await importArchive(engine, new Uint8Array(await response.arrayBuffer()));
  } catch (error) {
    throw new Error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Makes `zone` accept dropped files; `onFiles` gets them. Highlights the zone while something is dragged over it. */
export function acceptDrops(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) onFiles(files);
  });
}
