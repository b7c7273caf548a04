// bench stats: medians, ratios and number formatting shared by the child runner and the report.

/** Median of a list of numbers (NaN for an empty list). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { median, min, max, n } of a list of milliseconds. */
export function summarize(values) {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/** Milliseconds with a precision that suits their size: 0.84 ms, 12.3 ms, 1234 ms. */
export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function fmtRatio(ratio) {
  if (!Number.isFinite(ratio)) return '?';
  return ratio < 10 ? `${ratio.toFixed(2)}×` : `${ratio.toFixed(1)}×`;
}

export function fmtRate(perSecond) {
  return `${Math.round(perSecond)}/s`;
}
