import { describe, expect, it } from 'vitest';
import type { Descriptor, Platform } from './descriptor.ts';
import type { ImageIndex } from './image-index.ts';
import { MEDIA_TYPE } from './media-types.ts';
import { fakeDigest } from './oci-fixtures.test-util.ts';
import {
  classifyIndexEntries,
  platformString,
  requireWasip1,
  selectWasmManifest,
  UnsupportedPlatformError,
  wasiTarget,
} from './platform.ts';

const entry = (c: string, platform?: Platform, annotations?: Record<string, string>): Descriptor => ({
  mediaType: MEDIA_TYPE.ociManifest,
  digest: fakeDigest(c),
  size: 1,
  ...(platform ? { platform } : {}),
  ...(annotations ? { annotations } : {}),
});
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests });
const p = (os: string, architecture: string, variant?: string): Platform => ({ os, architecture, ...(variant ? { variant } : {}) });

function thrown(f: () => unknown): UnsupportedPlatformError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect((error as UnsupportedPlatformError).kind).toBe('NotRunnable');
    return error as UnsupportedPlatformError;
  }
  throw new Error('expected UnsupportedPlatformError');
}

describe('wasiTarget', () => {
  it.each([
    [p('wasi', 'wasm'), 'wasip1'], // docker buildx --platform wasi/wasm
    [p('wasip1', 'wasm'), 'wasip1'], // GOOS=wasip1, CNCF artifact modules
    [p('wasip2', 'wasm'), 'wasip2'], // CNCF artifact components
    [p('wasi', 'wasm', 'wasi'), 'wasip1'],
    [p('wasi', 'wasm', 'wasip1'), 'wasip1'],
    [p('wasi', 'wasm', 'wasip2'), 'wasip2'],
    [p('wasip1', 'wasm', 'wasip2'), 'wasip2'],
    [p('WASI', 'WASM'), 'wasip1'],
    [p('wasi', 'wasm32'), 'wasip1'], // first Docker+Wasm preview
    [p('linux', 'amd64'), null],
    [p('linux', 'wasm'), null],
    [p('wasi', 'amd64'), null],
    [p('wasi', 'wasm', 'v7'), null],
    [p('unknown', 'unknown'), null],
  ] as const)('%o -> %s', (platform, target) => {
    expect(wasiTarget(platform)).toBe(target);
  });
});

describe('platformString', () => {
  it('joins os/arch/variant and cuts hostile strings', () => {
    expect(platformString(p('linux', 'arm64', 'v8'))).toBe('linux/arm64/v8');
    expect(platformString(p('x'.repeat(1000), 'wasm')).length).toBeLessThan(50);
  });
});

describe('selectWasmManifest', () => {
  it('prefers wasi/wasm, then variants, then wasip1/wasm, whatever the order', () => {
    const chosen = selectWasmManifest(
      index(entry('1', p('linux', 'amd64')), entry('2', p('wasip1', 'wasm')), entry('3', p('wasi', 'wasm', 'wasip1')), entry('4', p('wasi', 'wasm'))),
    );
    expect(chosen.digest).toBe(fakeDigest('4'));
    expect(selectWasmManifest(index(entry('2', p('wasip1', 'wasm')), entry('3', p('wasi', 'wasm', 'wasi')))).digest).toBe(fakeDigest('3'));
  });

  it('skips buildx attestation manifests', () => {
    const attestation = entry('a', p('unknown', 'unknown'), { 'vnd.docker.reference.type': 'attestation-manifest' });
    expect(selectWasmManifest(index(attestation, entry('b', p('wasi', 'wasm')))).digest).toBe(fakeDigest('b'));
    expect(classifyIndexEntries(index(attestation)).others).toEqual([]);
  });

  it('falls back to an entry without a platform (its config decides)', () => {
    expect(selectWasmManifest(index(entry('a'))).digest).toBe(fakeDigest('a'));
    const entries = classifyIndexEntries(index(entry('a'), entry('b', p('linux', 'amd64'))));
    expect(entries.unlabeled.map((e) => e.digest)).toEqual([fakeDigest('a')]);
    expect(entries.others).toEqual([p('linux', 'amd64')]);
  });

  it('says what a non-wasm image is', () => {
    const linux = thrown(() => selectWasmManifest(index(entry('a', p('linux', 'amd64')))));
    expect(linux.message).toBe('image is linux/amd64, not a wasi/wasm image');
    const multi = thrown(() => selectWasmManifest(index(entry('a', p('linux', 'amd64')), entry('b', p('linux', 'arm64', 'v8')))));
    expect(multi.message).toBe('image is linux/amd64, linux/arm64/v8, not a wasi/wasm image');
    expect(multi.data).toEqual({ platforms: ['linux/amd64', 'linux/arm64/v8'] });
  });

  it('names a preview2 component', () => {
    const error = thrown(() => selectWasmManifest(index(entry('a', p('wasip2', 'wasm')))));
    expect(error.message).toMatch(/^image is a WASI preview2 component \(wasip2\)/);
  });

  it('refuses an empty index', () => {
    expect(thrown(() => selectWasmManifest(index())).data).toEqual({ platforms: [] });
  });
});

describe('requireWasip1', () => {
  it('passes preview1 platforms and names the others', () => {
    requireWasip1(p('wasi', 'wasm'));
    requireWasip1(p('wasip1', 'wasm'));
    expect(thrown(() => requireWasip1(p('linux', 'amd64'))).message).toBe('image is linux/amd64, not a wasi/wasm image');
    expect(thrown(() => requireWasip1(p('wasi', 'wasm', 'wasip2'))).message).toMatch(/preview2 component/);
  });
});
