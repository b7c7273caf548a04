import { describe, expect, it } from 'vitest';
import { BLOCK, F, FieldError, encodePaxRecords, parsePaxRecords, readNumber, type FieldName } from './tar-format.ts';

function blockWith(field: FieldName, raw: number[] | string): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : Uint8Array.from(raw);
  block.set(bytes, F[field][0]);
  return block;
}

describe('readNumber', () => {
  it.each([
    ['00000000644\0', 0o644],
    ['     644 \0  ', 0o644],
    ['644', 0o644],
    ['\0\0\0\0\0\0\0\0\0\0\0\0', 0],
    ['            ', 0],
    ['77777777777\0', 0o77777777777],
  ])('octal %j', (raw, value) => {
    expect(readNumber(blockWith('size', raw), 'size')).toBe(value);
  });

  it('reads GNU base-256, positive and negative', () => {
    const big = [0x80, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0]; // 2^32
    expect(readNumber(blockWith('size', big), 'size')).toBe(2 ** 32);
    const minusOne = Array(12).fill(0xff);
    expect(readNumber(blockWith('mtime', minusOne), 'mtime')).toBe(-1);
  });

  it.each([
    ['0000064x\0', 'not an octal number'],
    ['00000008\0', 'not an octal number'],
    ['12 34', 'not an octal number'],
    ['-1', 'not an octal number'],
  ])('refuses %j', (raw, problem) => {
    expect(() => readNumber(blockWith('size', raw), 'size')).toThrow(problem);
  });

  it('refuses base-256 beyond 2^53 and unknown binary markers', () => {
    const huge = [0x80, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    expect(() => readNumber(blockWith('size', huge), 'size')).toThrow('too large');
    expect(() => readNumber(blockWith('size', [0x81, 0, 0]), 'size')).toThrow(FieldError);
  });
});

describe('pax records', () => {
  it('round-trips, including lengths that gain a digit', () => {
    for (let n = 0; n < 120; n++) {
      const records: Array<[string, string]> = [['path', 'p'.repeat(n)], ['x', 'é=ü\n']];
      expect([...parsePaxRecords(encodePaxRecords(records))]).toEqual(records);
    }
  });

  it.each([
    ['11 path=abc', 'does not fit'],
    ['13 path=abc\n', 'does not fit'],
    ['10 path=abc\n', 'does not fit'],
    ['x path=abc\n', 'bad record length'],
    ['7 =abc\n', 'no keyword'],
    ['11 pathabc\n', 'no keyword'],
    ['3 \n', 'no keyword'],
    ['2 \n', 'does not fit'],
    ['99999999999999 path=a\n', 'bad record length'],
  ])('refuses %j', (body, problem) => {
    expect(() => parsePaxRecords(new TextEncoder().encode(body))).toThrow(problem);
  });
});
