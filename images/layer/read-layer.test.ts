import { describe, expect, it } from 'vitest';
import type { LayerEntry } from './layer-entry.ts';
import { readLayer } from './read-layer.ts';
import { gnuLong, gzip, paxMember, rawTar, text } from './test-kit.ts';

/** Entries without the fields a test does not care about. */
function brief(entries: LayerEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.path === '' ? '/' : e.path}${e.linkTarget !== undefined ? ` -> ${e.linkTarget}` : ''}`);
}

describe('readLayer: members', () => {
  it('reads files, dirs, symlinks, modes and mtimes, pointing into the tar without copying', async () => {
    const tar = rawTar([
      { name: './', type: '5', mode: 0o755 },
      { name: './bin/', type: '5', mode: 0o755, mtime: 1 },
      { name: './bin/hello.wasm', mode: 0o100755, data: 'wasm!', mtime: 1_700_000_123 },
      { name: './etc/motd', data: 'hi\n', mode: 0o600 },
      { name: './bin/sh', type: '2', linkName: '/bin/hello.wasm', mode: 0o777 },
    ]);
    const { entries, tar: out, compression, warnings } = await readLayer(tar);
    expect(compression).toBe('none');
    expect(out).toBe(tar);
    expect(warnings).toEqual([]);
    expect(entries).toEqual([
      { path: 'bin', kind: 'dir', mode: 0o755, mtimeSec: 1, size: 0, dataOffset: 0 },
      { path: 'bin/hello.wasm', kind: 'file', mode: 0o755, mtimeSec: 1_700_000_123, size: 5, dataOffset: 1536 },
      { path: 'bin/sh', kind: 'symlink', mode: 0o777, mtimeSec: 1_700_000_000, size: 0, dataOffset: 0, linkTarget: '/bin/hello.wasm' },
      { path: 'etc/motd', kind: 'file', mode: 0o600, mtimeSec: 1_700_000_000, size: 3, dataOffset: 2560 },
    ]);
    expect(text(out, entries[1])).toBe('wasm!');
  });

  it('reads gzip layers, sniffed by magic bytes', async () => {
    const tar = rawTar([{ name: 'a.txt', data: 'A'.repeat(10_000) }]);
    const { entries, tar: out, compression } = await readLayer(await gzip(tar));
    expect(compression).toBe('gzip');
    expect(out.length).toBe(tar.length);
    expect(text(out, entries[0])).toBe('A'.repeat(10_000));
  });

  it('reads long names from pax, GNU L/K and the ustar prefix', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const tar = rawTar([
      paxMember({ path: `pax/${long}`, mtime: '1700000001.5', 'SCHILY.xattr.user.x': 'ignored' }),
      { name: 'truncated-in-header', data: 'p' },
      gnuLong(`gnu/${long}`),
      { name: 'gnu-short', magic: 'gnu', data: 'g' },
      gnuLong(`gnu/${long}-link`),
      gnuLong(`gnu/${long}`, 'K'),
      { name: 'x', type: '1', magic: 'gnu', linkName: 'trunc' },
      { name: 'f'.repeat(100), prefix: `ustar/${'d'.repeat(120)}`, data: 'u' },
      paxMember({ linkpath: `/target/${long}` }),
      { name: 'sym', type: '2', linkName: 'short' },
      paxMember({ path: 'ünïcode/ファイル' }),
      { name: 'ascii', data: 'n' },
    ]);
    const { entries, tar: out } = await readLayer(tar);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(text(out, byPath.get(`pax/${long}`)!)).toBe('p');
    expect(byPath.get(`pax/${long}`)!.mtimeSec).toBe(1_700_000_001);
    expect(text(out, byPath.get(`gnu/${long}`)!)).toBe('g');
    expect(byPath.get(`gnu/${long}-link`)).toMatchObject({ kind: 'hardlink', linkTarget: `gnu/${long}` });
    expect(text(out, byPath.get(`ustar/${'d'.repeat(120)}/${'f'.repeat(100)}`)!)).toBe('u');
    expect(byPath.get('sym')!.linkTarget).toBe(`/target/${long}`);
    expect(text(out, byPath.get('ünïcode/ファイル')!)).toBe('n');
  });

  it('reads GNU base-256 sizes and negative mtimes', async () => {
    const size = new Uint8Array(12);
    size[0] = 0x80;
    size[11] = 3;
    const mtime = new Uint8Array(12).fill(0xff); // -1
    const tar = rawTar([{ name: 'b256', data: 'abc', magic: 'gnu', raw: { size, mtime } }]);
    const { entries, tar: out } = await readLayer(tar);
    expect(entries[0]).toMatchObject({ path: 'b256', size: 3, mtimeSec: -1 });
    expect(text(out, entries[0])).toBe('abc');
  });

  it('accepts a pax size override, old-style entries and one zero block before the end', async () => {
    const body = 'x'.repeat(700);
    const tar = rawTar(
      [
        paxMember({ size: '700' }),
        { name: 'sized-by-pax', data: body, size: 1 },
        { name: 'old-dir/', type: '\0', magic: 'v7' },
        { name: 'old-dir/file', type: '\0', magic: 'v7', data: 'v7' },
        { name: 'contiguous', type: '7', data: 'c' },
        new Uint8Array(512),
      ],
      { end: false },
    );
    const { entries, tar: out } = await readLayer(tar);
    expect(brief(entries)).toEqual(['file contiguous', 'dir old-dir', 'file old-dir/file', 'file sized-by-pax']);
    expect(text(out, entries[3])).toBe(body);
  });

  it('ignores pax global headers and what follows the end-of-archive marker', async () => {
    const tar = rawTar([paxMember({ comment: 'git archive', path: 'not-applied' }, 'g'), { name: 'a', data: '1' }]);
    const padded = new Uint8Array(10240);
    padded.set(tar);
    expect(brief((await readLayer(padded)).entries)).toEqual(['file a']);
  });
});

describe('readLayer: layer semantics', () => {
  it('turns .wh. names into whiteouts and opaque markers', async () => {
    const tar = rawTar([
      { name: 'etc/', type: '5' },
      { name: 'etc/.wh.motd', data: '' },
      { name: 'var/.wh..wh..opq' },
      { name: 'var/new' },
      { name: '.wh..wh..opq' },
      { name: 'usr/.wh..wh.plnk', type: '5' },
    ]);
    const { entries, warnings } = await readLayer(tar);
    expect(brief(entries)).toEqual(['opaque /', 'dir etc', 'whiteout etc/motd', 'opaque var', 'file var/new']);
    expect(warnings).toEqual([{ path: 'usr/.wh..wh.plnk', message: 'aufs metadata entry skipped' }]);
  });

  it('applies whiteouts to lower layers only: same-layer names stay, a re-created dir becomes opaque', async () => {
    const tar = rawTar([
      { name: 'file-first' },
      { name: '.wh.file-first' },
      { name: '.wh.file-after' },
      { name: 'file-after' },
      { name: '.wh.dir' },
      { name: 'dir/', type: '5' },
      { name: 'dir/x' },
      { name: '.wh.implied' },
      { name: 'implied/y' },
    ]);
    expect(brief((await readLayer(tar)).entries)).toEqual([
      'dir dir', 'opaque dir', 'file dir/x', 'file file-after', 'file file-first', 'opaque implied', 'file implied/y',
    ]);
  });

  it('lets later duplicates win, replacing a directory subtree with a file and a file with a directory', async () => {
    const tar = rawTar([
      { name: 'a', data: 'old' },
      { name: 'a', data: 'new' },
      { name: 'd/', type: '5', mode: 0o700 },
      { name: 'd/inner/', type: '5' },
      { name: 'd/inner/f', data: 'gone' },
      { name: 'd/.wh.lower' },
      { name: 'd', data: 'now a file' },
      { name: 'f', data: 'file' },
      { name: 'f/', type: '5', mode: 0o711 },
      { name: 'f/child', data: 'ok' },
      { name: 'm/', type: '5', mode: 0o700 },
      { name: 'm/keep', data: 'k' },
      { name: 'm/', type: '5', mode: 0o755, mtime: 5 },
      { name: 's', type: '2', linkName: '/etc' },
      { name: 's/', type: '5' },
      { name: 's/passwd', data: 'mine' },
    ]);
    const { entries, tar: out } = await readLayer(tar);
    expect(brief(entries)).toEqual(['file a', 'file d', 'dir f', 'file f/child', 'dir m', 'file m/keep', 'dir s', 'file s/passwd']);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(text(out, byPath.get('a')!)).toBe('new');
    expect(text(out, byPath.get('d')!)).toBe('now a file');
    expect(byPath.get('f')!.mode).toBe(0o711);
    expect(byPath.get('m')).toMatchObject({ mode: 0o755, mtimeSec: 5 });
  });

  it('gives hard links their file data; the first name in order holds it; replaced targets keep old data', async () => {
    const tar = rawTar([
      { name: 'z-original', data: 'shared', mode: 0o750 },
      { name: 'a-link', type: '1', linkName: 'z-original' },
      { name: 'm-link', type: '1', linkName: './a-link' },
      { name: 'old', data: 'old data' },
      { name: 'old-link', type: '1', linkName: 'old' },
      { name: 'old', data: 'replaced' },
      { name: 'sym', type: '2', linkName: 'z-original' },
      { name: 'sym-link', type: '1', linkName: 'sym' },
    ]);
    const { entries, tar: out } = await readLayer(tar);
    expect(brief(entries)).toEqual([
      'file a-link', 'hardlink m-link -> a-link', 'file old', 'file old-link', 'symlink sym -> z-original',
      'symlink sym-link -> z-original', 'hardlink z-original -> a-link',
    ]);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('z-original')).toMatchObject({ mode: 0o750, size: 6, dataOffset: byPath.get('a-link')!.dataOffset });
    expect(text(out, byPath.get('m-link')!)).toBe('shared');
    expect(text(out, byPath.get('old')!)).toBe('replaced');
    expect(text(out, byPath.get('old-link')!)).toBe('old data');
  });

  it('skips device nodes and FIFOs with a warning, and the root entry silently', async () => {
    const tar = rawTar([
      { name: './', type: '5' },
      { name: 'dev/null', type: '3' },
      { name: 'dev/sda', type: '4' },
      { name: 'run/fifo', type: '6' },
      { name: 'ok', data: 'y' },
    ]);
    const { entries, warnings } = await readLayer(tar);
    expect(brief(entries)).toEqual(['file ok']);
    expect(warnings.map((w) => w.path)).toEqual(['dev/null', 'dev/sda', 'run/fifo']);
    expect(warnings[2].message).toContain('FIFO skipped');
  });

  it('ignores a header-only member\'s size field (as Go archive/tar does)', async () => {
    const tar = rawTar([{ name: 'd/', type: '5', size: 0o77777777 }, { name: 'd/f', data: 'after' }]);
    const { entries, tar: out } = await readLayer(tar);
    expect(text(out, entries[1])).toBe('after');
  });
});
