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

/** `range(...)`: object header + start, stop, step, length (`rangeobject`). */
const RANGE_BYTES = 48;

/**
 * `for x in range(n)`: the range object is built, the call returns (3.12+ checks the eval breaker
 * there, as after any call of a builtin class; MEAS 3.12.1: gc_pauses.py's collections match only
 * so), `GET_ITER` makes its iterator, and the range (a temporary on the value stack) is freed.
 * Returns the iterator, a new reference.
 */
export function rangeIterator(heap: Heap): Ref {
  const range = heap.allocObject(Kind.Opaque, RANGE_BYTES);
  heap.evalBreaker();
  const it = heap.allocObject(Kind.Opaque, heap.profile.rangeIterBytes);
  heap.decref(range);
  return it;
}

/**
 * The int a range iterator, `i * j` or `sum()` produces (`PyLong_FromLong`): a one-digit value is
 * a 32-byte medium int, a larger one is built exactly. A new reference.
 */
export function loopInt(heap: Heap, value: number): Ref {
  return heap.int(value, value > -0x40000000 && value < 0x40000000 ? 'arith' : 'exact');
}

/**
 * Names a module's code uses (attribute names), interned when CPython compiled the module, before
 * any body runs or tracemalloc starts; the code objects' co_names keep them for good.
 */
export function internNames(heap: Heap, names: readonly string[]): void {
  for (const name of names) heap.intern(name);
}

/**
 * The function object `MAKE_FUNCTION` builds for a comprehension's hidden code, or 0 where the
 * profile inlines comprehensions (PEP 709, 3.12+). Generator expressions always get one.
 */
export function comprehensionFunction(heap: Heap, kind: 'listcomp' | 'genexpr', closureCell: Ref = 0): Ref {
  if (kind === 'listcomp' && heap.profile.inlinedComprehensions) return 0;
  if (closureCell === 0) return heap.func();
  // A comprehension that uses its function's locals closes over them: BUILD_TUPLE of the cells,
  // then MAKE_FUNCTION takes the tuple.
  const closure = heap.tupleOf(closureCell);
  const fn = heap.func(0, closure);
  heap.decref(closure);
  return fn;
}

/** Unbinds frame slot `i` of a generator (its frame being cleared when it finishes). */
export function clearGeneratorLocal(heap: Heap, gen: Ref, i: number): void {
  const w = heap.generatorSlotsWord(gen) + 2 * i;
  const old = heap.i32[w];
  heap.i32[w] = 0;
  heap.xdecref(old);
}

/**
 * `[make(i) for i in range(n)]`: the comprehension's function (3.11), the range iterator, the list
 * grown by LIST_APPEND, the loop variable `i` rebound each iteration (an evaluation boundary after
 * each). `make` gets the index and the borrowed `i` and returns a new reference the list takes.
 * Returns the list, a new reference. `onProgress` is called every 65 536 items.
 */
export function listComprehensionOverRange(
  heap: Heap,
  n: number,
  make: (k: number, i: Ref) => Ref,
  onProgress?: (done: number, total: number) => void,
  closureCell: Ref = 0,
): Ref {
  const fn = comprehensionFunction(heap, 'listcomp', closureCell);
  const it = rangeIterator(heap);
  const list = heap.list.newList(0);
  let i: Ref = 0;
  for (let k = 0; k < n; k++) {
    const next = loopInt(heap, k);
    if (i !== 0) heap.decref(i);
    i = next;
    heap.list.appendSteal(list, make(k, i));
    heap.evalBreaker();
    if (onProgress !== undefined && (k & 0xffff) === 0) onProgress(k, n);
  }
  heap.decref(it);
  if (i !== 0) heap.decref(i);
  if (fn !== 0) heap.decref(fn);
  return list;
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
