/**
 * CPython idioms for a workload body written in TypeScript (the user-workload API of
 * src/lab/workload.ts), each doing the allocations the real interpreter does for it: `range(n)`
 * with its iterator, the int a loop produces, the function a comprehension makes, a list
 * comprehension over a range. The lab's own workloads are Python programs, whose compiler applies
 * these rules (src/python); the calibration scripts' simulated bodies (src/calibrate) use them too.
 * Sizes are from the fact sheet or measured (MEAS) with the twins' tracemalloc figures.
 */
import type { Heap } from '../heap/heap.js';
import type { Ref } from '../heap/layout.js';
import { Kind } from '../heap/types.js';

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

/**
 * `[make(i) for i in range(n)]`: the comprehension's function (3.11), the range iterator, the list
 * grown by LIST_APPEND, the loop variable `i` rebound each iteration (an evaluation boundary after
 * each). `make` gets the index and the borrowed `i` and returns a new reference the list takes.
 * Returns the list, a new reference. `onProgress` is called every 65 536 items. `closureCell`: the
 * cell of a local the comprehension uses (its function closes over it where it is not inlined).
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
