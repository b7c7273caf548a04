/**
 * `buildCommand` (the `wasmbox build` action, registered by main.node.ts) in-process against a store under a temporary
 * WASMBOX_HOME: progress and RUN output on stderr, the image ID on stdout, exit 1 naming the line on a failed build.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../runtime/cli/build-command.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { resolveImage } from '../../images/oci/resolve-image.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';

const home = mkdtempSync(join(tmpdir(), 'wasmbox-build-cli-'));
const savedHome = process.env.WASMBOX_HOME;
process.env.WASMBOX_HOME = home;
afterAll(() => {
  if (savedHome === undefined) delete process.env.WASMBOX_HOME;
  else process.env.WASMBOX_HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

function io() {
  const out = { stdout: '', stderr: '' };
  const dec = new TextDecoder();
  return {
    out,
    io: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string | Uint8Array) => (out.stderr += typeof t === 'string' ? t : dec.decode(t)) },
    },
  };
}

describe('buildCommand', () => {
  const ctx = join(home, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'hello.wasm'), fixtureBytes('hello'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nARG NAME\nCOPY hello.wasm /\nRUN ["/hello.wasm"]\nENTRYPOINT ["/hello.wasm"]\nLABEL n=$NAME\n');
  writeFileSync(join(ctx, 'Bad.dockerfile'), 'FROM scratch\nRUN /hello.wasm\n');

  it('builds and tags into the store, showing steps and RUN output', async () => {
    const { out, io: streams } = io();
    const code = await buildCommand(ctx, { tag: ['cli-built:1'], buildArgs: ['NAME=x'] }, streams);
    expect(out.stderr).toContain('Step 4/6 : RUN ["/hello.wasm"]');
    expect(out.stderr).toContain('hello from wasm');
    expect(code).toBe(0);
    expect(out.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const store = await openOciLayoutStore(join(home, 'store'));
    try {
      const [ref] = await store.refs.list();
      expect(ref.name).toBe('docker.io/library/cli-built:1');
      // its layers were unpacked for runs (a link or the tar, and the index), so the first run reads no blob
      const { layers } = await resolveImage(store.blobs, ref.descriptor);
      expect(layers.length).toBeGreaterThan(1);
      for (const layer of layers) expect(existsSync(join(home, 'layers', ...layer.digest.split(':'), 'index.json'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a rebuild takes every layer from the build cache (no RUN output); noCache runs every step again', async () => {
    const first = io();
    expect(await buildCommand(ctx, { tag: ['cli-cached:1'], buildArgs: ['NAME=y'] }, first.io)).toBe(0);
    const again = io();
    expect(await buildCommand(ctx, { tag: ['cli-cached:1'], buildArgs: ['NAME=y'] }, again.io)).toBe(0);
    expect(again.out.stderr.match(/ ---> Using cache/g)).toHaveLength(2); // the COPY and the RUN
    expect(again.out.stderr).not.toContain('hello from wasm');
    expect(again.out.stdout).toBe(first.out.stdout);
    const fresh = io();
    expect(await buildCommand(ctx, { tag: ['cli-cached:1'], buildArgs: ['NAME=y'], noCache: true }, fresh.io)).toBe(0);
    expect(fresh.out.stderr).not.toContain('Using cache');
    expect(fresh.out.stderr).toContain('hello from wasm');
    expect(fresh.out.stdout).toBe(first.out.stdout);
  });

  it('fails with exit 1 naming the line', async () => {
    const { out, io: streams } = io();
    expect(await buildCommand(ctx, { file: join(ctx, 'Bad.dockerfile'), buildArgs: [] }, streams)).toBe(1);
    expect(out.stderr).toMatch(/ERROR: Dockerfile line 2: shell form of RUN/);
    expect(await buildCommand(join(home, 'missing'), { buildArgs: [] }, streams)).toBe(125);
  });
});
