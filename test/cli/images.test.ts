/**
 * `wasmbox load / save / images / tag / rmi / image prune` as a user runs them (dist/cli.js in a child process),
 * checked against real skopeo: our saved tar is read as `oci-archive:` and `docker-archive:` (wasi/wasm, our
 * digests), and tars skopeo writes from our store (`docker-archive:`, `oci-archive:`) load back.
 * skopeo as root keeps a blob-info cache in /var/lib/containers/cache: it runs in a private mount namespace with a
 * tmpfs over /var/lib (or with XDG_DATA_HOME redirected when not root), so nothing lands outside the test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeHelloImage, type BuiltImage } from '../../images/archive/test-kit.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-images-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const HOME = join(scratch, 'home');
const STORE = join(HOME, 'store');

const wasmbox = (args: string[], home = HOME): Promise<CliResult> => runCli(args, { home });

const hasSkopeo = spawnSync('sh', ['-c', 'command -v skopeo']).status === 0;
const isRoot = process.getuid?.() === 0;
const canIsolate = !isRoot || spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /var/lib']).status === 0;

/**
 * Runs skopeo with its blob-info cache kept out of the system: as root, in a private mount namespace with a tmpfs
 * over /var/lib (where it keeps the cache; discarded on exit); otherwise with XDG_DATA_HOME in the scratch dir.
 */
function skopeo(args: string[]): string {
  if (!isRoot) {
    const cache = join(scratch, 'skopeo-cache');
    mkdirSync(cache, { recursive: true });
    return execFileSync('skopeo', args, { encoding: 'utf8', env: { ...process.env, XDG_DATA_HOME: cache } });
  }
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return execFileSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs tmpfs /var/lib && exec skopeo ${quoted}`], { encoding: 'utf8' });
}

let hello: BuiltImage;

beforeAll(async () => {
  const store = await openOciLayoutStore(STORE);
  try {
    hello = await storeHelloImage(store, ['docker.io/library/hello:latest'], { wasm: readFileSync(fixturePath('hello')) });
  } finally {
    await store.close();
  }
});

describe('wasmbox images, tag, rmi', () => {
  it('lists, tags and removes images', async () => {
    const id = hello.manifest.digest.slice(7, 19);
    let result = await wasmbox(['images']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(lines[1]).toMatch(new RegExp(`^hello\\s+latest\\s+${id}\\s+\\d+ \\w+ ago\\s+[\\d.]+k?B$`));

    expect(await wasmbox(['tag', 'hello', 'example.com/team/hello:copy'])).toMatchObject({ code: 0 });
    result = await wasmbox(['images']);
    expect(result.stdout).toMatch(new RegExp(`example.com/team/hello\\s+copy\\s+${id}`));
    expect(await wasmbox(['rmi', 'example.com/team/hello:copy'])).toMatchObject({ code: 0, stdout: 'Untagged: example.com/team/hello:copy\n' });
    expect((await wasmbox(['rmi', 'nope'])).code).not.toBe(0);
  });
});

describe('wasmbox run IMAGE', () => {
  it("runs an image from the store by its short name, with the image's entrypoint", async () => {
    expect(await wasmbox(['run', 'hello'])).toMatchObject({ code: 0, stdout: 'hello from wasm\n', stderr: '' });
  });

  it('exits 125 for an image that is not in the store, and 127 for a missing entrypoint', async () => {
    const missing = await wasmbox(['run', 'no-such-image:1.0']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/image "no-such-image:1.0" not found/);
    const noCommand = await wasmbox(['run', '--entrypoint', '/bin/nope.wasm', 'hello']);
    expect(noCommand.code).toBe(127);
    expect(noCommand.stderr).toMatch(/\/bin\/nope.wasm/);
  });
});

describe('wasmbox save', () => {
  it.skipIf(!hasSkopeo || !canIsolate)('writes a tar skopeo reads as oci-archive: and docker-archive: (wasi/wasm, our digests)', async () => {
    const out = join(scratch, 'saved.tar');
    expect(await wasmbox(['save', '-o', out, 'hello'])).toMatchObject({ code: 0, stderr: '' });
    const oci = JSON.parse(skopeo(['inspect', `oci-archive:${out}`]));
    expect(oci).toMatchObject({ Digest: hello.manifest.digest, Os: 'wasi', Architecture: 'wasm', Layers: [hello.layers[0].digest] });
    const docker = JSON.parse(skopeo(['inspect', `docker-archive:${out}`]));
    // a plain layer: its digest is its diff_id, which is what docker-archive: reports
    expect(docker).toMatchObject({ Os: 'wasi', Architecture: 'wasm', Layers: [hello.layers[0].digest] });
    const config = JSON.parse(skopeo(['inspect', '--config', `docker-archive:${out}`]));
    expect(config.config.Entrypoint).toEqual(['/hello.wasm']);

    // and it loads into a fresh home
    const fresh = join(scratch, 'fresh');
    expect(await wasmbox(['load', '-i', out], fresh)).toMatchObject({ code: 0, stdout: 'Loaded image: hello:latest\n' });
    expect((await wasmbox(['images'], fresh)).stdout).toContain(hello.manifest.digest.slice(7, 19));
    // the load unpacked the layer (index + bytes), so the first run reads no blob
    expect(existsSync(join(fresh, 'layers', 'sha256', hello.layers[0].digest.slice(7), 'index.json'))).toBe(true);
  });
});

describe('wasmbox load', () => {
  it.skipIf(!hasSkopeo || !canIsolate)('loads what skopeo copy writes as docker-archive: and oci-archive:', async () => {
    const dockerTar = join(scratch, 'skopeo-docker.tar');
    const ociTar = join(scratch, 'skopeo-oci.tar');
    const untaggedTar = join(scratch, 'skopeo-untagged.tar');
    skopeo(['copy', '-q', `oci:${STORE}:docker.io/library/hello:latest`, `docker-archive:${dockerTar}:hello:v2`]);
    skopeo(['copy', '-q', `oci:${STORE}:docker.io/library/hello:latest`, `oci-archive:${ociTar}:hello:v3`]);
    skopeo(['copy', '-q', `oci:${STORE}:docker.io/library/hello:latest`, `oci-archive:${untaggedTar}`]);

    expect(await wasmbox(['load', '-i', dockerTar])).toMatchObject({ code: 0, stdout: 'Loaded image: hello:v2\n', stderr: '' });
    expect(await wasmbox(['load', '-i', ociTar])).toMatchObject({ code: 0, stdout: 'Loaded image: hello:v3\n', stderr: '' });
    // and what was loaded runs
    expect(await wasmbox(['run', 'hello:v2'])).toMatchObject({ code: 0, stdout: 'hello from wasm\n', stderr: '' });
    expect(await wasmbox(['run', 'hello:v3'])).toMatchObject({ code: 0, stdout: 'hello from wasm\n', stderr: '' });
    // skopeo may rewrite the manifest on the way (its blob-info cache): compare with what it says it wrote
    const untaggedDigest = JSON.parse(skopeo(['inspect', `oci-archive:${untaggedTar}`])).Digest;
    expect(await wasmbox(['load', '-i', untaggedTar])).toMatchObject({ code: 0, stdout: `Loaded image ID: ${untaggedDigest}\n` });

    // the docker-archive image became an OCI image skopeo reads from our store; for a plain-layer image the
    // conversion gives back the very manifest we started from
    const v2 = JSON.parse(skopeo(['inspect', `oci:${STORE}:docker.io/library/hello:v2`]));
    expect(v2).toMatchObject({ Os: 'wasi', Architecture: 'wasm', Digest: hello.manifest.digest });
    // the oci-archive image kept its manifest digest
    const v3Digest = JSON.parse(skopeo(['inspect', `oci-archive:${ociTar}`])).Digest;
    expect(JSON.parse(skopeo(['inspect', `oci:${STORE}:docker.io/library/hello:v3`])).Digest).toBe(v3Digest);

    const images = (await wasmbox(['images'])).stdout;
    expect(images).toMatch(/hello\s+v2/);
    expect(images).toMatch(/<none>\s+<none>/);
    expect(await wasmbox(['rmi', 'hello:v2'])).toMatchObject({ code: 0, stdout: 'Untagged: hello:v2\n' }); // hello:latest keeps it

    // prune removes the untagged image (its blobs stay while a tag reaches them: skopeo wrote the same manifest twice)
    const pruned = await wasmbox(['image', 'prune', '-f']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain(`Deleted Images:\ndeleted: ${untaggedDigest}\n`);
    expect(pruned.stdout).toMatch(/Total reclaimed space: [\d.]+k?B\n$/);
    expect((await wasmbox(['images'])).stdout).not.toContain('<none>');

    // rmi of the last name deletes the image
    expect(await wasmbox(['load', '-i', dockerTar])).toMatchObject({ code: 0 });
    expect(await wasmbox(['tag', 'hello:v2', 'solo:1'])).toMatchObject({ code: 0 });
    expect(await wasmbox(['rmi', 'hello:v2', 'hello:v3', 'hello:latest'])).toMatchObject({ code: 0 });
    const last = await wasmbox(['rmi', 'solo:1']);
    expect(last.stdout).toBe(`Untagged: solo:1\nDeleted: ${hello.manifest.digest}\n`);
    expect(existsSync(join(HOME, 'layers', 'sha256', hello.layers[0].digest.slice(7)))).toBe(false); // unpacked layer gone too
    expect((await wasmbox(['images', '-q'])).stdout).toBe('');
  });

  it('refuses a hostile archive with a clear error and leaves the store as it was', async () => {
    const before = readFileSync(join(STORE, 'index.json'), 'utf8');
    const bad = join(scratch, 'bad.tar');
    const header = new Uint8Array(512);
    const name = new TextEncoder().encode('../evil');
    header.set(name, 0);
    const put = (at: number, text: string) => header.set(new TextEncoder().encode(text), at);
    put(100, '0000644\0'); put(108, '0000000\0'); put(116, '0000000\0'); put(124, '00000000000\0'); put(136, '00000000000\0');
    header[156] = 0x30; put(257, 'ustar\0'); put(263, '00');
    let sum = 8 * 32;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += header[i];
    put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
    writeFileSync(bad, Buffer.concat([header, new Uint8Array(1024)]));
    const result = await wasmbox(['load', '-i', bad]);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^wasmbox: image archive "\.\.\/evil": .*"\.\." component/);
    expect(readFileSync(join(STORE, 'index.json'), 'utf8')).toBe(before);
  });
});
