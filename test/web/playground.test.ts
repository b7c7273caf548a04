/**
 * The browser playground end to end: the bundle from scripts/build-web.mjs, served by scripts/serve-web.mjs with
 * a scratch WASMBOX_HOME holding the hello and coreutils example images, driven in Debian's headless Chromium
 * through chromedriver (plain webdriverio). Everything checked is read back from the page: the image, container and
 * volume tables, the file browsers, the build log, the status lines and the terminal's rows (xterm's DOM renderer,
 * `.xterm-rows`).
 * Each test leaves a screenshot in .cache/test-output/web/NAME.png.
 */
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Key } from 'webdriverio';
import { WEB_DIST } from '../../scripts/build-web.mjs';
import { pageKit, playgroundSession, SHOTS } from './page-kit.ts';
import { storeHelloImage } from '../../images/archive/test-kit.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const web = playgroundSession({ name: 'web', images: ['hello', 'coreutils'] });
const { scratch, page } = web;

/** The bundle and the example images served WITHOUT COOP/COEP (a misconfigured web server), on a free port. */
async function serveWithoutIsolation(): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.tar': 'application/x-tar' };
  const images = join(scratch, 'web-images');
  const plain = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const [dir, rest] = path.startsWith('/images/') ? [images, path.slice('/images'.length)] : [WEB_DIST, path];
    const file = join(dir, rest === '/' ? 'index.html' : rest);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !types[extname(file)]) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': types[extname(file)], Connection: 'close' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const address = plain.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server: plain, url: `http://127.0.0.1:${address.port}/` };
}

const { waitForTerminal, waitForBody, text, imageRows, startRun, containerRows, press, listed, waitForDir, downloaded, waitForText, screenshot } =
  pageKit(page, SHOTS);

beforeAll(() => web.start(), 120_000);
afterAll(() => web.stop());

// Generous per test: the machine's 2 cores are shared, and a loaded run was seen at 3x the usual times.
describe('playground in Chromium', { timeout: 45_000 }, () => {
  it('loads the example images into IndexedDB on the first visit', async () => {
    await page().url(web.url);
    await waitForBody('ready', 'true');
    expect(await page().execute(() => crossOriginIsolated)).toBe(true);
    expect(await page().$('#isolation-warning').isDisplayed()).toBe(false);
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
    expect(await text('#images-status')).toBe('2 images in this browser; loaded the examples wasmbox/coreutils:latest, wasmbox/hello:latest.');
    await screenshot('first-visit');
    // This server has no clang image: the C tab says how to get one instead of offering a Load button.
    await page().$('#tab-c').click();
    expect(await text('#c-status')).toContain('this server does not offer it: build it with `node scripts/build-images.mjs clang`');
    expect(await page().$('#c-load').isDisplayed()).toBe(false);
    expect(await page().$('#c-compile').isEnabled()).toBe(false);
    await page().$('#tab-run').click();
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

  it('stops a container waiting for input with Ctrl+C and reports it', async () => {
    await startRun('wasmbox/coreutils', 'cat');
    expect(await page().execute(() => document.body.dataset.run)).toBe('running');
    await page().keys('unfinished');
    await page().keys([Key.Ctrl, 'c']);
    await waitForBody('run', 'done');
    await waitForTerminal(/unfinished\^C\n\[stopped by Ctrl\+C \(exit code 130\)\]/);
    expect(await text('#run-status')).toBe('wasmbox/coreutils stopped by Ctrl+C (exit code 130).');
    await screenshot('ctrl-c');
  });

  it('the Stop button stops the running container too', async () => {
    await startRun('wasmbox/coreutils', 'cat');
    expect(await page().$('#stop-button').isEnabled()).toBe(true);
    await page().$('#stop-button').click();
    await waitForBody('run', 'done');
    await waitForTerminal(/\$ wasmbox run wasmbox\/coreutils cat\n\[stopped by the Stop button \(exit code 143\)\]/);
    expect(await page().$('#stop-button').isEnabled()).toBe(false);
  });

  it('lists the containers with how they ended, shows their logs, and browses the files of an ended one', async () => {
    const rows = await containerRows();
    // Newest first: the Stop and Ctrl+C runs were stopped, the cat ended by Ctrl+D and hello exited by itself.
    expect(rows.map((r) => [r.name, r.image, r.command, r.state, r.exit])).toEqual([
      ['wasmbox-4', 'wasmbox/coreutils', 'cat', 'exited', 'stopped (code 143)'],
      ['wasmbox-3', 'wasmbox/coreutils', 'cat', 'exited', 'stopped (code 130)'],
      ['wasmbox-2', 'wasmbox/coreutils', 'cat', 'exited', 'exited (code 0)'],
      ['wasmbox-1', 'wasmbox/hello', "/hello.wasm one 'two words'", 'exited', 'exited (code 0)'],
    ]);

    await press('Logs of wasmbox-1');
    const logs = await waitForText('#container-logs', /argv\[2\] = two words/);
    expect(logs).toContain('Logs of wasmbox-1');
    expect(logs).toContain('Hello from wasmbox!');

    await press('Files of wasmbox-2');
    await waitForDir('#container-files', '/');
    expect(await text('#container-files h3')).toBe('Files of wasmbox-2 (wasmbox/coreutils)');
    expect(await listed('#container-files')).toEqual(expect.arrayContaining(['bin/', 'dev/', 'tmp/']));
    await press('Open directory /bin');
    await waitForDir('#container-files', '/bin');
    expect(await listed('#container-files')).toEqual(['cat', 'echo', 'ls', 'sha256sum', 'wc']);
    await press('Show /bin/wc');
    await waitForText('#container-files .file-viewer', /A binary file/);
    expect(await text('#container-files .file-viewer h4')).toMatch(/^\/bin\/wc \(\d+(\.\d+)? kB\)$/);
    expect(await downloaded('#container-files')).toMatch(/^\0asm/);
    await screenshot('containers', '#containers');
    await press('Close Files of wasmbox-2 (wasmbox/coreutils)');
    expect(await page().$('#container-files').isDisplayed()).toBe(false);
    expect(await page().execute(() => document.activeElement?.id)).toBe('containers-heading');

    await press('Remove wasmbox-3');
    await page().waitUntil(async () => (await containerRows()).length === 3, { timeout: 5_000 });
    expect((await containerRows()).map((r) => r.name)).toEqual(['wasmbox-4', 'wasmbox-2', 'wasmbox-1']);
    expect(await text('#containers-status')).toBe('Removed wasmbox-3.');

    // Kill from the panel: the terminal's container stops, and the terminal says who stopped it.
    await startRun('wasmbox/coreutils', 'cat');
    await page().waitUntil(async () => (await containerRows())[0]?.state === 'running', { timeout: 5_000 });
    expect((await containerRows())[0].name).toBe('wasmbox-5');
    await press('Kill wasmbox-5');
    await waitForBody('run', 'done');
    await waitForTerminal(/\[killed by the Containers panel \(exit code 137\)\]/);
    await page().waitUntil(async () => (await containerRows())[0]?.exit === 'killed (code 137)', { timeout: 5_000 });
    // Focus stayed on that row: Kill became Files.
    expect(await page().execute(() => document.activeElement?.getAttribute('aria-label'))).toBe('Files of wasmbox-5');
    // A killed container's changes went with its worker (a stopped one keeps them): the page says so.
    await press('Files of wasmbox-5');
    expect(await text('#containers-status')).toBe('wasmbox-5 did not end by itself (killed), so its files are gone.');
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
    await page().$('#import-url').setValue(`${web.url}images/hello.tar`);
    await page().$('#import-url-form button[type="submit"]').click();
    await page().waitUntil(async () => (await imageRows()).length === 2, { timeout: 10_000 });
    expect(await text('#images-status')).toBe('Imported docker.io/wasmbox/hello:latest.');

    await page().$('#import-url').setValue(`${web.url}images/missing.tar`);
    await page().$('#import-url-form button[type="submit"]').click();
    await page().waitUntil(async () => (await text('#images-status')).startsWith('Import failed'), { timeout: 10_000 });
    expect(await text('#images-status')).toBe(`Import failed: could not fetch ${web.url}images/missing.tar: HTTP 404 Not Found`);
    await page().$('#import-url').setValue(`${web.url}app.js`);
    await page().$('#import-url-form button[type="submit"]').click();
    await page().waitUntil(async () => !(await text('#images-status')).includes('missing.tar'), { timeout: 10_000 });
    await page().waitUntil(async () => (await text('#images-status')).startsWith('Import failed'), { timeout: 10_000 });
    expect(await text('#images-status')).toBe(
      `Import failed: ${web.url}app.js: not an image archive: expected a .tar or .tar.gz file as \`wasmbox save\` or \`docker save\` writes`,
    );
    await screenshot('import');
  });

  it('creates a volume, uploads a file into it, and a container that mounts it reads the file', async () => {
    writeFileSync(join(scratch, 'notes.txt'), 'first line\nsecond line\n');
    await page().$('#volume-name').setValue('notes');
    await page().$('#volume-form button[type="submit"]').click();
    await waitForText('#volumes-status', /^Created volume notes\.$/);
    await press('Files of volume notes');
    await waitForDir('#volume-files', '/');
    expect(await text('#volume-files .file-table tbody')).toBe('This directory is empty.');
    await page().$('#volume-upload').setValue(join(scratch, 'notes.txt'));
    await waitForText('#volumes-status', /^Uploaded \/notes.txt into volume notes\.$/);
    await page().waitUntil(async () => (await listed('#volume-files')).includes('notes.txt'), { timeout: 5_000 });
    await press('Show /notes.txt');
    expect(await waitForText('#volume-files .file-text', /first line/)).toBe('first line\nsecond line\n');
    expect(await downloaded('#volume-files')).toBe('first line\nsecond line\n');

    await startRun('wasmbox/coreutils', 'cat /data/notes.txt', 'notes:/data');
    await waitForBody('run', 'done');
    await waitForTerminal(/cat \/data\/notes.txt\nfirst line\nsecond line\n\[exited with code 0\]/);

    // A bad line in the Volumes field is reported before anything runs.
    await startRun('wasmbox/coreutils', 'ls /data', 'notes');
    expect(await text('#run-status')).toBe('volume line 1 ("notes") is not NAME:/path (or NAME:/path:ro)');
    await screenshot('volumes', '#volumes');
  });

  it('kills a spinning container (no syscalls, so a stop cannot reach it) with a second Ctrl+C', async () => {
    // An image whose program spins forever (test/programs/spin.c), imported like any archive.
    const store = createMemoryStore();
    await storeHelloImage(store, ['docker.io/library/spin:1'], { wasm: readFileSync(fixturePath('spin')) });
    const tar = join(scratch, 'spin.tar');
    writeFileSync(tar, await saveArchive(store, ['spin:1']));
    await page().$('#import-file').setValue(tar);
    await page().waitUntil(async () => (await text('#images-status')).startsWith('Imported'), { timeout: 10_000 });
    await startRun('spin:1', '');
    await page().waitUntil(async () => (await containerRows())[0]?.state === 'running', { timeout: 5_000 });
    await page().keys([Key.Ctrl, 'c']);
    await page().keys([Key.Ctrl, 'c']);
    await waitForBody('run', 'done');
    await waitForTerminal(/\[killed by Ctrl\+C \(exit code 137\)\]/);
    await page().$('button[aria-label="Remove spin:1"]').click();
    await page().waitUntil(async () => !(await imageRows()).some((r) => r.startsWith('spin:')), { timeout: 10_000 });
    await press(`Remove ${(await containerRows())[0].name}`);
  });

  it('still has the images after a reload (IndexedDB), without fetching the example archives again', async () => {
    await page().refresh();
    await waitForBody('ready', 'true');
    expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
    expect(await text('#images-status')).toBe('2 images in this browser.');
    const tars = await page().execute(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.tar')).length);
    expect(tars).toBe(0);
    // The volume and its file are in IndexedDB too; containers belong to the page and are gone.
    expect(await page().execute(() => Array.from(document.querySelectorAll<HTMLElement>('#volume-table tr[data-volume]'), (tr) => tr.dataset.volume))).toEqual(['notes']);
    expect(await text('#container-table tbody')).toBe('No containers yet: run one above.');
    await press('Files of volume notes');
    await waitForDir('#volume-files', '/');
    expect(await listed('#volume-files')).toEqual(['notes.txt']);
    await screenshot('reload', '#volumes');
  });

  it('builds a Dockerfile typed into the page (COPY of a typed file, RUN), then runs the image and browses its files', async () => {
    // The tabs work from the keyboard: arrow keys move between them (and select), Tab then enters the panel.
    await page().$('#tab-run').click();
    await page().keys(Key.ArrowRight);
    expect(await page().execute(() => [document.activeElement?.id, document.getElementById('tab-build')?.getAttribute('aria-selected')])).toEqual(['tab-build', 'true']);
    expect(await page().$('#panel-build').isDisplayed()).toBe(true);
    expect(await page().$('#panel-run').isDisplayed()).toBe(false);
    expect(await page().$('#build-dockerfile').getValue()).toContain('FROM wasmbox/coreutils');
    await page().$('#build-file-text').setValue('one\ntwo\nthree\n');
    await page().$('#build-button').click();
    await waitForBody('build', 'done');
    const log = await text('#build-log');
    expect(log).toContain('Step 1/5 : FROM wasmbox/coreutils');
    expect(log).toContain('Step 4/5 : RUN ["wc", "-l", "/data/greeting.txt"]');
    // The RUN step's own output, from a container of this page's engine.
    expect(log).toMatch(/^3 \/data\/greeting.txt$/m);
    expect(log).toContain('Successfully tagged playground/greeting:latest');
    expect(await text('#build-status')).toMatch(/^Built playground\/greeting:latest \(sha256:[0-9a-f]{12}\)\.$/);
    expect(await imageRows()).toContain('playground/greeting:latest');
    await screenshot('build', '#workbench');

    await page().$('#build-run-button').click();
    await waitForBody('run', 'done');
    await waitForTerminal(/wasmbox run playground\/greeting:latest\none\ntwo\nthree\n\[exited with code 0\]/);
    const [built] = await containerRows();
    expect(built).toMatchObject({ image: 'playground/greeting:latest', command: 'cat /data/greeting.txt', exit: 'exited (code 0)' });
    await press(`Files of ${built.name}`);
    await waitForDir('#container-files', '/');
    await press('Open directory /data');
    await waitForDir('#container-files', '/data');
    await press('Show /data/greeting.txt');
    expect(await waitForText('#container-files .file-text', /three/)).toBe('one\ntwo\nthree\n');

    // A broken Dockerfile: the builder's message, naming the line, in the log and the status line.
    await page().$('#tab-build').click();
    await page().$('#build-dockerfile').setValue('FROM wasmbox/coreutils\nRUN wc -l /data/x\n');
    await page().$('#build-button').click();
    await waitForBody('build', 'failed');
    expect(await text('#build-status')).toMatch(/^Build failed: .*line 2/);
  });

  it('not cross-origin isolated: runs with stdin given up front and says why input is not interactive', async () => {
    const plain = await serveWithoutIsolation();
    try {
      await page().url(plain.url);
      await waitForBody('ready', 'true');
      expect(await page().execute(() => crossOriginIsolated)).toBe(false);
      expect(await page().$('#isolation-warning').isDisplayed()).toBe(true);
      const warning = await text('#isolation-warning');
      expect(warning).toContain('This page is not cross-origin isolated, so programs cannot read what you type while they run.');
      expect(warning).toContain('"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"');
      expect(warning).toContain('node scripts/build-web.mjs && node scripts/serve-web.mjs');
      // Another origin, another IndexedDB: the examples are loaded here too.
      expect(await imageRows()).toEqual(['wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
      expect(await page().$('#run-interactive').isDisplayed()).toBe(false);
      expect(await page().$('#run-stdin').isDisplayed()).toBe(true);
      expect(await page().$('#run-button').isEnabled()).toBe(true);
      expect(await text('#terminal-help')).toContain('their input comes from the Input box');

      await page().$('#run-stdin').setValue('one\ntwo\nthree\n');
      await startRun('wasmbox/coreutils', 'wc -l');
      await waitForBody('run', 'done');
      await waitForTerminal(/\$ wasmbox run wasmbox\/coreutils wc -l\n3\n\[exited with code 0\]/);
      expect(await text('#run-status')).toBe('wasmbox/coreutils exited with code 0.');
      expect((await containerRows()).map((r) => r.exit)).toEqual(['exited (code 0)']);
      await screenshot('not-isolated', '#isolation-warning');
    } finally {
      // Chromium keeps connections open; close them or close() waits for them.
      const closed = new Promise((resolve) => plain.server.close(resolve));
      plain.server.closeAllConnections();
      await closed;
    }
  });

  it('works offline after the first visit (service worker): reload with the server stopped, then run hello', async () => {
    await page().url(web.url);
    await waitForBody('ready', 'true');
    // Installed (shell, worker and example archives cached) and active.
    await page().executeAsync((done: (ok: boolean) => void) => void navigator.serviceWorker.ready.then(() => done(true)));
    await web.stopServer();
    await page().refresh();
    await waitForBody('ready', 'true');
    expect(await page().execute(() => crossOriginIsolated)).toBe(true);
    expect(await imageRows()).toEqual(['playground/greeting:latest', 'wasmbox/coreutils:latest', 'wasmbox/hello:latest']);
    await startRun('wasmbox/hello', 'offline');
    await waitForBody('run', 'done');
    const shown = await waitForTerminal(/\[exited with code 0\]/);
    expect(shown).toContain('argv[1] = offline');
    await screenshot('offline');
  });
});
