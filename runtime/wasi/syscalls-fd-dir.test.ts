import { describe, expect, it } from 'vitest';
import * as abi from './abi.ts';
import { FlatVfs, ListDir, RecordingIo, runGuest, type Guest } from './test-kit.ts';

function run(body: (g: Guest, vfs: FlatVfs) => void, vfs = new FlatVfs()): FlatVfs {
  runGuest({ args: [], env: [], vfs, io: new RecordingIo() }, (g) => body(g, vfs));
  return vfs;
}

/** Creates `path` under the preopen and returns its fd. */
function create(g: Guest, path: string): number {
  const len = g.put(4000, path);
  expect(g.wasi.path_open(3, 0, 4000, len, abi.OFLAGS_CREAT, 0n, 0n, 0, 8)).toBe(0);
  return g.view().getUint32(8, true);
}

describe('fd_readdir', () => {
  const listing = () =>
    new ListDir([
      { name: '.', ino: 1, type: 'dir' },
      { name: '..', ino: 1, type: 'dir' },
      { name: 'file', ino: 5, type: 'file' },
      { name: 'Действие', ino: 6, type: 'symlink' },
    ]);

  function readdir(g: Guest, fd: number, bufLen: number, cookie: bigint): Uint8Array {
    g.put(3000, new Uint8Array(bufLen + 8).fill(0xaa));
    expect(g.wasi.fd_readdir(fd, 3000, bufLen, cookie, 8)).toBe(0);
    return g.get(3000, g.view().getUint32(8, true));
  }

  function parse(buf: Uint8Array): Array<{ next: bigint; ino: bigint; name: string; type: number }> {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const out = [];
    for (let at = 0; at + 24 <= buf.length; ) {
      const namlen = dv.getUint32(at + 16, true);
      if (at + 24 + namlen > buf.length) break;
      out.push({
        next: dv.getBigUint64(at, true),
        ino: dv.getBigUint64(at + 8, true),
        type: dv.getUint8(at + 20),
        name: new TextDecoder().decode(buf.subarray(at + 24, at + 24 + namlen)),
      });
      at += 24 + namlen;
    }
    return out;
  }

  it('lists every entry with cookies, inode numbers and types', () => {
    const vfs = new FlatVfs();
    vfs.rootDir.list = listing().list;
    run((g) => {
      const all = parse(readdir(g, 3, 4096, 0n));
      expect(all.map((e) => e.name)).toEqual(['.', '..', 'file', 'Действие']);
      expect(all.map((e) => e.next)).toEqual([1n, 2n, 3n, 4n]);
      expect(all[2]).toMatchObject({ ino: 5n, type: abi.FILETYPE_REGULAR_FILE });
      expect(all[3]!.type).toBe(abi.FILETYPE_SYMBOLIC_LINK);
      expect(parse(readdir(g, 3, 4096, 2n)).map((e) => e.name)).toEqual(['file', 'Действие']);
      expect(readdir(g, 3, 4096, 4n)).toHaveLength(0);
      expect(readdir(g, 3, 4096, 5n)).toHaveLength(0);
      expect(readdir(g, 3, 4096, 1n << 63n)).toHaveLength(0);
    }, vfs);
  });

  it('fills a short buffer completely, truncating the last entry exactly as wasmtime does', () => {
    const vfs = new FlatVfs();
    vfs.rootDir.list = listing().list;
    run((g) => {
      // '.' (25) + '..' (26) = 51 bytes; a 60-byte buffer gets 9 bytes of the third header and reports 60.
      const buf = readdir(g, 3, 60, 0n);
      expect(buf).toHaveLength(60);
      expect(parse(buf).map((e) => e.name)).toEqual(['.', '..']);
      expect(g.view().getBigUint64(3000 + 51, true)).toBe(3n); // d_next of the truncated header
      expect(g.view().getUint8(3000 + 60)).toBe(0xaa); // nothing written past buf_len
      // A name cut in the middle of a multi-byte character is still written up to buf_len.
      const cut = readdir(g, 3, 51 + 24 + 4 + 24 + 3, 0n);
      expect(cut).toHaveLength(51 + 24 + 4 + 24 + 3);
      expect(parse(cut).map((e) => e.name)).toEqual(['.', '..', 'file']);
      expect(readdir(g, 3, 0, 0n)).toHaveLength(0);
    }, vfs);
  });

  it('keeps cookies stable against the snapshot until the listing restarts at 0', () => {
    const vfs = new FlatVfs();
    vfs.rootDir.list = listing().list;
    run((g) => {
      expect(parse(readdir(g, 3, 51, 0n))).toHaveLength(2);
      vfs.rootDir.list = [vfs.rootDir.list[0]!, vfs.rootDir.list[1]!, { name: 'new', ino: 9, type: 'dir' }];
      expect(parse(readdir(g, 3, 4096, 2n)).map((e) => e.name)).toEqual(['file', 'Действие']);
      expect(parse(readdir(g, 3, 4096, 0n)).map((e) => e.name)).toEqual(['.', '..', 'new']);
    }, vfs);
  });

  it('is EBADF on files and stdio, ENOTCAPABLE once FD_READDIR is dropped', () => {
    run((g) => {
      const fd = create(g, 'f');
      expect(g.wasi.fd_readdir(fd, 3000, 100, 0n, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_readdir(0, 3000, 100, 0n, 8)).toBe(abi.ERRNO_BADF);
      expect(g.wasi.fd_fdstat_set_rights(3, 0n, 0n)).toBe(0);
      expect(g.wasi.fd_readdir(3, 3000, 100, 0n, 8)).toBe(abi.ERRNO_NOTCAPABLE);
    });
  });
});
