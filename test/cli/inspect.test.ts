/**
 * `wasmbox inspect` and `wasmbox history` as a user runs them (dist/cli.js in a child process), on a store holding
 * one image under two names; and the one image-ID convention (the root digest) across `images`, `inspect`,
 * `history` and `run`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeHelloImage, type BuiltImage } from '../../images/archive/test-kit.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { runCli } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { humanSize } from '../../runtime/cli/units.ts';

const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-inspect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const wasmbox = (args: string[]) => runCli(args, { home: scratch });

let hello: BuiltImage;
let id: string;

beforeAll(async () => {
  const store = await openOciLayoutStore(join(scratch, 'store'));
  try {
    hello = await storeHelloImage(store, ['docker.io/library/hello:latest', 'ghcr.io/team/hello:1.0'], {
      wasm: readFileSync(fixturePath('hello')),
      extraLayer: 'welcome\n',
    });
  } finally {
    await store.close();
  }
  id = hello.manifest.digest.slice(7, 19);
});

describe('wasmbox inspect', () => {
  it('prints a docker image inspect array: root digest as Id, tags, repo digests, config, diff_ids, size', async () => {
    const result = await wasmbox(['inspect', 'hello']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [info, ...rest] = JSON.parse(result.stdout);
    expect(rest).toEqual([]);
    expect(info).toMatchObject({
      Id: hello.manifest.digest,
      Created: '2024-01-01T00:00:00Z',
      Architecture: 'wasm',
      Os: 'wasi',
      Config: { Entrypoint: ['/hello.wasm'], Env: ['PATH=/'], WorkingDir: '/', Cmd: null, Labels: null },
      RootFS: { Type: 'layers' },
    });
    expect(info.RepoTags.sort()).toEqual(['ghcr.io/team/hello:1.0', 'hello:latest']);
    expect(info.RepoDigests.sort()).toEqual([`ghcr.io/team/hello@${hello.manifest.digest}`, `hello@${hello.manifest.digest}`]);
    expect(info.RootFS.Layers).toHaveLength(2);
    expect(info.Size).toBe(hello.manifest.size + hello.config.size + hello.layers.reduce((n, l) => n + l.size, 0));
    expect(result.stdout).toMatch(/^\[\n {4}\{\n {8}"Id"/); // docker's 4-space indent
  });

  it('finds images by ID prefix and full ID, several at once; a missing one is reported and exits 1', async () => {
    const byId = JSON.parse((await wasmbox(['inspect', id, hello.manifest.digest])).stdout);
    expect(byId.map((i: { Id: string }) => i.Id)).toEqual([hello.manifest.digest, hello.manifest.digest]);
    const missing = await wasmbox(['inspect', 'hello', 'nope:1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error: No such image: nope:1\n');
    expect(JSON.parse(missing.stdout)).toHaveLength(1);
    expect(await wasmbox(['image', 'inspect', 'nope'])).toMatchObject({ code: 1, stdout: '[]\n' });
  });
});

describe('wasmbox history', () => {
  it('lists the build steps newest first: the image ID on top, <missing> below', async () => {
    const result = await wasmbox(['history', 'ghcr.io/team/hello:1.0']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${id}\\s+\\d+ \\w+ ago\\s+test\\s+${humanSize(hello.layers[1].size).replace('.', '\\.')}\\s*$`)); // COMMENT is empty
    expect(lines[2]).toMatch(/^<missing>\s+\d+ \w+ ago\s+test\s+[\d.]+kB\s*$/);
    expect((await wasmbox(['history', '-q', id])).stdout).toBe(`${id}\n<missing>\n`);
    expect((await wasmbox(['history', '--no-trunc', '-q', 'hello'])).stdout).toBe(`${hello.manifest.digest}\n<missing>\n`);
    const missing = await wasmbox(['history', 'nope']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/nope/);
  });
});

describe('one image ID', () => {
  it('images, inspect and run agree: the ID is the root digest', async () => {
    const listed = (await wasmbox(['images', '-q'])).stdout;
    expect(listed).toBe(`${id}\n`);
    expect(await wasmbox(['run', id])).toMatchObject({ code: 0, stdout: 'hello from wasm\n' });
  });
});
