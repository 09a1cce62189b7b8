/**
 * small-ints-and-interning: a list of cached small ints holds nothing but its pointer array, one of
 * ints outside the cache holds a new 32-byte int per item; interned strings cost no more per item
 * than small ints, strings formatted afresh cost their whole object per item (fact sheet §3).
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, PROFILES } from '../src/heap/profiles.js';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { tipFigure } from '../src/lab/tips.js';
import { TIPS } from '../workloads/index.js';

const N = 20_000;

function measure(variant: string, profile: string): RunMetrics {
  const spec = resolveRunSpec({ workload: 'small-ints-and-interning', variant, profile, params: { n: N }, heapMiB: 64 });
  return measureRun(prepareRun(spec), spec);
}

const held = (m: RunMetrics): number => m.memory.probes.held;

describe('small-ints-and-interning', () => {
  for (const profile of PROFILE_NAMES) {
    it(`@${profile}: small ints and interned strings are shared; large ints and fresh strings are not`, () => {
      const [small, large, interned, fresh] = ['small_int', 'large_int', 'interned_str', 'fresh_str'].map((v) => measure(v, profile));
      // The list alone: one pointer per item plus the append over-allocation.
      expect(held(small) / N).toBeGreaterThanOrEqual(8);
      expect(held(small) / N).toBeLessThan(9);
      // The same list holding interned strings: not one byte more.
      expect(held(interned)).toBe(held(small));
      // Fresh strings: every "key%d" object, header + characters + NUL.
      let strings = 0;
      for (let i = 0; i < N; i++) strings += PROFILES[profile].strAsciiHeader + `key${i % 256}`.length + 1;
      expect(held(fresh) - held(interned)).toBe(strings);
      // Ints outside the cache: a 32-byte medium int per item (from 3.14 the small_int run's loop
      // ints may sit on the int free list, up to its length).
      expect(held(large) - held(small)).toBeGreaterThanOrEqual(32 * (N - PROFILES[profile].freeLists.int));
      expect(large.objects.allocated - small.objects.allocated).toBeGreaterThanOrEqual(N);
    });
  }

  for (const profile of ['3.11', '3.12', '3.13'] as const) {
    it(`@${profile}: large ints cost exactly 32 bytes each (no int free list before 3.14)`, () => {
      expect(held(measure('large_int', profile)) - held(measure('small_int', profile))).toBe(32 * N);
    });
  }

  it('the tips: small ints and interned strings cost fewer bytes per item', () => {
    const tips = TIPS.filter((t) => t.workload === 'small-ints-and-interning');
    expect(tips.map((t) => t.name).sort()).toEqual(['intern repeated strings', 'small ints are shared']);
    for (const tip of tips) {
      const without = tipFigure(tip.metric, measure(tip.without, '3.13'), { n: N });
      const withTip = tipFigure(tip.metric, measure(tip.with, '3.13'), { n: N });
      expect(withTip, tip.name).toBeLessThan(without / 4);
    }
  });
});
