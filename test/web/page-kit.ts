/**
 * Helpers the playground's end-to-end tests share: serve-web.mjs on a free port, and reading and driving the page
 * (terminal rows, tables, file browsers, status lines) through a webdriverio session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';
import { buildImages } from '../../scripts/build-images.mjs';
import { buildWeb } from '../../scripts/build-web.mjs';
import { chromeCapabilities } from '../chromium.config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where the tests' screenshots go (look at them before calling the page done). */
export const SHOTS = join(root, '.cache', 'test-output', 'web');

/**
 * One test file's playground: a scratch WASMBOX_HOME with the example images `images`, a web bundle (in `webDir`
 * when given: two files may build at once), serve-web.mjs on a free port, and a headless Chromium session.
 * `start()` in beforeAll, `stop()` in afterAll; `page()` throws before `start()`.
 */
export function playgroundSession(options: { name: string; images: string[]; ownWebDir?: boolean }) {
  const scratch = mkdtempSync(join(tmpdir(), `wasmbox-${options.name}-`));
  const home = join(scratch, 'home');
  let server: ChildProcess | undefined;
  let browser: WebdriverIO.Browser | undefined;
  const session = {
    scratch,
    home,
    url: '',
    page(): WebdriverIO.Browser {
      if (!browser) throw new Error('no browser session');
      return browser;
    },
    async start(): Promise<void> {
      mkdirSync(SHOTS, { recursive: true });
      const webDir = options.ownWebDir ? join(scratch, 'web') : undefined;
      await Promise.all([
        buildImages({ names: options.images, quiet: true, env: { ...process.env, WASMBOX_HOME: home } }),
        buildWeb({ quiet: true, ...(webDir ? { outDir: webDir } : {}) }),
      ]);
      const served = await serveWeb({ WASMBOX_HOME: home, WEB_IMAGES_DIR: join(scratch, 'web-images'), ...(webDir ? { WEB_DIR: webDir } : {}) });
      server = served.child;
      session.url = served.url;
      browser = await remote({ logLevel: 'warn', capabilities: chromeCapabilities(join(scratch, 'chromium-profile'), ['--headless']) });
      await browser.setViewport({ width: 1100, height: 1150 });
      // A page load that hangs fails here, with a message, rather than at the test's timeout.
      await browser.setTimeout({ pageLoad: 20_000 });
    },
    /** Stops the server (the page goes offline); resolves once it is gone. */
    async stopServer(): Promise<void> {
      const child = server;
      if (!child || child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await gone;
    },
    async stop(): Promise<void> {
      await browser?.deleteSession().catch(() => undefined);
      server?.kill();
      rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  return session;
}

/** Starts serve-web.mjs on a free port with `env` (WASMBOX_HOME, WEB_IMAGES_DIR, WEB_DIR); resolves to it and its URL. */
export function serveWeb(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'serve-web.mjs')], {
      env: { ...process.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const found = /wasmbox playground: (http:\/\/\S+)/.exec(out);
      if (found) resolve({ child, url: found[1] });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => reject(new Error(`serve-web.mjs exited (${code}) before listening:\n${out}${err}`)));
  });
}

export interface ContainerRow {
  name: string;
  image: string;
  command: string;
  state: string;
  exit: string;
}

/** The page helpers, bound to the session `page()` returns; screenshots go to `shots`. */
export function pageKit(page: () => WebdriverIO.Browser, shots: string) {
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

  async function waitForBody(attribute: 'ready' | 'run' | 'build' | 'cdemo', value: string, timeout = 15_000): Promise<void> {
    await page().waitUntil(async () => (await page().execute((a) => document.body.dataset[a], attribute)) === value, {
      timeout,
      timeoutMsg: `document.body.dataset.${attribute} never became "${value}"`,
    });
  }

  async function text(selector: string): Promise<string> {
    return page().execute((s) => document.querySelector(s)?.textContent ?? '', selector);
  }

  async function imageRows(): Promise<string[]> {
    return page().execute(() => Array.from(document.querySelectorAll<HTMLElement>('#image-table tbody tr[data-image]'), (tr) => tr.dataset.image ?? ''));
  }

  /** Fills the Run form (no volumes unless given) and submits it; resolves once the container is running. */
  async function startRun(image: string, args: string, volumes = ''): Promise<void> {
    await page().$('#tab-run').click();
    await page().$('#run-image').setValue(image);
    await page().$('#run-args').setValue(args);
    await page().execute((v) => void ((document.getElementById('run-volumes') as HTMLTextAreaElement).value = v), volumes);
    await page().$('#run-button').click();
    await page().waitUntil(async () => (await page().execute(() => document.body.dataset.run)) !== 'starting', { timeout: 15_000 });
  }

  /** The Containers table as the page shows it, newest first. */
  async function containerRows(): Promise<ContainerRow[]> {
    return page().execute(() =>
      Array.from(document.querySelectorAll<HTMLTableRowElement>('#container-table tbody tr[data-container]'), (tr) => {
        const [name, image, command, state, exit] = Array.from(tr.cells, (td) => td.textContent ?? '');
        return { name, image, command, state, exit };
      }),
    );
  }

  /** Clicks the button whose accessible name is `label` (table rows label theirs: "Logs of wasmbox-1"). */
  async function press(label: string): Promise<void> {
    await page().$(`button[aria-label="${label}"]`).click();
  }

  /** The names listed by the file browser in `box` (directories end in "/"). */
  async function listed(box: string): Promise<string[]> {
    return page().execute((b) => Array.from(document.querySelectorAll(`${b} .file-table tbody td:first-child`), (td) => td.textContent ?? ''), box);
  }

  /** Waits until the file browser in `box` shows directory `path`. */
  async function waitForDir(box: string, path: string): Promise<void> {
    await page().waitUntil(async () => (await page().execute((b) => document.querySelector<HTMLElement>(b)?.dataset.path, box)) === path, {
      timeout: 10_000,
      timeoutMsg: `${box} never showed ${path}`,
    });
  }

  /** The text of the Blob the browser's download link offers. */
  async function downloaded(box: string): Promise<string> {
    return page().executeAsync((b: string, done: (text: string) => void) => {
      const link = document.querySelector<HTMLAnchorElement>(`${b} a.download`);
      if (!link) return done('(no download link)');
      void fetch(link.href).then((r) => r.text()).then(done);
    }, box);
  }

  async function waitForText(selector: string, pattern: RegExp, timeout = 10_000): Promise<string> {
    let shown = '';
    await page().waitUntil(async () => pattern.test((shown = await text(selector))), {
      timeout,
      timeoutMsg: `${selector} never matched ${pattern}; it shows:\n${shown}`,
    });
    return shown;
  }

  /** Saves the viewport; `scrollTo` first brings that element to the top (the page is taller than the window). */
  async function screenshot(name: string, scrollTo?: string): Promise<void> {
    if (scrollTo) await page().execute((s) => document.querySelector(s)?.scrollIntoView({ block: 'start' }), scrollTo);
    await page().saveScreenshot(join(shots, `${name}.png`));
  }

  return { terminalText, waitForTerminal, waitForBody, text, imageRows, startRun, containerRows, press, listed, waitForDir, downloaded, waitForText, screenshot };
}
