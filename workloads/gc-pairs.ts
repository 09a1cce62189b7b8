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
import type { Ref } from '../src/heap/layout.js';
import type { ClassInfo } from '../src/heap/types.js';
import type { GenerationStats } from '../src/heap/gc/collector.js';
import { Stat } from '../src/heap/layout.js';
import { loopInt, rangeIterator } from './builtins.js';

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

/**
 * The body of `run(n)`: `for i in range(n)` binding `i` (a new int from 257 on), then a pair made
 * in the frame's locals `a` and `b`, linked and deleted, with an evaluation boundary after each
 * statement. `onProgress` is called every 65 536 pairs.
 */
export function dropPairs(heap: Heap, cls: ClassInfo, n: number, onProgress?: (done: number, total: number) => void): void {
  const roots = heap.roots;
  const [I, A, B] = [0, 1, 2];
  const frame = roots.pushFrame(3);
  const range = rangeIterator(heap);
  for (let k = 0; k < n; k++) {
    roots.setLocalSteal(frame, I, loopInt(heap, k));
    heap.evalBreaker();
    roots.setLocalSteal(frame, A, heap.newInstance(cls));
    heap.evalBreaker();
    roots.setLocalSteal(frame, B, heap.newInstance(cls));
    heap.evalBreaker();
    heap.setAttr(frame.locals[A], 'other', frame.locals[B]);
    heap.evalBreaker();
    heap.setAttr(frame.locals[B], 'other', frame.locals[A]);
    heap.evalBreaker();
    roots.setLocalSteal(frame, A, 0);
    roots.setLocalSteal(frame, B, 0);
    heap.evalBreaker();
    if (onProgress !== undefined && (k & 0xffff) === 0) onProgress(k, n);
  }
  heap.decref(range);
  roots.popFrame();
}

/** `a = cls(); b = cls(); a.<attr> = b; b.<attr> = a` in one step: returns both new references. */
export function linkedPair(heap: Heap, cls: ClassInfo, attr: string): [Ref, Ref] {
  const a = heap.newInstance(cls);
  const b = heap.newInstance(cls);
  heap.setAttr(a, attr, b);
  heap.setAttr(b, attr, a);
  return [a, b];
}

export function runGcPairs(heap: Heap, options: GcPairsOptions): GcPairsResult {
  const gc = heap.gc;
  if (options.threshold) gc.setThreshold(...options.threshold);
  if (options.disabled) gc.disable();
  const startupTracked = gc.generationSizes().reduce((a, b) => a + b, 0);
  heap.counters[Stat.GcCount0] += options.measurementObjects ?? 0;
  const before = gc.getStats();
  const countBefore = gc.getCount();
  dropPairs(heap, heap.defineClass({ name: 'C' }), options.n);
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
