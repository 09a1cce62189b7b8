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

/** A count in at most 5 characters: 950, 12.3k, 1.01M. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1e4) return String(Math.round(n));
  if (abs < 1e6) return `${(n / 1e3).toFixed(abs < 1e5 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(abs < 1e7 ? 2 : 1)}M`;
}

/** A ratio of two figures: `0.71x`, or `1/1,250` when it is below 0.01 (decimals would hide it). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  if (ratio > 0 && ratio < 0.01) return `1/${Math.round(1 / ratio).toLocaleString('en')}`;
  return `${ratio.toFixed(2)}x`;
}
