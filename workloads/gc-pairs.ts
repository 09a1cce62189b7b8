/**
 * Two-object cycles created and dropped one pair at a time: the twin of `python/gc_pairs.py`,
 * statement by statement. Each statement ends at an evaluation boundary, where 3.12+ runs a
 * collection an allocation scheduled.
 *
 *   class C: pass
 *   def run(n):
 *       for i in range(n):
 *           a = C(); b = C()
 *           a.other = b; b.other = a
 *           del a, b
 */
import type { Heap } from '../src/heap/heap.js';
import type { GenerationStats } from '../src/heap/gc/collector.js';
import { Stat } from '../src/heap/layout.js';

export interface GcPairsOptions {
  readonly n: number;
  /** `gc.set_threshold(a, b, c)` before the loop. */
  readonly threshold?: readonly [number, number, number];
  /** `gc.disable()` during the loop and one `gc.collect()` after it. */
  readonly disabled?: boolean;
  /**
   * GC objects the measurement itself allocated before the loop (the twin's `gc.get_stats()` list
   * and dicts): count0 starts there. The twin reports it as `count_before[0]`.
   */
  readonly measurementObjects?: number;
}

export interface GcPairsResult {
  readonly n: number;
  readonly threshold: readonly number[];
  readonly disabled: boolean;
  readonly startupTracked: number;
  readonly countBefore: readonly number[];
  readonly countAfter: readonly number[];
  /** Per generation: the change in collections, collected and uncollectable over the run. */
  readonly stats: readonly GenerationStats[];
}

export function runGcPairs(heap: Heap, options: GcPairsOptions): GcPairsResult {
  const gc = heap.gc;
  const roots = heap.roots;
  if (options.threshold) gc.setThreshold(...options.threshold);
  if (options.disabled) gc.disable();
  const startupTracked = gc.generationSizes().reduce((a, b) => a + b, 0);
  heap.counters[Stat.GcCount0] += options.measurementObjects ?? 0;
  const before = gc.getStats();
  const countBefore = gc.getCount();
  const C = heap.defineClass({ name: 'C' });
  const A = 0;
  const B = 1;
  const frame = roots.pushFrame(2);
  for (let i = 0; i < options.n; i++) {
    roots.setLocalSteal(frame, A, heap.newInstance(C));
    heap.evalBreaker();
    roots.setLocalSteal(frame, B, heap.newInstance(C));
    heap.evalBreaker();
    heap.setAttr(frame.locals[A], 'other', frame.locals[B]);
    heap.evalBreaker();
    heap.setAttr(frame.locals[B], 'other', frame.locals[A]);
    heap.evalBreaker();
    roots.setLocalSteal(frame, A, 0);
    roots.setLocalSteal(frame, B, 0);
    heap.evalBreaker();
  }
  roots.popFrame();
  if (options.disabled) {
    gc.collect();
    gc.enable();
  }
  const after = gc.getStats();
  return {
    n: options.n,
    threshold: gc.getThreshold(),
    disabled: options.disabled ?? false,
    startupTracked,
    countBefore,
    countAfter: gc.getCount(),
    stats: after.map((s, g) => ({
      collections: s.collections - before[g].collections,
      collected: s.collected - before[g].collected,
      uncollectable: s.uncollectable - before[g].uncollectable,
    })),
  };
}
