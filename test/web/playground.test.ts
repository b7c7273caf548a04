/**
 * The browser playground end to end: the bundle from scripts/build-web.mjs, served by scripts/serve-web.mjs with
 * a scratch WASMBOX_HOME holding the hello and coreutils example images, driven in Debian's headless Chromium
 * through chromedriver (plain webdriverio). Everything checked is read back from the page: the image table, the
 * status lines and the terminal's rows (xterm's DOM renderer, `.xterm-rows`).
 * Each test leaves a screenshot in .cache/test-output/web/NAME.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Key, remote } from 'webdriverio';
import { buildImages } from '../../scripts/build-images.mjs';
import { buildWeb, WEB_DIST } from '../../scripts/build-web.mjs';
import { chromeCapabilities } from '../chromium.config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(root, '.cache', 'test-output', 'web');
const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-web-'));
const HOME = join(scratch, 'home');

let server: ChildProcess | undefined;
let browser: WebdriverIO.Browser | undefined;
let url = '';

/** The bundle served WITHOUT COOP/COEP (a misconfigured web server), on a free port. */
async function serveWithoutIsolation(): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const plain = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = join(WEB_DIST, path === '/' ? 'index.html' : path);
    if (!file.startsWith(WEB_DIST + sep) || !existsSync(file) || !types[extname(file)]) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': types[extname(file)], Connection: 'close' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const address = plain.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server: plain, url: `http://127.0.0.1:${address.port}/` };
}

/** Starts serve-web.mjs on a free port; resolves to the URL it prints. */
function serve(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'serve-web.mjs')], {
      env: { ...process.env, PORT: '0', WASMBOX_HOME: HOME, WEB_IMAGES_DIR: join(scratch, 'web-images') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const found = /wasmbox playground: (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => reject(new Error(`serve-web.mjs exited (${code}) before listening:\n${out}${err}`)));
  });
}

function page(): WebdriverIO.Browser {
  if (!browser) throw new Error('no browser session');
  return browser;
}

/** The terminal's visible rows as text (xterm renders non-breaking spaces). */
async function terminalText(): Promise<string> {
  return page().execute(() =>
    Array.from(document.querySelectorAll('.xterm-rows > div'), (row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'),
  );
}

async function waitForTerminal(pattern: RegExp, timeout = 10_000): Promise<string> {
  let text = '';
  await page().waitUntil(async () => pattern.test((text = await terminalText())), {
    timeout,
    timeoutMsg: `terminal never matched ${pattern}; it shows:\n${text}`,
  });
  return text;
}

async function waitForBody(attribute: 'ready' | 'run', value: string): Promise<void> {
  await page().waitUntil(async () => (await page().execute((a) => document.body.dataset[a], attribute)) === value, {
    timeout: 15_000,
    timeoutMsg: `document.body.dataset.${attribute} never became "${value}"`,
  });
}

async function text(selector: string): Promise<string> {
  return page().execute((s) => document.querySelector(s)?.textContent ?? '', selector);
}

async function imageRows(): Promise<string[]> {
  return page().execute(() => Array.from(document.querySelectorAll<HTMLElement>('#image-table tbody tr[data-image]'), (tr) => tr.dataset.image ?? ''));
}

/** Fills the Run form and submits it; resolves once the container is running. */
async function startRun(image: string, args: string): Promise<void> {
  await page().$('#run-image').setValue(image);
  await page().$('#run-args').setValue(args);
  await page().$('#run-button').click();
  await page().waitUntil(async () => (await page().execute(() => document.body.dataset.run)) !== 'starting', { timeout: 15_000 });
}

async function screenshot(name: string): Promise<void> {
  await page().saveScreenshot(join(SHOTS, `${name}.png`));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The same images `npm run images` makes, in a scratch home; the web bundle; then the server on a free port.
  await Promise.all([
    buildImages({ names: ['hello', 'coreutils'], quiet: true, env: { ...process.env, WASMBOX_HOME: HOME } }),
    buildWeb({ quiet: true }),
  ]);
  url = await serve();
  browser = await remote({
    logLevel: 'warn',
    capabilities: chromeCapabilities(join(scratch, 'chromium-profile'), ['--headless']),
  });
  await browser.setViewport({ width: 1100, height: 1150 });
  // A page load that hangs fails here, with a message, rather than at the test's timeout.
  await browser.setTimeout({ pageLoad: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.deleteSession().catch(() => undefined);
  server?.kill();
  rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
});

// Generous per test: the machine's 2 cores are shared, and a loaded run was seen at 3x the usual times.
describe('playground in Chromium', { timeout: 45_000 }, () => {
  it('loads the example images into IndexedDB on the first visit', async () => {
    await page().url(url);
    await waitForBody('ready', 'true');
    expect(await page().execute(() => crossOriginIsolated)).toBe(true);
    expect(await page().$('#isolation-warning').isDisplayed()).toBe(false);
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
    expect(await text('#images-status')).toBe('2 images in this browser; loaded the examples wasmbox/coreutils:latest, wasmbox/hello:latest.');
    await screenshot('first-visit');
  });

  it('runs wasmbox/hello and shows its output and exit code in the terminal', async () => {
    await startRun('wasmbox/hello', 'one "two words"');
    await waitForBody('run', 'done');
    const shown = await waitForTerminal(/\[exited with code 0\]/);
    expect(shown).toContain("$ wasmbox run wasmbox/hello one 'two words'");
    expect(shown).toContain('Hello from wasmbox!');
    expect(shown).toContain('argv[2] = two words');
    expect(await text('#run-status')).toBe('wasmbox/hello exited with code 0.');
    await screenshot('hello');
  });

  it('runs cat interactively: a typed line is echoed, sent on Enter, and cat prints it back; Ctrl+D ends it', async () => {
    await startRun('wasmbox/coreutils', 'cat');
    await page().keys('hello cat');
    await page().keys([Key.Backspace, 'T', Key.Enter]);
    // Once typed (local echo, after the Backspace fixed it) and once printed back by cat.
    await waitForTerminal(/\$ wasmbox run wasmbox\/coreutils cat\n+hello caT\nhello caT\n/);
    await page().keys([Key.Ctrl, 'd']);
    await waitForBody('run', 'done');
    await waitForTerminal(/hello caT\nhello caT\n\[exited with code 0\]/);
    await screenshot('cat');
  });

  it('kills a container waiting for input with Ctrl+C and reports it', async () => {
    await startRun('wasmbox/coreutils', 'cat');
    expect(await page().execute(() => document.body.dataset.run)).toBe('running');
    await page().keys('unfinished');
    await page().keys([Key.Ctrl, 'c']);
    await waitForBody('run', 'done');
    await waitForTerminal(/unfinished\^C\n\[killed by Ctrl\+C \(exit code 137\)\]/);
    expect(await text('#run-status')).toBe('wasmbox/coreutils killed by Ctrl+C (exit code 137).');
    await screenshot('ctrl-c');
  });

  it('the Stop button kills the running container too', async () => {
    await startRun('wasmbox/coreutils', 'cat');
    expect(await page().$('#stop-button').isEnabled()).toBe(true);
    await page().$('#stop-button').click();
    await waitForBody('run', 'done');
    await waitForTerminal(/\$ wasmbox run wasmbox\/coreutils cat\n\[killed by the Stop button \(exit code 137\)\]/);
    expect(await page().$('#stop-button').isEnabled()).toBe(false);
  });

  it('removes an image, imports it back from a file and from a URL, and explains a failed import', async () => {
    await page().$('button[aria-label="Remove wasmbox/hello:latest"]').click();
    await page().waitUntil(async () => (await text('#images-status')) === 'Removed wasmbox/hello:latest.', { timeout: 10_000 });
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest']);

    // The file chooser (drag and drop feeds the same import); chromedriver uploads the local file.
    await page().$('#import-file').setValue(join(scratch, 'web-images', 'hello.tar'));
    await page().waitUntil(async () => (await text('#images-status')).startsWith('Imported'), { timeout: 10_000 });
    expect(await text('#images-status')).toBe('Imported docker.io/wasmbox/hello:latest.');
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);

    await page().$('button[aria-label="Remove wasmbox/hello:latest"]').click();
    await page().waitUntil(async () => (await imageRows()).length === 1, { timeout: 10_000 });
    await page().$('#import-url').setValue(`${url}images/hello.tar`);
    await page().$('#import-url-form button[type="submit"]').click();
    await page().waitUntil(async () => (await imageRows()).length === 2, { timeout: 10_000 });
    expect(await text('#images-status')).toBe('Imported docker.io/wasmbox/hello:latest.');

    await page().$('#import-url').setValue(`${url}images/missing.tar`);
    await page().$('#import-url-form button[type="submit"]').click();
    await page().waitUntil(async () => (await text('#images-status')).startsWith('Import failed'), { timeout: 10_000 });
    expect(await text('#images-status')).toBe(`Import failed: could not fetch ${url}images/missing.tar: HTTP 404 Not Found`);
    await page().$('#import-url').setValue(`${url}app.js`);
    await page().$('#import-url-form button[type="submit"]').click();
    await page().waitUntil(async () => !(await text('#images-status')).includes('missing.tar'), { timeout: 10_000 });
    await page().waitUntil(async () => (await text('#images-status')).startsWith('Import failed'), { timeout: 10_000 });
    expect(await text('#images-status')).toBe(
      `Import failed: ${url}app.js: not an image archive: expected a .tar or .tar.gz file as \`wasmbox save\` or \`docker save\` writes`,
    );
    await screenshot('import');
  });

  it('still has the images after a reload (IndexedDB), without fetching the example archives again', async () => {
    await page().refresh();
    await waitForBody('ready', 'true');
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
    expect(await text('#images-status')).toBe('2 images in this browser.');
    const tars = await page().execute(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.tar')).length);
    expect(tars).toBe(0);
    await screenshot('reload');
  });

  it('says plainly why nothing can run when the page is not cross-origin isolated', async () => {
    const plain = await serveWithoutIsolation();
    try {
      await page().url(plain.url);
      await waitForBody('ready', 'true');
      expect(await page().execute(() => crossOriginIsolated)).toBe(false);
      expect(await page().$('#isolation-warning').isDisplayed()).toBe(true);
      const warning = await text('#isolation-warning');
      expect(warning).toContain('This page is not cross-origin isolated, so containers cannot run here.');
      expect(warning).toContain('"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"');
      expect(warning).toContain('node scripts/build-web.mjs && node scripts/serve-web.mjs');
      expect(await page().$('#run-button').isEnabled()).toBe(false);
      expect(await text('#run-status')).toContain('Running is disabled');
      // The store still works: no examples on this server, an empty list saying how to import.
      expect(await text('#image-table tbody')).toContain('No images yet');
      await screenshot('not-isolated');
    } finally {
      // Chromium keeps connections open; close them or close() waits for them.
      const closed = new Promise((resolve) => plain.server.close(resolve));
      plain.server.closeAllConnections();
      await closed;
    }
  });

  it('works offline after the first visit (service worker): reload with the server stopped, then run hello', async () => {
    await page().url(url);
    await waitForBody('ready', 'true');
    // Installed (shell, worker and example archives cached) and active.
    await page().executeAsync((done: (ok: boolean) => void) => void navigator.serviceWorker.ready.then(() => done(true)));
    const stopped = new Promise((resolve) => server!.once('exit', resolve));
    server!.kill();
    await stopped;
    await page().refresh();
    await waitForBody('ready', 'true');
    expect(await page().execute(() => crossOriginIsolated)).toBe(true);
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
    await startRun('wasmbox/hello', 'offline');
    await waitForBody('run', 'done');
    const shown = await waitForTerminal(/\[exited with code 0\]/);
    expect(shown).toContain('argv[1] = offline');
    await screenshot('offline');
  });
});
