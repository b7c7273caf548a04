import { describe, expect, it } from 'vitest';
import type { LowerEntry } from './api.ts';
import { flattenLayers } from './overlay-flatten.ts';
import { makeFs, names, readFile, writeFile } from './test-kit.ts';

const enc = new TextEncoder();
const T = 1_700_000_000_000_000_000n;
type Tree = LowerEntry<Uint8Array>;
const f = (text: string): Tree => ({ type: 'file', mode: 0o644, mtimeNs: T, data: enc.encode(text) });

const seed: Tree = {
  type: 'dir',
  mode: 0o755,
  children: {
    'keep.txt': f('kept'),
    'change.txt': f('before'),
    'gone.txt': f('bye'),
    sub: { type: 'dir', mode: 0o750, children: { 'a.txt': f('a'), 'b.txt': f('b') } },
    replaced: { type: 'dir', children: { 'old.txt': f('old') } },
  },
};

describe('a seeded, captured tmpfs (a browser volume) and flattenLayers', () => {
  it('saves what a container did: new, changed, removed and replaced entries', () => {
    const vfs = makeFs({ mounts: [{ target: '/vol', source: { kind: 'tmpfs', seed, capture: true }, readonly: false }] });
    expect(readFile(vfs, '/vol/keep.txt')).toBe('kept');
    writeFile(vfs, '/vol/new.txt', 'fresh');
    writeFile(vfs, '/vol/change.txt', 'after');
    vfs.unlink(vfs.root(), '/vol/gone.txt');
    vfs.unlink(vfs.root(), '/vol/sub/a.txt');
    writeFile(vfs, '/vol/sub/c.txt', 'c');
    vfs.unlink(vfs.root(), '/vol/replaced/old.txt');
    vfs.rmdir(vfs.root(), '/vol/replaced');
    vfs.mkdir(vfs.root(), '/vol/replaced');
    writeFile(vfs, '/vol/replaced/new.txt', 'n');

    const [{ target, upper }] = vfs.diffMounts();
    expect(target).toBe('/vol');
    const saved = flattenLayers(seed, upper);
    // the next container sees exactly what this one left
    const next = makeFs({ mounts: [{ target: '/vol', source: { kind: 'tmpfs', seed: saved, capture: true }, readonly: false }] });
    expect(names(next, '/vol')).toEqual(names(vfs, '/vol'));
    expect(names(next, '/vol')).toEqual(['change.txt', 'keep.txt', 'new.txt', 'replaced', 'sub']);
    expect(names(next, '/vol/sub')).toEqual(['b.txt', 'c.txt']);
    expect(names(next, '/vol/replaced')).toEqual(['new.txt']);
    expect(readFile(next, '/vol/change.txt')).toBe('after');
    expect(readFile(next, '/vol/keep.txt')).toBe('kept');
    expect(next.stat(next.root(), '/vol/sub', true).mode & 0o777).toBe(0o750);
    // no stubs of the container setup leak into a volume, and the inputs are untouched
    expect(JSON.stringify(Object.keys(saved.children!))).not.toContain('tmp');
    expect(Object.keys(seed.children!)).toContain('gone.txt');
  });
});
