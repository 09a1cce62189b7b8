/**
 * The record of every collection: when it started, how long it paused the program (monotonic
 * high-resolution clock), which generation, what it examined and freed. Columns are typed arrays
 * so a run with many thousands of collections costs no object per collection and ships as is.
 */

export interface PauseSummary {
  readonly count: number;
  readonly totalMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Objects examined, summed and at most in one collection (a deterministic cost measure). */
  readonly visitedTotal: number;
  readonly visitedMax: number;
  /** Objects freed per object examined, over all collections. */
  readonly collectedPerVisited: number;
}

/** Bucket upper bounds of the pause histogram, in milliseconds (the last bucket is open). */
export const PAUSE_BUCKETS_MS: readonly number[] = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000];

export class PauseLog {
  count = 0;
  generation = new Int8Array(64);
  startMs = new Float64Array(64);
  durationMs = new Float64Array(64);
  /** Objects examined: candidates plus objects marked. */
  visited = new Float64Array(64);
  /**
   * Of those, objects marked reachable without a collection (the incremental collector's marking
   * from the roots; 0 for the generational one). A pause with candidates 0 is a marking step only.
   */
  marked = new Float64Array(64);
  collected = new Float64Array(64);
  uncollectable = new Float64Array(64);
  /** References the collection followed (subtract_refs, the incremental marking): a cost driver beside the objects. */
  references = new Float64Array(64);
  /** Weakref callbacks and finalizers the collection ran (Python code inside the pause). */
  finalizers = new Float64Array(64);
  /** pymalloc pools in use when the collection ended: the memory its walk touched spreads over them. */
  pools = new Float64Array(64);

  record(generation: number, startMs: number, durationMs: number, candidates: number, marked: number, collected: number, uncollectable: number, references = 0, finalizers = 0, pools = 0): void {
    if (this.count === this.generation.length) this.grow();
    const i = this.count++;
    this.generation[i] = generation;
    this.startMs[i] = startMs;
    this.durationMs[i] = durationMs;
    this.visited[i] = candidates + marked;
    this.marked[i] = marked;
    this.collected[i] = collected;
    this.uncollectable[i] = uncollectable;
    this.references[i] = references;
    this.finalizers[i] = finalizers;
    this.pools[i] = pools;
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const n = this.generation.length * 2;
    const g = new Int8Array(n);
    g.set(this.generation);
    this.generation = g;
    for (const key of ['startMs', 'durationMs', 'visited', 'marked', 'collected', 'uncollectable', 'references', 'finalizers', 'pools'] as const) {
      const a = new Float64Array(n);
      a.set(this[key]);
      this[key] = a;
    }
  }

  /** Percentiles, maximum and totals, optionally for one generation only. */
  summary(generation?: number): PauseSummary {
    const durations: number[] = [];
    let visitedTotal = 0;
    let visitedMax = 0;
    let collected = 0;
    for (let i = 0; i < this.count; i++) {
      if (generation !== undefined && this.generation[i] !== generation) continue;
      durations.push(this.durationMs[i]);
      visitedTotal += this.visited[i];
      visitedMax = Math.max(visitedMax, this.visited[i]);
      collected += this.collected[i];
    }
    durations.sort((a, b) => a - b);
    const total = durations.reduce((a, b) => a + b, 0);
    return {
      count: durations.length,
      totalMs: total,
      p50Ms: percentile(durations, 0.5),
      p90Ms: percentile(durations, 0.9),
      p99Ms: percentile(durations, 0.99),
      maxMs: durations.length === 0 ? 0 : durations[durations.length - 1],
      visitedTotal,
      visitedMax,
      collectedPerVisited: visitedTotal === 0 ? 0 : collected / visitedTotal,
    };
  }

  /** Counts of pauses per bucket of PAUSE_BUCKETS_MS (one more bucket for longer pauses). */
  histogram(): number[] {
    const counts = new Array<number>(PAUSE_BUCKETS_MS.length + 1).fill(0);
    for (let i = 0; i < this.count; i++) {
      let b = 0;
      while (b < PAUSE_BUCKETS_MS.length && this.durationMs[i] > PAUSE_BUCKETS_MS[b]) b++;
      counts[b]++;
    }
    return counts;
  }

  /**
   * Minimum mutator utilisation: over every window of `windowMs` inside [runStartMs, runEndMs],
   * the smallest fraction of the window not spent in collections. The worst window starts at a
   * pause's start or ends at a pause's end, so only those windows are checked. Pauses are in
   * time order and do not overlap, so the GC time in a window is found by binary search.
   */
  minimumMutatorUtilisation(windowMs: number, runStartMs: number, runEndMs: number): number {
    if (!(windowMs > 0)) throw new RangeError('the MMU window must be positive');
    const n = this.count;
    const ends = new Float64Array(n);
    const before = new Float64Array(n + 1); // GC time of pauses 0..i-1
    for (let i = 0; i < n; i++) {
      ends[i] = this.startMs[i] + this.durationMs[i];
      before[i + 1] = before[i] + this.durationMs[i];
    }
    const gcTimeIn = (from: number, to: number): number => {
      // Pauses i with ends[i] > from, up to those with start < to.
      const lo = firstAbove(ends, n, from);
      const hi = firstAtOrAbove(this.startMs, n, to);
      if (hi <= lo) return 0;
      let t = before[hi] - before[lo];
      t -= Math.max(0, from - this.startMs[lo]);
      t -= Math.max(0, ends[hi - 1] - to);
      return Math.max(0, t);
    };
    const span = runEndMs - runStartMs;
    if (span <= windowMs) return n === 0 ? 1 : Math.max(0, 1 - gcTimeIn(runStartMs, runEndMs) / Math.max(span, 1e-9));
    let worst = 1;
    for (let i = 0; i < n; i++) {
      for (let from of [this.startMs[i], ends[i] - windowMs]) {
        from = Math.min(Math.max(from, runStartMs), runEndMs - windowMs);
        worst = Math.min(worst, 1 - gcTimeIn(from, from + windowMs) / windowMs);
      }
    }
    return Math.max(0, worst);
  }
}

/** First index i < n with a[i] > x (a sorted ascending), or n. */
function firstAbove(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index i < n with a[i] >= x (a sorted ascending), or n. */
function firstAtOrAbove(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Nearest-rank percentile of sorted values (0 when empty). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}
