/** The playground's pure modules (no browser): line discipline, Run form parsing, display formats, exit line. */
import { describe, expect, it } from 'vitest';
import { LineDiscipline } from '../../web/src/line-discipline.ts';
import { ArgvError, parseEnvLines, parseVolumeLines, shellWords, splitArgs } from '../../web/src/argv.ts';
import { formatBytes, formatCreated } from '../../web/src/format.ts';
import { describeExit, exitSummary } from '../../web/src/exit-text.ts';
import { joinPath, parentPath } from '../../web/src/fs-view.ts';
import { isOnDemand } from '../../web/src/examples.ts';

describe('LineDiscipline', () => {
  it('echoes typed characters and sends the line with a newline on Enter', () => {
    const ld = new LineDiscipline();
    expect(ld.input('hi')).toEqual([{ kind: 'echo', text: 'hi' }]);
    expect(ld.pending).toBe('hi');
    expect(ld.input('\r')).toEqual([{ kind: 'echo', text: '\r\n' }, { kind: 'send', text: 'hi\n' }]);
    expect(ld.pending).toBe('');
  });

  it('edits with Backspace (one code point) and Ctrl+U, and erases nothing on an empty line', () => {
    const ld = new LineDiscipline();
    ld.input('ab\u00e9');
    expect(ld.input('\x7f')).toEqual([{ kind: 'echo', text: '\b \b' }]);
    expect(ld.pending).toBe('ab');
    expect(ld.input('\x15')).toEqual([{ kind: 'echo', text: '\b \b\b \b' }]);
    expect(ld.input('\x7f')).toEqual([]);
  });

  it('Ctrl+D sends a partial line without newline, and ends input on an empty line', () => {
    const ld = new LineDiscipline();
    ld.input('abc');
    expect(ld.input('\x04')).toEqual([{ kind: 'send', text: 'abc' }]);
    expect(ld.input('\x04')).toEqual([{ kind: 'eof' }]);
  });

  it('Ctrl+C interrupts, drops the pending line and the rest of a paste', () => {
    const ld = new LineDiscipline();
    expect(ld.input('ab\x03cd\r')).toEqual([{ kind: 'echo', text: 'ab^C\r\n' }, { kind: 'interrupt' }]);
    expect(ld.pending).toBe('');
  });

  it('sends each line of pasted text, and ignores escape sequences and other control characters', () => {
    const ld = new LineDiscipline();
    expect(ld.input('one\ntwo\nthr')).toEqual([
      { kind: 'echo', text: 'one\r\n' },
      { kind: 'send', text: 'one\n' },
      { kind: 'echo', text: 'two\r\n' },
      { kind: 'send', text: 'two\n' },
      { kind: 'echo', text: 'thr' },
    ]);
    expect(ld.input('\x1b[A')).toEqual([]);
    expect(ld.input('\x07\x01')).toEqual([]);
    expect(ld.pending).toBe('thr');
  });
});

describe('Run form parsing', () => {
  it('splits arguments as a shell does, without expansions', () => {
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs('  ls   -l /bin ')).toEqual(['ls', '-l', '/bin']);
    expect(splitArgs(`echo "two words" 'it''s' a\\ b "" $HOME "q\\"x"`)).toEqual(['echo', 'two words', 'its', 'a b', '', '$HOME', 'q"x']);
    expect(() => splitArgs('echo "open')).toThrow(new ArgvError('unterminated double quote in arguments'));
  });

  it('reads KEY=value lines, skipping blanks and comments, and names a bad line', () => {
    expect(parseEnvLines('A=1\n\n# note\n B=x=y \r\n')).toEqual(['A=1', 'B=x=y']);
    expect(() => parseEnvLines('A=1\nnope')).toThrow('environment line 2 ("nope") is not KEY=value');
    expect(() => parseEnvLines('=v')).toThrow('is not KEY=value');
  });

  it('formats sizes and dates for the image list', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(27_812)).toBe('27.8 kB');
    expect(formatBytes(39_700_000)).toBe('39.7 MB');
    expect(formatCreated(undefined)).toBe('unknown');
    expect(formatCreated('1970-01-01T00:00:00Z')).toBe('no date (reproducible build)');
    expect(formatCreated('2026-11-30T03:07:59Z')).toBe('2026-11-30 03:07 UTC');
  });
});

describe('exit line', () => {
  it('says how the container ended', () => {
    expect(describeExit({ code: 3, reason: 'exit', message: '' }, null)).toBe('exited with code 3');
    expect(describeExit({ code: 137, reason: 'killed', message: '' }, 'Ctrl+C')).toBe('killed by Ctrl+C (exit code 137)');
    expect(describeExit({ code: 130, reason: 'exit', message: 'stopped (exit code 130)' }, 'Ctrl+C')).toBe('stopped by Ctrl+C (exit code 130)');
    expect(describeExit({ code: 0, reason: 'exit', message: '' }, 'Ctrl+C')).toBe('exited with code 0'); // ended by itself first
    expect(describeExit({ code: 137, reason: 'timeout', message: 'after 10 s' }, null)).toBe('stopped: time limit reached (exit code 137): after 10 s');
    expect(describeExit({ code: 137, reason: 'oom', message: '' }, null)).toBe('stopped: out of memory (exit code 137)');
    expect(describeExit({ code: 134, reason: 'trap', message: 'unreachable in main' }, null)).toBe('crashed with a trap (exit code 134): unreachable in main');
  });
});

describe('the panels\' pure parts', () => {
  it('parses the Volumes field: NAME:/path lines, :ro, comments; bad lines name themselves', () => {
    expect(parseVolumeLines('notes:/data\n# comment\n\n  cache:/var/cache:ro  ')).toEqual([
      { name: 'notes', target: '/data', readonly: false },
      { name: 'cache', target: '/var/cache', readonly: true },
    ]);
    expect(() => parseVolumeLines('notes')).toThrow(new ArgvError('volume line 1 ("notes") is not NAME:/path (or NAME:/path:ro)'));
    expect(() => parseVolumeLines('a:/x\n-bad:/y')).toThrow('volume line 2: "-bad" is not a volume name');
    expect(() => parseVolumeLines('a:/x\nb:/x')).toThrow('volume line 2: /x is mounted twice');
    expect(() => parseVolumeLines('a:data')).toThrow(ArgvError);
  });

  it('quotes words back into a shell line that splitArgs reads as the same words', () => {
    const words = ['/hello.wasm', 'one', 'two words', "it's", ''];
    expect(shellWords(words)).toBe(`/hello.wasm one 'two words' 'it'\\''s' ''`);
    expect(splitArgs(shellWords(words))).toEqual(words);
  });

  it('says how a container ended in a table cell, and walks paths', () => {
    expect(exitSummary({ code: 0, reason: 'exit', message: '' })).toBe('exited (code 0)');
    expect(exitSummary({ code: 137, reason: 'killed', message: 'killed' })).toBe('killed (code 137)');
    expect(exitSummary({ code: 134, reason: 'trap', message: 'unreachable' })).toBe('crashed (trap) (code 134)');
    expect(joinPath('/', 'bin')).toBe('/bin');
    expect(joinPath('/bin', 'ls')).toBe('/bin/ls');
    expect(parentPath('/bin/ls')).toBe('/bin');
    expect(parentPath('/bin')).toBe('/');
  });

  it('leaves examples over 50 MB (the C compiler) to a button', () => {
    expect(isOnDemand({ name: 'wasmbox/clang:latest', file: 'clang.tar', bytes: 105_000_000 })).toBe(true);
    expect(isOnDemand({ name: 'wasmbox/yosys:latest', file: 'yosys.tar', bytes: 39_667_200 })).toBe(false);
  });
});
