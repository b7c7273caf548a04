// Interop with the system's GNU tar (tests only, Node): tars it writes in each of its formats read correctly, and
// the layers we write extract with it to the same tree.
import { execFileSync } from 'node:child_process';
import {
  chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerEntry } from './layer-entry.ts';
import { readLayer } from './read-layer.ts';
import { sameBytes } from './test-kit.ts';
import { writeLayer, type LayerSourceEntry } from './write-layer.ts';

const MTIME = 1_600_000_000;
const LONG_DIR = `${'long-directory-name-'.repeat(6)}/${'nested-'.repeat(20)}`; // > 255 bytes with the file name
const LONG_FILE = `${LONG_DIR}/${'f'.repeat(120)}.txt`;
const BIG = new Uint8Array(1_000_003).map((_, i) => (i * 31) & 0xff);

let work: string;
let tree: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wasmbox-layer-'));
  tree = join(work, 'tree');
  const put = (rel: string, data: string | Uint8Array, mode: number) => {
    writeFileSync(join(tree, rel), data);
    chmodSync(join(tree, rel), mode);
  };
  mkdirSync(join(tree, LONG_DIR), { recursive: true });
  mkdirSync(join(tree, 'bin'));
  mkdirSync(join(tree, 'private'));
  put('bin/tool.wasm', 'wasm bytes', 0o755);
  put('private/secret', 'shh', 0o600);
  put('setuid', '', 0o4755);
  put(LONG_FILE, 'long name', 0o644);
  put('big.bin', BIG, 0o644);
  put('ünïcödé-ファイル', 'unicode', 0o644);
  chmodSync(join(tree, 'private'), 0o700);
  symlinkSync('bin/tool.wasm', join(tree, 'relative-link'));
  symlinkSync('/etc/passwd', join(tree, 'absolute-link'));
  symlinkSync(`/${'target/'.repeat(30)}end`, join(tree, 'long-link'));
  linkSync(join(tree, 'bin/tool.wasm'), join(tree, 'bin/hard-alias'));
  linkSync(join(tree, LONG_FILE), join(tree, 'hard-to-long'));
  execFileSync('find', [tree, '-exec', 'touch', '-h', '-d', `@${MTIME}`, '{}', '+']);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function gnuTar(args: string[]): Uint8Array {
  const out = join(work, 'out.tar');
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-cf', out, ...args, '-C', tree, '.']);
  return new Uint8Array(readFileSync(out));
}

function byPath(entries: LayerEntry[]): Map<string, LayerEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

describe('reading tars made by GNU tar', () => {
  it.each([
    ['gnu', ['--format=gnu']],
    ['posix (pax)', ['--format=posix', '--pax-option=delete=atime,delete=ctime']],
    ['gnu + gzip', ['--format=gnu', '--gzip']],
  ])('format %s: long names, symlinks, hard links, modes, dirs, mtimes', async (_name, args) => {
    const { entries, tar, warnings } = await readLayer(gnuTar(args));
    expect(warnings).toEqual([]);
    const at = byPath(entries);
    const data = (path: string) => {
      const e = at.get(path)!;
      return tar.subarray(e.dataOffset, e.dataOffset + e.size);
    };
    expect(new TextDecoder().decode(data('bin/tool.wasm'))).toBe('wasm bytes');
    expect(sameBytes(data('big.bin'), BIG)).toBe(true);
    expect(new TextDecoder().decode(data(LONG_FILE))).toBe('long name');
    expect(new TextDecoder().decode(data('ünïcödé-ファイル'))).toBe('unicode');
    expect(at.get('bin')).toMatchObject({ kind: 'dir', mode: 0o755, mtimeSec: MTIME });
    expect(at.get('private')).toMatchObject({ kind: 'dir', mode: 0o700 });
    expect(at.get('private/secret')).toMatchObject({ kind: 'file', mode: 0o600, mtimeSec: MTIME });
    expect(at.get('setuid')).toMatchObject({ kind: 'file', mode: 0o4755, size: 0 });
    expect(at.get('relative-link')).toMatchObject({ kind: 'symlink', linkTarget: 'bin/tool.wasm' });
    expect(at.get('absolute-link')).toMatchObject({ kind: 'symlink', linkTarget: '/etc/passwd' });
    expect(at.get('long-link')!.linkTarget).toBe(`/${'target/'.repeat(30)}end`);
    // Hard links: one name holds the data (the first in order), the other links to it with the same bytes.
    expect(at.get('bin/hard-alias')).toMatchObject({ kind: 'file' });
    expect(at.get('bin/tool.wasm')).toMatchObject({ kind: 'hardlink', linkTarget: 'bin/hard-alias', mode: 0o755 });
    expect(at.get(LONG_FILE)).toMatchObject({ kind: 'hardlink', linkTarget: 'hard-to-long' });
    // Every path of the tree is there, parents before children.
    const paths = entries.map((e) => e.path);
    expect(paths.indexOf(LONG_DIR.split('/')[0])).toBeLessThan(paths.indexOf(LONG_FILE));
    expect(entries).toHaveLength(execFileSync('find', [tree, '-mindepth', '1']).toString().trim().split('\n').length);
  });

  it('skips a FIFO with a warning and refuses a sparse file as unsupported', async () => {
    const fifoDir = join(work, 'fifo');
    mkdirSync(fifoDir);
    execFileSync('mkfifo', [join(fifoDir, 'pipe')]);
    writeFileSync(join(fifoDir, 'file'), 'f');
    execFileSync('tar', ['--format=gnu', '-cf', join(work, 'fifo.tar'), '-C', fifoDir, '.']);
    const { entries, warnings } = await readLayer(new Uint8Array(readFileSync(join(work, 'fifo.tar'))));
    expect(entries.map((e) => e.path)).toEqual(['file']);
    expect(warnings).toEqual([{ path: 'pipe', message: expect.stringContaining('FIFO skipped') }]);

    const sparseDir = join(work, 'sparse');
    mkdirSync(sparseDir);
    execFileSync('truncate', ['-s', '16M', join(sparseDir, 'holes')]);
    for (const format of ['gnu', 'posix']) {
      execFileSync('tar', [`--format=${format}`, '--sparse', '-cf', join(work, 'sparse.tar'), '-C', sparseDir, '.']);
      const error = await readLayer(new Uint8Array(readFileSync(join(work, 'sparse.tar')))).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'unsupported', message: expect.stringMatching(/sparse/) });
    }
  });
});

describe('GNU tar reading the layers we write', () => {
  const entries: LayerSourceEntry[] = [
    { path: 'bin', kind: 'dir', mode: 0o755, mtimeSec: MTIME },
    { path: 'bin/tool.wasm', kind: 'file', mode: 0o755, mtimeSec: MTIME, data: new TextEncoder().encode('wasm') },
    { path: 'bin/alias', kind: 'hardlink', mode: 0o755, mtimeSec: MTIME, linkTarget: 'bin/tool.wasm' },
    { path: 'sh', kind: 'symlink', mode: 0o777, mtimeSec: MTIME, linkTarget: '/bin/tool.wasm' },
    { path: LONG_DIR, kind: 'dir', mode: 0o750, mtimeSec: MTIME },
    { path: LONG_FILE, kind: 'file', mode: 0o640, mtimeSec: MTIME, data: BIG },
    { path: 'ünïcödé', kind: 'file', mode: 0o600, mtimeSec: MTIME, data: new TextEncoder().encode('u') },
    { path: 'etc/gone', kind: 'whiteout', mode: 0o644, mtimeSec: MTIME },
  ];

  it.each([false, true])('extracts to the same tree (gzip %s)', async (gzip) => {
    const file = join(work, gzip ? 'ours.tar.gz' : 'ours.tar');
    writeFileSync(file, await writeLayer(entries, { gzip }));
    const listing = execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
    expect(listing).toContain('etc/.wh.gone');
    const out = join(work, gzip ? 'x-gz' : 'x');
    mkdirSync(out);
    execFileSync('tar', ['-xpf', file, '-C', out]);
    expect(readFileSync(join(out, 'bin/tool.wasm'), 'utf8')).toBe('wasm');
    expect(lstatSync(join(out, 'bin/alias')).ino).toBe(lstatSync(join(out, 'bin/tool.wasm')).ino);
    expect(readlinkSync(join(out, 'sh'))).toBe('/bin/tool.wasm');
    expect(sameBytes(new Uint8Array(readFileSync(join(out, LONG_FILE))), BIG)).toBe(true);
    expect(lstatSync(join(out, LONG_FILE)).mode & 0o7777).toBe(0o640);
    expect(lstatSync(join(out, LONG_DIR)).mode & 0o7777).toBe(0o750);
    expect(lstatSync(join(out, 'ünïcödé')).mode & 0o7777).toBe(0o600);
    expect(lstatSync(join(out, 'bin/tool.wasm')).mtimeMs).toBe(MTIME * 1000);
    expect(lstatSync(join(out, 'etc/.wh.gone')).size).toBe(0);
  });

  it('agrees with GNU tar on a re-read of its own extraction', async () => {
    // Our layer -> GNU tar extract -> GNU tar create -> readLayer: the same files and bytes.
    const src = join(work, 'roundtrip');
    mkdirSync(src);
    const layer = join(work, 'roundtrip.tar');
    writeFileSync(layer, await writeLayer(entries, { gzip: false }));
    execFileSync('tar', ['-xpf', layer, '-C', src]);
    utimesSync(src, MTIME, MTIME);
    execFileSync('tar', ['--format=posix', '-cf', join(work, 'again.tar'), '-C', src, '.']);
    const again = await readLayer(new Uint8Array(readFileSync(join(work, 'again.tar'))));
    const at = byPath(again.entries);
    const big = at.get(LONG_FILE)!;
    expect(sameBytes(again.tar.subarray(big.dataOffset, big.dataOffset + big.size), BIG)).toBe(true);
    expect(at.get('etc/gone')).toMatchObject({ kind: 'whiteout' });
    expect(at.get('sh')).toMatchObject({ kind: 'symlink', linkTarget: '/bin/tool.wasm' });
  });
});
