// Shared by the peer hosts: output chunks joined into one array.

/** `chunks` (Uint8Arrays of `total` bytes in all) as one Uint8Array. */
export function concat(chunks, total) {
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
