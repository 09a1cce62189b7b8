/**
 * The views and iterators of a dict (`Objects/dictobject.c`): `d.keys()`, `d.values()`,
 * `d.items()`, `iter(d)` and the iterators of the views. MEAS 3.11.2, 3.12.1, 3.13.0 (the same on
 * all three): a view is 40 B with its GC head (`__basicsize__` 24: the header and the dict), an
 * iterator 72 B (`__basicsize__` 56: the dict, ma_used at creation, the next entry, the items
 * tuple, the items left); both are tracked when made.
 */
import type { Heap } from './heap.js';
import { FIELD, OB, type Ref } from './layout.js';
import { Kind } from './types.js';

export const DICT_VIEW_BYTES = 40;
export const DICT_ITER_BYTES = 72;

/** What DictViewOps.next returns when the dict changed size during the iteration. */
export const DICT_CHANGED_SIZE = -1;

export type DictViewKind = Kind.DictKeys | Kind.DictValues | Kind.DictItems;
export type DictIterKind = Kind.DictKeyIter | Kind.DictValueIter | Kind.DictItemIter;

/** The iterator kind of each view kind (and of the dict itself: its keys). */
export function iterKindOfView(view: DictViewKind): DictIterKind {
  return view === Kind.DictKeys ? Kind.DictKeyIter : view === Kind.DictValues ? Kind.DictValueIter : Kind.DictItemIter;
}

export class DictViewOps {
  constructor(private readonly heap: Heap) {}

  /** `_PyDictView_New`: a tracked view holding the dict (borrowed here). New reference. */
  newView(d: Ref, kind: DictViewKind): Ref {
    const heap = this.heap;
    const v = heap.allocObject(kind, DICT_VIEW_BYTES);
    heap.incref(d);
    heap.i32[v + FIELD.DICTVIEW_DICT] = d;
    heap.track(v);
    return v;
  }

  /** The dict a view shows (borrowed). */
  viewDict(v: Ref): Ref {
    return this.heap.i32[v + FIELD.DICTVIEW_DICT];
  }

  /**
   * `dictiter_new`: a tracked iterator holding the dict (borrowed here); an items iterator makes
   * its result tuple `(None, None)` after itself. New reference.
   */
  newIter(d: Ref, kind: DictIterKind): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const it = heap.allocObject(kind, DICT_ITER_BYTES);
    heap.incref(d);
    const used = heap.dict.length(d);
    i32[it + FIELD.DICTITER_DICT] = d;
    i32[it + FIELD.DICTITER_USED] = used;
    i32[it + FIELD.DICTITER_POS] = 0;
    i32[it + FIELD.DICTITER_LEN] = used;
    i32[it + FIELD.DICTITER_RESULT] = kind === Kind.DictItemIter ? heap.tupleOf(heap.None, heap.None) : 0;
    heap.track(it);
    return it;
  }

  /**
   * One step of a dict iterator: the key, the value or the `(key, value)` tuple (recycled when
   * only the iterator holds it, as `dictiter_iternextitem` does), a new reference; 0 at the end,
   * when the iterator lets go of the dict; DICT_CHANGED_SIZE when the dict changed size (the
   * caller raises RuntimeError).
   */
  next(it: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const d = i32[it + FIELD.DICTITER_DICT];
    if (d === 0) return 0;
    if (i32[it + FIELD.DICTITER_USED] !== heap.dict.length(d)) {
      // CPython marks the iterator unusable (di_used = -1) and raises RuntimeError.
      i32[it + FIELD.DICTITER_USED] = -1;
      return DICT_CHANGED_SIZE;
    }
    const ix = heap.dict.nextEntry(d, i32[it + FIELD.DICTITER_POS]);
    if (ix < 0) {
      i32[it + FIELD.DICTITER_DICT] = 0;
      heap.decref(d);
      return 0;
    }
    i32[it + FIELD.DICTITER_POS] = ix + 1;
    i32[it + FIELD.DICTITER_LEN]--;
    const key = heap.dict.entryKey(d, ix);
    const value = heap.dict.entryValue(d, ix);
    const kind = i32[it + OB.TYPE];
    if (kind === Kind.DictKeyIter) {
      heap.incref(key);
      return key;
    }
    if (kind === Kind.DictValueIter) {
      heap.incref(value);
      return value;
    }
    heap.incref(key);
    heap.incref(value);
    return heap.tuples.refillPair(i32[it + FIELD.DICTITER_RESULT], key, value);
  }

  /** `dictiter_len` (`__length_hint__`): the items left while the dict keeps its size, else 0. */
  lengthHint(it: Ref): number {
    const heap = this.heap;
    const i32 = heap.i32;
    const d = i32[it + FIELD.DICTITER_DICT];
    return d !== 0 && i32[it + FIELD.DICTITER_USED] === heap.dict.length(d) ? i32[it + FIELD.DICTITER_LEN] : 0;
  }
}
