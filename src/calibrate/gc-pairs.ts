/**
 * The gc_pairs calibration: plays a record of `workloads/python/gc_pairs.py` (a real run) on the
 * simulated heap with the same start-up population, thresholds and measurement objects, and
 * compares collections and collected objects per generation. The simulated program is below
 * (runGcPairs); gc-pauses.ts and the GC tests reuse its pair loop.
 */
import { Heap } from '../heap/heap.js';
import type { Ref } from '../heap/layout.js';
import { Stat } from '../heap/layout.js';
import { profileForPythonVersion } from '../heap/profiles.js';
import type { ClassInfo } from '../heap/types.js';
import type { GenerationStats } from '../heap/gc/collector.js';
import { loopInt, rangeIterator } from '../lab/body-idioms.js';

/** One JSON object printed by gc_pairs.py. */
export interface GcPairsRecord {
  readonly python: string;
  readonly n: number;
  readonly threshold: readonly [number, number, number];
  readonly disabled: boolean;
  readonly startup_tracked: number;
  /** Of those, objects alive only through references outside the roots (absent: 0; see HeapOptions.startupUnrooted). */
  readonly startup_unrooted?: number;
  readonly count_before: readonly number[];
  readonly stats: readonly GenerationStats[];
}

/**
 * The share of Pyodide's start-up objects the incremental collector's mark from the roots does not
 * reach (weakrefs, dicts, tuples, slices held from C), for `GcPairsRecord.startup_unrooted` when
 * replaying a Pyodide record. MEAS Pyodide 314.0.7 (CPython 3.14.2): 1,039 of 21,543 tracked
 * objects stay in pending after the first `gc.collect(1)` that follows `gc.collect()`. Without
 * them the simulated scavenge empties pending at once and marks again, and its increments fall
 * elsewhere.
 */
const PYODIDE_UNROOTED_SHARE = 1039 / 21543;

/** A record measured in Pyodide, with its start-up objects out of the roots' reach (see above). */
export function withPyodideStartup<R extends { readonly startup_tracked: number; readonly startup_unrooted?: number }>(record: R): R {
  return { ...record, startup_unrooted: Math.round(PYODIDE_UNROOTED_SHARE * record.startup_tracked) };
}

/** The header of the calibration table the bench scripts print (Markdown). */
export const GC_PAIRS_TABLE_HEAD = ['| python | n | setting | real collections/collected g0 g1 g2 | simulated | ok |', '|---|---|---|---|---|---|'];

/** One row of that table: the real figures per generation, the simulated ones, within tolerance. */
export function gcPairsTableRow(comparison: GcPairsComparison, python = comparison.record.python): string {
  const { record, simulated, withinTolerance } = comparison;
  const cell = (s: readonly { collections: number; collected: number }[]): string => s.map((g) => `${g.collections}/${g.collected}`).join('  ');
  const setting = record.disabled ? 'disabled' : record.threshold.join(',');
  return `| ${python} | ${record.n} | ${setting} | ${cell(record.stats)} | ${cell(simulated)} | ${withinTolerance ? 'yes' : 'NO'} |`;
}

export interface GcPairsComparison {
  readonly record: GcPairsRecord;
  readonly simulated: readonly GenerationStats[];
  /** Per generation: |collections difference| ≤ 1 and |collected difference| ≤ 1 %. */
  readonly withinTolerance: boolean;
}

/**
 * GC objects gc_pairs.py's own measurement left in count0 before its program ran:
 * `count_before[0]`, plus the tuple `gc.get_count()` itself returned after reading it. (Its
 * dropped `gc.get_objects()` list is reused by `gc.get_stats()`, so no free list is left holding
 * anything; gc_pauses.py's is not, and its replay plays the statements instead.)
 */
export function measurementObjects(countBefore: readonly number[]): number {
  return countBefore[0] + 1;
}

export function simulateGcPairs(record: GcPairsRecord): GcPairsComparison {
  const profile = profileForPythonVersion(record.python);
  if (!profile) throw new RangeError(`no profile for Python ${record.python}`);
  const heap = new Heap({ profile, heapBytes: 256 << 20, startupObjects: record.startup_tracked, startupUnrooted: record.startup_unrooted });
  const result = runGcPairs(heap, {
    n: record.n,
    threshold: record.disabled ? undefined : record.threshold,
    disabled: record.disabled,
    measurementObjects: measurementObjects(record.count_before),
  });
  const simulated = result.stats;
  const withinTolerance = simulated.every(
    (s, g) =>
      Math.abs(s.collections - record.stats[g].collections) <= 1 &&
      Math.abs(s.collected - record.stats[g].collected) <= 0.01 * record.stats[g].collected,
  );
  return { record, simulated, withinTolerance };
}

// ---- gc_pairs.py's program on the simulated heap, statement by statement --------------------------
//
// Two-object cycles created and dropped one pair at a time. Each statement ends at an evaluation
// boundary, where 3.12+ runs a collection an allocation scheduled.
//
//   class C: pass
//   def run(n):
//       for i in range(n):
//           a = C(); b = C()
//           a.other = b; b.other = a
//           del a, b

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
