/**
 * engine.volumes in Node: named volumes are host directories under the given dir; containers write and read them,
 * several at once; `files()` shows them outside any container. Guests: test/programs (file_rw, image_file).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.ts';
import { nodePlatform } from '../../runtime/platform/platform.node.ts';
import { HostVolumes } from '../../runtime/platform/host-volumes.node.ts';
import { isWasmboxError } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';
import { readText } from '../helpers/streams.ts';

const dir = mkdtempSync(join(tmpdir(), 'wasmbox-volumes-'));
const engine = new Engine({ platform: nodePlatform(), warmWorkers: 1, volumes: new HostVolumes(dir) });
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(program: string, args: string[], volume: string) {
  const proc = await engine.run({ wasm: fixtureBytes(program), name: program, args, mounts: [{ target: '/data', source: { kind: 'volume', name: volume } }] });
  const [status, stdout] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout: stdout.trim() };
}

describe('engine.volumes (Node: host directories)', () => {
  it('creates a volume on first use; what one container writes, the next reads, and the host sees', async () => {
    expect((await run('file_rw', ['/data/blob.bin', '1'], 'vol1')).code).toBe(0);
    const onHost = readFileSync(join(dir, 'vol1', '_data', 'blob.bin'));
    expect(onHost.byteLength).toBe(1 << 20);
    expect((await run('image_file', ['/data/blob.bin'], 'vol1')).stdout).toMatch(/^size=1048576 fnv=[0-9a-f]{16}$/);
    expect((await engine.volumes.list()).map((v) => v.name)).toEqual(['vol1']);
  });

  it('shows a volume outside any container, and removes it', async () => {
    const { fs } = await engine.volumes.files('vol1');
    expect(fs.stat(fs.root(), '/blob.bin', true)).toMatchObject({ type: 'file', size: 1 << 20 });
    await engine.volumes.remove('vol1');
    expect(() => statSync(join(dir, 'vol1'))).toThrow(/ENOENT/);
    await expect(engine.volumes.files('vol1')).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('refuses a bad volume name, naming it', async () => {
    let error: unknown;
    try {
      await run('image_file', ['/data/x'], '../escape');
    } catch (caught) {
      error = caught;
    }
    expect(isWasmboxError(error, 'InvalidArgument')).toBe(true);
    expect((error as Error).message).toContain('"../escape"');
  });
});
