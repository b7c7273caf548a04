/**
 * build dockerignore: `.dockerignore` as Docker reads it (moby/patternmatcher): one pattern per line, `#` comments,
 * blank lines skipped, surrounding whitespace trimmed, a leading `/` dropped, `!` makes an exception. `*` matches
 * any run of characters except `/`, `?` one such character, `[...]` a class, `**` any number of directories.
 * A pattern that matches a directory excludes everything below it. The last matching pattern decides.
 * Must not: import node:*.
 */

export interface IgnorePattern {
  pattern: string;
  exclusion: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    let exclusion = false;
    if (line.startsWith('!')) {
      exclusion = true;
      line = line.slice(1).trim();
    }
    const pattern = cleanPattern(line);
    if (pattern === '') continue;
    patterns.push({ pattern, exclusion, regex: globRegex(pattern) });
  }
  return patterns;
}

/** `(path) => true` when the context path (relative, `/`-separated) is excluded. */
export function createIgnoreMatcher(text: string): (path: string) => boolean {
  const patterns = parseDockerignore(text);
  if (patterns.length === 0) return () => false;
  return (path) => {
    const parts = path.split('/');
    let excluded = false;
    for (const p of patterns) {
      // A pattern matches the path itself or any of its parent directories.
      let match = false;
      for (let n = parts.length; n >= 1 && !match; n--) match = p.regex.test(parts.slice(0, n).join('/'));
      if (match) excluded = !p.exclusion;
    }
    return excluded;
  };
}

/** filepath.Clean-like: no leading `/` or `./`, no empty or `.` components, `..` folded. */
function cleanPattern(pattern: string): string {
  const out: string[] = [];
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** A glob (filepath.Match syntax plus `**`) as an anchored regular expression. */
export function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRegex(pattern[++i]);
    } else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`);
}

/** True when `text` holds glob characters (COPY sources are matched then, as Docker does). */
export function hasGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
