/** Display formats for the image list. */

/** Sizes as `docker images` shows them: decimal units, three significant digits. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toPrecision(3)} ${units[unit]}`;
}

/**
 * An image's `created` (RFC 3339) as a UTC date and time, the same in every time zone. Reproducible builds
 * (SOURCE_DATE_EPOCH=0, the default of `wasmbox build`) carry the epoch, which means "no date", and say so.
 */
export function formatCreated(created: string | undefined): string {
  if (!created) return 'unknown';
  const date = new Date(created);
  if (Number.isNaN(date.getTime())) return created;
  if (date.getTime() === 0) return 'no date (reproducible build)';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
