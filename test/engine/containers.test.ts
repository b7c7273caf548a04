/**
 * engine.containers: named containers with state, exit, logs (kept and followed), kill, remove, and the final
 * filesystem of one that ended by itself. Guests: test/programs (hello, write_lines, spin, file_rw, cat_stdin).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, isWasmboxError, type LogChunk } from '../../runtime/platform/entry.node.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import { buildImage, dir, file, program } from '../helpers/images.ts';
import { fixtureBytes } from '../helpers/fixtures.ts';

const store = createMemoryStore();
const engine = createEngine({ store, warmWorkers: 1 });
afterAll(() => engine.close());

async function collect(stream: ReadableStream<LogChunk>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out[r.value.stream] += decoder[r.value.stream].decode(r.value.bytes, { stream: true });
  return out;
}

async function failure(run: () => unknown): Promise<{ kind: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isWasmboxError(error)) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('engine.containers', () => {
  it('runs a named container, lists it, keeps its output as logs and its exit', async () => {
    const c = await engine.containers.run({ wasm: fixtureBytes('write_lines'), name: 'write_lines', args: ['3'], containerName: 'lines' });
    expect(engine.containers.get('lines')).toBe(c);
    expect(engine.containers.get(c.id.slice(0, 6))).toBe(c);
    expect(await c.done).toEqual({ code: 0, reason: 'exit', message: '' });
    expect(await collect(c.logs())).toEqual({ stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
    expect(engine.containers.list().map((s) => s.name)).not.toContain('lines'); // not running
    const summary = engine.containers.list({ all: true }).find((s) => s.name === 'lines')!;
    expect(summary).toMatchObject({ state: 'exited', exit: { code: 0, reason: 'exit' }, command: ['write_lines', '3'], image: 'write_lines' });
    expect(summary.finishedAt).toBeGreaterThanOrEqual(summary.created);
  });

  it('follows the logs of a running container until it ends; kill ends it as killed', async () => {
    const c = await engine.containers.run({ wasm: fixtureBytes('cat_stdin'), stdin: 'pipe', containerName: 'chat' });
    const followed = collect(c.logs({ follow: true }));
    expect(engine.containers.list().map((s) => s.name)).toContain('chat');
    const writer = c.stdin!.getWriter();
    await writer.write(new TextEncoder().encode('hi there\n'));
    // the line comes back while the container still runs
    for (let i = 0; i < 200 && !(await collect(c.logs())).stdout.includes('hi there'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(c.summary().state).toBe('running');
    c.kill();
    expect(await c.done).toMatchObject({ reason: 'killed', code: 137 });
    expect((await followed).stdout).toBe('hi there\n');
    expect(c.files()).toBeNull(); // its changes went with its worker
  });

  it('refuses to remove a running container unless forced, and refuses a taken name', async () => {
    const c = await engine.containers.run({ wasm: fixtureBytes('spin'), containerName: 'spinner' });
    expect(await failure(() => engine.containers.remove('spinner'))).toMatchObject({ kind: 'Conflict' });
    expect(await failure(() => engine.containers.run({ wasm: fixtureBytes('hello'), containerName: 'spinner' }))).toMatchObject({ kind: 'Conflict' });
    expect(await failure(() => engine.containers.run({ wasm: fixtureBytes('hello'), containerName: '../x' }))).toMatchObject({ kind: 'InvalidArgument' });
    await engine.containers.remove('spinner', { force: true });
    expect(c.summary()).toMatchObject({ state: 'exited', exit: { reason: 'killed' } });
    expect(await failure(() => engine.containers.get('spinner'))).toMatchObject({ kind: 'NotFound', message: 'No such container: spinner' });
  });

  it("shows the final filesystem of a container that ended: the image's files and its own", async () => {
    await buildImage(store, 'writer', [[dir('bin'), program('file_rw')], [file('etc/motd', 'welcome')]], { Entrypoint: ['/bin/file_rw.wasm'] });
    const c = await engine.containers.run({ image: 'writer', args: ['/out.bin', '1'] });
    expect(c.files()).toBeNull(); // still running (or just started)
    expect((await c.done).code).toBe(0);
    const fs = c.files()!;
    expect(fs.stat(fs.root(), '/out.bin', true)).toMatchObject({ type: 'file', size: 1 << 20 });
    expect(fs.stat(fs.root(), '/etc/motd', true)).toMatchObject({ type: 'file', size: 7 });
  });
});
