/**
 * oci descriptor: a typed pointer to a blob (OCI image-spec descriptor.md): media type, digest, size, and optional
 * platform / annotations. Every reference between images, manifests, configs and layers is a descriptor.
 */
import type { Digest } from './digest.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}
