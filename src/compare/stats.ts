/**
 * The statistics `gclab compare` rests on, pure and separately tested: the Mann-Whitney U test
 * (timings are skewed, so a rank test rather than a t-test), a bootstrap confidence interval of the
 * ratio of medians with a seeded PRNG (the same inputs give the same interval on every run),
 * Holm's step-down adjustment for testing many pairs at once, and the geometric mean.
 */

/** A small seeded PRNG (mulberry32): uniform in [0, 1), reproducible from its 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The median of `values` (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  return medianInPlace(Float64Array.from(values));
}

/** The median by selection (expected linear time); reorders `xs`. */
function medianInPlace(xs: Float64Array): number {
  const n = xs.length;
  const upper = selectInPlace(xs, n >> 1);
  if (n % 2 === 1) return upper;
  // After selecting rank n/2, the lower half holds everything up to it: its maximum is rank n/2 - 1.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (xs[i] > lower) lower = xs[i];
  return (lower + upper) / 2;
}

/** Hoare's selection: the k-th smallest of `xs` (0-based), leaving smaller ones before it. */
function selectInPlace(xs: Float64Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi > lo) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k];
  }
  return xs[k];
}

/** The complementary error function; fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Two-sided tail probability of a standard normal beyond |z|. */
function normalTwoSided(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Sample sizes up to this product, without ties, get the exact null distribution of U (a few
 * million multiply-adds at most); beyond it the normal approximation is accurate to well under
 * the precision a p-value needs.
 */
export const EXACT_U_LIMIT = 2500;

export interface MannWhitney {
  /** U of the second sample: pairs (a, b) with b > a, ties counted one half. */
  readonly u: number;
  readonly n1: number;
  readonly n2: number;
  /** U / (n1 n2): the probability that a value of the second sample exceeds one of the first. */
  readonly probabilityGreater: number;
  /** Two-sided p-value of "both samples come from the same distribution". */
  readonly p: number;
  readonly method: 'exact' | 'normal';
}

/**
 * The two-sided Mann-Whitney U test of `a` against `b`. Without ties and with n1 n2 up to
 * EXACT_U_LIMIT the p-value is exact (the normal approximation is conservative for small samples:
 * with 5 against 5 it cannot go below 0.012, while the exact test reaches 0.008); otherwise the
 * normal approximation with the tie-corrected variance and a continuity correction.
 */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU needs at least one value in each sample');
  const all = new Array<{ value: number; second: boolean }>(n1 + n2);
  for (let i = 0; i < n1; i++) all[i] = { value: a[i], second: false };
  for (let j = 0; j < n2; j++) all[n1 + j] = { value: b[j], second: true };
  all.sort((x, y) => x.value - y.value);
  // Mid-ranks for ties; the sum of (t^3 - t) over tie groups corrects the variance.
  let rankSumSecond = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].value === all[i].value) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (all[k].second) rankSumSecond += rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumSecond - (n2 * (n2 + 1)) / 2;
  const mn = n1 * n2;
  const probabilityGreater = u / mn;
  if (tieTerm === 0 && mn <= EXACT_U_LIMIT) {
    const dist = exactUDistribution(n1, n2);
    let below = 0;
    for (let k = 0; k <= u; k++) below += dist[k];
    let above = 0;
    for (let k = u; k <= mn; k++) above += dist[k];
    return { u, n1, n2, probabilityGreater, p: Math.min(1, 2 * Math.min(below, above)), method: 'exact' };
  }
  const n = n1 + n2;
  const variance = (mn / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, n1, n2, probabilityGreater, p: 1, method: 'normal' };
  const distance = Math.max(0, Math.abs(u - mn / 2) - 0.5);
  return { u, n1, n2, probabilityGreater, p: normalTwoSided(distance / Math.sqrt(variance)), method: 'normal' };
}

/**
 * The null distribution of U for samples of m and n (every interleaving equally likely):
 * P[u] for u = 0 … mn. The largest value belongs to the second sample with probability n/(m+n),
 * and then exceeds all m values of the first; otherwise it adds nothing. Probabilities, not
 * counts, so nothing overflows.
 */
export function exactUDistribution(m: number, n: number): Float64Array {
  // prev[j]: the distribution for (i - 1, j); cur[j]: for (i, j).
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const withSecondLargest = cur[j - 1];
      const withFirstLargest = prev[j];
      const pSecond = j / (i + j);
      const pFirst = i / (i + j);
      const dist = new Float64Array(i * j + 1);
      for (let u = 0; u < withFirstLargest.length; u++) dist[u] = pFirst * withFirstLargest[u];
      for (let u = 0; u < withSecondLargest.length; u++) dist[u + i] += pSecond * withSecondLargest[u];
      cur.push(dist);
    }
    prev = cur;
  }
  return prev[n];
}

/** The smallest two-sided p-value the test can give for samples of m and n (no ties). */
export function smallestAttainableP(m: number, n: number): number {
  if (m === 0 || n === 0) return 1;
  const mn = m * n;
  if (mn <= EXACT_U_LIMIT) {
    // Both extremes have probability 1 / C(m+n, m).
    let logChoose = 0;
    for (let k = 1; k <= Math.min(m, n); k++) logChoose += Math.log((Math.max(m, n) + k) / k);
    return Math.min(1, 2 * Math.exp(-logChoose));
  }
  const sd = Math.sqrt((mn * (m + n + 1)) / 12);
  return normalTwoSided((mn / 2 - 0.5) / sd);
}

export interface RatioInterval {
  /** median(b) / median(a). */
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  readonly resamples: number;
  /** Coverage of the interval, e.g. 0.95. */
  readonly level: number;
  readonly seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2000, level: 0.95, seed: 20_240_601 };

/**
 * The ratio of medians median(b) / median(a) with a percentile bootstrap interval: both samples
 * resampled with replacement, independently, `resamples` times. Seeded, so reproducible.
 */
export function bootstrapRatioOfMedians(a: ArrayLike<number>, b: ArrayLike<number>, options: BootstrapOptions = DEFAULT_BOOTSTRAP): RatioInterval {
  if (a.length === 0 || b.length === 0) throw new RangeError('bootstrapRatioOfMedians needs at least one value in each sample');
  const random = seededRandom(options.seed);
  const scratchA = new Float64Array(a.length);
  const scratchB = new Float64Array(b.length);
  const resample = (from: ArrayLike<number>, into: Float64Array): number => {
    for (let i = 0; i < into.length; i++) into[i] = from[Math.floor(random() * from.length)];
    return medianInPlace(into);
  };
  const ratios = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) ratios[r] = resample(b, scratchB) / resample(a, scratchA);
  ratios.sort();
  const tail = (1 - options.level) / 2;
  return { ratio: median(b) / median(a), low: quantileSorted(ratios, tail), high: quantileSorted(ratios, 1 - tail) };
}

/** The q-quantile of sorted values, interpolating between neighbours. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Holm's step-down adjustment: p-values of many tests made comparable to one alpha, keeping the
 * chance of any false positive among them below alpha whatever their dependence.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const k = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(k);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** The geometric mean of positive values; NaN when there are none. */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) {
    if (!(v > 0)) throw new RangeError(`geometricMean takes positive values, got ${v}`);
    sum += Math.log(v);
  }
  return Math.exp(sum / values.length);
}
