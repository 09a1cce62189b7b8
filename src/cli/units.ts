/** Figures in units people read: bytes as B/KiB/MiB/GiB, times as ns/µs/ms/s. */

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  // A mean (bytes per item) keeps one decimal; a count of bytes prints as it is.
  if (abs < 1024) return Number.isInteger(bytes) ? `${bytes} B` : `${bytes.toFixed(1)} B`;
  if (abs < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (abs < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (abs < 1e9) return `${(ns / 1e6).toFixed(1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A ratio of two figures: two decimals, or two significant digits when it is below 0.1. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  return `${ratio !== 0 && Math.abs(ratio) < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}x`;
}
