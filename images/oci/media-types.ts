/**
 * oci media-types: every media type wasmbox reads or writes. Read: OCI, Docker schema 2 and the CNCF wasm artifact.
 * Written: OCI only (Docker's types are accepted on input, as containerd does).
 */
export const MEDIA_TYPE = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  /** OCI 1.1 "empty descriptor" (`{}`), the config of artifacts that have none. */
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  /** Docker schema 1 (deprecated, unsigned and signed): recognised only to refuse it with a clear message. */
  dockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  /** CNCF TAG Runtime "wasm OCI artifact": a config of this type and one `application/wasm` layer. */
  wasmArtifactConfig: 'application/vnd.wasm.config.v0+json',
  wasmLayer: 'application/wasm',
  /** `artifactType` of wasm artifacts: a core module (wasip1) or a component (wasip2). */
  wasmModuleArtifact: 'application/vnd.wasm.module.v1+wasm',
  wasmComponentArtifact: 'application/vnd.wasm.component.v1+wasm',
} as const;

export type IndexMediaType = typeof MEDIA_TYPE.ociIndex | typeof MEDIA_TYPE.dockerManifestList;
export type ManifestMediaType = typeof MEDIA_TYPE.ociManifest | typeof MEDIA_TYPE.dockerManifest;

export function isIndexMediaType(mediaType: string | undefined): mediaType is IndexMediaType {
  return mediaType === MEDIA_TYPE.ociIndex || mediaType === MEDIA_TYPE.dockerManifestList;
}

export function isManifestMediaType(mediaType: string | undefined): mediaType is ManifestMediaType {
  return mediaType === MEDIA_TYPE.ociManifest || mediaType === MEDIA_TYPE.dockerManifest;
}

/** Config media types whose blob is an image config (os, architecture, config, rootfs). */
export function isImageConfigMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA_TYPE.ociConfig || mediaType === MEDIA_TYPE.dockerConfig;
}

// Layer types whose blob is a tar archive, plain or compressed (containerd images/mediatypes.go lists the same,
// including the deprecated OCI non-distributable and Docker foreign layers). The compression of the bytes is sniffed
// by magic number when the layer is read, never taken from the type: media types lie in the wild.
const TAR_LAYERS: ReadonlySet<string> = new Set([
  MEDIA_TYPE.ociLayer,
  MEDIA_TYPE.ociLayerGzip,
  MEDIA_TYPE.ociLayerZstd,
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  MEDIA_TYPE.dockerLayerGzip,
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

/** True for a layer whose blob is a (possibly compressed) tar of filesystem changes. */
export function isTarLayerMediaType(mediaType: string): boolean {
  return TAR_LAYERS.has(mediaType);
}

// RFC 6838 type/subtype, as the OCI descriptor JSON schema checks it (image-spec schema/defs-descriptor.json).
const MEDIA_TYPE_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export function isMediaTypeSyntax(value: string): boolean {
  return MEDIA_TYPE_SYNTAX.test(value);
}
