/**
 * The package's browser export as an app gets it: the prebuilt SDK bundle (dist/browser/wasmbox.js, made by
 * scripts/build.mjs in the global setup) with its container worker next to it, found without any option.
 * This is the README's embed, run in Chromium.
 */
import { describe, expect, it } from 'vitest';
import helloUrl from '../../.cache/fixtures/hello.wasm?url';
import catStdinUrl from '../../.cache/fixtures/cat_stdin.wasm?url';

type Sdk = typeof import('../../runtime/platform/entry.browser.ts');

describe('the SDK bundle (package export "browser")', () => {
  it('runs a container with the embed from the README', async () => {
    const { createEngine, createMemoryStore }: Sdk = await import(/* @vite-ignore */ new URL('../../dist/browser/wasmbox.js', import.meta.url).href);
    const engine = createEngine({ store: createMemoryStore() });
    try {
      const wasm = new Uint8Array(await (await fetch(helloUrl)).arrayBuffer());
      const proc = await engine.run({ wasm });
      let text = '';
      await proc.stdout.pipeTo(new WritableStream({ write: (chunk) => void (text += new TextDecoder().decode(chunk)) }));
      expect(await proc.exited).toEqual({ code: 0, reason: 'exit', message: '' });
      expect(text).toBe('hello from wasm\n');

      const cat = await engine.run({ wasm: new Uint8Array(await (await fetch(catStdinUrl)).arrayBuffer()), stdin: 'pipe' });
      const writer = cat.stdin!.getWriter();
      await writer.write(new TextEncoder().encode('typed\n'));
      await writer.close();
      const reader = cat.stdout.getReader();
      let echoed = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) echoed += new TextDecoder().decode(r.value);
      expect(echoed).toBe('typed\n');
      expect((await cat.exited).code).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
