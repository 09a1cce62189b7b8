/**
 * The gc_pauses calibration: plays a record of `workloads/python/gc_pauses.py` (a real run: a
 * long-lived tree of lists, then cyclic churn, then `gc.collect()`) on the simulated heap with the
 * same start-up population, and compares the collections one by one: how many there were, how many
 * collected nothing (the incremental collector's marking steps), and the objects collected by the
 * largest ones. Pause times are compared only as ratios within one run (a full collection against
 * the largest automatic pause), since the real run may be another build (Pyodide is WebAssembly).
 */
import { Heap } from '../heap/heap.js';
import type { Ref } from '../heap/layout.js';
import { profileForPythonVersion } from '../heap/profiles.js';
import { loopInt, rangeIterator } from '../lab/body-idioms.js';
import { dropPairs } from './gc-pairs.js';

/** One JSON object printed by gc_pauses.py (plus, for Pyodide, its start-up objects out of reach). */
export interface GcPausesRecord {
  readonly python: string;
  readonly side: number;
  readonly pairs: number;
  readonly startup_tracked: number;
  /** Of those, objects alive only through references outside the roots (see HeapOptions.startupUnrooted). */
  readonly startup_unrooted?: number;
  readonly count_before: readonly number[];
  /** Per collection, in order (the last is the final `gc.collect()`): generation, collected, pause. */
  readonly generation: readonly number[];
  readonly collected: readonly number[];
  readonly pause_ms: readonly number[];
}

/** The collections of one run, in order; the last is the final `gc.collect()`. */
export interface PauseSeries {
  readonly collected: readonly number[];
  readonly pauseMs: readonly number[];
}

/** What the comparison looks at in one series. */
export interface PauseFigures {
  /** Automatic collections (the final gc.collect() left out). */
  readonly collections: number;
  /** Of those, collections that collected nothing (the incremental collector's marking steps among them). */
  readonly collectedNothing: number;
  /** Objects collected by all automatic collections. */
  readonly collectedTotal: number;
  /** Objects collected by the largest automatic collections, largest first. */
  readonly largestCollected: readonly number[];
  /** The longest automatic pause and the final full collection, in milliseconds. */
  readonly longestPauseMs: number;
  readonly fullCollectionMs: number;
}

/** How many of the largest collections the comparison checks. */
export const LARGEST_COMPARED = 6;

export function pauseFigures(series: PauseSeries): PauseFigures {
  const automatic = series.collected.length - 1;
  const collected = series.collected.slice(0, automatic);
  return {
    collections: automatic,
    collectedNothing: collected.filter((c) => c === 0).length,
    collectedTotal: collected.reduce((a, b) => a + b, 0),
    largestCollected: [...collected].sort((a, b) => b - a).slice(0, LARGEST_COMPARED),
    longestPauseMs: series.pauseMs.slice(0, automatic).reduce((a, b) => Math.max(a, b), 0),
    fullCollectionMs: series.pauseMs[automatic] ?? 0,
  };
}

/** Runs gc_pauses.py's program on the profile of the record's Python and returns its collections. */
export function simulateGcPauses(record: GcPausesRecord): PauseSeries {
  const profile = profileForPythonVersion(record.python);
  if (!profile) throw new RangeError(`no profile for Python ${record.python}`);
  const heap = new Heap({ profile, heapBytes: 1024 << 20, startupObjects: record.startup_tracked, startupUnrooted: record.startup_unrooted });
  const gc = heap.gc;
  const cls = heap.defineClass({ name: 'C' });
  const countTuple = replayMeasurement(heap, record);
  // gc.callbacks.append(record): what the callback does is not simulated, but that there is one is,
  // since CPython then builds an info dict for every collection (see GarbageCollector.notify).
  gc.callbacks.push(() => {});
  const from = gc.pauses.count;
  buildLongLivedTree(heap, record.side);
  dropPairs(heap, cls, record.pairs);
  gc.collect();
  gc.callbacks.pop();
  const p = gc.pauses;
  const series = { collected: [] as number[], pauseMs: [] as number[] };
  for (let i = from; i < p.count; i++) {
    series.collected.push(p.collected[i]);
    series.pauseMs.push(p.durationMs[i]);
  }
  heap.decref(countTuple);
  heap.teardown();
  return series;
}

/**
 * gc_pauses.py's own statements before its program, as CPython runs them:
 *
 *   gc.collect()
 *   startup_tracked = len(gc.get_objects())   # a list, dropped onto the (just emptied) list free list
 *   count_before = gc.get_count()             # read, then returned in a new tuple (tracked), kept
 *
 * The dropped list matters: the first `[]` of build() takes it from the free list, so CPython
 * counts it once, not twice. Checks that the simulated count0 is the recorded one, and returns
 * the tuple.
 */
function replayMeasurement(heap: Heap, record: GcPausesRecord): Ref {
  heap.gc.collect();
  heap.decref(heap.list.newList(0));
  const count0 = heap.gc.getCount()[0];
  if (count0 !== record.count_before[0]) {
    throw new RangeError(`gc_pauses replay: count0 is ${count0} after the measurement, the record says ${record.count_before[0]} (Python ${record.python})`);
  }
  // Py_BuildValue("(iii)") makes it with PyTuple_New, which tracks it on every version.
  const tuple = heap.newTuple(record.count_before.length, true);
  record.count_before.forEach((v, i) => heap.tupleInit(tuple, i, heap.int(v)));
  return tuple;
}

export interface GcPausesComparison {
  readonly real: PauseFigures;
  readonly simulated: PauseFigures;
  /**
   * The calibration's tolerance (as for gc_pairs): collections, and collections that collected
   * nothing, ±1; objects collected in all and by each of the largest collections ±1 %.
   */
  readonly withinTolerance: boolean;
  /** Collections, in order, that collected exactly what the real one did (final gc.collect() included). */
  readonly identicalCollections: number;
}

export function compareGcPauses(record: GcPausesRecord): GcPausesComparison {
  const real = pauseFigures({ collected: record.collected, pauseMs: record.pause_ms });
  const series = simulateGcPauses(record);
  const simulated = pauseFigures(series);
  const identicalCollections = record.collected.filter((c, i) => series.collected[i] === c).length;
  const withinTolerance =
    Math.abs(real.collections - simulated.collections) <= 1 &&
    Math.abs(real.collectedNothing - simulated.collectedNothing) <= 1 &&
    Math.abs(real.collectedTotal - simulated.collectedTotal) <= 0.01 * real.collectedTotal &&
    real.largestCollected.length === simulated.largestCollected.length &&
    real.largestCollected.every((c, i) => Math.abs(c - simulated.largestCollected[i]) <= 0.01 * c);
  return { real, simulated, withinTolerance, identicalCollections };
}

// ---- gc_pauses.py's build(side) on the simulated heap, statement by statement ---------------------
//
//   def build(side):
//       global tree
//       tree = []
//       for i in range(side):
//           inner = []
//           for j in range(side):
//               inner.append([])
//           tree.append(inner)

/**
 * The global `tree` becomes a list of `side` lists of `side` empty lists. Where 3.12+ checks the
 * eval breaker: at each loop iteration's back edge, and on return from `range(side)` (see
 * `rangeIterator`); `[]` and the specialised `list.append` do not check. MEAS 3.12.1, side 1000:
 * a collection that the outer loop's `inner = []` schedules runs before the first inner `[]`.
 */
export function buildLongLivedTree(heap: Heap, side: number): void {
  const roots = heap.roots;
  const [I, INNER, J] = [0, 1, 2];
  const frame = roots.pushFrame(3);
  const tree = heap.list.newList(0);
  roots.setGlobal('tree', tree);
  heap.decref(tree);
  const outer = rangeIterator(heap);
  for (let i = 0; i < side; i++) {
    roots.setLocalSteal(frame, I, loopInt(heap, i));
    roots.setLocalSteal(frame, INNER, heap.list.newList(0));
    const inner = rangeIterator(heap);
    for (let j = 0; j < side; j++) {
      roots.setLocalSteal(frame, J, loopInt(heap, j));
      const leaf: Ref = heap.list.newList(0);
      heap.list.append(frame.locals[INNER], leaf);
      heap.decref(leaf);
      heap.evalBreaker();
    }
    heap.decref(inner); // exhausted: FOR_ITER drops it
    heap.list.append(tree, frame.locals[INNER]);
    heap.evalBreaker();
  }
  heap.decref(outer);
  roots.popFrame();
}

