/**
 * The playground's service worker: after the first visit the page works offline (the images themselves are in
 * IndexedDB already). Install caches the app shell, the container worker and the example image archives;
 * every same-origin GET then goes to the network first (a rebuilt bundle or re-exported image is picked up at once
 * when online) and falls back to the cache when the network fails, refreshing the cache on each success.
 * Cached responses keep their COOP/COEP headers, so an offline page is still cross-origin isolated.
 *
 * Archives of big examples (`isOnDemand`: the C compiler) are not precached: they are cached when the page loads
 * them on request, like any other response.
 * Built as a classic script (scripts/build-web.mjs); the typings below are the few service worker APIs used, so
 * the project need not add the WebWorker lib (which conflicts with DOM's) for this one file.
 */
import { isOnDemand, type ExampleImage } from './examples.ts';

interface SwExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface SwFetchEvent extends SwExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface SwScope {
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: SwExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: SwFetchEvent) => void): void;
}

const sw = self as unknown as SwScope;
const CACHE = 'wasmbox-playground-v1';
const SHELL = ['./', 'index.html', 'app.js', 'worker.js', 'styles.css', 'xterm.css', 'images/index.json'];

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const base = sw.registration.scope;
  await cache.addAll(SHELL.map((path) => new URL(path, base).href));
  // The example archives, as listed by the server (none when it has no examples).
  const index = await cache.match(new URL('images/index.json', base).href);
  const list: unknown = index ? await index.json().catch(() => []) : [];
  const examples = Array.isArray(list) ? list.filter((e): e is ExampleImage => typeof e?.file === 'string' && typeof e?.bytes === 'number') : [];
  const files = examples.filter((e) => !isOnDemand(e)).map((e) => e.file);
  await cache.addAll(files.map((file) => new URL(`images/${encodeURIComponent(file)}`, base).href));
}

sw.addEventListener('install', (event) => {
  // Take over at once: the first visit's page is then served (and its later requests cached) by this worker.
  event.waitUntil(precache().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== new URL(sw.registration.scope).origin) return;
  event.respondWith(networkFirst(request, event));
});

async function networkFirst(request: Request, event: SwExtendableEvent): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Cached while the page already reads it (an image archive may be tens of MB).
    if (response.status === 200) event.waitUntil(cache.put(request, response.clone()));
    return response;
  } catch (error) {
    // Offline (or the server is down): the cached copy, navigations falling back to the page itself.
    const cached = (await cache.match(request, { ignoreSearch: request.mode === 'navigate' })) ??
      (request.mode === 'navigate' ? await cache.match(new URL('./', sw.registration.scope).href) : undefined);
    if (cached) return cached;
    throw error;
  }
}
