/**
 * The type free lists (fact sheet §1.6): deallocated objects kept for reuse. An object on a free
 * list still holds its memory (tracemalloc still counts it) and its reuse calls no allocator and
 * does not move the GC's count0. Full collections empty them (`_PyGC_ClearAllFreeLists`).
 */
import type { FreeListSizes } from './profiles.js';
import type { Ref } from './layout.js';

/** One bounded LIFO stack of object Refs. */
export class FreeList {
  readonly items: Int32Array;
  top = 0;
  constructor(readonly capacity: number) {
    this.items = new Int32Array(capacity);
  }
}

export class FreeLists {
  readonly float: FreeList;
  readonly int: FreeList;
  readonly list: FreeList;
  readonly dict: FreeList;
  readonly boundMethod: FreeList;
  /** tuples[n] holds tuples of length n (1..tupleMaxLength). */
  readonly tuples: FreeList[];
  readonly tupleMaxLength: number;

  constructor(sizes: FreeListSizes) {
    this.float = new FreeList(sizes.float);
    this.int = new FreeList(sizes.int);
    this.list = new FreeList(sizes.list);
    this.dict = new FreeList(sizes.dict);
    this.boundMethod = new FreeList(sizes.boundMethod);
    this.tupleMaxLength = sizes.tupleMaxLength;
    this.tuples = [];
    for (let n = 0; n <= sizes.tupleMaxLength; n++) this.tuples.push(new FreeList(n === 0 ? 0 : sizes.tuplePerLength));
  }

  /** Keeps `ref` if the list has room; returns whether it did. */
  push(list: FreeList, ref: Ref): boolean {
    if (list.top >= list.capacity) return false;
    list.items[list.top++] = ref;
    return true;
  }

  /** A kept object, or 0. */
  pop(list: FreeList): Ref {
    return list.top === 0 ? 0 : list.items[--list.top];
  }

  pushTuple(n: number, ref: Ref): boolean {
    return this.push(this.tuples[n], ref);
  }

  popTuple(n: number): Ref {
    return this.pop(this.tuples[n]);
  }

  /** Empties every list, handing each kept object to `free`. */
  drain(free: (ref: Ref) => void): void {
    for (const list of [this.float, this.int, this.list, this.dict, this.boundMethod, ...this.tuples]) {
      while (list.top > 0) free(list.items[--list.top]);
    }
  }

}
