// Hostile input (issue 3 part 8): every malformed or malicious layer gets a LayerFormatError naming the entry and the
// problem; nothing is returned for it.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WasmboxError } from '../../shared/errors.ts';
import { LayerFormatError } from './layer-entry.ts';
import { readLayer, type LayerLimits } from './read-layer.ts';
import { gnuLong, gzip, paxMember, rawHeader, rawMember, rawTar, type RawMember } from './test-kit.ts';

async function refused(bytes: Uint8Array, limits?: LayerLimits): Promise<LayerFormatError> {
  const error = await readLayer(bytes, limits).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LayerFormatError);
  return error as LayerFormatError;
}

async function expectRefused(members: Array<RawMember | Uint8Array>, message: string | RegExp): Promise<LayerFormatError> {
  const error = await refused(rawTar(members));
  expect(error.message).toMatch(message);
  return error;
}

describe('hostile names', () => {
  it.each([
    ['../evil', 'layer entry "../evil" at byte 0: ".." component (would leave the layer root)'],
    ['a/../../evil', '".." component'],
    ['ok/..', '".." component'],
    ['/etc/passwd', 'layer entry "/etc/passwd" at byte 0: absolute path (layer paths must be relative)'],
    ['//etc/passwd', 'absolute path'],
  ])('refuses the member name %j', async (name, message) => {
    const error = await expectRefused([{ name, data: 'x' }], message);
    expect(error.path).toBe(name);
    expect(error.reason).toBe('invalid');
  });

  it('refuses hostile names hidden in pax and GNU long names, naming the real path', async () => {
    await expectRefused([paxMember({ path: '../../escape' }), { name: 'innocent' }], 'layer entry "../../escape" at byte 1024');
    await expectRefused([gnuLong('/abs/olute'), { name: 'innocent', magic: 'gnu' }], '"/abs/olute" at byte 1024: absolute path');
    await expectRefused([{ name: 'x', prefix: '..' }], '"../x" at byte 0: ".." component');
  });

  it('refuses whiteouts that escape or are malformed', async () => {
    await expectRefused([{ name: '../.wh.etc' }], '".." component');
    await expectRefused([{ name: 'a/.wh.' }], 'whiteout of an invalid name ""');
    await expectRefused([{ name: 'a/.wh...' }], 'whiteout of an invalid name ".."');
    await expectRefused([{ name: '.wh.x/inside' }], 'whiteout name ".wh.x" used as a directory');
  });

  it('refuses non-UTF-8 names, NULs in pax paths and over-long paths', async () => {
    await expectRefused([{ name: 'bad\xff', raw: { name: Uint8Array.of(0x62, 0xff) } }], 'bad name field: not valid UTF-8');
    await expectRefused([paxMember({ path: 'a\0b' }), { name: 'x' }], 'NUL character in name');
    await expectRefused([paxMember({ path: 'p/'.repeat(3000) + 'f' }), { name: 'x' }], 'path longer than 4096 bytes');
    await expectRefused([paxMember({ path: 'x'.repeat(300) }), { name: 'x' }], 'longer than 255 bytes');
    const error = await refused(rawTar([paxMember({ path: 'a'.repeat(100) + '/b' }), { name: 'x' }]), { maxPathBytes: 50 });
    expect(error.message).toContain('path longer than 50 bytes');
  });
});

describe('symlinks planted earlier in the same layer', () => {
  it.each([
    ['link -> /etc then link/passwd', [{ name: 'link', type: '2', linkName: '/etc' }, { name: 'link/passwd', data: 'root::0:0' }], 'link/passwd'],
    ['a -> .. then a/x', [{ name: 'a', type: '2', linkName: '..' }, { name: 'a/x', data: 'x' }], 'a/x'],
    ['deep: d/l -> / then d/l/bin/sh', [{ name: 'd/', type: '5' }, { name: 'd/l', type: '2', linkName: '/' }, { name: 'd/l/bin/sh' }], 'd/l/bin/sh'],
    ['dir through symlink', [{ name: 'l', type: '2', linkName: '/tmp' }, { name: 'l/sub/', type: '5' }], 'l/sub/'],
    ['symlink through symlink', [{ name: 'l', type: '2', linkName: '/' }, { name: 'l/x', type: '2', linkName: 'y' }], 'l/x'],
    ['hard link through symlink', [{ name: 'f', data: 'f' }, { name: 'l', type: '2', linkName: '/' }, { name: 'l/x', type: '1', linkName: 'f' }], 'l/x'],
    ['whiteout through symlink', [{ name: 'l', type: '2', linkName: '/etc' }, { name: 'l/.wh.passwd' }], 'l/.wh.passwd'],
    ['opaque through symlink', [{ name: 'l', type: '2', linkName: '/etc' }, { name: 'l/.wh..wh..opq' }], 'l/.wh..wh..opq'],
  ] as Array<[string, RawMember[], string]>)('refuses %s', async (_name, members, path) => {
    const error = await expectRefused(members, `layer entry ${JSON.stringify(path)} at byte `);
    expect(error.message).toMatch(/writes through the symlink "(link|a|d\/l|l)" planted earlier in this layer$/);
  });

  it('refuses members below a file of the same layer', async () => {
    await expectRefused([{ name: 'f', data: '1' }, { name: 'f/x', data: '2' }], 'its parent "f" is a file of this layer, not a directory');
  });

  it('allows a symlink replaced by a directory before it is written through', async () => {
    const { entries } = await readLayer(rawTar([{ name: 'l', type: '2', linkName: '/etc' }, { name: 'l/', type: '5' }, { name: 'l/x' }]));
    expect(entries.map((e) => `${e.kind} ${e.path}`)).toEqual(['dir l', 'file l/x']);
  });
});

describe('hard links', () => {
  it.each([
    ['outside: ../../etc/shadow', '../../etc/shadow', 'bad hard link target "../../etc/shadow": ".." component (would leave the layer root)'],
    ['absolute', '/etc/shadow', 'bad hard link target "/etc/shadow": absolute path'],
    ['to a not-yet-seen name', 'later', 'hard link to "later", which is not an earlier entry of this layer'],
    ['to a whiteout', 'gone', 'hard link to "gone", which is not an earlier entry'],
    ['to a directory', 'dir', 'hard link to the directory "dir"'],
    ['to the root', './', 'hard link to the layer root'],
    ['with an empty target', '', 'hard link with an empty target'],
    ['through a planted symlink', 'l/passwd', 'hard link to "l/passwd", which is not an earlier entry'],
  ])('refuses one %s', async (_name, linkName, message) => {
    const error = await expectRefused(
      [
        { name: 'dir/', type: '5' },
        { name: '.wh.gone' },
        { name: 'l', type: '2', linkName: '/etc' },
        { name: 'evil', type: '1', linkName },
        { name: 'later' },
      ],
      message,
    );
    expect(error.path).toBe('evil');
  });

  it('refuses a link to itself that was never a file', async () => {
    await expectRefused([{ name: 'self', type: '1', linkName: 'self' }], 'not an earlier entry');
  });
});

describe('damaged tars', () => {
  const good = rawTar([{ name: 'a', data: 'x'.repeat(1000) }, { name: 'b', data: 'y' }]);

  it('refuses a bad header checksum', async () => {
    const error = await expectRefused([{ name: 'etc/passwd', data: 'x', badChecksum: true }], /^layer entry "etc\/passwd" at byte 0: header checksum mismatch/);
    expect(error.offset).toBe(0);
  });

  it('refuses a flipped byte anywhere in a header', async () => {
    for (const at of [0, 100, 124, 156, 257, 345, 511]) {
      const tar = good.slice();
      tar[at] ^= 0x01;
      // a flipped magic makes the first header look like no tar at all: said as such
      expect((await refused(tar)).message).toMatch(at === 257 ? /not a tar archive/ : /header checksum mismatch/);
    }
  });

  it.each([
    ['in the middle of file data', 700, 'layer entry "a" at byte 0: size 1000 runs past the end of the archive (truncated?)'],
    ['inside a header', 1536 + 100, 'layer at byte 1536: archive ends inside a header block (truncated?)'],
    ['inside padding', 2049, 'layer at byte 2560: archive ends inside the padding of the member before (truncated?)'],
    ['at a header boundary (no end marker)', 2560, 'layer at byte 2560: archive ends without its end-of-archive marker (truncated?)'],
    ['to nothing', 0, 'layer: empty input: not a tar archive'],
  ])('refuses a tar truncated %s', async (_name, length, message) => {
    expect((await refused(good.subarray(0, length))).message).toBe(message);
  });

  it('refuses a truncated gzip layer', async () => {
    const gz = await gzip(good);
    expect((await refused(gz.subarray(0, gz.length - 12))).message).toMatch(/^layer: gzip stream is corrupt or truncated/);
  });

  it('refuses a gzip layer whose tar is truncated inside', async () => {
    expect((await refused(await gzip(good.subarray(0, 900)))).message).toContain('runs past the end of the archive');
  });

  it('refuses a huge size field (octal and base-256) instead of reading past the end', async () => {
    await expectRefused([{ name: 'huge', data: 'x', size: 0o77777777777 }], 'layer entry "huge" at byte 0: size 8589934591 runs past the end');
    const size = new Uint8Array(12);
    size.set([0x80, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await expectRefused([{ name: 'b256', data: 'x', raw: { size } }], /size 9007199254740991 runs past the end/);
    size[2] = 0x01;
    await expectRefused([{ name: 'b256', data: 'x', raw: { size } }], 'bad size field: number too large');
    await expectRefused([{ name: 'neg', data: 'x', raw: { size: new Uint8Array(12).fill(0xff) } }], 'negative size -1');
    await expectRefused([paxMember({ size: '99999999999' }), { name: 'p' }], 'size 99999999999 runs past the end');
  });

  it('refuses malformed numeric fields and pax records', async () => {
    await expectRefused([{ name: 'm', raw: { mode: '0644x\0' } }], 'layer entry "m" at byte 0: bad mode field: not an octal number');
    await expectRefused([{ name: 's', raw: { size: '1e3\0' } }], 'bad size field');
    await expectRefused([{ name: 'PaxHeaders/x', type: 'x', data: '20 path=short\n' }, { name: 'a' }], 'bad pax header field');
    await expectRefused([paxMember({ size: '-5' }), { name: 'a' }], 'bad pax size "-5"');
    await expectRefused([paxMember({ mtime: 'yesterday' }), { name: 'a' }], 'bad pax mtime');
    await expectRefused([paxMember({ path: 'x' })], 'extended header is not followed by a member');
    await expectRefused([paxMember({ path: 'x' }, 'x'), gnuLong('y')], 'extended header is not followed by a member');
  });

  it('refuses a zero block followed by more members', async () => {
    const tar = rawTar([{ name: 'a' }, new Uint8Array(512), { name: 'hidden' }]);
    expect((await refused(tar)).message).toBe('layer at byte 512: a zero block is followed by more data (corrupt archive)');
  });

  it('refuses data that is not a tar', async () => {
    const error = await refused(new TextEncoder().encode('{"schemaVersion":2}'.padEnd(2048, ' ')));
    expect(error.message).toBe('layer at byte 0: not a tar archive: its first 512 bytes are not a tar header');
  });

  it('refuses unsupported member types: sparse files and unknown flags', async () => {
    const sparse = await expectRefused([{ name: 'sparse', type: 'S' }], 'unsupported tar entry type "S" (GNU sparse file)');
    expect(sparse.reason).toBe('unsupported');
    await expectRefused([paxMember({ 'GNU.sparse.major': '1' }), { name: 's' }], 'sparse files (GNU.sparse pax records) are not supported');
    await expectRefused([{ name: 'v', type: 'V' }], 'unsupported tar entry type "V"');
    await expectRefused([{ name: 'empty-symlink', type: '2', linkName: '' }], 'symlink with an empty target');
    await expectRefused([{ name: './', type: '0', data: 'x' }], 'the layer root must be a directory');
  });
});

describe('errors', () => {
  it('are WasmboxErrors whose kind follows the reason, with path and offset in data', async () => {
    const invalid = await refused(rawTar([{ name: '../x' }]));
    expect(invalid).toBeInstanceOf(WasmboxError);
    expect(invalid.toJSON()).toEqual({
      kind: 'InvalidArgument',
      message: 'layer entry "../x" at byte 0: ".." component (would leave the layer root)',
      data: { path: '../x', offset: 0, reason: 'invalid' },
    });
    expect((await refused(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 0))).kind).toBe('NotImplemented');
    expect((await refused(rawTar([{ name: 'a' }]), { maxUncompressedBytes: 10 })).kind).toBe('ResourceExhausted');
  });

  it('quote hostile names safely (control characters escaped, long names cut)', async () => {
    const error = await refused(rawTar([paxMember({ path: `/\u001b[31m${'x'.repeat(300)}` }), { name: 'a' }]));
    expect(error.message).toContain('"/\\u001b[31mxxx');
    expect(error.message).toContain('x…"');
    expect(error.message).not.toContain('\u001b');
  });
});

describe('limits', () => {
  it('a gzip bomb (10 MB of zeros in a tar) trips a small cap quickly', async () => {
    const bomb = new Uint8Array(gzipSync(rawTar([{ name: 'zeros', data: new Uint8Array(10_000_000) }]), { level: 9 }));
    const started = performance.now();
    const error = await refused(bomb, { maxUncompressedBytes: 1 << 20 });
    expect(error.reason).toBe('too-large');
    expect(error.message).toBe(
      'layer: gzip layer expands past the limit of 1048576 bytes (maxUncompressedBytes/maxExpansionRatio)',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('applies the expansion ratio to gzip layers', async () => {
    const layer = new Uint8Array(gzipSync(rawTar([{ name: 'zeros', data: new Uint8Array(1_000_000) }])));
    expect((await refused(layer, { maxExpansionRatio: 100 })).reason).toBe('too-large');
    await expect(readLayer(layer, { maxExpansionRatio: 2000 })).resolves.toBeDefined();
  });

  it('applies the byte cap to plain tars', async () => {
    const tar = rawTar([{ name: 'a', data: 'x'.repeat(5000) }]);
    expect((await refused(tar, { maxUncompressedBytes: 4096 })).message).toContain('larger than the limit of 4096 bytes');
  });

  it('bounds the number of headers', async () => {
    const members = Array.from({ length: 11 }, (_, i) => rawMember({ name: `f${i}` }));
    const error = await refused(rawTar(members), { maxEntries: 10 });
    expect(error.message).toBe('layer at byte 5120: more than 10 tar headers (maxEntries)');
    expect(error.reason).toBe('too-large');
    await expect(readLayer(rawTar(members.slice(0, 10)), { maxEntries: 10 })).resolves.toBeDefined();
  });

  it('bounds extended header bodies', async () => {
    const big = paxMember({ 'SCHILY.xattr.user.big': 'x'.repeat(2 << 20) });
    const error = await expectRefused([big, { name: 'a' }], 'extended header of 2097183 bytes is larger than the 1048576-byte limit');
    expect(error.reason).toBe('too-large');
  });

  it('handles many entries and replacements in near-linear time', async () => {
    // 20k files under one dir, the dir replaced by a file, then re-created: each replacement drops the whole subtree.
    const members: Uint8Array[] = [rawHeader({ name: 'd/', type: '5' })];
    for (let i = 0; i < 20_000; i++) members.push(rawHeader({ name: `d/f${i}` }));
    members.push(rawHeader({ name: 'd' }), rawHeader({ name: 'd/', type: '5' }), rawHeader({ name: 'd/last' }));
    const started = performance.now();
    const { entries } = await readLayer(rawTar(members));
    expect(entries.map((e) => e.path)).toEqual(['d', 'd/last']);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
