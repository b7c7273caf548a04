import { describe, expect, it } from 'vitest';
import { fakeDigest } from './oci-fixtures.test-util.ts';
import {
  familiarName,
  familiarString,
  ImageReferenceError,
  parseReference,
  referenceName,
  referenceString,
  withDefaultTag,
} from './reference.ts';

const D = fakeDigest('a');

describe('parseReference', () => {
  // Expected values follow distribution/reference ParseNormalizedNamed (what `docker pull`/`docker run` do).
  it.each([
    ['alpine', 'docker.io', 'library/alpine', undefined, undefined],
    ['alpine:3.19', 'docker.io', 'library/alpine', '3.19', undefined],
    ['user/app', 'docker.io', 'user/app', undefined, undefined],
    ['docker.io/alpine', 'docker.io', 'library/alpine', undefined, undefined],
    ['index.docker.io/library/alpine:edge', 'docker.io', 'library/alpine', 'edge', undefined],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar', undefined, undefined],
    ['localhost/foo', 'localhost', 'foo', undefined, undefined],
    ['localhost:5000/foo/bar:1', 'localhost:5000', 'foo/bar', '1', undefined],
    ['127.0.0.1:5000/hello', '127.0.0.1:5000', 'hello', undefined, undefined],
    ['[::1]:5000/hello', '[::1]:5000', 'hello', undefined, undefined],
    ['ghcr.io/o/app@' + D, 'ghcr.io', 'o/app', undefined, D],
    ['ghcr.io/o/app:v1@' + D, 'ghcr.io', 'o/app', 'v1', D],
    ['Foo/bar', 'Foo', 'bar', undefined, undefined], // an uppercase first component is a domain
    ['foo:5000', 'docker.io', 'library/foo', '5000', undefined], // no slash: a tag, not a port
    ['a/b/c/d', 'docker.io', 'a/b/c/d', undefined, undefined],
    ['x/a__b.c-d---e/f_g', 'docker.io', 'x/a__b.c-d---e/f_g', undefined, undefined],
    ['x:_Tag.1-2', 'docker.io', 'library/x', '_Tag.1-2', undefined],
  ])('%s', (input, domain, path, tag, digest) => {
    const ref = parseReference(input);
    expect(ref).toEqual({ domain, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
  });

  it.each([
    ['', /empty/],
    ['Alpine', /must be lowercase/],
    ['user/App', /must be lowercase/],
    ['foo:bad tag', /tag "bad tag" is invalid/],
    ['foo:-x', /tag "-x" is invalid/],
    ['foo:.x', /tag ".x" is invalid/],
    [`foo:${'t'.repeat(129)}`, /tag .* is invalid/],
    ['foo:', /tag "" is invalid/],
    ['foo@sha256:abc', /digest "sha256:abc" is invalid/],
    [`foo@md5:${'a'.repeat(32)}`, /digest .* is invalid/],
    [`foo@${D}@${D}`, /digest .* is invalid/],
    ['a'.repeat(64).replace(/a/g, 'f'), /image ID/],
    ['a//b', /empty path component/],
    ['a/', /empty path component/],
    [':tag', /repository name is missing/],
    ['@' + D, /repository name is missing/],
    ['a___b', /component "a___b" is invalid/],
    ['a.-b', /component "a.-b" is invalid/],
    ['-a', /component "-a" is invalid/],
    ['foo:5000x/bar', /registry "foo:5000x" is not a valid host/],
    ['-bad.io/x', /registry "-bad.io"/],
    [`x.io/${'a'.repeat(251)}`, /longer than 255/],
    ['a'.repeat(2000), /longer than 1024/],
  ])('refuses %j', (input, problem) => {
    let error: unknown;
    try {
      parseReference(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageReferenceError);
    expect((error as ImageReferenceError).kind).toBe('InvalidArgument');
    expect((error as ImageReferenceError).message).toMatch(problem);
  });
});

describe('formatting', () => {
  it('adds latest only without tag or digest (TagNameOnly)', () => {
    expect(withDefaultTag(parseReference('alpine')).tag).toBe('latest');
    expect(withDefaultTag(parseReference('alpine:3')).tag).toBe('3');
    expect(withDefaultTag(parseReference(`alpine@${D}`)).tag).toBeUndefined();
  });

  it('prints the fully qualified and the familiar forms', () => {
    const ref = withDefaultTag(parseReference('alpine'));
    expect(referenceName(ref)).toBe('docker.io/library/alpine');
    expect(referenceString(ref)).toBe('docker.io/library/alpine:latest');
    expect(familiarString(ref)).toBe('alpine:latest');
    expect(familiarName(parseReference('user/app'))).toBe('user/app');
    expect(familiarName(parseReference('docker.io/library/foo/bar'))).toBe('library/foo/bar');
    expect(familiarString(parseReference(`localhost:5000/x:1@${D}`))).toBe(`localhost:5000/x:1@${D}`);
  });

  it('round-trips: the familiar and full forms parse back to the same reference', () => {
    for (const input of ['alpine', 'user/app:1', 'ghcr.io/o/app@' + D, 'localhost:5000/a/b:c']) {
      const ref = parseReference(input);
      expect(parseReference(familiarString(ref))).toEqual(ref);
      expect(parseReference(referenceString(ref))).toEqual(ref);
    }
  });
});
