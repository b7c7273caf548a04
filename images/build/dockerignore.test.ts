import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher, parseDockerignore } from './dockerignore.ts';

describe('dockerignore', () => {
  it('parses patterns, comments and exceptions', () => {
    const patterns = parseDockerignore('# comment\n\n /node_modules \n!keep\n./a/../b\n');
    expect(patterns.map((p) => [p.pattern, p.exclusion])).toEqual([['node_modules', false], ['keep', true], ['b', false]]);
  });

  it('matches *, ?, [], ** and whole directories; the last match wins', () => {
    const ignored = createIgnoreMatcher('*.log\n!important.log\nbuild\n**/tmp\ndocs/**/*.md\nx?.txt\n[ab].c\n');
    expect(ignored('debug.log')).toBe(true);
    expect(ignored('important.log')).toBe(false);
    expect(ignored('sub/debug.log')).toBe(false); // * does not cross /
    expect(ignored('build')).toBe(true);
    expect(ignored('build/out/a.wasm')).toBe(true); // below an excluded directory
    expect(ignored('tmp')).toBe(true);
    expect(ignored('a/b/tmp/x')).toBe(true);
    expect(ignored('docs/readme.md')).toBe(true);
    expect(ignored('docs/a/b/c.md')).toBe(true);
    expect(ignored('docs/a/b/c.txt')).toBe(false);
    expect(ignored('x1.txt')).toBe(true);
    expect(ignored('x12.txt')).toBe(false);
    expect(ignored('a.c')).toBe(true);
    expect(ignored('c.c')).toBe(false);
    expect(ignored('src/main.c')).toBe(false);
  });

  it('re-includes a file inside an excluded directory with a later exception', () => {
    const ignored = createIgnoreMatcher('assets\n!assets/keep.txt\n');
    expect(ignored('assets/a.png')).toBe(true);
    expect(ignored('assets/keep.txt')).toBe(false);
  });

  it('an empty file excludes nothing', () => {
    expect(createIgnoreMatcher('')('anything')).toBe(false);
  });
});
