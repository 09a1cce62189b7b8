/**
 * What `gc.get_stats()` counts under the incremental collector (3.14.0–3.14.4): `add_stats` is
 * reached only by an increment that collects. The mark from the roots that opens a scavenge, and
 * (3.14.1+) an increment that returns at once because its work budget is negative, run the
 * callbacks but are not counted. MEAS with Pyodide 314.0.7 (CPython 3.14.2, the 3.14.1–3.14.4
 * collector; `bench/gc-pairs-pyodide.ts`): `gc_pairs.py --n 10000` at the default thresholds
 * counts no collection in any generation, while a `gc.callbacks` entry sees 9 'stop's, each with
 * 0 collected.
 */
import { describe, expect, it } from 'vitest';
import { type GcPairsRecord, linkedPair, simulateGcPairs } from '../src/calibrate/gc-pairs.js';
import { programHeap } from './support/gc-scenarios.js';

/** The record `gc_pairs.py --n 10000` printed under Pyodide 314.0.7. */
const PYODIDE_3142_N10000: GcPairsRecord = {
  python: '3.14.2',
  n: 10000,
  threshold: [2000, 10, 0],
  disabled: false,
  startup_tracked: 21321,
  count_before: [4, 0, 0],
  stats: [
    { collections: 0, collected: 0, uncollectable: 0 },
    { collections: 0, collected: 0, uncollectable: 0 },
    { collections: 0, collected: 0, uncollectable: 0 },
  ],
};

describe('gc.get_stats() under the incremental collector', () => {
  it('3.14.1: increments that return at once on a negative budget are not counted (as Pyodide 3.14.2)', () => {
    const { simulated } = simulateGcPairs(PYODIDE_3142_N10000);
    expect(simulated).toEqual(PYODIDE_3142_N10000.stats);
  });

  for (const profile of ['3.14.0', '3.14.1'] as const) {
    it(`${profile}: the mark from the roots runs the callbacks and is not counted`, () => {
      const heap = programHeap(profile);
      const C = heap.defineClass({ name: 'C' });
      heap.gc.collect();
      const stops: number[] = [];
      heap.gc.callbacks.push((phase, info) => {
        if (phase === 'stop') stops.push(info.collected);
      });
      const before = heap.gc.getStats().map((s) => s.collections);
      // Enough new tracked objects for one automatic collection: the scavenge's first step.
      for (let i = 0; i < 1100; i++) {
        const [a, b] = linkedPair(heap, C, 'o');
        heap.decref(a);
        heap.decref(b);
        heap.evalBreaker();
        if (stops.length > 0) break;
      }
      expect(stops).toEqual([0]);
      expect(heap.gc.pauses.marked[heap.gc.pauses.count - 1]).toBeGreaterThan(0);
      expect(heap.gc.getStats().map((s) => s.collections)).toEqual(before);
    });
  }
});
