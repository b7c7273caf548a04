import { describe, expect, it } from 'vitest';
import { DockerfileError, expandWord, parseDockerfile, splitWords } from './dockerfile.ts';

const lineOf = (text: string): number | undefined => {
  try {
    parseDockerfile(text);
  } catch (error) {
    if (error instanceof DockerfileError) return error.line;
    throw error;
  }
  return undefined;
};

describe('parseDockerfile', () => {
  it('parses every supported instruction with its line number', () => {
    const df = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=scratch',
        '# a comment',
        '',
        'from ${BASE} AS build',
        'ARG V',
        'ENV A=1 B="two words" \\',
        '    C=3',
        'ENV LEGACY some value',
        'LABEL org.x="y" z=1',
        'WORKDIR /app',
        'COPY --chmod=755 a.wasm b/ /bin/',
        'ADD ["x.tar", "/opt/"]',
        'RUN ["/bin/a.wasm", "--flag"]',
        'ENTRYPOINT ["/bin/a.wasm"]',
        'CMD []',
      ].join('\n'),
    );
    expect(df.globalArgs).toEqual([{ kind: 'arg', line: 2, text: 'ARG BASE=scratch', name: 'BASE', default: 'scratch' }]);
    expect(df.from).toMatchObject({ kind: 'from', line: 5, image: '${BASE}' });
    const steps = df.steps;
    expect(steps.map((s) => [s.kind, s.line])).toEqual([
      ['arg', 6], ['env', 7], ['env', 9], ['label', 10], ['workdir', 11], ['copy', 12], ['add', 13], ['run', 14], ['entrypoint', 15], ['cmd', 16],
    ]);
    expect(steps[1]).toMatchObject({ pairs: [['A', '1'], ['B', '"two words"'], ['C', '3']] });
    expect(steps[2]).toMatchObject({ pairs: [['LEGACY', 'some value']] });
    expect(steps[3]).toMatchObject({ pairs: [['org.x', '"y"'], ['z', '1']] });
    expect(steps[5]).toMatchObject({ sources: ['a.wasm', 'b/'], dest: '/bin/', chmod: 0o755, json: false });
    expect(steps[6]).toMatchObject({ sources: ['x.tar'], dest: '/opt/', json: true });
    expect(steps[7]).toMatchObject({ argv: ['/bin/a.wasm', '--flag'] });
    expect(steps[9]).toMatchObject({ argv: [] });
  });

  it('honours the escape directive and skips comments inside continuations', () => {
    const df = parseDockerfile('# escape=`\nFROM scratch\nENV A=1 `\n# inside\n  B=2\nWORKDIR C:\\x\n');
    expect(df.steps[0]).toMatchObject({ line: 3, pairs: [['A', '1'], ['B', '2']] });
    expect(df.steps[1]).toMatchObject({ path: 'C:\\x' });
  });

  it('refuses what it does not support, naming the line', () => {
    expect(lineOf('FROM scratch\nRUN echo hi\n')).toBe(2);
    expect(lineOf('FROM scratch\nCMD echo hi\n')).toBe(2);
    expect(lineOf('FROM scratch\n\nENTRYPOINT /x.wasm\n')).toBe(3);
    expect(lineOf('FROM scratch\nCOPY a /\nFROM scratch\n')).toBe(3);
    expect(() => parseDockerfile('FROM scratch\nFROM scratch\n')).toThrow(/multi-stage builds are not supported yet/);
    expect(lineOf('FROM scratch\nADD https://example.com/x.tar /\n')).toBe(2);
    expect(lineOf('FROM scratch\nEXPOSE 80\n')).toBe(2);
    expect(lineOf('FROM scratch\nBOGUS x\n')).toBe(2);
    expect(lineOf('FROM scratch\nCOPY --from=a x /\n')).toBe(2);
    expect(lineOf('FROM scratch\nCOPY --chown=1 x /\n')).toBe(2);
    expect(lineOf('FROM scratch\nCOPY --chmod=9 x /\n')).toBe(2);
    expect(lineOf('FROM scratch\nCOPY x\n')).toBe(2);
    expect(lineOf('FROM scratch\nRUN --mount=type=cache ["x"]\n')).toBe(2);
    expect(lineOf('ENV A=1\nFROM scratch\n')).toBe(1);
    expect(lineOf('FROM --platform=wasi/wasm scratch\n')).toBe(1);
    expect(lineOf('# only a comment\n')).toBe(0);
    expect(lineOf('FROM scratch\nENV A="unterminated\n')).toBe(2);
  });
});

describe('expandWord', () => {
  const vars: Record<string, string> = { A: 'a', EMPTY: '', P: '/usr/bin' };
  const lookup = (n: string) => vars[n];
  it('substitutes $VAR, ${VAR} and the default/alternative forms', () => {
    expect(expandWord('$A-${A}x', lookup)).toBe('a-ax');
    expect(expandWord('${NOPE:-def}|${EMPTY:-def}|${EMPTY-def}|${NOPE-d2}', lookup)).toBe('def|def||d2');
    expect(expandWord('${A:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${NOPE+alt}', lookup)).toBe('alt||alt|');
    expect(expandWord('${NOPE:-$P/x}', lookup)).toBe('/usr/bin/x');
    expect(expandWord('$NOPE', lookup)).toBe('');
    expect(expandWord('cost $5', lookup)).toBe('cost $5');
  });
  it('handles quotes and escapes as Docker does', () => {
    expect(expandWord(`'$A'"$A"\\$A`, lookup)).toBe('$Aa$A');
    expect(expandWord('"two words"', lookup)).toBe('two words');
    expect(expandWord('"a\\"b\\n"', lookup)).toBe('a"b\\n');
    expect(expandWord('"$A"', lookup, { quotes: false })).toBe('"a"');
    expect(() => expandWord('${A', lookup)).toThrow(DockerfileError);
    expect(() => expandWord('${A/x/y}', lookup)).toThrow(/unsupported substitution/);
  });
  it('splits words outside quotes only', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`)).toEqual(['a', '"b c"', "'d e'", 'f\\ g']);
  });
});
