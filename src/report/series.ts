/**
 * Long series made short enough to chart: a report stays small whatever the run's length, and
 * what a reader looks for (peaks, the longest pauses) survives the thinning.
 */

/** Most points a time series keeps per chart. */
export const MAX_SERIES_POINTS = 240;
/** Most pauses the collections timeline draws one by one. */
export const MAX_TIMELINE_POINTS = 400;

/**
 * Indices of the samples to keep: all when there are few; otherwise, for each of about
 * `maxPoints / 2` equal runs of samples, the one where `key` is lowest and the one where it is
 * highest (in time order), with the first and last samples. Peaks and troughs stay.
 */
export function minMaxIndices(key: ArrayLike<number>, maxPoints = MAX_SERIES_POINTS): number[] {
  const n = key.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (key[i] < key[lo]) lo = i;
      if (key[i] > key[hi]) hi = i;
    }
    keep.add(lo).add(hi);
  }
  return [...keep].sort((a, b) => a - b);
}

export interface Pause {
  readonly startMs: number;
  readonly ms: number;
  readonly generation: number;
  readonly visited: number;
}

/**
 * The pauses a timeline draws: all when there are few; otherwise, per generation and per time
 * bucket, the longest one (with how many it stands for), so the worst pauses are all there.
 */
export function thinPauses(pauses: readonly Pause[], maxPoints = MAX_TIMELINE_POINTS): { pauses: (Pause & { count: number })[]; thinned: boolean } {
  if (pauses.length <= maxPoints) return { pauses: pauses.map((p) => ({ ...p, count: 1 })), thinned: false };
  const end = Math.max(...pauses.map((p) => p.startMs), 1e-9);
  const generations = new Set(pauses.map((p) => p.generation)).size;
  const buckets = Math.max(1, Math.floor(maxPoints / generations));
  const best = new Map<string, Pause & { count: number }>();
  for (const p of pauses) {
    const key = `${p.generation}:${Math.min(buckets - 1, Math.floor((p.startMs / end) * buckets))}`;
    const held = best.get(key);
    if (!held) best.set(key, { ...p, count: 1 });
    else best.set(key, p.ms > held.ms ? { ...p, count: held.count + 1 } : { ...held, count: held.count + 1 });
  }
  return { pauses: [...best.values()].sort((a, b) => a.startMs - b.startMs), thinned: true };
}

/** A byte unit that suits values up to `max`: its divisor and its name. */
export function byteUnit(max: number): { readonly divisor: number; readonly name: string } {
  if (max >= 2 ** 30) return { divisor: 2 ** 30, name: 'GiB' };
  if (max >= 2 ** 20) return { divisor: 2 ** 20, name: 'MiB' };
  if (max >= 2 ** 10) return { divisor: 2 ** 10, name: 'KiB' };
  return { divisor: 1, name: 'B' };
}

/** A number rounded to what a chart can show (keeps the inline data, and so the file, small). */
export function round(value: number, digits = 4): number {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : value;
}
