/** The interval the tables give for a median time: tune's points and bench's summary alike. */

/**
 * A distribution-free confidence interval for the median: the order statistics x(k) and
 * x(n+1-k) with the largest k whose binomial coverage is still at least 95 % (all samples for
 * n ≤ 5, where even [min, max] covers less: 93.75 % at n = 5).
 */
export function medianInterval(samples: ArrayLike<number>): [number, number] {
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const n = sorted.length;
  // P(median outside [x(k), x(n+1-k)]) = 2 · P(Binomial(n, 1/2) ≤ k-1)
  let k = 1;
  let tail = binomialHalfPmf(n, 0);
  while (k + 1 <= Math.floor((n + 1) / 2)) {
    const nextTail = tail + binomialHalfPmf(n, k);
    if (2 * nextTail > 0.05) break;
    tail = nextTail;
    k++;
  }
  return [sorted[k - 1], sorted[n - k]];
}

function binomialHalfPmf(n: number, k: number): number {
  // C(n, k) / 2^n, in logs so large n does not overflow
  let log = -n * Math.LN2;
  for (let i = 1; i <= k; i++) log += Math.log(n - k + i) - Math.log(i);
  return Math.exp(log);
}
