/**
 * compression: layer blobs are sniffed by magic bytes, never trusted by media type (registries and tools mislabel
 * them: `../shared/notes/docker-api-and-registry.md` B.6). gzip goes through the platform's Compression Streams
 * (Node 20 and browsers both have `CompressionStream`/`DecompressionStream`); zstd, xz and bzip2 are refused clearly.
 *
 * Decompression is bounded: output is read chunk by chunk and the stream is cancelled the moment the total crosses
 * the cap, and input is fed in slices sized to the budget left, so a gzip bomb costs about the cap (at most twice
 * it) in memory, never its full expansion.
 * Platform difference: Node's DecompressionStream reads concatenated gzip members (pigz -i, eStargz); Chromium's
 * refuses anything after the first member ("Junk found after end of compressed data"), which we report as corrupt.
 * Compression is deterministic on one platform: the 10-byte gzip header is rewritten to fixed values (no name, mtime 0,
 * OS 255 "unknown", as Go's compress/gzip writes for Docker/containerd layers). The deflate bytes come from the
 * platform's zlib, so another zlib build may pick other (equally valid) bytes: the uncompressed digest (diff_id) is
 * the stable identity across platforms.
 * Must not: import node:* or Buffer.
 */
import { LayerFormatError } from './layer-entry.ts';

export type Compression = 'gzip' | 'none';

/**
 * Bytes fed to the transform per write. Chromium inflates a whole written chunk at once (up to ~1032x its size)
 * before we can read any of it; Node's zlib stream pauses when its output is not read. So the decompressor's slices
 * shrink with the budget left under the cap: one slice can never produce much more than the cap allows.
 */
const MAX_SLICE = 1024 * 1024;
const MIN_SLICE = 1024;
/** deflate cannot expand more than about 1032:1; a gzip ISIZE hint beyond that is a lie. */
const DEFLATE_MAX_RATIO = 1032;

/** Which compression `bytes` start with; throws LayerFormatError ('unsupported') for zstd, xz and bzip2. */
export function sniffCompression(bytes: Uint8Array): Compression {
  const b = bytes;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) {
    throw new LayerFormatError('zstd layers are not supported (recompress the image with gzip, or leave it plain)', {
      reason: 'unsupported',
    });
  }
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0) {
    throw new LayerFormatError('xz layers are not supported (only plain tar and gzip)', { reason: 'unsupported' });
  }
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) {
    throw new LayerFormatError('bzip2 layers are not supported (only plain tar and gzip)', { reason: 'unsupported' });
  }
  return 'none';
}

/**
 * Decompresses a whole gzip blob, failing with LayerFormatError as soon as the output would exceed `maxBytes`
 * ('too-large'), or if the stream is corrupt or truncated ('invalid').
 */
export async function gunzipBounded(input: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let length = 0;
  const feeding = feed(writer, input, () => (maxBytes - length) / DEFLATE_MAX_RATIO);
  feeding.catch(() => {}); // its failure also errors the readable side, which is where it is reported

  let out: Uint8Array = new Uint8Array(initialCapacity(input, maxBytes));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.length > maxBytes) {
        throw new LayerFormatError(
          `gzip layer expands past the limit of ${maxBytes} bytes (maxUncompressedBytes/maxExpansionRatio)`,
          { reason: 'too-large' },
        );
      }
      if (length + value.length > out.length) out = grow(out, length, length + value.length, maxBytes);
      out.set(value, length);
      length += value.length;
    }
  } catch (error) {
    void reader.cancel().catch(() => {});
    void writer.abort().catch(() => {});
    if (error instanceof LayerFormatError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LayerFormatError(`gzip stream is corrupt or truncated (${detail})`, { cause: error });
  }
  // A large unused tail would be kept alive as long as the layer is: copy down when it is worth it.
  return out.length - length > out.length / 8 ? out.slice(0, length) : out.subarray(0, length);
}

/** gzip with a fixed header: the same bytes in, the same bytes out (on one platform's zlib). */
export async function gzipDeterministic(input: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const feeding = feed(writer, input, () => MAX_SLICE);
  const [compressed] = await Promise.all([new Response(stream.readable).arrayBuffer(), feeding]);
  const out = new Uint8Array(compressed);
  // RFC 1952 2.3: ID1 ID2 CM FLG MTIME(4) XFL OS. With FLG 0 the header is exactly these 10 bytes.
  if (out.length < 18 || out[0] !== 0x1f || out[1] !== 0x8b || out[2] !== 8 || out[3] !== 0) {
    throw new Error('CompressionStream wrote an unexpected gzip header (FLG set?); cannot make it deterministic');
  }
  out.fill(0, 4, 8); // MTIME: none
  out[8] = 0; // XFL: no level hint
  out[9] = 0xff; // OS: unknown
  return out;
}

/** Writes `input` in slices of at most `budget()` bytes, waiting for room (`ready`) before each. */
async function feed(writer: WritableStreamDefaultWriter<BufferSource>, input: Uint8Array, budget: () => number): Promise<void> {
  // Compression streams refuse views of a SharedArrayBuffer (BufferSource excludes them): copy those slice by slice.
  const shared = typeof SharedArrayBuffer !== 'undefined' && input.buffer instanceof SharedArrayBuffer;
  for (let at = 0; at < input.length;) {
    await writer.ready;
    const end = Math.min(input.length, at + Math.max(MIN_SLICE, Math.min(MAX_SLICE, Math.floor(budget()))));
    const slice = shared ? input.slice(at, end) : input.subarray(at, end);
    void writer.write(slice as Uint8Array<ArrayBuffer>).catch(() => {});
    at = end;
  }
  await writer.close();
}

function initialCapacity(input: Uint8Array, maxBytes: number): number {
  // ISIZE (last 4 bytes) = uncompressed size mod 2^32 of the last member. Exact for ordinary layers; a hostile value
  // is clamped by the deflate ratio and the cap, so it can cost no more than honest output of the same input would.
  const n = input.length;
  const isize = n >= 18 ? (input[n - 4] | (input[n - 3] << 8) | (input[n - 2] << 16) | (input[n - 1] << 24)) >>> 0 : 0;
  const plausible = Math.min(maxBytes, n * DEFLATE_MAX_RATIO);
  return isize > 0 && isize <= plausible ? isize : Math.min(plausible, Math.max(64 * 1024, n * 4));
}

function grow(buffer: Uint8Array, used: number, needed: number, maxBytes: number): Uint8Array {
  const size = Math.min(maxBytes, Math.max(needed, buffer.length * 2));
  const next = new Uint8Array(size);
  next.set(buffer.subarray(0, used));
  return next;
}
