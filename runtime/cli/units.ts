/**
 * cli units: Docker-style sizes (`64m`, `1g`, `512k`, `1048576`) and durations (`10s`, `500ms`, `2m`, `1.5s`).
 * Sizes use binary multiples as Docker's `--memory` does. A bare duration number means seconds.
 * Output: docker's human sizes (`units.HumanSize`) and durations (`units.HumanDuration` + " ago").
 */
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, '': 1000 };

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)(?:i?b)?$/i.exec(text.trim());
  const value = match ? Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()] : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`invalid size "${text}": use a number with an optional unit b, k, m or g (e.g. 64m)`);
  }
  return Math.floor(value);
}

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  const value = match ? Number(match[1]) * DURATION_UNITS[(match[2] ?? '').toLowerCase()] : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`invalid duration "${text}": use a number with an optional unit ms, s, m or h (e.g. 10s)`);
  }
  return value;
}

/** docker's units.HumanSize: decimal units, 4 significant digits (`144B`, `1.234kB`, `12.5MB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${Number(value.toPrecision(4))}${units[i]}`;
}

/** docker's units.HumanDuration + " ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.round(s / 60);
  const h = Math.round(s / 3600);
  const d = Math.floor(h / 24);
  let text: string;
  if (s < 1) text = 'Less than a second';
  else if (s === 1) text = '1 second';
  else if (s < 60) text = `${s} seconds`;
  else if (m === 1) text = 'About a minute';
  else if (m < 60) text = `${m} minutes`;
  else if (h === 1) text = 'About an hour';
  else if (h < 48) text = `${h} hours`;
  else if (h < 24 * 7 * 2) text = `${d} days`;
  else if (h < 24 * 30 * 2) text = `${Math.floor(h / 24 / 7)} weeks`;
  else if (h < 24 * 365 * 2) text = `${Math.floor(h / 24 / 30)} months`;
  else text = `${Math.floor(h / 24 / 365)} years`;
  return `${text} ago`;
}
