/**
 * globals-and-del: a global keeps the big bytes object after the function returns, a local does
 * not (retained); a `del`-ed local lets the later work's peak replace the big object's instead of
 * stacking on it (peak); and both tips come out the right way round, on every profile.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, PROFILES } from '../src/heap/profiles.js';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { tipFigure } from '../src/lab/tips.js';
import { TIPS } from '../workloads/index.js';

const N = 1_000_000;
const M = 20_000;
/** `bytes(n)` requests its header (33 bytes with the trailing NUL) plus n. */
const BIG_BYTES = 33 + N;

function measure(variant: string, profile: string, n = N): RunMetrics {
  const spec = resolveRunSpec({ workload: 'globals-and-del', variant, profile, params: { n, m: M }, heapMiB: 64 });
  return measureRun(prepareRun(spec), spec);
}

describe('globals-and-del', () => {
  for (const profile of PROFILE_NAMES) {
    it(`@${profile}: a global outlives the call by exactly bytes(n); a local or del-ed one does not`, () => {
      const [global, local, del] = ['global', 'local', 'del'].map((v) => measure(v, profile));
      expect(global.memory.requested.current - local.memory.requested.current).toBe(BIG_BYTES);
      expect(del.memory.requested.current).toBe(local.memory.requested.current);
      // What a local leaves behind is free-list blocks (bytes()'s argument tuple; from 3.14 the
      // int free list's 32-byte blocks too), not the object.
      expect(local.memory.requested.current).toBeLessThanOrEqual(64 + 32 * PROFILES[profile].freeLists.int);
    });

    it(`@${profile}: with del the later work's peak does not stack on the big object`, () => {
      const [global, local, del] = ['global', 'local', 'del'].map((v) => measure(v, profile));
      // The later work alone: the same run with a 1-byte big object.
      const later = measure('del', profile, 1).memory.requested.peak;
      expect(later).toBeGreaterThan(M * 8); // at least the list's pointer array
      expect(local.memory.requested.peak).toBe(global.memory.requested.peak);
      expect(local.memory.requested.peak).toBeGreaterThanOrEqual(BIG_BYTES + later - 1024);
      expect(del.memory.requested.peak).toBeLessThanOrEqual(Math.max(BIG_BYTES, later) + 1024);
    });
  }

  it('the tips: del lowers the peak, a local instead of a global lowers what is retained', () => {
    const tips = TIPS.filter((t) => t.workload === 'globals-and-del');
    expect(tips.map((t) => t.name).sort()).toEqual(['avoid globals', 'del what you no longer need']);
    for (const tip of tips) {
      const params = { n: N, m: M };
      const without = tipFigure(tip.metric, measure(tip.without, '3.13'), params);
      const withTip = tipFigure(tip.metric, measure(tip.with, '3.13'), params);
      expect(withTip, tip.name).toBeLessThan(without - N / 2);
    }
  });
});
