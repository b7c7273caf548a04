// bench browser session: headless Debian Chromium through chromedriver (webdriverio `remote`), never a downloaded
// browser (see /work/shared/notes/browser-tests.md and test/chromium.config.ts, whose flags this mirrors: the bench
// may not import test/). A fresh profile per session, removed on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';

const CHROME_BIN = process.env.CHROME_BIN ?? '/usr/bin/chromium';
const CHROMEDRIVER_BIN = process.env.CHROMEDRIVER_BIN ?? '/usr/bin/chromedriver';

export async function openBrowser() {
  const profile = mkdtempSync(join(process.env.CHROME_PROFILE_ROOT ?? tmpdir(), 'wasmbox-bench-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`];
  let browser;
  try {
    browser = await remote({
      logLevel: 'warn',
      connectionRetryTimeout: 180_000,
      capabilities: {
        browserName: 'chrome',
        'goog:chromeOptions': { binary: CHROME_BIN, args },
        'wdio:chromedriverOptions': { binary: CHROMEDRIVER_BIN, allowedIps: [], allowedOrigins: [] },
      },
    });
    await browser.setTimeout({ script: 170_000, pageLoad: 60_000 });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const version = browser.capabilities.browserVersion;
  return {
    browser,
    version,
    async close() {
      try {
        await browser.deleteSession();
      } finally {
        rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
      }
    },
  };
}

/**
 * Opens `url` in a new tab and closes the others, then waits for the page's `window.bench`. Resolves
 * window.benchInfo. A new tab (a new browsing context group) gets a new renderer process: navigating the same tab
 * would keep the old page's renderer, and with it the address space its wasm memories reserve until they are
 * collected (Chromium refused new wasm memories there after a page that ran 50 workers).
 */
export async function loadPage(browser, url) {
  const old = await browser.getWindowHandles();
  await browser.newWindow(url, { type: 'tab' });
  const current = await browser.getWindowHandle();
  for (const handle of old) {
    await browser.switchToWindow(handle);
    await browser.closeWindow();
  }
  await browser.switchToWindow(current);
  await browser.waitUntil(() => browser.execute(() => typeof window.bench === 'function'), { timeout: 30_000, interval: 20 });
  return browser.execute(() => window.benchInfo);
}

/** Runs one page task; resolves { ok, result | error }. */
export function pageTask(browser, task) {
  return browser.execute((t) => window.bench(t), task);
}
