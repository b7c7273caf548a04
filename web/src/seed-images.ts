/**
 * First visit: the example images the server lists in images/index.json go into the IndexedDB store. Each one is
 * loaded once per browser (remembered in localStorage), so an image the user removed does not come back on the
 * next visit, and one already in the store (same name) is not fetched again. Big examples (`isOnDemand`) are left
 * for the user to load with a button (`loadExample`).
 */
import { storeName, type Engine } from '../../runtime/platform/entry.browser.ts';
import { isOnDemand, type ExampleImage } from './examples.ts';
import { formatBytes } from './format.ts';

export type { ExampleImage } from './examples.ts';

const SEEDED_KEY = 'wasmbox.playground.seeded';

export async function fetchExampleIndex(base: URL): Promise<ExampleImage[]> {
  const response = await fetch(new URL('images/index.json', base));
  if (response.status === 404) return []; // a server without examples
  if (!response.ok) throw new Error(`images/index.json: HTTP ${response.status}`);
  const list: unknown = await response.json();
  if (!Array.isArray(list)) throw new Error('images/index.json is not a list');
  return list.filter((e): e is ExampleImage => typeof e?.name === 'string' && typeof e?.file === 'string');
}

function seededNames(): Set<string> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(SEEDED_KEY) ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * Loads the examples not yet seeded. `progress` is told each step; resolves to the names loaded now. A failing image
 * does not stop the others: the errors are collected and thrown together at the end.
 */
export async function seedExampleImages(engine: Engine, base: URL, progress: (message: string) => void): Promise<string[]> {
  const examples = await fetchExampleIndex(base);
  const seeded = seededNames();
  const present = new Set((await engine.images.list()).map((image) => image.name));
  const loaded: string[] = [];
  const failures: string[] = [];
  for (const example of examples) {
    const name = storeName(example.name);
    if (seeded.has(name) || isOnDemand(example)) continue;
    if (!present.has(name)) {
      try {
        await loadExample(engine, base, example, progress);
        loaded.push(example.name);
      } catch (error) {
        failures.push(`${example.name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
    }
    seeded.add(name);
    localStorage.setItem(SEEDED_KEY, JSON.stringify([...seeded]));
  }
  if (failures.length > 0) throw new Error(`could not load example image(s): ${failures.join('; ')}`);
  return loaded;
}

/** Fetches one example archive from the server and loads it into the store. */
export async function loadExample(engine: Engine, base: URL, example: ExampleImage, progress: (message: string) => void): Promise<void> {
  progress(`Loading example image ${example.name} (${formatBytes(example.bytes)})\u2026`);
  const response = await fetch(new URL(`images/${encodeURIComponent(example.file)}`, base));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  await engine.images.load(new Uint8Array(await response.arrayBuffer()));
}
