/**
 * build dockerfile: the Dockerfile subset wasmbox builds, parsed into typed instructions with their line numbers.
 *
 * Supported: FROM (scratch or a stored image; `AS name` accepted), ARG (also before FROM, with defaults), ENV (both
 * forms), LABEL, WORKDIR, COPY/ADD (`--chmod=`; JSON or space-separated form), ENTRYPOINT/CMD/RUN in exec (JSON)
 * form; comments, line continuations and parser directives (`# escape=` honoured, `# syntax=` and others ignored).
 * Everything else is a `DockerfileError` (InvalidArgument) naming the line: shell forms (the images have no shell),
 * a second FROM (multi-stage), unknown instructions and flags, URLs in ADD. Nothing is silently ignored.
 *
 * Variables: the parser keeps words raw; `expandWord` does Docker's word processing (quotes, escapes, `$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`) at build time, when the values of
 * ARG and ENV at that point are known. Docker substitutes in FROM, ARG, ENV, LABEL, WORKDIR, COPY and ADD, and not
 * in the exec forms of RUN, CMD and ENTRYPOINT (those get the variables through the environment).
 * Must not: import node:* (shared by Node and browsers).
 */
import { WasmboxError } from '../../shared/errors.ts';

export class DockerfileError extends WasmboxError {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super('InvalidArgument', line > 0 ? `Dockerfile line ${line}: ${problem}` : `Dockerfile: ${problem}`, { data: { line } });
  }
}

interface Base {
  line: number;
  /** The instruction as written (continuations joined), for history and error messages. */
  text: string;
}

export interface FromInstruction extends Base {
  kind: 'from';
  /** Raw (unexpanded) image name, or `scratch`. */
  image: string;
}
export interface ArgInstruction extends Base {
  kind: 'arg';
  name: string;
  /** Raw default, when given. */
  default?: string;
}
export interface KeyValueInstruction extends Base {
  kind: 'env' | 'label';
  /** Raw keys and values (values still quoted; expand them with `expandWord`). */
  pairs: Array<[string, string]>;
}
export interface WorkdirInstruction extends Base {
  kind: 'workdir';
  path: string;
}
export interface CopyInstruction extends Base {
  kind: 'copy' | 'add';
  sources: string[];
  dest: string;
  /** `--chmod=` as permission bits. */
  chmod?: number;
  /** True for the JSON form: words are not quote-processed, only variables expanded. */
  json: boolean;
}
export interface ExecInstruction extends Base {
  kind: 'entrypoint' | 'cmd' | 'run';
  argv: string[];
}

export type Instruction = FromInstruction | ArgInstruction | KeyValueInstruction | WorkdirInstruction | CopyInstruction | ExecInstruction;

export interface Dockerfile {
  /** ARGs before FROM: usable in FROM only (unless declared again after it). */
  globalArgs: ArgInstruction[];
  from: FromInstruction;
  /** Everything after FROM, in order. */
  steps: Instruction[];
  escape: string;
}

interface RawLine {
  line: number;
  keyword: string;
  rest: string;
}

const SUPPORTED = new Set(['FROM', 'ARG', 'ENV', 'LABEL', 'WORKDIR', 'COPY', 'ADD', 'ENTRYPOINT', 'CMD', 'RUN']);
const KNOWN_UNSUPPORTED = new Set(['EXPOSE', 'USER', 'VOLUME', 'STOPSIGNAL', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'MAINTAINER']);

export function parseDockerfile(text: string): Dockerfile {
  const { lines, escape } = logicalLines(text);
  const globalArgs: ArgInstruction[] = [];
  let from: FromInstruction | undefined;
  const steps: Instruction[] = [];
  for (const raw of lines) {
    const instruction = parseInstruction(raw, escape);
    if (instruction.kind === 'from') {
      if (from) throw new DockerfileError(raw.line, `multi-stage builds are not supported yet (a second FROM; the first is on line ${from.line})`);
      from = instruction;
    } else if (!from) {
      if (instruction.kind !== 'arg') throw new DockerfileError(raw.line, `${raw.keyword} before FROM (only ARG may come before FROM)`);
      globalArgs.push(instruction);
    } else {
      steps.push(instruction);
    }
  }
  if (!from) throw new DockerfileError(0, 'no FROM instruction');
  return { globalArgs, from, steps, escape };
}

/** Joins continuations, drops comments and blank lines, reads parser directives at the top. */
function logicalLines(text: string): { lines: RawLine[]; escape: string } {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // Parser directives: `# key=value` lines at the very top, before any comment, blank line or instruction.
  for (; i < physical.length; i++) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/.exec(physical[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw new DockerfileError(i + 1, `invalid escape directive ${JSON.stringify(m[2])} (expected \\ or \`)`);
      escape = m[2];
    }
    // `syntax` and other directives select a frontend or options BuildKit has; they do not change this subset.
  }
  const lines: RawLine[] = [];
  let current: { line: number; text: string } | undefined;
  for (; i < physical.length; i++) {
    const line = physical[i];
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue; // a comment, also inside a continuation (as Docker)
    if (trimmed === '') {
      if (current) continue; // blank lines inside a continuation are skipped (Docker warns)
      continue;
    }
    const continued = trimmed.endsWith(escape) && !trimmed.endsWith(escape + escape);
    const body = continued ? line.replace(/\s*$/, '').slice(0, -1) : line;
    if (current) current.text += body;
    else current = { line: i + 1, text: body };
    if (!continued) {
      lines.push(split(current));
      current = undefined;
    }
  }
  if (current) lines.push(split(current));
  return { lines, escape };
}

function split(l: { line: number; text: string }): RawLine {
  const m = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(l.text)!;
  return { line: l.line, keyword: m[1].toUpperCase(), rest: m[2] };
}

function parseInstruction(raw: RawLine, escape: string): Instruction {
  const { line, keyword, rest } = raw;
  const text = `${keyword}${rest ? ` ${rest}` : ''}`;
  const fail = (problem: string): never => {
    throw new DockerfileError(line, problem);
  };
  if (!SUPPORTED.has(keyword)) {
    if (KNOWN_UNSUPPORTED.has(keyword)) fail(`${keyword} is not supported by wasmbox build`);
    fail(`unknown instruction ${JSON.stringify(keyword)}`);
  }
  switch (keyword) {
    case 'FROM': {
      const { flags, words } = takeFlags(splitWords(rest, escape, line), line);
      if (flags.size > 0) fail(`FROM ${[...flags.keys()].map((f) => `--${f}`).join(' ')} is not supported`);
      if (words.length === 3 && words[1].toLowerCase() === 'as') return { kind: 'from', line, text, image: words[0] };
      if (words.length !== 1) fail('FROM takes one image name (optionally followed by AS NAME)');
      return { kind: 'from', line, text, image: words[0] };
    }
    case 'ARG': {
      const words = splitWords(rest, escape, line);
      if (words.length !== 1) fail('ARG takes one NAME or NAME=default');
      const eq = words[0].indexOf('=');
      const name = eq < 0 ? words[0] : words[0].slice(0, eq);
      checkName(name, line, 'ARG');
      return eq < 0 ? { kind: 'arg', line, text, name } : { kind: 'arg', line, text, name, default: words[0].slice(eq + 1) };
    }
    case 'ENV':
    case 'LABEL': {
      const kind = keyword === 'ENV' ? 'env' : 'label';
      const words = splitWords(rest, escape, line);
      if (words.length === 0) fail(`${keyword} needs at least one KEY=VALUE`);
      if (!words[0].includes('=')) {
        // Legacy form `ENV KEY value with spaces`: the value is the rest of the line.
        if (kind === 'label') fail('LABEL needs KEY=VALUE pairs');
        const m = /^(\S+)\s+([\s\S]*)$/.exec(rest);
        if (!m) fail('ENV KEY VALUE needs a value (or use ENV KEY=VALUE)');
        checkName(m![1], line, 'ENV');
        return { kind, line, text, pairs: [[m![1], m![2]]] };
      }
      const pairs: Array<[string, string]> = words.map((word) => {
        const eq = word.indexOf('=');
        if (eq <= 0) fail(`${keyword} expects KEY=VALUE pairs, got ${JSON.stringify(word)}`);
        return [word.slice(0, eq), word.slice(eq + 1)];
      });
      if (kind === 'env') for (const [k] of pairs) checkName(k, line, 'ENV');
      return { kind, line, text, pairs };
    }
    case 'WORKDIR': {
      if (rest === '') fail('WORKDIR needs a path');
      return { kind: 'workdir', line, text, path: rest };
    }
    case 'COPY':
    case 'ADD': {
      const kind = keyword === 'COPY' ? 'copy' : 'add';
      const { flags, words: afterFlags, rest: restAfterFlags } = takeFlags(splitWords(rest, escape, line), line, rest);
      let chmod: number | undefined;
      for (const [flag, value] of flags) {
        if (flag === 'chmod') {
          if (!/^[0-7]{1,4}$/.test(value)) fail(`--chmod=${value}: expected octal permission bits such as 755`);
          chmod = parseInt(value, 8);
        } else if (flag === 'from') fail(`${keyword} --from is not supported (multi-stage builds are not supported yet)`);
        else fail(`${keyword} --${flag} is not supported`);
      }
      const json = parseJsonArray(restAfterFlags);
      const words = json ?? afterFlags;
      if (words.length < 2) fail(`${keyword} needs at least one source and a destination`);
      const sources = words.slice(0, -1);
      if (kind === 'add') {
        for (const s of sources) if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@')) fail(`ADD from a URL (${s}) is not supported: download the file into the build context`);
      }
      const out: CopyInstruction = { kind, line, text, sources, dest: words[words.length - 1], json: json !== undefined };
      if (chmod !== undefined) out.chmod = chmod;
      return out;
    }
    default: {
      const kind = keyword.toLowerCase() as 'entrypoint' | 'cmd' | 'run';
      if (kind === 'run' && rest.startsWith('--')) {
        const flag = /^--([a-z-]+)/.exec(rest)?.[1] ?? rest;
        fail(`RUN --${flag} is not supported`);
      }
      const argv = parseJsonArray(rest);
      if (argv === undefined) {
        fail(`shell form of ${keyword} (${JSON.stringify(rest)}) needs a shell in the image, which wasmbox images do not have: use the exec form, ${keyword} ["program", "arg", ...]`);
      }
      if (kind === 'run' && argv!.length === 0) fail('RUN [] runs nothing');
      return { kind, line, text, argv: argv! };
    }
  }
}

function checkName(name: string, line: number, keyword: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new DockerfileError(line, `${keyword}: invalid name ${JSON.stringify(name)}`);
}

/** A JSON array of strings (the exec form), or undefined when `text` is not one (then it is the shell form). */
function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** Leading `--name=value` words; `rest` is the text after them (for the JSON form). */
function takeFlags(words: string[], line: number, text = ''): { flags: Map<string, string>; words: string[]; rest: string } {
  const flags = new Map<string, string>();
  let i = 0;
  let rest = text;
  for (; i < words.length && words[i].startsWith('--'); i++) {
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(words[i]);
    if (!m) throw new DockerfileError(line, `invalid flag ${JSON.stringify(words[i])}`);
    flags.set(m[1], m[2] ?? '');
    rest = rest.replace(/^\s*\S+\s*/, '');
  }
  return { flags, words: words.slice(i), rest };
}

/**
 * Splits on unquoted whitespace, keeping quotes and escapes in the words (`expandWord` removes them later).
 */
export function splitWords(text: string, escape = '\\', line = 0): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === null && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    word += c;
    if (c === escape && quote !== "'" && i + 1 < text.length) {
      word += text[++i];
    } else if (quote === null && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = null;
    }
  }
  if (quote !== null) throw new DockerfileError(line, `unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

export type Lookup = (name: string) => string | undefined;

/**
 * Docker's word processing: quote removal, escapes, and variable substitution. `quotes: false` (JSON-form
 * words) only expands variables. Unset variables expand to ''.
 */
export function expandWord(word: string, lookup: Lookup, options: { escape?: string; quotes?: boolean; line?: number } = {}): string {
  const escape = options.escape ?? '\\';
  const quotes = options.quotes ?? true;
  const line = options.line ?? 0;
  let out = '';
  let quote: string | null = null;
  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (quotes && c === escape && quote !== "'") {
      const next = word[i + 1];
      if (next === undefined) {
        out += c;
        i++;
      } else if (quote === '"' && next !== '"' && next !== '$' && next !== escape) {
        out += c + next; // inside double quotes only \" \$ \\ are escapes
        i += 2;
      } else {
        out += next;
        i += 2;
      }
      continue;
    }
    if (quotes && quote === null && (c === '"' || c === "'")) {
      quote = c;
      i++;
      continue;
    }
    if (quotes && c === quote) {
      quote = null;
      i++;
      continue;
    }
    if (c === '$' && quote !== "'") {
      const { value, end } = expandVariable(word, i, lookup, escape, line);
      out += value;
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  if (quote !== null) throw new DockerfileError(line, `unterminated ${quote} quote in ${JSON.stringify(word)}`);
  return out;
}

function expandVariable(word: string, at: number, lookup: Lookup, escape: string, line: number): { value: string; end: number } {
  const simple = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(at + 1));
  if (simple) return { value: lookup(simple[0]) ?? '', end: at + 1 + simple[0].length };
  if (word[at + 1] !== '{') return { value: '$', end: at + 1 };
  // ${...}: find the matching brace (nested ${} allowed in the word part)
  let depth = 1;
  let j = at + 2;
  for (; j < word.length && depth > 0; j++) {
    if (word[j] === escape) j++;
    else if (word[j] === '{') depth++;
    else if (word[j] === '}') depth--;
  }
  if (depth > 0) throw new DockerfileError(line, `missing } in ${JSON.stringify(word)}`);
  const inner = word.slice(at + 2, j - 1);
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/.exec(inner);
  if (!m) throw new DockerfileError(line, `unsupported substitution \${${inner}} (supported: \${VAR}, \${VAR:-default}, \${VAR:+alt})`);
  const value = lookup(m[1]);
  const op = m[2];
  if (op === undefined) return { value: value ?? '', end: j };
  const sub = () => expandWord(m[3], lookup, { escape, line });
  const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
  if (op.endsWith('-')) return { value: set ? value! : sub(), end: j };
  return { value: set ? sub() : '', end: j };
}
