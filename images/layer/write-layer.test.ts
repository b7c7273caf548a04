import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../oci/digest.ts';
import { LayerFormatError, type LayerEntry } from './layer-entry.ts';
import { readLayer } from './read-layer.ts';
import { readTar } from './tar-reader.ts';
import { sameBytes, text } from './test-kit.ts';
import { writeLayer, writeLayerTar, type LayerSourceEntry } from './write-layer.ts';

const EPOCH = 1_700_000_000;
const enc = (s: string) => new TextEncoder().encode(s);

function sample(): LayerSourceEntry[] {
  const long = `${'deep/'.repeat(30)}${'n'.repeat(90)}`;
  return [
    { path: 'usr/bin/tool.wasm', kind: 'file', mode: 0o755, mtimeSec: EPOCH, data: enc('tool') },
    { path: 'usr', kind: 'dir', mode: 0o755, mtimeSec: EPOCH },
    { path: 'usr/bin', kind: 'dir', mode: 0o755, mtimeSec: EPOCH },
    { path: 'usr/bin/alias', kind: 'hardlink', mode: 0, mtimeSec: 0, linkTarget: 'usr/bin/tool.wasm' },
    { path: 'bin', kind: 'symlink', mode: 0o777, mtimeSec: EPOCH, linkTarget: 'usr/bin' },
    { path: 'etc', kind: 'dir', mode: 0o755, mtimeSec: EPOCH },
    { path: 'etc/old.conf', kind: 'whiteout', mode: 0, mtimeSec: EPOCH },
    { path: 'etc', kind: 'opaque', mode: 0, mtimeSec: EPOCH },
    { path: 'etc/new.conf', kind: 'file', mode: 0o644, mtimeSec: EPOCH, data: enc('k=v\n') },
    { path: long, kind: 'file', mode: 0o600, mtimeSec: EPOCH, data: enc('long') },
    { path: 'ünï/ファイル', kind: 'file', mode: 0o644, mtimeSec: EPOCH, data: new Uint8Array(1500).fill(9) },
    { path: 'link-long', kind: 'symlink', mode: 0o777, mtimeSec: EPOCH, linkTarget: `/${'t'.repeat(150)}` },
    { path: 'old', kind: 'file', mode: 0o644, mtimeSec: -100, data: enc('before 1970') },
    { path: 'empty', kind: 'file', mode: 0o4755, mtimeSec: EPOCH },
  ];
}

function expected(entries: LayerSourceEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.path}`);
}

describe('writeLayer', () => {
  it('round-trips through readLayer: kinds, modes, mtimes, data, links, whiteouts', async () => {
    const { entries, tar, warnings } = await readLayer(await writeLayer(sample(), { gzip: false }));
    expect(warnings).toEqual([]);
    const byPath = new Map(entries.map((e) => [`${e.kind} ${e.path}`, e]));
    expect([...byPath.keys()].sort()).toEqual(
      expected(sample()).map((k) => (k === 'file usr/bin/tool.wasm' ? 'hardlink usr/bin/tool.wasm' : k === 'hardlink usr/bin/alias' ? 'file usr/bin/alias' : k)).sort(),
    );
    const get = (key: string): LayerEntry => byPath.get(key)!;
    expect(text(tar, get('file usr/bin/alias'))).toBe('tool');
    expect(get('hardlink usr/bin/tool.wasm')).toMatchObject({ linkTarget: 'usr/bin/alias', mode: 0o755, mtimeSec: EPOCH });
    expect(get('symlink bin').linkTarget).toBe('usr/bin');
    expect(get('symlink link-long').linkTarget).toBe(`/${'t'.repeat(150)}`);
    expect(text(tar, get('file ünï/ファイル'))).toBe('\t'.repeat(1500));
    expect(get('file old').mtimeSec).toBe(-100);
    expect(get('file empty')).toMatchObject({ mode: 0o4755, size: 0 });
  });

  it('round-trips gzip layers', async () => {
    const gz = await writeLayer(sample(), { gzip: true });
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const { tar, compression } = await readLayer(gz);
    expect(compression).toBe('gzip');
    expect(sameBytes(tar, writeLayerTar(sample()))).toBe(true);
  });

  it('is deterministic: same entries in any order -> same bytes -> same sha256, plain and gzip', async () => {
    const shuffled = sample().reverse();
    const a = await writeLayer(sample(), { gzip: false });
    const b = await writeLayer(shuffled, { gzip: false });
    expect(sameBytes(a, b)).toBe(true);
    expect(await sha256Digest(a)).toBe(await sha256Digest(b));
    const ga = await writeLayer(sample(), { gzip: true });
    const gb = await writeLayer(shuffled, { gzip: true });
    expect(await sha256Digest(ga)).toBe(await sha256Digest(gb));
  });

  it('orders members parents first, opaque marker then whiteouts first in their directory', () => {
    const names = [...readTar(writeLayerTar(sample()), { maxEntries: 100, maxMetadataBytes: 1 << 20 })].map((r) => r.name);
    expect(names.slice(0, 10)).toEqual([
      'bin', sample()[9].path, 'empty', 'etc/', 'etc/.wh..wh..opq', 'etc/.wh.old.conf', 'etc/new.conf', 'link-long', 'old', 'usr/',
    ]);
    expect(names.indexOf('usr/bin/')).toBeLessThan(names.indexOf('usr/bin/alias'));
    expect(names.indexOf('usr/bin/alias')).toBeLessThan(names.indexOf('usr/bin/tool.wasm'));
  });

  it('writes plain ustar headers: uid/gid 0, no owner names, pax only where needed', () => {
    const tar = writeLayerTar([
      { path: 'a-short', kind: 'file', mode: 0o644, mtimeSec: EPOCH, data: enc('x') },
      { path: `${'p'.repeat(120)}/${'n'.repeat(50)}`, kind: 'file', mode: 0o644, mtimeSec: EPOCH },
    ]);
    // No pax header: member 1 at 0 (1 data block), member 2 at 1024 using the ustar prefix, end at 1536.
    expect(tar.length).toBe(1536 + 1024);
    const header = tar.subarray(0, 512);
    const field = (at: number, len: number) => new TextDecoder().decode(header.subarray(at, at + len));
    expect(field(0, 8)).toBe('a-short\0');
    expect(field(100, 8)).toBe('0000644\0');
    expect(field(108, 16)).toBe('0000000\x000000000\0');
    expect(field(136, 12)).toBe(`${EPOCH.toString(8)}\0`);
    expect(field(257, 8)).toBe('ustar\x0000');
    expect(header.subarray(265, 329).every((b) => b === 0)).toBe(true); // uname, gname
    expect(field(345, 3)).toBe('\0\0\0');
    expect(new TextDecoder().decode(tar.subarray(1024 + 345, 1024 + 345 + 120))).toBe('p'.repeat(120));
  });

  it('gives a root-level opaque marker and whiteouts their .wh. names', () => {
    const names = [...readTar(writeLayerTar([
      { path: '', kind: 'opaque', mode: 0, mtimeSec: 0 },
      { path: 'a/b', kind: 'whiteout', mode: 0, mtimeSec: 0 },
    ]), { maxEntries: 10, maxMetadataBytes: 1024 })].map((r) => r.name);
    expect(names).toEqual(['.wh..wh..opq', 'a/.wh.b']);
  });

  it.each([
    ['an absolute path', [{ path: '/abs', kind: 'file' }], 'absolute path'],
    ['a .. component', [{ path: 'a/../b', kind: 'file' }], '".." component'],
    ['a duplicate', [{ path: 'a', kind: 'file' }, { path: './a', kind: 'file' }], 'listed twice'],
    ['a reserved .wh. name', [{ path: '.wh.x', kind: 'file' }], 'reserved for whiteouts'],
    ['a child of a file', [{ path: 'f', kind: 'file' }, { path: 'f/x', kind: 'file' }], 'its parent "f" is not a directory'],
    ['a hard link to a non-file', [{ path: 'd', kind: 'dir' }, { path: 'h', kind: 'hardlink', linkTarget: 'd' }], 'is not a file entry'],
    ['a hard link to nothing', [{ path: 'h', kind: 'hardlink', linkTarget: 'nope' }], 'is not a file entry'],
    ['a symlink without target', [{ path: 's', kind: 'symlink' }], 'symlink without a linkTarget'],
    ['data on a dir', [{ path: 'd', kind: 'dir', data: enc('x') }], 'data given for a dir'],
    ['a root that is not opaque', [{ path: '', kind: 'dir' }], 'only an opaque marker can name the layer root'],
    ['a fractional mtime', [{ path: 'a', kind: 'file', mtimeSec: 1.5 }], 'not a whole number'],
  ])('refuses %s', (_name, entries, message) => {
    const full = entries.map((e) => ({ mode: 0o644, mtimeSec: EPOCH, ...e })) as LayerSourceEntry[];
    expect(() => writeLayerTar(full)).toThrow(LayerFormatError);
    expect(() => writeLayerTar(full)).toThrow(message);
  });
});
