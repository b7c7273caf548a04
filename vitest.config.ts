import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { webdriverio } from '@vitest/browser-webdriverio';
import { chromeCapabilities } from './test/chromium.config.ts';

// The config is evaluated several times per run: one fresh Chromium profile per process, removed on exit.
function chromeProfileDir(): string {
  if (!process.env.VITEST_CHROME_PROFILE) {
    const dir = mkdtempSync(join(tmpdir(), 'wasmbox-chromium-'));
    process.env.VITEST_CHROME_PROFILE = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
  }
  return process.env.VITEST_CHROME_PROFILE;
}

// Cross-origin isolation gives pages SharedArrayBuffer, which blocking stdin and the stdio channels need.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolationHeaders },
  optimizeDeps: { include: ['comlink'] },
  worker: { format: 'es' },
  test: {
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['runtime/**/*.test.ts', 'images/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: webdriverio({
              logLevel: 'warn',
              connectionRetryTimeout: 60_000,
              capabilities: chromeCapabilities(chromeProfileDir()),
            }),
            instances: [{ browser: 'chrome' }],
          },
        },
      },
    ],
  },
});
