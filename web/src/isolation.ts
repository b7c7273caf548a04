/**
 * Cross-origin isolation check. Containers talk to the page through SharedArrayBuffer rings (stdout, stderr, and
 * stdin that blocks in the worker until a line is typed); browsers give SharedArrayBuffer only to pages served with
 * COOP: same-origin and COEP: require-corp. Without them nothing can run, so the page says so plainly.
 */
export function isIsolated(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

export function showIsolationWarning(banner: HTMLElement): void {
  banner.replaceChildren();
  const title = document.createElement('strong');
  title.textContent = 'This page is not cross-origin isolated, so containers cannot run here.';
  const why = document.createElement('p');
  why.textContent =
    'Container output and interactive input (stdin that waits for your typing) use SharedArrayBuffer, which browsers ' +
    'only allow on pages served with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
    '"Cross-Origin-Embedder-Policy: require-corp". The image list still works.';
  const how = document.createElement('p');
  how.append('Serve the playground with ');
  const cmd = document.createElement('code');
  cmd.textContent = 'node scripts/build-web.mjs && node scripts/serve-web.mjs';
  how.append(cmd, ', which sends these headers, or add them to your own web server\u2019s configuration.');
  banner.append(title, why, how);
  banner.hidden = false;
}
