/**
 * container-churn (CPython gh-139951): a dict filled with tuple keys. 3.14.0's incremental
 * collector turns every automatic collection into an increment that also marks and scans the old
 * generation, so it visits about twice the objects 3.13 does (the regression); 3.14.1 builds these
 * tuples untracked and counts tracked objects only, so the loop runs no collection at all; 3.14.5
 * runs 3.13's collections again, but over young generations the untracked tuples never enter (the
 * repair). No run finds garbage.
 */
import { describe, expect, it } from 'vitest';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const N = 150;

function measure(profile: string): RunMetrics {
  const spec = resolveRunSpec({ workload: 'container-churn', variant: 'tuple_keys', profile, params: { n: N }, heapMiB: 64 });
  return measureRun(prepareRun(spec), spec);
}

const total = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);
/**
 * Collections run that go beyond the young generation (3.14.0's increments are generation 1; the
 * pauses, as `gc.get_stats()` leaves out the increments that only mark).
 */
const older = (m: RunMetrics): number => m.gc.pauseGeneration.filter((g) => g > 0).length;

describe('container-churn', () => {
  const runs = Object.fromEntries(['3.13', '3.14.0', '3.14.1', '3.14.5'].map((p) => [p, measure(p)]));
  const [p313, p3140, p3141, p3145] = [runs['3.13'], runs['3.14.0'], runs['3.14.1'], runs['3.14.5']];

  it('3.13: young collections over the new tuples; about one object visited per key', () => {
    expect(total(p313.gc.collections)).toBeGreaterThan(5);
    expect(p313.gc.visited).toBeGreaterThan(0.9 * (N - 1) * (N - 1));
  });

  it('3.14.0 regresses: every collection is an increment into the old generation, and it visits far more', () => {
    expect(p3140.gc.collections[0]).toBe(0);
    expect(older(p3140)).toBeGreaterThan(older(p313));
    expect(older(p3140)).toBeGreaterThanOrEqual(total(p313.gc.collections) - 1);
    expect(p3140.gc.visited).toBeGreaterThan(1.5 * p313.gc.visited);
  });

  it('3.14.1 repairs it: untracked tuples trigger no collection and nothing is visited', () => {
    expect(p3141.gc.collections).toEqual([0, 0, 0]);
    expect(p3141.gc.visited).toBeLessThan(p313.gc.visited / 100);
  });

  it('3.14.5 (generational again): 3.13’s collections, over young generations the tuples never enter', () => {
    expect(p3145.gc.collections).toEqual(p313.gc.collections);
    expect(p3145.gc.visited).toBeLessThan(p313.gc.visited / 100);
  });

  it('no profile finds garbage: every key stays in the dict until the function returns', () => {
    for (const m of [p313, p3140, p3141, p3145]) {
      expect(m.gc.collected).toEqual([0, 0, 0]);
      expect(m.gc.uncollectable).toEqual([0, 0, 0]);
    }
  });
});
