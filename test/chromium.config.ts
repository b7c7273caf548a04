// Debian's chromium + chromium-driver, never a downloaded browser. Shared by vitest browser mode and webdriverio e2e.
export const CHROME_BIN = process.env.CHROME_BIN ?? '/usr/bin/chromium';
export const CHROMEDRIVER_BIN = process.env.CHROMEDRIVER_BIN ?? '/usr/bin/chromedriver';

export function chromeArgs(userDataDir: string, extra: string[] = []): string[] {
  return [
    '--no-sandbox', // CI runs as root
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking', // the machine's network is closed; no background connections
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${userDataDir}`,
    ...extra,
  ];
}

// With both binaries set, webdriverio never resolves or downloads a browser or a driver.
export function chromeCapabilities(userDataDir: string, extraArgs: string[] = []) {
  return {
    browserName: 'chrome',
    'goog:chromeOptions': { binary: CHROME_BIN, args: chromeArgs(userDataDir, extraArgs) },
    // allowedIps []: chromedriver binds loopback only
    'wdio:chromedriverOptions': { binary: CHROMEDRIVER_BIN, allowedIps: [], allowedOrigins: [] },
  } as const;
}
