/** Offline use: registers the service worker (sw.js) once the page is up. Not fatal when unavailable. */
export async function registerServiceWorker(base: URL): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register(new URL('sw.js', base), { scope: base.pathname });
  } catch (error) {
    console.warn('service worker not registered; the playground will not work offline:', error);
  }
}
