/**
 * What tuples do beyond the basic new/init/item of heap.ts: `_PyTuple_Resize`, which the tuple
 * builders that do not know their length in advance use (`PySequence_Tuple` over an iterator).
 */
import { OB, type Ref } from './layout.js';
import type { Heap } from './heap.js';

export class TupleOps {
  constructor(private readonly heap: Heap) {}

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
      i32.fill(0, items + 2 * old, items + 2 * n);
    }
    if (tracked) heap.track(moved);
    return moved;
  }
}
