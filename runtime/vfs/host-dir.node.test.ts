/**
 * Host directory mounts: the normal operations, and every escape attempt we know of. The invariant checked after
 * each attack: the guest never sees the bytes of a file outside the host root, and nothing outside it changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDir } from './api.ts';
import type { ContainerFs } from './container-fs.ts';
import { HostFs, NodeHostDirs } from './host-dir.node.ts';
import { code, dec, dir, enc, file, makeFs, names, openDir, openFile, opts, readFile, writeFile } from './test-kit.ts';

const SECRET = 'TOP-SECRET-HOST-BYTES';
let scratch: string;
let vol: string;
let outside: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wasmbox-vfs-host-'));
  vol = join(scratch, 'vol');
  outside = join(scratch, 'outside');
  mkdirSync(join(vol, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(outside, 'deeper'), { recursive: true });
  writeFileSync(join(vol, 'inner.txt'), 'inner');
  writeFileSync(join(vol, 'sub', 'file.txt'), 'sub-file');
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(outside, 'deeper', 'secret.txt'), SECRET);
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function container(readonly = false, extra: Partial<Parameters<typeof makeFs>[0]> = {}): ContainerFs {
  return makeFs(
    {
      lowers: [dir({ etc: dir({ passwd: file('container-passwd') }) })],
      mounts: [{ target: '/data', source: { kind: 'host', hostPath: vol }, readonly }],
      ...extra,
    },
    { hostDirs: new NodeHostDirs() },
  );
}

/** Everything the guest might get back from `fn`, as text, or the errno. */
function attempt(fn: () => unknown): string {
  try {
    const r = fn();
    return typeof r === 'string' ? r : JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch (e) {
    return code(() => {
      throw e;
    });
  }
}

function outsideUnchanged(): void {
  expect(readdirSync(outside).sort()).toEqual(['deeper', 'secret.txt']);
  expect(readdirSync(join(outside, 'deeper'))).toEqual(['secret.txt']);
  expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
}

describe('host dir mounts: operations', () => {
  it('reads, writes, creates, renames and removes in the host directory', () => {
    const vfs = container();
    const root = vfs.root();
    expect(readFile(vfs, '/data/inner.txt')).toBe('inner');
    expect(names(vfs, '/data')).toEqual(['inner.txt', 'sub']);
    writeFile(vfs, '/data/new.txt', 'from guest');
    expect(readFileSync(join(vol, 'new.txt'), 'utf8')).toBe('from guest');
    vfs.mkdir(root, '/data/made');
    vfs.rename(root, '/data/new.txt', root, '/data/made/moved.txt');
    expect(readFileSync(join(vol, 'made', 'moved.txt'), 'utf8')).toBe('from guest');
    vfs.link(root, '/data/made/moved.txt', false, root, '/data/hard.txt');
    expect(vfs.stat(root, '/data/hard.txt', true).nlink).toBe(2);
    vfs.symlink('made/moved.txt', root, '/data/ln');
    expect(readFile(vfs, '/data/ln')).toBe('from guest');
    expect(vfs.readlink(root, '/data/ln')).toBe('made/moved.txt');
    vfs.unlink(root, '/data/ln');
    vfs.unlink(root, '/data/hard.txt');
    vfs.unlink(root, '/data/made/moved.txt');
    vfs.rmdir(root, '/data/made');
    expect(readdirSync(vol).sort()).toEqual(['inner.txt', 'sub']);
    const st = vfs.stat(root, '/data/inner.txt', true);
    expect(st.size).toBe(5);
    expect(st.dev).not.toBe(vfs.stat(root, '/', true).dev);
    vfs.setTimes(root, '/data/inner.txt', true, { kind: 'set', ns: 1_500_000_000_000_000_000n }, { kind: 'set', ns: 1_600_000_000_000_000_000n });
    expect(vfs.stat(root, '/data/inner.txt', true).mtimeNs).toBe(1_600_000_000_000_000_000n);
  });

  it('applies the same errno rules as memory filesystems', () => {
    const vfs = container();
    const root = vfs.root();
    expect(code(() => vfs.unlink(root, '/data/sub'))).toBe('EISDIR');
    expect(code(() => vfs.rmdir(root, '/data/sub'))).toBe('ENOTEMPTY');
    expect(code(() => vfs.rmdir(root, '/data/inner.txt'))).toBe('ENOTDIR');
    expect(code(() => vfs.mkdir(root, '/data/sub'))).toBe('EEXIST');
    expect(code(() => vfs.open(root, '/data/inner.txt', opts({ create: true, exclusive: true })))).toBe('EEXIST');
    expect(code(() => vfs.rename(root, '/data/inner.txt', root, '/inner.txt'))).toBe('EXDEV');
    expect(code(() => vfs.link(root, '/data/inner.txt', false, root, '/tmp/x'))).toBe('EXDEV');
    expect(code(() => vfs.rmdir(root, '/data'))).toBe('EBUSY');
    expect(code(() => vfs.rename(root, '/data/sub', root, '/data/sub/deeper/x'))).toBe('EINVAL');
    expect(code(() => vfs.stat(root, '/data/missing', true))).toBe('ENOENT');
  });

  it('keeps an unlinked open host file working through its descriptor', () => {
    const vfs = container();
    const h = openFile(vfs, '/data/inner.txt', { write: true });
    vfs.unlink(vfs.root(), '/data/inner.txt');
    expect(existsSync(join(vol, 'inner.txt'))).toBe(false);
    h.write(enc('INNER'), 0);
    const buf = new Uint8Array(10);
    expect(dec(buf.subarray(0, h.read(buf, 0)))).toBe('INNER');
    h.close();
    expect(code(() => h.size())).toBe('EBADF');
  });

  it('read-only host mounts refuse every mutation and leave the host untouched', () => {
    const vfs = container(true);
    const root = vfs.root();
    const data = openDir(vfs, '/data');
    expect(code(() => vfs.open(data, 'inner.txt', opts({ write: true })))).toBe('EROFS');
    expect(code(() => vfs.open(data, 'inner.txt', opts({ truncate: true })))).toBe('EROFS');
    expect(code(() => vfs.open(data, 'n', opts({ create: true })))).toBe('EROFS');
    expect(code(() => vfs.mkdir(data, 'd'))).toBe('EROFS');
    expect(code(() => vfs.symlink('x', data, 'l'))).toBe('EROFS');
    expect(code(() => vfs.link(data, 'inner.txt', false, data, 'h'))).toBe('EROFS');
    expect(code(() => vfs.unlink(data, 'inner.txt'))).toBe('EROFS');
    expect(code(() => vfs.rmdir(data, 'sub'))).toBe('EROFS');
    expect(code(() => vfs.rename(data, 'inner.txt', data, 'x'))).toBe('EROFS');
    expect(code(() => vfs.setTimes(root, '/data/inner.txt', true, { kind: 'now' }, { kind: 'now' }))).toBe('EROFS');
    const h = openFile(vfs, '/data/inner.txt');
    expect(code(() => h.setTimes({ kind: 'now' }, { kind: 'now' }))).toBe('EROFS');
    expect(code(() => h.write(enc('x'), 0))).toBe('EBADF');
    h.close();
    expect(readdirSync(vol).sort()).toEqual(['inner.txt', 'sub']);
    expect(readFileSync(join(vol, 'inner.txt'), 'utf8')).toBe('inner');
    // the provider refuses mutations itself too, not only the namespace layer
    const fs = new HostFs(vol, true, 99);
    expect(code(() => fs.root.mkdir('x'))).toBe('EROFS');
    expect(code(() => fs.root.unlink('inner.txt', fs.root.lookup('inner.txt')!))).toBe('EROFS');
  });

  it('refuses unusable sources', () => {
    const hostDirs = new NodeHostDirs();
    expect(code(() => hostDirs.mountHostDir(join(scratch, 'missing'), { readonly: false, dev: 9 }))).toBe('ENOENT');
    expect(code(() => hostDirs.mountHostDir(join(vol, 'inner.txt'), { readonly: false, dev: 9 }))).toBe('ENOTDIR');
  });

  it('a host dir at / replaces the root without writing mount points into it', () => {
    const vfs = makeFs({ mounts: [{ target: '/', source: { kind: 'host', hostPath: vol }, readonly: false }] }, { hostDirs: new NodeHostDirs() });
    expect(names(vfs, '/')).toEqual(['dev', 'inner.txt', 'sub']);
    expect(readFile(vfs, '/inner.txt')).toBe('inner');
    expect(readFile(vfs, '/sub/../../../inner.txt')).toBe('inner');
    expect(openFile(vfs, '/dev/zero').type).toBe('chardev');
    expect(readdirSync(vol).sort()).toEqual(['inner.txt', 'sub']);
  });

  it('does not open host FIFOs (which could block the container)', () => {
    try {
      execFileSync('mkfifo', [join(vol, 'fifo')]);
    } catch {
      return; // no mkfifo on this host
    }
    const vfs = container();
    expect(vfs.stat(vfs.root(), '/data/fifo', true).type).toBe('chardev');
    expect(code(() => vfs.open(vfs.root(), '/data/fifo', opts()))).toBe('ENOTSUP');
    expect(code(() => vfs.open(vfs.root(), '/data/fifo', opts({ write: true })))).toBe('ENOTSUP');
  });
});

describe('host dir mounts: escape attempts', () => {
  it('.. chains stop at the container root', () => {
    const vfs = container();
    const sub = openDir(vfs, '/data/sub');
    for (const p of ['../../../../../../etc/passwd', '../../../../outside/secret.txt', '/data/../../etc/passwd']) {
      expect(attempt(() => readFile(vfs, p, sub))).not.toContain(SECRET);
    }
    expect(readFile(vfs, '../../../../../../etc/passwd', sub)).toBe('container-passwd');
    expect(names(vfs, '/data/sub/../..')).toEqual(names(vfs, '/'));
    expect(code(() => vfs.stat(sub, '../../outside', true))).toBe('ENOENT');
  });

  it('absolute and relative symlinks planted in the host dir resolve inside the container', () => {
    symlinkSync('/etc/passwd', join(vol, 'abs-passwd'));
    symlinkSync(join(outside, 'secret.txt'), join(vol, 'abs-secret'));
    symlinkSync(outside, join(vol, 'abs-dir'));
    symlinkSync('../outside/secret.txt', join(vol, 'rel-secret'));
    symlinkSync('../../../../../../../..' + outside, join(vol, 'deep-rel-dir'));
    symlinkSync('sub/../../outside', join(vol, 'mixed'));
    const vfs = container();
    const root = vfs.root();
    expect(readFile(vfs, '/data/abs-passwd')).toBe('container-passwd'); // the container's file, as in Docker
    for (const p of ['/data/abs-secret', '/data/rel-secret', '/data/abs-dir/secret.txt', '/data/deep-rel-dir/secret.txt', '/data/mixed/secret.txt', '/data/abs-dir/deeper/secret.txt']) {
      expect(attempt(() => readFile(vfs, p))).toBe('ENOENT');
      expect(attempt(() => vfs.stat(root, p, true))).toBe('ENOENT');
    }
    expect(attempt(() => names(vfs, '/data/abs-dir'))).toBe('ENOENT');
    // writing through them never creates anything outside the root
    for (const p of ['/data/abs-dir/pwned', '/data/mixed/pwned', '/data/deep-rel-dir/pwned']) {
      expect(code(() => writeFile(vfs, p, 'x'))).toBe('ENOENT');
      expect(code(() => vfs.mkdir(root, p))).toBe('ENOENT');
    }
    // create through a dangling link: Linux creates the target -- here, in the container's namespace
    symlinkSync(join(outside, 'created-through-link'), join(vol, 'dangling-out'));
    expect(code(() => writeFile(vfs, '/data/dangling-out', 'x'))).toBe('ENOENT'); // no such parent in the container
    const hostTmpName = `/tmp/wasmbox-escape-${process.pid}-${Date.now()}`;
    symlinkSync(hostTmpName, join(vol, 'dangling-tmp'));
    writeFile(vfs, '/data/dangling-tmp', 'x');
    expect(readFile(vfs, hostTmpName)).toBe('x');
    expect(vfs.stat(root, hostTmpName, true).dev).toBe(vfs.stat(root, '/', true).dev);
    expect(existsSync(hostTmpName)).toBe(false);
    expect(existsSync(join(outside, 'created-through-link'))).toBe(false);
    outsideUnchanged();
  });

  it('a directory swapped for a symlink between two operations is refused, not followed', () => {
    const vfs = container();
    const root = vfs.root();
    const sub = openDir(vfs, '/data/sub');
    const deeper = openDir(vfs, '/data/sub/deeper');
    expect(readFile(vfs, 'file.txt', sub)).toBe('sub-file');
    // the host (or another container sharing the volume) swaps the directory for a symlink to outside
    renameSync(join(vol, 'sub'), join(vol, 'sub-moved'));
    symlinkSync(outside, join(vol, 'sub'));
    const attacks: Array<[string, (at: OpenDir) => unknown]> = [
      ['read', (at) => readFile(vfs, 'secret.txt', at)],
      ['stat', (at) => vfs.stat(at, 'secret.txt', true)],
      ['list', (at) => at.entries()],
      ['dirstat', (at) => at.stat()],
      ['create', (at) => writeFile(vfs, 'pwned', 'x', at)],
      ['mkdir', (at) => vfs.mkdir(at, 'pwned-dir')],
      ['unlink', (at) => vfs.unlink(at, 'secret.txt')],
      ['rename', (at) => vfs.rename(at, 'secret.txt', root, '/data/stolen')],
      ['link', (at) => vfs.link(at, 'secret.txt', false, root, '/data/stolen')],
      ['symlink', (at) => vfs.symlink('x', at, 'pwned-link')],
      ['truncate', (at) => vfs.open(at, 'secret.txt', opts({ write: true, truncate: true }))],
      ['times', (at) => vfs.setTimes(at, 'secret.txt', false, { kind: 'set', ns: 0n }, { kind: 'set', ns: 0n })],
      ['dirtimes', (at) => at.setTimes({ kind: 'set', ns: 0n }, { kind: 'set', ns: 0n })],
    ];
    for (const [what, attack] of attacks) {
      for (const at of [sub, deeper]) {
        const result = attempt(() => attack(at));
        expect(result, what).not.toContain(SECRET);
        expect(result, what).toMatch(/^(EACCES|ENOENT)$/);
      }
    }
    outsideUnchanged();
    // the path, resolved afresh, now follows the symlink in the guest namespace: still nothing outside
    expect(attempt(() => readFile(vfs, '/data/sub/secret.txt'))).toBe('ENOENT');
  });

  it('a file swapped for a symlink between lookup and open is not followed', () => {
    const fs = new HostFs(vol, false, 7);
    const node = fs.root.lookup('inner.txt');
    expect(node?.type).toBe('file');
    rmSync(join(vol, 'inner.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(vol, 'inner.txt'));
    const result = attempt(() => {
      const h = (node as { open(w: boolean, t: boolean): { read(d: Uint8Array, p: number): number } }).open(true, true);
      const buf = new Uint8Array(64);
      return dec(buf.subarray(0, h.read(buf, 0)));
    });
    expect(result).not.toContain(SECRET);
    expect(result).toMatch(/^(ELOOP|EACCES)$/);
    outsideUnchanged();
  });

  it('a hard link planted in the host dir is the host\'s own choice (same inode, inside the mount)', () => {
    // Documented behaviour, as in Docker: a hard link is not a path and cannot be told apart from a normal file.
    linkSync(join(vol, 'inner.txt'), join(vol, 'inner-link.txt'));
    const vfs = container();
    expect(readFile(vfs, '/data/inner-link.txt')).toBe('inner');
  });

  it('names that could mean something else to the host are refused by the provider', () => {
    const fs = new HostFs(vol, false, 7);
    for (const name of ['..', '.', 'a/b', '../outside', 'x\0y', '']) {
      expect(code(() => fs.root.lookup(name))).toBe('EINVAL');
      expect(code(() => fs.root.mkdir(name))).toBe('EINVAL');
    }
    outsideUnchanged();
  });
});
