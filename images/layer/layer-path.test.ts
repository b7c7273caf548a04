import { describe, expect, it } from 'vitest';
import { ancestors, compareLayerPaths, compareUtf8, normalizeLayerPath, sortKey } from './layer-path.ts';

describe('normalizeLayerPath', () => {
  it.each([
    ['a', 'a'],
    ['./a', 'a'],
    ['a/', 'a'],
    ['./a//b/./c/', 'a/b/c'],
    ['.', ''],
    ['./', ''],
  ])('%j -> %j', (name, expected) => {
    expect(normalizeLayerPath(name, 4096)).toBe(expected);
  });

  it.each([
    ['', 'empty name'],
    ['/etc/passwd', 'absolute'],
    ['../x', '".."'],
    ['a/../b', '".."'],
    ['a/..', '".."'],
    ['a\0b', 'NUL'],
    [`${'x'.repeat(256)}`, 'longer than 255'],
  ])('refuses %j', (name, problem) => {
    const result = normalizeLayerPath(name, 4096);
    expect(typeof result).toBe('object');
    expect((result as { problem: string }).problem).toContain(problem);
  });

  it('bounds the whole path in UTF-8 bytes', () => {
    const path = Array.from({ length: 25 }, () => 'é'.repeat(100)).join('/'); // 25 * 200 bytes + 24
    expect(normalizeLayerPath(path, 4096)).toEqual({ problem: 'path longer than 4096 bytes' });
    expect(normalizeLayerPath(path, 8192)).toBe(path);
  });
});

describe('order', () => {
  it('puts a directory before its contents and compares by UTF-8 bytes', () => {
    const paths = ['a-b', 'a/b', 'a', 'b', 'a/b/c', 'A', '\u{1F600}', '\uFF5E', ''];
    paths.sort(compareLayerPaths);
    expect(paths).toEqual(['', 'A', 'a', 'a/b', 'a/b/c', 'a-b', 'b', '\uFF5E', '\u{1F600}']);
  });

  it('compareUtf8 orders astral characters after U+FFFF like their UTF-8 bytes', () => {
    expect(compareUtf8('\u{10000}', '\uFFFF')).toBeGreaterThan(0);
    expect('\u{10000}' < '\uFFFF').toBe(true); // what plain string order would say
  });

  it('sortKey ranks components within their directory', () => {
    const rank = (c: string) => (c.startsWith('.wh.') ? 0 : 1);
    const names = ['d/a', 'd/.wh.z', 'd', 'c/x'];
    names.sort((a, b) => compareUtf8(sortKey(a, rank), sortKey(b, rank)));
    expect(names).toEqual(['c/x', 'd', 'd/.wh.z', 'd/a']);
  });

  it('ancestors lists proper parents outermost first', () => {
    expect(ancestors('a/b/c')).toEqual(['a', 'a/b']);
    expect(ancestors('a')).toEqual([]);
  });
});
