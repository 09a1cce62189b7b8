// The pause record: percentiles by nearest rank, the histogram, and minimum mutator utilisation
// over a window, on pauses whose answers are known; and a real run records one entry per collection.
import { describe, expect, it } from 'vitest';
import { PauseLog, percentile } from '../src/heap/gc/pauses.js';
import { programHeap } from './support/gc-scenarios.js';
import { Stat } from '../src/heap/layout.js';

describe('gc pause record', () => {
  it('percentiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.9)).toBe(90);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('summary, histogram and MMU of known pauses', () => {
    const log = new PauseLog();
    // 120 ms of run; pauses of 1 ms at t = 0, 10, …, 50 and 90, one of 20 ms from t = 60 to 80.
    for (let t = 0; t <= 50; t += 10) log.record(0, t, 1, 10, 0, 5, 0);
    log.record(2, 60, 20, 1000, 0, 0, 0);
    log.record(0, 90, 1, 10, 0, 5, 0);
    log.record(0, 100, 1, 10, 0, 5, 0);
    log.record(0, 110, 1, 10, 0, 5, 0);
    const s = log.summary();
    expect(s.count).toBe(10);
    expect(s.maxMs).toBe(20);
    expect(s.p50Ms).toBe(1);
    expect(s.totalMs).toBe(29);
    expect(s.visitedMax).toBe(1000);
    expect(log.summary(2).count).toBe(1);
    expect(log.histogram().reduce((a, b) => a + b, 0)).toBe(10);
    // A 10 ms window inside the 20 ms pause has no mutator time at all.
    expect(log.minimumMutatorUtilisation(10, 0, 120)).toBe(0);
    // Over 40 ms windows the worst one, [40, 80], holds the 20 ms pause and two short ones.
    expect(log.minimumMutatorUtilisation(40, 0, 120)).toBeCloseTo(1 - 22 / 40, 9);
    expect(() => log.minimumMutatorUtilisation(0, 0, 1)).toThrow(RangeError);
  });

  it('a run records every collection with its pause and what it examined', () => {
    const heap = programHeap('3.12');
    const C = heap.defineClass({ name: 'C' });
    for (let i = 0; i < 5000; i++) {
      const a = heap.newInstance(C);
      heap.setAttr(a, 'me', a);
      heap.decref(a);
      heap.evalBreaker();
    }
    const log = heap.gc.pauses;
    const stats = heap.gc.getStats();
    expect(log.count).toBe(stats.reduce((n, s) => n + s.collections, 0));
    expect(log.count).toBeGreaterThan(5);
    for (let i = 0; i < log.count; i++) {
      expect(log.durationMs[i]).toBeGreaterThanOrEqual(0);
      expect(log.visited[i]).toBeGreaterThan(0);
    }
    expect(heap.counters[Stat.GcVisited]).toBe(Array.from(log.visited.subarray(0, log.count)).reduce((a, b) => a + b, 0));
    heap.teardown();
  });
});
