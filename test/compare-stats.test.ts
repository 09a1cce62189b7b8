// The statistics behind `gclab compare`, on examples worked by hand: the Mann-Whitney U test
// (exact and normal with ties), the bootstrap interval of a ratio of medians (reproducible, and
// covering the true ratio about 95 % of the time), Holm's adjustment, the geometric mean.
import { describe, expect, it } from 'vitest';
import {
  bootstrapRatioOfMedians,
  erfc,
  exactUDistribution,
  geometricMean,
  holmAdjust,
  mannWhitneyU,
  median,
  seededRandom,
  smallestAttainableP,
} from '../src/compare/stats.js';

/** erf by its Taylor series: an independent check of erfc. */
function erfSeries(x: number): number {
  let sum = 0;
  let power = x;
  let factorial = 1;
  for (let n = 0; n < 120; n++) {
    if (n > 0) {
      power *= x * x;
      factorial *= n;
    }
    sum += ((n % 2 === 0 ? 1 : -1) * power) / (factorial * (2 * n + 1));
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Standard normal draws (Box-Muller) from the seeded generator. */
function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const logNormal = (random: () => number, n: number, medianValue: number, sigma: number): number[] =>
  Array.from({ length: n }, () => medianValue * Math.exp(sigma * normal(random)));

describe('Mann-Whitney U', () => {
  it('exact p-value of a small sample without ties', () => {
    // a = [20, 11, 17, 12], b = [19, 22, 16, 29, 24]. Pairs with b > a: 19 beats 11, 12, 17 (3);
    // 22, 29, 24 beat all four (12); 16 beats 11, 12 (2): U = 17 of 20.
    // P(U >= 17) = P(20 - U <= 3): the interleavings with 0, 1, 2 or 3 inversions are the
    // partitions of 0..3 into at most 4 parts of at most 5: 1 + 1 + 2 + 3 = 7 of C(9, 4) = 126.
    const r = mannWhitneyU([20, 11, 17, 12], [19, 22, 16, 29, 24]);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(17);
    expect(r.probabilityGreater).toBe(17 / 20);
    expect(r.p).toBeCloseTo(14 / 126, 12);
    // The test is symmetric: swapping the samples gives U' = 20 - 17 and the same p.
    const swapped = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(swapped.u).toBe(3);
    expect(swapped.p).toBeCloseTo(r.p, 12);
  });

  it('normal approximation with tied values: mid-ranks and the tie-corrected variance', () => {
    // Sorted: 1(a) 2(a) 2(a) 2(b) 3(a) 3(b) 4(b) 5(b) 6(b). The three 2s share rank 3, the two
    // 3s rank 5.5: b's rank sum 3 + 5.5 + 7 + 8 + 9 = 32.5, U = 32.5 - 5*6/2 = 17.5.
    // Variance (20/12) (10 - (3^3 - 3 + 2^3 - 2) / (9*8)) = (5/3)(10 - 30/72);
    // z = (17.5 - 10 - 0.5) / sqrt(variance), p = erfc(z / sqrt 2).
    const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5, 6]);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(17.5);
    const z = 7 / Math.sqrt((5 / 3) * (10 - 30 / 72));
    expect(r.p).toBeCloseTo(1 - erfSeries(z / Math.SQRT2), 6);
  });

  it('every value tied: no evidence of a difference', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5]).p).toBe(1);
  });

  it('5 against 5 fully separated reaches p = 2/252 (the normal approximation could not go below 0.012)', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(2 / 252, 12);
    expect(smallestAttainableP(5, 5)).toBeCloseTo(2 / 252, 12);
    expect(smallestAttainableP(1, 1)).toBe(1);
  });

  it('the exact null distribution: U counts inversions of interleavings', () => {
    // m = n = 2: the 6 interleavings have U = 0, 1, 2, 2, 3, 4.
    expect(Array.from(exactUDistribution(2, 2))).toEqual([1 / 6, 1 / 6, 2 / 6, 1 / 6, 1 / 6].map((x) => expect.closeTo(x, 14)));
    const d = exactUDistribution(12, 17);
    expect(d.length).toBe(12 * 17 + 1);
    expect(d.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    for (let u = 0; u < d.length; u++) expect(d[u]).toBeCloseTo(d[d.length - 1 - u], 14);
  });

  it('large samples use the normal approximation, and agree with the exact test near the switch', () => {
    const random = seededRandom(3);
    const a = logNormal(random, 50, 1, 0.1);
    const b = logNormal(random, 50, 1.03, 0.1);
    const exact = mannWhitneyU(a, b);
    expect(exact.method).toBe('exact');
    const normalP = mannWhitneyU([...a, a[0] * 2], b);
    expect(normalP.method).toBe('normal');
    expect(Math.abs(exact.p - normalP.p)).toBeLessThan(0.05);
  });
});

describe('erfc', () => {
  it('matches the Taylor series of erf to 2e-7 (relative)', () => {
    for (const x of [0, 0.3, 0.5, 1, 1.2379, 2, 2.5, 3, -0.7, -2]) {
      const expected = 1 - erfSeries(x);
      expect(Math.abs(erfc(x) - expected) / expected, `x = ${x}`).toBeLessThan(2e-7);
    }
  });
});

describe('bootstrap interval of the ratio of medians', () => {
  it('is the ratio of medians with an interval around it, and the same on every call', () => {
    const random = seededRandom(42);
    const a = logNormal(random, 25, 1000, 0.05);
    const b = logNormal(random, 25, 1100, 0.05);
    const first = bootstrapRatioOfMedians(a, b);
    expect(first.ratio).toBe(median(b) / median(a));
    expect(first.low).toBeLessThan(first.ratio);
    expect(first.high).toBeGreaterThan(first.ratio);
    expect(bootstrapRatioOfMedians(a, b)).toEqual(first);
    const otherSeed = bootstrapRatioOfMedians(a, b, { resamples: 2000, level: 0.95, seed: 7 });
    expect(otherSeed).not.toEqual(first);
    expect(otherSeed.low).toBeCloseTo(first.low, 1);
  });

  it('covers the true ratio about 95 % of the time (200 seeded data sets, skewed samples)', () => {
    const random = seededRandom(2024);
    for (const trueRatio of [1, 1.1]) {
      let covered = 0;
      const trials = 200;
      for (let t = 0; t < trials; t++) {
        const a = logNormal(random, 25, 1e6, 0.1);
        const b = logNormal(random, 25, 1e6 * trueRatio, 0.1);
        const ci = bootstrapRatioOfMedians(a, b);
        if (ci.low <= trueRatio && trueRatio <= ci.high) covered++;
      }
      // 95 % nominal; the binomial spread over 200 trials is about 1.5 %.
      expect(covered / trials, `ratio ${trueRatio}`).toBeGreaterThanOrEqual(0.91);
      expect(covered / trials, `ratio ${trueRatio}`).toBeLessThanOrEqual(0.995);
    }
  });
});

describe('median, Holm, geometric mean', () => {
  it('median of odd and even counts, by selection, equal to sorting', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const random = seededRandom(9);
    for (const n of [1, 2, 7, 10, 101]) {
      const xs = Array.from({ length: n }, () => Math.floor(random() * 20));
      const sorted = [...xs].sort((x, y) => x - y);
      const expected = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      expect(median(xs)).toBe(expected);
    }
  });

  it("Holm's step-down adjustment", () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04 -> running max 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adjusted[i]).toBeCloseTo(x, 12));
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('geometric mean', () => {
    expect(geometricMean([1, 4])).toBeCloseTo(2, 12);
    expect(geometricMean([2, 8, 4])).toBeCloseTo(4, 12);
    expect(geometricMean([])).toBeNaN();
    expect(() => geometricMean([1, 0])).toThrow(RangeError);
  });
});
