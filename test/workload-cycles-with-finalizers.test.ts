// cycles-with-finalizers on every profile (the behaviours are the same in 3.11–3.14; the twin
// comparison on real interpreters is test/lab-twins-real.test.ts): PEP 442 cycles are finalized
// once and collected, cycles through a legacy tp_del are uncollectable and stay in gc.garbage,
// resurrected objects survive the collection and are not finalized again when they finally go.
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, type ProfileName } from '../src/heap/profiles.js';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const N = 1500;
const K = 3;
const OBJECTS = N * K;

const runs = new Map<string, { metrics: RunMetrics; garbage: number }>();

/** One deterministic run per profile and variant (several tests compare the same runs). */
function runVariant(profile: ProfileName, variant: string): { metrics: RunMetrics; garbage: number } {
  const key = `${profile}/${variant}`;
  const done = runs.get(key);
  if (done) return done;
  const spec = resolveRunSpec({ workload: 'cycles-with-finalizers', variant, profile, params: { n: N, k: K }, heapMiB: 64 });
  const run = prepareRun(spec);
  const metrics = measureRun(run, spec);
  const result = { metrics, garbage: run.heap.gc.garbageLength() };
  runs.set(key, result);
  return result;
}

const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);

describe('workload cycles-with-finalizers', () => {
  for (const profile of PROFILE_NAMES) {
    it(`${profile}: without a finalizer, every ring is collected`, () => {
      const { metrics, garbage } = runVariant(profile, 'plain');
      expect(sum(metrics.gc.collected)).toBe(OBJECTS);
      expect(sum(metrics.gc.uncollectable)).toBe(0);
      expect(garbage).toBe(0);
      expect(metrics.reports.finalized).toBe(0);
    });

    it(`${profile}: __del__ (PEP 442) is called once per object and the rings are collected`, () => {
      const plain = runVariant(profile, 'plain').metrics;
      const { metrics, garbage } = runVariant(profile, 'del');
      expect(metrics.reports.finalized).toBe(OBJECTS);
      expect(sum(metrics.gc.collected)).toBe(OBJECTS);
      // The same collections free the same objects as without a finalizer.
      expect(metrics.gc.collected).toEqual(plain.gc.collected);
      expect(sum(metrics.gc.uncollectable)).toBe(0);
      expect(garbage).toBe(0);
      expect(metrics.reports.garbage).toBe(0);
    });

    it(`${profile}: a legacy tp_del makes the rings uncollectable, kept in gc.garbage`, () => {
      const del = runVariant(profile, 'del').metrics;
      const { metrics, garbage } = runVariant(profile, 'legacy');
      expect(sum(metrics.gc.collected)).toBe(0);
      expect(sum(metrics.gc.uncollectable)).toBe(OBJECTS);
      // Counted uncollectable by the same collections that free them with __del__.
      expect(metrics.gc.uncollectable).toEqual(del.gc.collected);
      expect(garbage).toBe(OBJECTS);
      expect(metrics.reports.garbage).toBe(OBJECTS);
      expect(metrics.reports.finalized).toBe(0);
      // Everything stays: at least one 48-byte instance block per object, where __del__ keeps nothing.
      expect(metrics.memory.requested.current).toBeGreaterThan(OBJECTS * 48);
      expect(Math.abs(del.memory.requested.current)).toBeLessThan(1024);
      expect(metrics.memory.requested.peak).toBeGreaterThan(del.memory.requested.peak);
    });

    it(`${profile}: resurrected objects survive the collection and are finalized only once`, () => {
      const legacy = runVariant(profile, 'legacy').metrics;
      const { metrics, garbage } = runVariant(profile, 'resurrect');
      expect(metrics.reports.survivors).toBe(OBJECTS);
      // While the survivors list holds them, the rings take what the uncollectable ones do.
      expect(metrics.memory.requested.peak).toBeGreaterThan(OBJECTS * 48);
      expect(Math.abs(metrics.memory.requested.peak - legacy.memory.requested.peak)).toBeLessThan(0.01 * legacy.memory.requested.peak);
      // Freed by the last collection, without a second __del__ call.
      expect(metrics.reports.finalized).toBe(OBJECTS);
      expect(sum(metrics.gc.collected)).toBe(OBJECTS);
      expect(metrics.gc.collected[2]).toBeGreaterThan(0);
      expect(sum(metrics.gc.uncollectable)).toBe(0);
      expect(garbage).toBe(0);
      expect(Math.abs(metrics.memory.requested.current)).toBeLessThan(1024);
    });
  }
});
