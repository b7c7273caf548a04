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
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  /** CNCF TAG Runtime "wasm OCI artifact": a config of this type and one `application/wasm` layer. */
  wasmArtifactConfig: 'application/vnd.wasm.config.v0+json',
  wasmLayer: 'application/wasm',
} as const;
