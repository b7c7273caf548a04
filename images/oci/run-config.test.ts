import { describe, expect, it } from 'vitest';
import { WasmboxError } from '../../shared/errors.ts';
import type { ContainerConfig } from './config.ts';
import { cleanPath, mergeEnv, mergeRunConfig } from './run-config.ts';

const image: ContainerConfig = { Entrypoint: ['/app.wasm', '--flag'], Cmd: ['serve'], Env: ['PATH=/', 'A=1', 'B=2'], WorkingDir: '/srv' };

function invalid(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(WasmboxError);
    expect((error as WasmboxError).kind).toBe('InvalidArgument');
    return (error as WasmboxError).message;
  }
  throw new Error('expected an InvalidArgument error');
}

describe('mergeRunConfig: command', () => {
  it('runs Entrypoint followed by Cmd', () => {
    expect(mergeRunConfig(image).argv).toEqual(['/app.wasm', '--flag', 'serve']);
  });

  it('ARGS replace Cmd and keep Entrypoint', () => {
    expect(mergeRunConfig(image, { cmd: ['check', '-v'] }).argv).toEqual(['/app.wasm', '--flag', 'check', '-v']);
  });

  it('empty ARGS keep the image Cmd', () => {
    expect(mergeRunConfig(image, { cmd: [] }).argv).toEqual(['/app.wasm', '--flag', 'serve']);
  });

  it('--entrypoint replaces Entrypoint and drops the image Cmd', () => {
    expect(mergeRunConfig(image, { entrypoint: '/other.wasm' }).argv).toEqual(['/other.wasm']);
    expect(mergeRunConfig(image, { entrypoint: '/other.wasm', cmd: ['x'] }).argv).toEqual(['/other.wasm', 'x']);
  });

  it('--entrypoint "" clears Entrypoint and the image Cmd: ARGS are the command', () => {
    expect(mergeRunConfig(image, { entrypoint: '', cmd: ['/tool.wasm', 'a'] }).argv).toEqual(['/tool.wasm', 'a']);
    expect(invalid(() => mergeRunConfig(image, { entrypoint: '' }))).toMatch(/^no command specified/);
  });

  it('API Entrypoint [] clears Entrypoint but keeps the image Cmd; [""] acts like --entrypoint ""', () => {
    expect(mergeRunConfig({ ...image, Cmd: ['/cmd.wasm'] }, { entrypoint: [] }).argv).toEqual(['/cmd.wasm']);
    expect(mergeRunConfig(image, { entrypoint: [''], cmd: ['/t.wasm'] }).argv).toEqual(['/t.wasm']);
    expect(mergeRunConfig(image, { entrypoint: ['/e.wasm', '-x'] }).argv).toEqual(['/e.wasm', '-x']);
  });

  it('works with only Cmd or only Entrypoint', () => {
    expect(mergeRunConfig({ Cmd: ['/hello.wasm'] }).argv).toEqual(['/hello.wasm']);
    expect(mergeRunConfig({ Cmd: ['/hello.wasm'] }, { cmd: ['/other.wasm', '1'] }).argv).toEqual(['/other.wasm', '1']);
    expect(mergeRunConfig({ Entrypoint: ['/hello.wasm'] }, { cmd: ['1'] }).argv).toEqual(['/hello.wasm', '1']);
  });

  it('"no command specified" when nothing is left', () => {
    expect(invalid(() => mergeRunConfig(undefined))).toMatch(/^no command specified/);
    expect(invalid(() => mergeRunConfig({ Env: ['A=1'] }, { cmd: [] }))).toMatch(/^no command specified/);
    expect(mergeRunConfig(undefined, { cmd: ['/x.wasm'] }).argv).toEqual(['/x.wasm']);
  });

  it('keeps empty-string arguments and refuses NUL', () => {
    expect(mergeRunConfig(image, { cmd: [''] }).argv).toEqual(['/app.wasm', '--flag', '']);
    invalid(() => mergeRunConfig(image, { cmd: ['a\0b'] }));
  });
});

describe('mergeRunConfig: env', () => {
  it('keeps the image Env without overrides', () => {
    expect(mergeRunConfig(image).env).toEqual(['PATH=/', 'A=1', 'B=2']);
  });

  it('replaces by key in place and appends new keys in order', () => {
    expect(mergeRunConfig(image, { env: ['C=3', 'A=9', 'D=4'] }).env).toEqual(['PATH=/', 'A=9', 'B=2', 'C=3', 'D=4']);
  });

  it('-e K= sets an empty value; a bare -e K unsets K', () => {
    expect(mergeRunConfig(image, { env: ['A=', 'B'] }).env).toEqual(['PATH=/', 'A=']);
    expect(mergeRunConfig(image, { env: ['NOPE'] }).env).toEqual(['PATH=/', 'A=1', 'B=2']);
  });

  it('the last of repeated keys wins, at the first position', () => {
    expect(mergeEnv(['A=1', 'B=2', 'A=3'], [])).toEqual(['A=3', 'B=2']);
    expect(mergeEnv([], ['X=1', 'Y=2', 'X=3'])).toEqual(['X=3', 'Y=2']);
    expect(mergeEnv(['A=1'], ['A', 'A=2'])).toEqual(['A=2']);
  });

  it('values may contain "="', () => {
    expect(mergeEnv(['OPTS=a=b'], ['OPTS=c=d'])).toEqual(['OPTS=c=d']);
  });

  it('refuses an entry without a name (docker: invalid environment variable) or with NUL', () => {
    expect(invalid(() => mergeRunConfig(image, { env: ['=x'] }))).toBe('invalid environment variable: =x');
    invalid(() => mergeRunConfig(image, { env: ['A=\0'] }));
  });
});

describe('mergeRunConfig: working directory', () => {
  it('defaults to "/", takes the image WorkingDir, and -w wins', () => {
    expect(mergeRunConfig({ Cmd: ['/x'] }).workdir).toBe('/');
    expect(mergeRunConfig({ Cmd: ['/x'], WorkingDir: '' }).workdir).toBe('/');
    expect(mergeRunConfig(image).workdir).toBe('/srv');
    expect(mergeRunConfig(image, { workdir: '/data' }).workdir).toBe('/data');
    expect(mergeRunConfig(image, { workdir: '' }).workdir).toBe('/srv');
  });

  it('is cleaned and must be absolute', () => {
    expect(mergeRunConfig(image, { workdir: '/a/./b/../c//' }).workdir).toBe('/a/c');
    expect(invalid(() => mergeRunConfig(image, { workdir: 'data' }))).toBe("the working directory 'data' is invalid, it needs to be an absolute path");
    invalid(() => mergeRunConfig({ ...image, WorkingDir: 'rel' }));
  });

  it('cleanPath never climbs above /', () => {
    expect(cleanPath('/../../x')).toBe('/x');
    expect(cleanPath('/')).toBe('/');
    expect(cleanPath('//a//b/.')).toBe('/a/b');
  });
});
