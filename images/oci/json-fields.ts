/**
 * oci json-fields: decode untrusted JSON bytes and read typed fields from them, each failure an ImageFormatError
 * naming the field's path ("manifest.layers[2].size").
 *
 * Order of defence: the byte length is capped before decoding, bytes must be valid UTF-8, then JSON.parse; arrays
 * and maps are counted against a cap before their elements are read. Maps are rebuilt with Object.fromEntries, so a
 * `"__proto__"` key stays a plain key. `null` counts as absent for optional fields: Go's encoding/json writes nil
 * slices and maps as `null` (Docker configs carry `"Cmd": null`, `"Labels": null`).
 * This module never returns `any`: every value leaves it checked and typed.
 */
import { ImageFormatError, show } from './image-format-error.ts';

export type JsonObject = Record<string, unknown>;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Image JSON nests 5 levels at most (config.config.ExposedPorts["80/tcp"]); anything far deeper is hostile. */
export const MAX_JSON_DEPTH = 32;

/** Decodes `bytes` as one JSON object; `what` names it in errors ("manifest"). */
export function decodeJsonObject(bytes: Uint8Array, what: string, maxBytes: number): JsonObject {
  if (!(bytes instanceof Uint8Array)) throw new ImageFormatError(what, 'expected bytes (a Uint8Array)');
  if (bytes.byteLength > maxBytes) {
    throw new ImageFormatError(what, `${bytes.byteLength} bytes is over the limit of ${maxBytes} bytes`);
  }
  const depth = nestingDepth(bytes, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) throw new ImageFormatError(what, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (cause) {
    throw new ImageFormatError(what, 'not valid UTF-8', { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // SyntaxError for bad JSON; RangeError if nesting is deep enough to exhaust the parser.
    throw new ImageFormatError(what, `malformed JSON (${(cause as Error).message})`, { cause });
  }
  return object(value, what);
}

/**
 * The deepest `[`/`{` nesting in JSON bytes (outside strings), scanning no further than one level past `limit`.
 * Linear and allocation-free, so a 4 MiB `[[[[…` costs a scan instead of a million-level parse.
 */
function nestingDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > limit) return depth;
    } else if (b === 0x5d || b === 0x7d) {
      depth--;
    }
  }
  return depth;
}

export function object(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImageFormatError(path, `expected an object, got ${show(value)}`);
  }
  return value as JsonObject;
}

export function optionalObject(o: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = o[key];
  return value === undefined || value === null ? undefined : object(value, `${path}.${key}`);
}

export function string(o: JsonObject, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ImageFormatError(`${path}.${key}`, `expected a string, got ${show(value)}`);
  return value;
}

export function optionalString(o: JsonObject, key: string, path: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : string(o, key, path);
}

export function optionalBoolean(o: JsonObject, key: string, path: string): boolean | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ImageFormatError(`${path}.${key}`, `expected true or false, got ${show(value)}`);
  return value;
}

/** A byte count: a non-negative integer that a double holds exactly. */
export function size(o: JsonObject, key: string, path: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ImageFormatError(`${path}.${key}`, `expected a non-negative integer size, got ${show(value)}`);
  }
  return value;
}

/** A required array of at most `max` elements, each read by `item` with its own path (`path.key[i]`). */
export function array<T>(o: JsonObject, key: string, path: string, max: number, item: (v: unknown, p: string) => T): T[] {
  const value = o[key];
  const at = `${path}.${key}`;
  if (!Array.isArray(value)) throw new ImageFormatError(at, `expected an array, got ${show(value)}`);
  if (value.length > max) throw new ImageFormatError(at, `${value.length} entries is over the limit of ${max}`);
  return value.map((v, i) => item(v, `${at}[${i}]`));
}

export function optionalArray<T>(
  o: JsonObject,
  key: string,
  path: string,
  max: number,
  item: (v: unknown, p: string) => T,
): T[] | undefined {
  return o[key] === undefined || o[key] === null ? undefined : array(o, key, path, max, item);
}

export function stringItem(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ImageFormatError(path, `expected a string, got ${show(value)}`);
  return value;
}

/** A string that may reach a guest through argv or environ (NUL-terminated there), so NUL is refused. */
export function argItem(value: unknown, path: string): string {
  const s = stringItem(value, path);
  if (s.includes('\0')) throw new ImageFormatError(path, 'contains a NUL character');
  return s;
}

/** An optional `{ "key": "value" }` map of at most `max` entries (annotations, labels). */
export function optionalStringMap(o: JsonObject, key: string, path: string, max: number): Record<string, string> | undefined {
  const map = optionalObject(o, key, path);
  if (map === undefined) return undefined;
  const entries = Object.entries(map);
  if (entries.length > max) throw new ImageFormatError(`${path}.${key}`, `${entries.length} entries is over the limit of ${max}`);
  return Object.fromEntries(entries.map(([k, v]) => [k, stringItem(v, `${path}.${key}[${JSON.stringify(k)}]`)]));
}

/** An optional set written as `{ "80/tcp": {} }` (ExposedPorts, Volumes); member values must be objects. */
export function optionalSet(o: JsonObject, key: string, path: string, max: number): Record<string, Record<string, never>> | undefined {
  const map = optionalObject(o, key, path);
  if (map === undefined) return undefined;
  const keys = Object.keys(map);
  if (keys.length > max) throw new ImageFormatError(`${path}.${key}`, `${keys.length} entries is over the limit of ${max}`);
  return Object.fromEntries(
    keys.map((k) => {
      object(map[k], `${path}.${key}[${JSON.stringify(k)}]`);
      return [k, {} as Record<string, never>];
    }),
  );
}
