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
