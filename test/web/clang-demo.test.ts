/**
 * The playground's C compiler tab end to end, in its own page and server so the ~105 MB wasmbox/clang image never
 * slows down playground.test.ts: a scratch WASMBOX_HOME gets the clang and coreutils examples (the clang one builds
 * in ~15 s from the npm package), serve-web.mjs offers them, and the page must NOT load clang on the first visit;
 * its Load button does, then "Compile and run" compiles the typed C, links it in a second container sharing the
 * volume, and runs the program. Screenshot: .cache/test-output/web/clang-demo.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageKit, playgroundSession, SHOTS } from './page-kit.ts';

// Its own bundle folder: playground.test.ts may be rebuilding dist/web at the same time.
const web = playgroundSession({ name: 'web-clang', images: ['hello', 'clang'], ownWebDir: true });
const { page } = web;
const { waitForTerminal, waitForBody, text, imageRows, containerRows, screenshot } = pageKit(page, SHOTS);

beforeAll(() => web.start(), 120_000);
afterAll(() => web.stop());

describe('the C compiler tab in Chromium', () => {
  it('loads clang only when asked, then compiles, links and runs typed C in three containers', { timeout: 120_000 }, async () => {
    await page().url(web.url);
    await waitForBody('ready', 'true');
    // The first visit loads the small example only; clang waits for its button.
    expect(await imageRows()).toEqual(['wasmbox/hello:latest']);
    expect(await text('#on-demand-images')).toMatch(/^Big examples, loaded when you ask:Load wasmbox\/clang:latest \(1\d\d MB\)$/);
    const tars = await page().execute(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.tar')).map((e) => e.name));
    expect(tars).toEqual([`${web.url}images/hello.tar`]);

    await page().$('#tab-c').click();
    expect(await page().$('#c-compile').isEnabled()).toBe(false);
    expect(await text('#c-status')).toContain('is not in this browser yet: load it first');
    await page().$('#c-load').click();
    await page().waitUntil(async () => (await text('#c-status')).startsWith('Loaded'), { timeout: 60_000, timeoutMsg: 'clang never loaded' });
    expect(await imageRows()).toEqual(['wasmbox/clang:latest', 'wasmbox/hello:latest']);
    expect(await page().$('#c-load').isDisplayed()).toBe(false);

    await page().$('#c-args').setValue('tester');
    await page().$('#c-compile').click();
    await waitForBody('cdemo', 'done', 90_000);
    const shown = await waitForTerminal(/\[exited with code 0\]\n*$/);
    expect(shown).toContain('$ wasmbox run wasmbox/clang:latest clang -O2 -c /src/main.c -o /src/main.o');
    expect(shown).toContain('$ wasmbox run wasmbox/clang:latest wasm-ld @/usr/lib/wasm32-wasip1/command.rsp /src/main.o -o /src/main.wasm');
    expect(shown).toMatch(/\$ wasmbox run main\.wasm tester\nHello, tester! I was compiled in a browser tab\.\nThe first ten primes: 2 3 5 7 11 13 17 19 23 29\n\[exited with code 0\]/);
    expect(await text('#c-status')).toMatch(/^Compiled and linked main\.wasm \(\d+(\.\d+)? kB\); it exited with code 0\.$/);
    expect((await containerRows()).map((r) => [r.image, r.exit])).toEqual([
      ['main.wasm', 'exited (code 0)'],
      ['wasmbox/clang:latest', 'exited (code 0)'],
      ['wasmbox/clang:latest', 'exited (code 0)'],
    ]);
    expect(await page().$('#c-download').isDisplayed()).toBe(true);
    await screenshot('clang-demo', '#workbench');

    // A compile error stops before linking, and clang's message is in the terminal.
    await page().$('#c-source').setValue('int main(void) { return missing; }\n');
    await page().$('#c-compile').click();
    await waitForBody('cdemo', 'failed', 60_000);
    expect(await text('#c-status')).toMatch(/^clang exited with code 1: its messages are in the terminal\.$/);
    await waitForTerminal(/use of undeclared identifier 'missing'/);
  });
});
