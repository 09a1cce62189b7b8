/**
 * CPython's built-in idioms that the workloads share, each doing the allocations the real
 * interpreter does for it: `range(n)` with its iterator, the function object a comprehension or a
 * generator expression makes, ints produced by a loop. Sizes are from the fact sheet or measured
 * (marked MEAS) with the twins' tracemalloc figures.
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { Kind } from '../src/heap/types.js';
import type { ClassInfo } from '../src/heap/types.js';
import type { WorkloadContext } from '../src/lab/workload.js';
import { listComprehensionOverRange } from '../src/lab/body-idioms.js';

export { comprehensionFunction, listComprehensionOverRange, loopInt, rangeIterator } from '../src/lab/body-idioms.js';

/**
 * Names a module's code uses (attribute names), interned when CPython compiled the module, before
 * any body runs or tracemalloc starts; the code objects' co_names keep them for good.
 */
export function internNames(heap: Heap, names: readonly string[]): void {
  for (const name of names) heap.intern(name);
}

/** Unbinds frame slot `i` of a generator (its frame being cleared when it finishes). */
export function clearGeneratorLocal(heap: Heap, gen: Ref, i: number): void {
  const w = heap.generatorSlotsWord(gen) + 2 * i;
  const old = heap.i32[w];
  heap.i32[w] = 0;
  heap.xdecref(old);
}

/**
 * The body of every "bytes per item while held" workload, in its own frame:
 *
 *   items = [make(i) for i in range(n)]
 *   probe("held")
 *   del items
 *
 * `make` is as for `listComprehensionOverRange`; n is the run's parameter `n`. `closureCell`: the
 * cell of a local the comprehension uses (its function closes over it where it is not inlined).
 */
export function holdListComprehension(ctx: WorkloadContext, make: (k: number, i: Ref) => Ref, closureCell: Ref = 0): void {
  const { heap } = ctx;
  const ITEMS = 0;
  const frame = heap.roots.pushFrame(1);
  heap.roots.setLocalSteal(frame, ITEMS, listComprehensionOverRange(heap, ctx.params.n, make, ctx.progress, closureCell));
  heap.evalBreaker();
  ctx.probe('held');
  heap.roots.setLocalSteal(frame, ITEMS, 0); // del items
  heap.evalBreaker();
  heap.roots.popFrame();
}

/**
 * The argument tuple of a class call `cls(*items)` (items borrowed), a new reference to drop when
 * `__init__` returns, or 0 when the call makes none. Calling a class packs its arguments
 * (`_PyObject_MakeTpCall`); a warm call site specialises per `Profile.classCallSpecialises` (3.13:
 * plain classes only, 3.14: `__slots__` classes too). `siteRuns`: how many times this call site
 * ran before. The Python front-end applies the same rule (src/python/runtime.ts).
 */
export function classCallArgs(heap: Heap, cls: ClassInfo, siteRuns: number, ...items: Ref[]): Ref {
  const rule = heap.profile.classCallSpecialises;
  const specialised = siteRuns > 0 && (rule === 'always' || (rule === 'inline-values' && cls.kind === Kind.Instance));
  return specialised ? 0 : heap.tupleOf(...items);
}
