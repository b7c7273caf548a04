/**
 * shared bytes: joining byte arrays, for code on both sides of the runtime/images split (tar writing, batched
 * guest output).
 */

/** `parts` as one new array (the parts are copied; none is returned as is). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
