/** The shortest of `rounds` runs of `fn`, in seconds, on the monotonic clock (the least disturbed run). */
export function bestSeconds(rounds: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}
