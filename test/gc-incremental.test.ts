// The incremental plan of 3.14.0–3.14.4 (fact sheet §5.2): thresholds (2000, 10, 0); a full
// scavenge starts with a mark from the roots, then increments of young + a slice of pending;
// gc.collect(0|1|2) = young / one increment / full; get_objects(1) is empty; pending empty ⇒
// spaces swap; 3.14.1 counts tracked objects.
import { describe, expect, it } from 'vitest';
import { Stat } from '../src/heap/layout.js';
import { IncrementalPhase, type IncrementalPlan } from '../src/heap/gc/incremental.js';
import { programHeap } from './support/gc-scenarios.js';
import type { Heap } from '../src/heap/heap.js';
import { linkedPair } from '../src/calibrate/gc-pairs.js';

/** Pairs linked and dropped at once, one statement each. */
function churnPairs(heap: Heap, pairs: number): void {
  const C = heap.types.classes.find((c) => c.name === 'C') ?? heap.defineClass({ name: 'C' });
  for (let i = 0; i < pairs; i++) {
    const [a, b] = linkedPair(heap, C, 'o');
    heap.decref(a);
    heap.decref(b);
    heap.evalBreaker();
  }
}

describe('gc: the incremental collector', () => {
  for (const profile of ['3.14.0', '3.14.1'] as const) {
    it(`${profile}: get_threshold() is (2000, 10, 0) and stays 0 in third place`, () => {
      const heap = programHeap(profile);
      expect(heap.gc.getThreshold()).toEqual([2000, 10, 0]);
      heap.gc.setThreshold(500, 20, 30);
      expect(heap.gc.getThreshold()).toEqual([500, 20, 0]);
      heap.teardown();
    });

    it(`${profile}: a scavenge starts with a mark from the roots, then increments collect garbage`, () => {
      const heap = programHeap(profile);
      const plan = heap.gc.plan as IncrementalPlan;
      expect(plan.phase).toBe(IncrementalPhase.MARK);
      const space = plan.visitedSpace;
      const scavengesBefore = plan.scavenges;
      churnPairs(heap, 1100); // > 2000 allocations: the first automatic collection
      const log = heap.gc.pauses;
      expect(log.count).toBe(1);
      expect(log.generation[0]).toBe(1);
      // The mark moved the start-up population (2000 objects reachable from sys) to visited.
      expect(log.visited[0]).toBeGreaterThanOrEqual(2000);
      expect(log.collected[0]).toBe(0);
      expect(plan.phase).toBe(IncrementalPhase.COLLECT);
      churnPairs(heap, 20000);
      expect(heap.gc.getStats()[1].collected).toBeGreaterThan(30000);
      // Pending emptied: each completed scavenge swapped the spaces (nothing is frozen).
      const swaps = plan.scavenges - scavengesBefore;
      expect(swaps).toBeGreaterThanOrEqual(1);
      expect(plan.visitedSpace).toBe((space + swaps) % 2);
      expect(heap.gc.generationSizes()[1]).toBe(0);
      heap.teardown();
    });

    it(`${profile}: collect(0) collects young only, collect(2) everything and restarts the scavenge`, () => {
      const heap = programHeap(profile);
      const plan = heap.gc.plan as IncrementalPlan;
      heap.gc.disable();
      churnPairs(heap, 100);
      expect(heap.gc.collect(0)).toBe(200);
      expect(heap.gc.getStats()[0].collections).toBe(1);
      churnPairs(heap, 100);
      expect(heap.gc.collect(2)).toBe(200);
      expect(heap.gc.getStats()[2].collections).toBe(1);
      expect(plan.phase).toBe(IncrementalPhase.MARK);
      expect(heap.gc.getCount()).toEqual([0, 0, 0]);
      heap.teardown();
    });
  }

  it('3.14.0 counts GC allocations, 3.14.1 tracked objects', () => {
    for (const [profile, expected] of [['3.14.0', 1000], ['3.14.1', 0]] as const) {
      const heap = programHeap(profile);
      heap.gc.disable();
      const before = heap.counters[Stat.GcCount0];
      const one = heap.int(1);
      const tuples = Array.from({ length: 1000 }, () => heap.tupleOf(one, one));
      expect(heap.counters[Stat.GcCount0] - before).toBe(expected);
      for (const t of tuples) heap.decref(t);
      heap.teardown();
    }
  });

  it('frozen objects are never marked or collected; unfreeze returns them to visited', () => {
    const heap = programHeap('3.14.0');
    heap.gc.freeze();
    const frozen = heap.gc.getFreezeCount();
    expect(frozen).toBeGreaterThanOrEqual(2000);
    churnPairs(heap, 5000);
    expect(heap.gc.getFreezeCount()).toBe(frozen);
    // Marking from the roots finds them frozen (visited), so no pause examines the frozen
    // population: at most the young objects of two rounds (the mark round collects nothing).
    const log = heap.gc.pauses;
    expect(Math.max(...Array.from(log.visited.subarray(0, log.count)))).toBeLessThanOrEqual(2 * 2001 + 10);
    // All the garbage but the young objects since the last increment.
    expect(heap.gc.getStats()[1].collected).toBeGreaterThanOrEqual(10000 - 2001);
    heap.gc.unfreeze();
    expect(heap.gc.getFreezeCount()).toBe(0);
    heap.teardown();
  });
});
