import { describe, expect, it } from 'vitest';
import type { LowerEntry } from './api.ts';
import { code, dir, enc, file, link, makeFs, names, openFile, readFile, whiteout, writeFile } from './test-kit.ts';

/** Three layers: base, a layer deleting and replacing things, a top layer. Bottom first. */
function layers(): LowerEntry[] {
  const base = dir({
    etc: dir({ hostname: file('base'), motd: file('hello'), gone: file('deleted later') }),
    opt: dir({ old1: file('1'), old2: file('2') }),
    lib: dir({ a: file('a') }),
    bin: dir({ sh: file('#!') }),
    data: file('0123456789'),
  });
  const middle = dir({
    etc: dir({ gone: whiteout, hostname: file('middle') }),
    opt: dir({ fresh: file('new') }, { opaque: true }),
    lib: whiteout,
    bin: dir({ ls: file('ls') }),
  });
  const top = dir({
    lib: dir({ b: file('b') }), // re-created after the whiteout below: does not merge with base's lib
    sbin: link('bin'),
  });
  return [base, middle, top];
}

describe('overlay: lower layers', () => {
  it('merges layers: topmost wins, whiteouts hide, opaque dirs hide everything below', () => {
    const vfs = makeFs({ lowers: layers() });
    expect(readFile(vfs, '/etc/hostname')).toBe('middle');
    expect(readFile(vfs, '/etc/motd')).toBe('hello');
    expect(code(() => vfs.stat(vfs.root(), '/etc/gone', true))).toBe('ENOENT');
    expect(names(vfs, '/etc')).toEqual(['hostname', 'motd']);
    expect(names(vfs, '/opt')).toEqual(['fresh']);
    expect(names(vfs, '/lib')).toEqual(['b']);
    expect(names(vfs, '/bin')).toEqual(['ls', 'sh']);
    expect(readFile(vfs, '/sbin/sh')).toBe('#!');
    expect(names(vfs, '/')).toEqual(['bin', 'data', 'dev', 'etc', 'lib', 'opt', 'sbin', 'tmp']);
  });

  it('copies up on write and never changes the lower trees', () => {
    const lowers = layers();
    const before = structuredClone(lowers);
    const vfs = makeFs({ lowers });
    const root = vfs.root();
    const ino = vfs.stat(root, '/data', true).ino;
    const h = openFile(vfs, '/data', { write: true });
    h.write(enc('AB'), 2);
    h.write(enc('tail'), 10);
    h.close();
    expect(readFile(vfs, '/data')).toBe('01AB456789tail');
    expect(vfs.stat(root, '/data', true).ino).toBe(ino); // same inode after copy-up
    expect(lowers).toEqual(before);
    expect(readFile(makeFs({ lowers }), '/data')).toBe('0123456789'); // a second container sees the image
  });

  it('keeps lower trees byte-for-byte unchanged whatever the guest does', () => {
    const lowers = layers();
    const before = structuredClone(lowers);
    const vfs = makeFs({ lowers });
    const root = vfs.root();
    writeFile(vfs, '/etc/hostname', 'container');
    openFile(vfs, '/etc/motd', { write: true }).truncate(2);
    openFile(vfs, '/data', { write: true }).write(enc('XXXXXXXXXXXXXXXXXXXXXX'), 0);
    vfs.setTimes(root, '/bin/sh', true, { kind: 'set', ns: 1n }, { kind: 'set', ns: 2n });
    vfs.unlink(root, '/bin/ls');
    vfs.unlink(root, '/lib/b');
    vfs.rmdir(root, '/lib');
    vfs.rename(root, '/opt', root, '/opt2');
    vfs.mkdir(root, '/etc/new');
    expect(lowers).toEqual(before);
    expect(readFile(vfs, '/etc/motd')).toBe('he');
  });

  it('removing a lower name hides it; creating a name in a lower dir works', () => {
    const vfs = makeFs({ lowers: layers() });
    const root = vfs.root();
    vfs.unlink(root, '/etc/motd');
    expect(code(() => vfs.stat(root, '/etc/motd', true))).toBe('ENOENT');
    writeFile(vfs, '/etc/motd2', 'mine');
    expect(names(vfs, '/etc')).toEqual(['hostname', 'motd2']);
    vfs.unlink(root, '/bin/sh');
    vfs.unlink(root, '/bin/ls');
    vfs.rmdir(root, '/bin');
    vfs.mkdir(root, '/bin');
    expect(names(vfs, '/bin')).toEqual([]); // nothing of the lower /bin shows through
  });

  it('lower files are shared until written (no copy on read)', () => {
    const data = enc('x'.repeat(1 << 20));
    const vfs = makeFs({ lowers: [dir({ big: { type: 'file', data } })] });
    const h = openFile(vfs, '/big');
    const buf = new Uint8Array(10);
    expect(h.read(buf, 5)).toBe(10);
    h.close();
    expect(vfs.usedBytes()).toBe(0);
    writeFile(vfs, '/big', 'small'); // truncate + write
    expect(vfs.usedBytes()).toBe(5);
  });
});

describe('overlay: diffUpper', () => {
  it('reports nothing for an untouched container', () => {
    const vfs = makeFs({ lowers: layers(), workdir: '/' });
    readFile(vfs, '/etc/hostname');
    const d = vfs.diffUpper();
    // /dev and /tmp are created in the upper layer, as Docker creates mount points in the container layer
    expect(Object.keys(d.children!).sort()).toEqual(['dev', 'tmp']);
  });

  it('reports added, modified and deleted paths with whiteouts and opaque dirs', () => {
    const vfs = makeFs({ lowers: layers() });
    const root = vfs.root();
    writeFile(vfs, '/etc/hostname', 'container'); // modified
    vfs.unlink(root, '/etc/motd'); // deleted
    writeFile(vfs, '/etc/added', 'new'); // added
    vfs.unlink(root, '/bin/sh');
    vfs.unlink(root, '/bin/ls');
    vfs.rmdir(root, '/bin');
    vfs.mkdir(root, '/bin'); // replaced directory -> opaque
    writeFile(vfs, '/bin/busybox', 'bb');
    vfs.rename(root, '/data', root, '/data2'); // moved: whiteout + added
    const d = vfs.diffUpper();
    const etc = d.children!.etc as LowerEntry;
    expect(Object.keys(etc.children!).sort()).toEqual(['added', 'hostname', 'motd']);
    expect(etc.children!.motd).toEqual({ type: 'whiteout' });
    expect(new TextDecoder().decode((etc.children!.hostname as LowerEntry<Uint8Array>).data)).toBe('container');
    const bin = d.children!.bin as LowerEntry;
    expect(bin.opaque).toBe(true);
    expect(Object.keys(bin.children!)).toEqual(['busybox']);
    expect(d.children!.data).toEqual({ type: 'whiteout' });
    expect(new TextDecoder().decode((d.children!.data2 as LowerEntry<Uint8Array>).data)).toBe('0123456789');
    expect(d.children!.opt).toBeUndefined();
    expect(d.children!.lib).toBeUndefined();
  });

  it('stacking the diff on the lowers reproduces the container view', () => {
    const lowers = layers();
    const vfs = makeFs({ lowers });
    const root = vfs.root();
    writeFile(vfs, '/etc/hostname', 'container');
    vfs.unlink(root, '/etc/motd');
    vfs.rename(root, '/opt', root, '/opt2');
    vfs.mkdir(root, '/lib/x');
    writeFile(vfs, '/lib/x/y', 'deep');
    const next = makeFs({ lowers: [...lowers, vfs.diffUpper()] });
    for (const p of ['/', '/etc', '/opt2', '/lib', '/lib/x']) expect(names(next, p)).toEqual(names(vfs, p));
    expect(readFile(next, '/etc/hostname')).toBe('container');
    expect(readFile(next, '/lib/x/y')).toBe('deep');
    expect(readFile(next, '/opt2/fresh')).toBe('new');
  });
});
