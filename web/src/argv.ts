/**
 * The Run form's text fields into argv and env: arguments are split as a POSIX shell splits words (whitespace,
 * 'single' and "double" quotes, backslash escapes), without expansions; environment is one KEY=value per line.
 */
export class ArgvError extends Error {}

export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 < text.length) word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new ArgvError(`unterminated ${quote === "'" ? 'single' : 'double'} quote in arguments`);
  if (inWord) words.push(word);
  return words;
}

/** `words` as one shell line, quoting what a shell would split or expand (the inverse of `splitArgs`). */
export function shellWords(words: string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Non-empty lines as KEY=value; lines starting with # are comments. */
export function parseEnvLines(text: string): string[] {
  const entries: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.indexOf('=') <= 0) throw new ArgvError(`environment line ${i + 1} ("${line}") is not KEY=value`);
    entries.push(line);
  }
  return entries;
}

/** A named volume to mount, from a `NAME:/path` (or `NAME:/path:ro`) line of the Run form. */
export interface VolumeLine {
  name: string;
  target: string;
  readonly: boolean;
}

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Non-empty lines as `NAME:/path[:ro]` (as `docker run -v NAME:/path`); lines starting with # are comments. */
export function parseVolumeLines(text: string): VolumeLine[] {
  const volumes: VolumeLine[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([^:]+):(\/[^:]*)(?::(ro|rw))?$/.exec(line);
    if (!match) throw new ArgvError(`volume line ${i + 1} ("${line}") is not NAME:/path (or NAME:/path:ro)`);
    const [, name, target, mode] = match;
    if (!VOLUME_NAME.test(name)) throw new ArgvError(`volume line ${i + 1}: "${name}" is not a volume name (letters, digits, _ . -)`);
    if (volumes.some((v) => v.target === target)) throw new ArgvError(`volume line ${i + 1}: ${target} is mounted twice`);
    volumes.push({ name, target, readonly: mode === 'ro' });
  }
  return volumes;
}
