/**
 * oci image-format-error: the one error for image content that is malformed or breaks the OCI / Docker rules
 * (bad JSON, wrong schemaVersion, bad digest, a blob that does not match its descriptor, …).
 *
 * The message starts with the JSON path of the offending field, e.g. `manifest.layers[2].digest: invalid digest …`,
 * and the same path is in `data.path`, so callers and tests need not parse the text. Kind InvalidArgument
 * (containerd errdefs: malformed content is an invalid argument, not a missing one).
 */
import { WasmboxError } from '../../shared/errors.ts';

export class ImageFormatError extends WasmboxError {
  /** `path` names the field ("manifest.layers[2].digest"); `problem` says what is wrong with it. */
  constructor(
    readonly path: string,
    problem: string,
    options: { cause?: unknown } = {},
  ) {
    super('InvalidArgument', `${path}: ${problem}`, { cause: options.cause, data: { path } });
  }
}

/** A short, safe rendering of an untrusted value for error messages (strings are cut to 80 characters). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
