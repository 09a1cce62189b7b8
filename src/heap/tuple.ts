/**
 * What tuples do beyond the basic new/init/item of heap.ts: `_PyTuple_Resize`, which the tuple
 * builders that do not know their length in advance use (`PySequence_Tuple` over an iterator),
 * and the recycled result pair of the iterators that keep one.
 */
import { OB, type Ref, clearWords } from './layout.js';
import type { Heap } from './heap.js';

export class TupleOps {
  constructor(private readonly heap: Heap) {}

  /**
   * The next `(first, second)` of an iterator that recycles its result pair (enumerate, a dict's
   * items iterator): `result` itself, refilled, when the iterator's reference is the only one
   * (and tracked again: the collector may have untracked it while it held no GC object), else a
   * new tuple. `first` and `second` are new references, stolen; the result is a new reference.
   */
  refillPair(result: Ref, first: Ref, second: Ref): Ref {
    const heap = this.heap;
    if (heap.refcount(result) === 1) {
      heap.incref(result);
      const oldFirst = heap.tupleItem(result, 0);
      const oldSecond = heap.tupleItem(result, 1);
      heap.tupleInit(result, 0, first);
      heap.tupleInit(result, 1, second);
      heap.decref(oldFirst);
      heap.decref(oldSecond);
      if (!heap.isTracked(result)) heap.track(result);
      return result;
    }
    const t = heap.newTuple(2);
    heap.tupleInit(t, 0, first);
    heap.tupleInit(t, 1, second);
    return t;
  }

  /**
   * `_PyTuple_Resize` of a tuple only its builder holds: untracked, reallocated (PyObject_Realloc:
   * in place when the new size still fits its block and is more than 3/4 of it, else moved), the
   * new slots zeroed, tracked again. Items past a smaller size must already be gone. Returns the
   * tuple's (possibly new) reference.
   */
  resize(t: Ref, n: number): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const old = i32[t + OB.SIZE];
    if (old === n) return t;
    const tracked = heap.isTracked(t);
    if (tracked) heap.untrack(t);
    const pre = heap.types.preWords[i32[t + OB.TYPE]];
    const oldBytes = i32[t + 2];
    const newBytes = oldBytes + 8 * (n - old);
    const moved = heap.allocator.realloc(t - pre, oldBytes, newBytes) + pre;
    i32[moved + 2] = newBytes;
    i32[moved + OB.SIZE] = n;
    if (n > old) {
      const items = moved + heap.tupleItemsWord;
      clearWords(i32, items + 2 * old, items + 2 * n);
    }
    if (tracked) heap.track(moved);
    return moved;
  }
}
