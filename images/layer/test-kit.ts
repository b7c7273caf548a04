/**
 * test kit (tests only): builds tar bytes member by member, including malformed ones the writer would never make —
 * bad checksums, hostile names, raw numeric fields, missing end markers. Independent of `write-layer.ts` on purpose,
 * so reader tests do not only test the writer's dialect.
 */
import { BLOCK, F, encodePaxRecords, writeChecksum, type FieldName } from './tar-format.ts';
import { concatBytes } from '../../shared/bytes.ts';

const encoder = new TextEncoder();

export interface RawMember {
  name: string;
  /** typeflag character (default '0'). */
  type?: string;
  mode?: number;
  mtime?: number;
  data?: Uint8Array | string;
  /** Size field value when it should differ from the data length. */
  size?: number;
  linkName?: string;
  prefix?: string;
  /** 'ustar' (POSIX, default), 'gnu' ("ustar  \0"), 'v7' (no magic). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** Raw bytes for fields, written after the others (before the checksum unless `badChecksum`). */
  raw?: Partial<Record<FieldName, Uint8Array | string>>;
  badChecksum?: boolean;
}

export function bytes(data: Uint8Array | string | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === 'string' ? encoder.encode(data) : data;
}

function put(block: Uint8Array, field: FieldName, value: Uint8Array | string): void {
  const [at, len] = F[field];
  const b = bytes(value);
  block.fill(0, at, at + len);
  block.set(b.subarray(0, len), at);
}

function octal(value: number, len: number): string {
  return value.toString(8).padStart(len - 1, '0') + '\0';
}

export function rawHeader(m: RawMember): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const data = bytes(m.data);
  put(block, 'name', m.name);
  put(block, 'mode', octal(m.mode ?? 0o644, 8));
  put(block, 'uid', octal(0, 8));
  put(block, 'gid', octal(0, 8));
  put(block, 'size', octal(m.size ?? data.length, 12));
  put(block, 'mtime', octal(m.mtime ?? 1_700_000_000, 12));
  block[156] = (m.type ?? '0').charCodeAt(0);
  if (m.linkName !== undefined) put(block, 'linkname', m.linkName);
  const magic = m.magic ?? 'ustar';
  if (magic === 'ustar') {
    put(block, 'magic', 'ustar\0');
    put(block, 'version', '00');
  } else if (magic === 'gnu') {
    put(block, 'magic', 'ustar ');
    put(block, 'version', ' \0');
  }
  if (m.prefix !== undefined) put(block, 'prefix', m.prefix);
  const raw = m.raw ?? {};
  for (const field of Object.keys(raw) as FieldName[]) put(block, field, raw[field]!);
  writeChecksum(block);
  if (m.badChecksum) block[148] = block[148] === 0x37 ? 0x36 : 0x37;
  return block;
}

/** Header + data + padding. */
export function rawMember(m: RawMember): Uint8Array {
  const data = bytes(m.data);
  const padded = Math.ceil(data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(BLOCK + padded);
  out.set(rawHeader(m), 0);
  out.set(data, BLOCK);
  return out;
}

/** A pax extended header member ('x', or 'g' for global). */
export function paxMember(records: Record<string, string>, type: 'x' | 'g' = 'x'): RawMember {
  return { name: 'PaxHeaders/x', type, data: encodePaxRecords(Object.entries(records)) };
}

/** A GNU long name ('L') or long link name ('K') member. */
export function gnuLong(name: string, type: 'L' | 'K' = 'L'): RawMember {
  return { name: '././@LongLink', type, magic: 'gnu', data: `${name}\0` };
}

/** Concatenates members (RawMember or ready bytes) and, unless `end: false`, the two zero blocks. */
export function rawTar(members: Array<RawMember | Uint8Array>, options: { end?: boolean } = {}): Uint8Array {
  const parts = members.map((m) => (m instanceof Uint8Array ? m : rawMember(m)));
  if (options.end !== false) parts.push(new Uint8Array(2 * BLOCK));
  return concatBytes(parts);
}

/** gzip with the platform's CompressionStream (tests only; the product uses `gzipDeterministic`). */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function text(tar: Uint8Array, entry: { dataOffset: number; size: number }): string {
  return new TextDecoder().decode(tar.subarray(entry.dataOffset, entry.dataOffset + entry.size));
}

/** Byte equality without vitest's slow element-by-element diff of large typed arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
