/**
 * Cross-origin isolation and what it changes. Interactive stdin (a program waiting for your typing) blocks the
 * container's worker on a SharedArrayBuffer, which browsers give only to pages served with COOP: same-origin and
 * COEP: require-corp. Without them containers still run (stdio travels as messages), but their input must be given
 * up front, so the page shows an input box instead and says plainly why and how to get the interactive terminal.
 */
export function showIsolationWarning(banner: HTMLElement): void {
  banner.replaceChildren();
  const title = document.createElement('strong');
  title.textContent = 'This page is not cross-origin isolated, so programs cannot read what you type while they run.';
  const why = document.createElement('p');
  why.textContent =
    'Containers still run here, but their input must be given up front: type it into the "Input" box of the Run form. ' +
    'Interactive input (stdin that waits for your typing in the terminal) uses SharedArrayBuffer, which browsers only ' +
    'allow on pages served with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
    '"Cross-Origin-Embedder-Policy: require-corp".';
  const how = document.createElement('p');
  how.append('Serve the playground with ');
  const cmd = document.createElement('code');
  cmd.textContent = 'node scripts/build-web.mjs && node scripts/serve-web.mjs';
  how.append(cmd, ', which sends these headers, or add them to your own web server\u2019s configuration.');
  banner.append(title, why, how);
  banner.hidden = false;
}
