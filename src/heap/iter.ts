/**
 * `range` and the iterators of range, list and tuple (`Objects/rangeobject.c`, `Objects/listobject.c`,
 * `Objects/tupleobject.c`): their sizes, their state in the object, and one step of iteration.
 *
 *   range           48 B: header, start, stop, step, length (references to ints, as CPython's:
 *                   the range keeps its arguments alive, and a length above 256 is an int of its own)
 *   range iterator  48 B on 3.11 (index, start, step, len), 40 B from 3.12 (start, step, len);
 *                   here next, stop, step as doubles
 *   list iterator   48 B with its GC head: header, index, the list (a reference)
 *   tuple iterator  the same shape, holding the tuple
 */
import type { Heap } from './heap.js';
import { FIELD, OB, type Ref } from './layout.js';
import { Kind } from './types.js';

/**
 * `enumobject` with its GC head: 16 + header 16 + index, iterator, result, long index, and the
 * cached int 1 (`one`). MEAS 3.11.2, 3.12.1, 3.13.0: enumerate.__basicsize__ 56,
 * sys.getsizeof(enumerate([])) 72.
 */
export const ENUMERATE_BYTES = 72;

/** `rangeobject`: header + start, stop, step, length. */
export const RANGE_BYTES = 48;
/** `listiterobject` / `tupleiterobject` with the GC head: 16 + header 16 + index + sequence. */
export const SEQ_ITER_BYTES = 48;

/** The number of values of range(start, stop, step) (`get_len_of_range`). */
function lengthOf(start: number, stop: number, step: number): number {
  if (step > 0) return start < stop ? Math.floor((stop - start - 1) / step) + 1 : 0;
  return start > stop ? Math.floor((start - stop - 1) / -step) + 1 : 0;
}

export class IterOps {
  constructor(private readonly heap: Heap) {}

  /**
   * `range(start, stop, step)` of three ints (borrowed; each gains the range's reference, as
   * `PyNumber_Index` of an int returns it): its length as an int first (`compute_range_length`:
   * `PyLong_FromLong`, a medium int of 32 B above 256), then the object. A new reference.
   * MEAS tracemalloc: `range(100)` 48 B, `range(100000)` 80 B on 3.11.7, 3.12.1 and 3.13.0.
   */
  newRange(start: Ref, stop: Ref, step: Ref): Ref {
    const heap = this.heap;
    const length = heap.ints.fromValue(lengthOf(heap.intValue(start), heap.intValue(stop), heap.intValue(step)));
    const r = heap.allocObject(Kind.Range, RANGE_BYTES);
    const i32 = heap.i32;
    heap.incref(start);
    heap.incref(stop);
    heap.incref(step);
    i32[r + FIELD.RANGE_START] = start;
    i32[r + FIELD.RANGE_STOP] = stop;
    i32[r + FIELD.RANGE_STEP] = step;
    i32[r + FIELD.RANGE_LENGTH] = length;
    return r;
  }

  rangeStart(r: Ref): number {
    return this.heap.intValue(this.heap.i32[r + FIELD.RANGE_START]);
  }
  rangeStop(r: Ref): number {
    return this.heap.intValue(this.heap.i32[r + FIELD.RANGE_STOP]);
  }
  rangeStep(r: Ref): number {
    return this.heap.intValue(this.heap.i32[r + FIELD.RANGE_STEP]);
  }

  /** `len(range)`: its length int's value. */
  rangeLength(r: Ref): number {
    return this.heap.intValue(this.heap.i32[r + FIELD.RANGE_LENGTH]);
  }

  /** `iter(range)`: the iterator (`rangeIterBytes` per profile), a new reference; the range is borrowed. */
  rangeIter(r: Ref): Ref {
    const heap = this.heap;
    const it = heap.allocObject(Kind.RangeIter, heap.profile.rangeIterBytes);
    const f64 = heap.f64;
    const to = (it >> 1) + FIELD.RANGE_FIRST_F64;
    f64[to] = this.rangeStart(r);
    f64[to + 1] = this.rangeStop(r);
    f64[to + 2] = this.rangeStep(r);
    return it;
  }

  /**
   * The next value of a range iterator as a number, or NaN when it is exhausted; advances it. The
   * caller makes the int (`PyLong_FromLong`), so that a loop can use the value without boxing.
   */
  rangeIterNext(it: Ref): number {
    const f64 = this.heap.f64;
    const f = (it >> 1) + FIELD.RANGE_FIRST_F64;
    const next = f64[f];
    const step = f64[f + 2];
    if (step > 0 ? next >= f64[f + 1] : next <= f64[f + 1]) return Number.NaN;
    f64[f] = next + step;
    return next;
  }

  /**
   * What `__length_hint__` of a list, tuple or range iterator returns (the items left), or -1 for
   * any other object (it has none).
   */
  lengthHint(it: Ref): number {
    const i32 = this.heap.i32;
    switch (i32[it + OB.TYPE]) {
      case Kind.RangeIter: {
        const f = (it >> 1) + FIELD.RANGE_FIRST_F64;
        const f64 = this.heap.f64;
        return lengthOf(f64[f], f64[f + 1], f64[f + 2]);
      }
      case Kind.ListIter:
      case Kind.TupleIter: {
        const seq = i32[it + FIELD.SEQITER_SEQ];
        if (seq === 0) return 0;
        const size = i32[it + OB.TYPE] === Kind.ListIter ? i32[seq + FIELD.LIST_SIZE] : i32[seq + OB.SIZE];
        return Math.max(0, size - i32[it + FIELD.SEQITER_INDEX]);
      }
      case Kind.DictKeyIter:
      case Kind.DictValueIter:
      case Kind.DictItemIter:
        return this.heap.dictViews.lengthHint(it);
      default:
        return -1;
    }
  }

  /**
   * `range.__reversed__()`: a range iterator from the last value down (`range_reverse`); the range
   * is borrowed. New reference.
   */
  reversedRangeIter(r: Ref): Ref {
    const heap = this.heap;
    const it = heap.allocObject(Kind.RangeIter, heap.profile.rangeIterBytes);
    const f64 = heap.f64;
    const start = this.rangeStart(r);
    const step = this.rangeStep(r);
    const n = this.rangeLength(r);
    const to = (it >> 1) + FIELD.RANGE_FIRST_F64;
    f64[to] = start + (n - 1) * step;
    f64[to + 1] = start - step;
    f64[to + 2] = -step;
    return it;
  }

  /** `iter(list)` or `iter(tuple)`: a tracked iterator holding the sequence (borrowed here). New reference. */
  seqIter(seq: Ref, kind: Kind.ListIter | Kind.TupleIter): Ref {
    const heap = this.heap;
    const it = heap.allocObject(kind, SEQ_ITER_BYTES);
    heap.incref(seq);
    heap.i32[it + FIELD.SEQITER_SEQ] = seq;
    heap.i32[it + FIELD.SEQITER_INDEX] = 0;
    heap.track(it);
    return it;
  }

  /**
   * `enumerate(it)` of an iterator (consumed): a tracked enumerate object with its result tuple,
   * made now (`enum_new` makes `en_result` with PyTuple_Pack(2, None, None)). New reference.
   */
  newEnumerate(it: Ref, start = 0): Ref {
    const heap = this.heap;
    const e = heap.allocObject(Kind.Enumerate, ENUMERATE_BYTES);
    const i32 = heap.i32;
    i32[e + FIELD.ENUM_ITER] = it;
    i32[e + FIELD.ENUM_INDEX] = start;
    i32[e + FIELD.ENUM_RESULT] = heap.tupleOf(heap.None, heap.None);
    heap.track(e);
    return e;
  }

  /**
   * One step of an enumerate, given the inner iterator's next item (a new reference, consumed):
   * `(index, item)`, in the recycled result tuple when nothing else holds it (`enum_next`), else a
   * new one. The index is a new int. New reference.
   */
  enumerateStep(e: Ref, item: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const index = i32[e + FIELD.ENUM_INDEX];
    i32[e + FIELD.ENUM_INDEX] = index + 1;
    return heap.tuples.refillPair(i32[e + FIELD.ENUM_RESULT], heap.ints.fromValue(index), item);
  }

  /**
   * The next item of a list or tuple iterator as a new reference, or 0 when it is exhausted; an
   * exhausted iterator drops its sequence (`it_seq = NULL`), as CPython's do.
   */
  seqIterNext(it: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const seq = i32[it + FIELD.SEQITER_SEQ];
    if (seq === 0) return 0;
    const index = i32[it + FIELD.SEQITER_INDEX];
    const isList = i32[it + OB.TYPE] === Kind.ListIter;
    const size = isList ? i32[seq + FIELD.LIST_SIZE] : i32[seq + OB.SIZE];
    if (index < size) {
      i32[it + FIELD.SEQITER_INDEX] = index + 1;
      const item = isList ? heap.list.get(seq, index) : heap.tupleItem(seq, index);
      heap.incref(item);
      return item;
    }
    i32[it + FIELD.SEQITER_SEQ] = 0;
    heap.decref(seq);
    return 0;
  }
}
