/**
 * list objects (fact sheet §2.3): a 56-byte object (GC head included) and a separate item array
 * of 8 bytes per slot from PyMem, resized by `list_resize`'s over-allocation rule, which is the
 * same in 3.11–3.14. Each construction path allocates the way CPython's does.
 */
import { FIELD, OB, type Ref, clearWords, moveWords } from './layout.js';
import { type ClassInfo, Kind } from './types.js';
import type { Heap } from './heap.js';

const LIST_BYTES = 56;
/** `PyObject_LengthHint(iterable, 8)`: what `list.extend` assumes of an iterator without a hint. */
const DEFAULT_LENGTH_HINT = 8;

/** Empties a list (`list_clear`): drops its items and frees its array. */
export function clearList(heap: Heap, list: Ref): void {
  const i32 = heap.i32;
  const items = i32[list + FIELD.LIST_ITEMS];
  const n = i32[list + FIELD.LIST_SIZE];
  const allocated = i32[list + FIELD.LIST_ALLOCATED];
  // The list is empty before any item is dropped: a dying item may look at the list again.
  i32[list + FIELD.LIST_ITEMS] = 0;
  i32[list + FIELD.LIST_SIZE] = 0;
  i32[list + FIELD.LIST_ALLOCATED] = 0;
  if (items !== 0) {
    for (let i = n - 1; i >= 0; i--) heap.xdecref(i32[items + 2 * i]);
    heap.allocator.free(items, 8 * allocated);
  }
}

export class ListOps {
  constructor(private readonly heap: Heap) {}

  /** `PyList_New(n)`: exactly n slots, all NULL; the caller fills them with `init` (stolen refs). */
  newList(n = 0, fromFreeList = true): Ref {
    const heap = this.heap;
    let ref = fromFreeList ? heap.freeLists.pop(heap.freeLists.list) : 0;
    if (ref !== 0) heap.reuse(ref);
    else ref = heap.allocObject(Kind.List, LIST_BYTES);
    const i32 = heap.i32;
    let items = 0;
    if (n > 0) {
      items = heap.allocator.malloc(8 * n);
      clearWords(i32, items, items + 2 * n);
    }
    i32[ref + FIELD.LIST_ITEMS] = items;
    i32[ref + FIELD.LIST_SIZE] = n;
    i32[ref + FIELD.LIST_ALLOCATED] = n;
    heap.track(ref);
    return ref;
  }

  /**
   * An empty instance of a list subclass (`PyType_GenericAlloc`: never the free list, which is
   * for exact lists only; allocObject zeroes its managed-dict pre-header; no array yet). New reference.
   */
  newSubclassInstance(cls: ClassInfo): Ref {
    const heap = this.heap;
    const ref = heap.allocObject(cls.id, cls.baseBytes);
    const i32 = heap.i32;
    i32[ref + FIELD.LIST_ITEMS] = 0;
    i32[ref + FIELD.LIST_SIZE] = 0;
    i32[ref + FIELD.LIST_ALLOCATED] = 0;
    if (cls.weaklistWord > 0) i32[ref + cls.weaklistWord] = 0;
    heap.track(ref);
    return ref;
  }

  /** Stores a stolen reference into slot i of a list being built (`PyList_SET_ITEM`). */
  init(list: Ref, i: number, item: Ref): void {
    this.heap.i32[this.heap.i32[list + FIELD.LIST_ITEMS] + 2 * i] = item;
  }

  length(list: Ref): number {
    return this.heap.i32[list + FIELD.LIST_SIZE];
  }

  capacity(list: Ref): number {
    return this.heap.i32[list + FIELD.LIST_ALLOCATED];
  }

  /** `lst[i]` as a borrowed reference. */
  get(list: Ref, i: number): Ref {
    const i32 = this.heap.i32;
    const n = i32[list + FIELD.LIST_SIZE];
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw new RangeError('list index out of range');
    return i32[i32[list + FIELD.LIST_ITEMS] + 2 * i];
  }

  /** `lst[i] = value` (value borrowed). */
  set(list: Ref, i: number, value: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const n = i32[list + FIELD.LIST_SIZE];
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw new RangeError('list assignment index out of range');
    const w = i32[list + FIELD.LIST_ITEMS] + 2 * i;
    const old = i32[w];
    heap.incref(value);
    i32[w] = value;
    heap.decref(old);
  }

  /** `list_resize`: over-allocates on growth, shrinks when below half, reallocs the array via PyMem. */
  resize(list: Ref, newsize: number): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const allocated = i32[list + FIELD.LIST_ALLOCATED];
    if (allocated >= newsize && newsize >= allocated >> 1) {
      i32[list + FIELD.LIST_SIZE] = newsize;
      return;
    }
    let newAllocated = (newsize + (newsize >> 3) + 6) & ~3;
    if (newsize - i32[list + OB.SIZE] > newAllocated - newsize) newAllocated = (newsize + 3) & ~3;
    if (newsize === 0) newAllocated = 0;
    const items = heap.allocator.realloc(i32[list + FIELD.LIST_ITEMS], 8 * allocated, 8 * newAllocated);
    i32[list + FIELD.LIST_ITEMS] = items;
    i32[list + FIELD.LIST_SIZE] = newsize;
    i32[list + FIELD.LIST_ALLOCATED] = newAllocated;
  }

  /** `lst.append(item)` (item borrowed). */
  append(list: Ref, item: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const n = i32[list + FIELD.LIST_SIZE];
    if (n < i32[list + FIELD.LIST_ALLOCATED]) i32[list + FIELD.LIST_SIZE] = n + 1;
    else this.resize(list, n + 1);
    heap.incref(item);
    i32[i32[list + FIELD.LIST_ITEMS] + 2 * n] = item;
  }

  /**
   * FIX_PREALLOC_SIZE (stringlib/split.h): a list preallocated with `PyList_New(n)` and filled
   * with fewer items takes their count as its size; its array keeps its allocation.
   */
  setSizeKeepingAllocation(list: Ref, n: number): void {
    const i32 = this.heap.i32;
    if (n > i32[list + FIELD.LIST_ALLOCATED]) throw new RangeError(`size ${n} beyond the list's allocation`);
    i32[list + FIELD.LIST_SIZE] = n;
  }

  /** `list.reverse()` in place (reverse_slice: items swap, nothing is made). */
  reverse(list: Ref): void {
    const i32 = this.heap.i32;
    const items = i32[list + FIELD.LIST_ITEMS];
    for (let lo = 0, hi = i32[list + FIELD.LIST_SIZE] - 1; lo < hi; lo++, hi--) {
      const a = i32[items + 2 * lo];
      i32[items + 2 * lo] = i32[items + 2 * hi];
      i32[items + 2 * hi] = a;
    }
  }

  /** `lst.append(item)` stealing the reference (as a comprehension's LIST_APPEND does). */
  appendSteal(list: Ref, item: Ref): void {
    this.append(list, item);
    this.heap.decref(item);
  }

  /** `lst.pop()`: removes the last item and returns it as a new reference. */
  pop(list: Ref): Ref {
    const i32 = this.heap.i32;
    const n = i32[list + FIELD.LIST_SIZE];
    if (n === 0) throw new RangeError('pop from empty list');
    const item = i32[i32[list + FIELD.LIST_ITEMS] + 2 * (n - 1)];
    this.resize(list, n - 1);
    return item;
  }

  /**
   * `del lst[i]` / `lst.remove(x)` (`list_ass_slice` with no replacement): the items after i move
   * down, the list is resized (it may shrink), then the removed item is dropped.
   */
  delete(list: Ref, i: number): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const n = i32[list + FIELD.LIST_SIZE];
    const items = i32[list + FIELD.LIST_ITEMS];
    const removed = i32[items + 2 * i];
    moveWords(i32, items + 2 * i, items + 2 * (i + 1), items + 2 * n);
    this.resize(list, n - 1);
    heap.decref(removed);
  }

  /**
   * `lst[lo:hi] = source` / `del lst[lo:hi]` (`list_ass_slice`, `lo <= hi` already clamped to the
   * list): the new items are those of `source`, a list or tuple other than `list` (borrowed), or
   * none when it is 0. The replaced items are copied aside first (into a PyMem block when more
   * than 8, the C stack otherwise), the tail moves and the list is resized, the new items are
   * stored, then the old ones are dropped, last first. A list left empty is cleared instead
   * (`_list_clear`: its array freed, its items dropped last first).
   */
  assignSlice(list: Ref, lo: number, hi: number, source: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const size = i32[list + FIELD.LIST_SIZE];
    const fromList = source !== 0 && i32[source + OB.TYPE] !== Kind.Tuple;
    const n = source === 0 ? 0 : fromList ? i32[source + FIELD.LIST_SIZE] : i32[source + OB.SIZE];
    const norig = hi - lo;
    const d = n - norig;
    if (size + d === 0) {
      clearList(heap, list);
      return;
    }
    let array = i32[list + FIELD.LIST_ITEMS];
    // The replaced items, aside on a stack of their own: dropping one may run a finaliser that
    // assigns a slice again.
    const recycleBlock = norig > 8 ? heap.allocator.malloc(8 * norig) : 0;
    const aside = this.reserveAside(norig);
    for (let k = 0; k < norig; k++) this.aside[aside + k] = i32[array + 2 * (lo + k)];
    if (d < 0) {
      moveWords(i32, array + 2 * (hi + d), array + 2 * hi, array + 2 * size);
      this.resize(list, size + d);
    } else if (d > 0) {
      this.resize(list, size + d);
      array = i32[list + FIELD.LIST_ITEMS];
      moveWords(i32, array + 2 * (hi + d), array + 2 * hi, array + 2 * size);
    }
    array = i32[list + FIELD.LIST_ITEMS];
    const from = fromList ? i32[source + FIELD.LIST_ITEMS] : 0;
    for (let k = 0; k < n; k++) {
      const item = fromList ? i32[from + 2 * k] : heap.tupleItem(source, k);
      heap.incref(item);
      i32[array + 2 * (lo + k)] = item;
    }
    for (let k = norig - 1; k >= 0; k--) heap.xdecref(this.aside[aside + k]);
    this.asideTop = aside;
    if (recycleBlock !== 0) heap.allocator.free(recycleBlock, 8 * norig);
  }

  /** assignSlice's stack of replaced items (the simulator's own memory, as the C stack is CPython's). */
  private aside = new Int32Array(64);
  private asideTop = 0;

  /** Room for n items on the aside stack; returns where they start. */
  private reserveAside(n: number): number {
    const at = this.asideTop;
    if (at + n > this.aside.length) {
      const grown = new Int32Array(Math.max(2 * this.aside.length, at + n));
      grown.set(this.aside);
      this.aside = grown;
    }
    this.asideTop = at + n;
    return at;
  }

  /** `lst.insert(i, item)` (`ins1`, item borrowed): resized by one, the items from i move up. */
  insert(list: Ref, i: number, item: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const n = i32[list + FIELD.LIST_SIZE];
    this.resize(list, n + 1);
    const items = i32[list + FIELD.LIST_ITEMS];
    moveWords(i32, items + 2 * (i + 1), items + 2 * i, items + 2 * n);
    heap.incref(item);
    i32[items + 2 * i] = item;
  }

  /** `[a, b, c]` (BUILD_LIST): exactly n slots. Items borrowed. */
  literal(items: readonly Ref[]): Ref {
    const list = this.newList(items.length);
    for (let i = 0; i < items.length; i++) {
      this.heap.incref(items[i]);
      this.init(list, i, items[i]);
    }
    return list;
  }

  /** `[item] * n`: exactly n slots. */
  repeat(item: Ref, n: number): Ref {
    const list = this.newList(n);
    for (let i = 0; i < n; i++) {
      this.heap.incref(item);
      this.init(list, i, item);
    }
    return list;
  }

  /**
   * `list(x)` for an iterable whose length is known (`range`, a tuple, a list): the array is
   * preallocated to the length rounded up to even (`list_preallocate_exact`). `make(i)` returns
   * a new reference for item i. Like every `list(...)` call here, the list object is one of its
   * own: list_vectorcall allocates it with PyType_GenericAlloc, never from the free list (MEAS
   * 3.11.7, 3.12.1, 3.13.0: `x = list(range(5))` keeps 104 B, `x = [0] * 6` 48 B).
   */
  fromSized(n: number, make: (i: number) => Ref): Ref {
    const list = this.newList(0, false);
    if (n > 0) {
      this.preallocateExact(list, n);
      for (let i = 0; i < n; i++) this.appendSteal(list, make(i));
    }
    return list;
  }

  /**
   * Room for `n` more items as list_extend makes it before appending them (the size stays): a
   * list with no array yet gets exactly n slots rounded up to even when `exactWhenEmpty`
   * (list_preallocate_exact; MEAS 3.11.7: list(iter(range(5))) holds 6 slots, [0].extend of 5
   * items 12), any other is `list_resize`d to its size + n.
   */
  reserveForExtend(list: Ref, n: number, exactWhenEmpty: boolean): void {
    const i32 = this.heap.i32;
    if (exactWhenEmpty && i32[list + FIELD.LIST_ITEMS] === 0) {
      if (n > 0) this.preallocateExact(list, n);
      return;
    }
    const m = i32[list + FIELD.LIST_SIZE];
    this.resize(list, m + n);
    i32[list + FIELD.LIST_SIZE] = m;
  }

  /** The end of list_extend's loop over an iterator: an array larger than the items shrinks (`list_resize`). */
  trimAfterExtend(list: Ref): void {
    const size = this.length(list);
    if (size < this.capacity(list)) this.resize(list, size);
  }

  /** `list_preallocate_exact` of an empty list: an array of n slots rounded up to even. */
  private preallocateExact(list: Ref, n: number): void {
    const heap = this.heap;
    const cap = (n + 1) & ~1;
    const items = heap.allocator.malloc(8 * cap);
    clearWords(heap.i32, items, items + 2 * cap);
    heap.i32[list + FIELD.LIST_ITEMS] = items;
    heap.i32[list + FIELD.LIST_ALLOCATED] = cap;
  }

  /** `[make(i) for i in range(n)]`: an empty list grown by appends. */
  comprehension(n: number, make: (i: number) => Ref): Ref {
    const list = this.newList(0);
    for (let i = 0; i < n; i++) this.appendSteal(list, make(i));
    return list;
  }

  fromIterator(n: number, make: (i: number) => Ref): Ref {
    const list = this.newList(0, false);
    this.resize(list, DEFAULT_LENGTH_HINT);
    this.heap.i32[list + FIELD.LIST_SIZE] = 0;
    for (let i = 0; i < n; i++) this.appendSteal(list, make(i));
    const size = this.length(list);
    if (size < this.capacity(list)) this.resize(list, size);
    return list;
  }

  /** Bytes of the item array (what `list.__sizeof__` adds to the object). */
  arrayBytes(list: Ref): number {
    return 8 * this.heap.i32[list + FIELD.LIST_ALLOCATED];
  }
}
