/**
 * cli units: Docker-style sizes (`64m`, `1g`, `512k`, `1048576`) and durations (`10s`, `500ms`, `2m`, `1.5s`).
 * Sizes use binary multiples as Docker's `--memory` does. A bare duration number means seconds.
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
