/**
 * `collections.deque` and its iterator (`Modules/_collectionsmodule.c`, 3.11-3.13): a GC object
 * whose items live in a doubly linked list of blocks of 64 item slots, each block PyMem_Malloc'd.
 * The facts, read in the source and measured with tracemalloc and sys.getsizeof on 3.11.2,
 * 3.11.7, 3.12.1 and 3.13.0 (the same on all):
 *
 *   deque object   216 B (`dequeobject`: header with ob_size, left and right block, left and right
 *                  index, state, maxlen, the count of free blocks, 16 free-block pointers, the
 *                  weakref list) + the 16-byte GC head: 232 B requested, tracked at allocation
 *   block          528 B (left link, 64 item pointers, right link): above 512 B, so a raw malloc
 *   deque()        the object, then its first block; empty, the indices are CENTER + 1 and CENTER
 *                  (an append goes to slot 32); extend() of an empty deque restarts at slot 1
 *   free blocks    a block emptied by a pop goes onto the deque's own list of up to 16
 *                  (MAXFREEBLOCKS), which newblock() takes from (last in, first out) before it
 *                  mallocs; the list is freed with the deque
 *   clear          `deque_clear` takes a new block first (a free one, or a malloc), makes the deque
 *                  empty on it, then drops the items left to right, freeing each old block once
 *                  past it: so a deque dying with items and no free block peaks at one block more
 *   iterator       72 B with its GC head (block, index, the deque, state, counter), tracked
 *   getsizeof      216 + 16 + 528 per block spanned ((leftindex + len + 63) // 64)
 *
 * A block's words: the left link, the 64 item slots (two words each, the Ref in the first), the
 * right link.
 */
import type { Heap } from './heap.js';
import { FIELD, OB, type Ref } from './layout.js';
import { Kind } from './types.js';

/** Item slots per block (`BLOCKLEN`). */
export const BLOCKLEN = 64;
/** `CENTER`: where an empty deque's indices meet. */
const CENTER = (BLOCKLEN - 1) >> 1;
/** `sizeof(block)`: two links and 64 item pointers. */
export const BLOCK_BYTES = 8 + 8 * BLOCKLEN + 8;
/** `MAXFREEBLOCKS`: emptied blocks a deque keeps for reuse. */
const MAXFREEBLOCKS = 16;
/** `sizeof(dequeobject)` + the GC head. MEAS sys.getsizeof(deque()) - 528 = 232. */
export const DEQUE_BYTES = 16 + 216;
/** `dequeiterobject` + the GC head. MEAS sys.getsizeof(iter(deque())) 72. */
export const DEQUE_ITER_BYTES = 72;

// Block words.
const BLOCK_LEFTLINK = 0;
const BLOCK_DATA = 2;
const BLOCK_RIGHTLINK = 2 + 2 * BLOCKLEN;

/** What `iterNext` returns when the deque changed under its iterator (CPython raises RuntimeError). */
export const DEQUE_MUTATED = -1;

export class DequeOps {
  constructor(private readonly heap: Heap) {}

  /** `deque_new`: the object (tracked), then its first block. New reference. */
  newDeque(maxlen: number): Ref {
    const heap = this.heap;
    const d = heap.allocObject(Kind.Deque, DEQUE_BYTES);
    const i32 = heap.i32;
    i32[d + OB.SIZE] = 0;
    i32[d + FIELD.DEQUE_NUMFREEBLOCKS] = 0;
    i32[d + FIELD.DEQUE_WEAKLIST] = 0;
    i32[d + FIELD.DEQUE_STATE] = 0;
    // PyType_GenericAlloc tracks the object before deque_new mallocs the block.
    heap.track(d);
    const b = this.newBlock(d);
    i32[b + BLOCK_LEFTLINK] = 0;
    i32[b + BLOCK_RIGHTLINK] = 0;
    i32[d + FIELD.DEQUE_LEFTBLOCK] = b;
    i32[d + FIELD.DEQUE_RIGHTBLOCK] = b;
    i32[d + FIELD.DEQUE_LEFTINDEX] = CENTER + 1;
    i32[d + FIELD.DEQUE_RIGHTINDEX] = CENTER;
    i32[d + FIELD.DEQUE_MAXLEN] = maxlen;
    return d;
  }

  length(d: Ref): number {
    return this.heap.i32[d + OB.SIZE];
  }

  /** -1 for an unbounded deque. */
  maxlen(d: Ref): number {
    return this.heap.i32[d + FIELD.DEQUE_MAXLEN];
  }

  /** `deque_init`'s `deque->maxlen = maxlen`. */
  setMaxlen(d: Ref, maxlen: number): void {
    this.heap.i32[d + FIELD.DEQUE_MAXLEN] = maxlen;
  }

  /** `newblock`: the last block on the deque's free list, else a new one. */
  private newBlock(d: Ref): Ref {
    const i32 = this.heap.i32;
    const n = i32[d + FIELD.DEQUE_NUMFREEBLOCKS];
    if (n > 0) {
      i32[d + FIELD.DEQUE_NUMFREEBLOCKS] = n - 1;
      return i32[d + FIELD.DEQUE_FREEBLOCKS + 2 * (n - 1)];
    }
    return this.heap.allocator.malloc(BLOCK_BYTES);
  }

  /** `freeblock`: onto the deque's free list while it has room, else freed. */
  private freeBlock(d: Ref, b: Ref): void {
    const i32 = this.heap.i32;
    const n = i32[d + FIELD.DEQUE_NUMFREEBLOCKS];
    if (n < MAXFREEBLOCKS) {
      i32[d + FIELD.DEQUE_FREEBLOCKS + 2 * n] = b;
      i32[d + FIELD.DEQUE_NUMFREEBLOCKS] = n + 1;
    } else {
      this.heap.allocator.free(b, BLOCK_BYTES);
    }
  }

  /** Whether a deque of this size is over its maxlen (`NEEDS_TRIM`: never when unbounded). */
  private needsTrim(d: Ref): boolean {
    const maxlen = this.heap.i32[d + FIELD.DEQUE_MAXLEN];
    return maxlen >= 0 && this.heap.i32[d + OB.SIZE] > maxlen;
  }

  /** `deque_append_internal`: steals `item`; over maxlen, the leftmost item goes. */
  appendSteal(d: Ref, item: Ref): void {
    const i32 = this.heap.i32;
    if (i32[d + FIELD.DEQUE_RIGHTINDEX] === BLOCKLEN - 1) {
      const b = this.newBlock(d);
      const right = i32[d + FIELD.DEQUE_RIGHTBLOCK];
      i32[b + BLOCK_LEFTLINK] = right;
      i32[b + BLOCK_RIGHTLINK] = 0;
      i32[right + BLOCK_RIGHTLINK] = b;
      i32[d + FIELD.DEQUE_RIGHTBLOCK] = b;
      i32[d + FIELD.DEQUE_RIGHTINDEX] = -1;
    }
    i32[d + OB.SIZE]++;
    const index = ++i32[d + FIELD.DEQUE_RIGHTINDEX];
    i32[i32[d + FIELD.DEQUE_RIGHTBLOCK] + BLOCK_DATA + 2 * index] = item;
    if (this.needsTrim(d)) this.heap.decref(this.popLeft(d));
    else i32[d + FIELD.DEQUE_STATE]++;
  }

  /** `deque_appendleft_internal`: steals `item`; over maxlen, the rightmost item goes. */
  appendLeftSteal(d: Ref, item: Ref): void {
    const i32 = this.heap.i32;
    if (i32[d + FIELD.DEQUE_LEFTINDEX] === 0) {
      const b = this.newBlock(d);
      const left = i32[d + FIELD.DEQUE_LEFTBLOCK];
      i32[b + BLOCK_RIGHTLINK] = left;
      i32[b + BLOCK_LEFTLINK] = 0;
      i32[left + BLOCK_LEFTLINK] = b;
      i32[d + FIELD.DEQUE_LEFTBLOCK] = b;
      i32[d + FIELD.DEQUE_LEFTINDEX] = BLOCKLEN;
    }
    i32[d + OB.SIZE]++;
    const index = --i32[d + FIELD.DEQUE_LEFTINDEX];
    i32[i32[d + FIELD.DEQUE_LEFTBLOCK] + BLOCK_DATA + 2 * index] = item;
    if (this.needsTrim(d)) this.heap.decref(this.pop(d));
    else i32[d + FIELD.DEQUE_STATE]++;
  }

  /** `deque_pop` of a non-empty deque: the rightmost item (the deque's reference, handed over). */
  pop(d: Ref): Ref {
    const i32 = this.heap.i32;
    const right = i32[d + FIELD.DEQUE_RIGHTBLOCK];
    const item = i32[right + BLOCK_DATA + 2 * i32[d + FIELD.DEQUE_RIGHTINDEX]];
    const index = --i32[d + FIELD.DEQUE_RIGHTINDEX];
    const size = --i32[d + OB.SIZE];
    i32[d + FIELD.DEQUE_STATE]++;
    if (index < 0) {
      if (size > 0) {
        const prev = i32[right + BLOCK_LEFTLINK];
        this.freeBlock(d, right);
        i32[prev + BLOCK_RIGHTLINK] = 0;
        i32[d + FIELD.DEQUE_RIGHTBLOCK] = prev;
        i32[d + FIELD.DEQUE_RIGHTINDEX] = BLOCKLEN - 1;
      } else {
        // Re-centred instead of freeing a block.
        i32[d + FIELD.DEQUE_LEFTINDEX] = CENTER + 1;
        i32[d + FIELD.DEQUE_RIGHTINDEX] = CENTER;
      }
    }
    return item;
  }

  /** `deque_popleft` of a non-empty deque: the leftmost item (the deque's reference, handed over). */
  popLeft(d: Ref): Ref {
    const i32 = this.heap.i32;
    const left = i32[d + FIELD.DEQUE_LEFTBLOCK];
    const item = i32[left + BLOCK_DATA + 2 * i32[d + FIELD.DEQUE_LEFTINDEX]];
    const index = ++i32[d + FIELD.DEQUE_LEFTINDEX];
    const size = --i32[d + OB.SIZE];
    i32[d + FIELD.DEQUE_STATE]++;
    if (index === BLOCKLEN) {
      if (size > 0) {
        const next = i32[left + BLOCK_RIGHTLINK];
        this.freeBlock(d, left);
        i32[next + BLOCK_LEFTLINK] = 0;
        i32[d + FIELD.DEQUE_LEFTBLOCK] = next;
        i32[d + FIELD.DEQUE_LEFTINDEX] = 0;
      } else {
        i32[d + FIELD.DEQUE_LEFTINDEX] = CENTER + 1;
        i32[d + FIELD.DEQUE_RIGHTINDEX] = CENTER;
      }
    }
    return item;
  }

  /** `deque_extend`'s space-saving start: an empty deque fills from slot 1. */
  startFillingFromLeft(d: Ref): void {
    const i32 = this.heap.i32;
    if (i32[d + OB.SIZE] !== 0) return;
    i32[d + FIELD.DEQUE_LEFTINDEX] = 1;
    i32[d + FIELD.DEQUE_RIGHTINDEX] = 0;
  }

  /** Item i (0 <= i < len), borrowed. */
  item(d: Ref, i: number): Ref {
    const i32 = this.heap.i32;
    const at = i + i32[d + FIELD.DEQUE_LEFTINDEX];
    let b = i32[d + FIELD.DEQUE_LEFTBLOCK];
    for (let n = Math.floor(at / BLOCKLEN); n > 0; n--) b = i32[b + BLOCK_RIGHTLINK];
    return i32[b + BLOCK_DATA + 2 * (at % BLOCKLEN)];
  }

  /** Changes with every move of the indices: what iterators and `in` check the deque against. */
  state(d: Ref): number {
    return this.heap.i32[d + FIELD.DEQUE_STATE];
  }

  /**
   * Copies the items, left to right, into `out` from index 0 and returns how many
   * (`deque_traverse`'s order).
   */
  copyItems(d: Ref, out: Int32Array): number {
    const i32 = this.heap.i32;
    const n = i32[d + OB.SIZE];
    let b = i32[d + FIELD.DEQUE_LEFTBLOCK];
    let index = i32[d + FIELD.DEQUE_LEFTINDEX];
    for (let k = 0; k < n; k++) {
      out[k] = i32[b + BLOCK_DATA + 2 * index];
      if (++index === BLOCKLEN) {
        b = i32[b + BLOCK_RIGHTLINK];
        index = 0;
      }
    }
    return n;
  }

  /**
   * `deque_clear` (clear(), tp_clear, and the deallocation): a block for the empty deque first,
   * then the items dropped left to right, each old block freed once its items are.
   */
  clear(d: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    let n = i32[d + OB.SIZE];
    if (n === 0) return;
    const b = this.newBlock(d);
    let block = i32[d + FIELD.DEQUE_LEFTBLOCK];
    let index = i32[d + FIELD.DEQUE_LEFTINDEX];
    i32[b + BLOCK_LEFTLINK] = 0;
    i32[b + BLOCK_RIGHTLINK] = 0;
    i32[d + OB.SIZE] = 0;
    i32[d + FIELD.DEQUE_LEFTBLOCK] = b;
    i32[d + FIELD.DEQUE_RIGHTBLOCK] = b;
    i32[d + FIELD.DEQUE_LEFTINDEX] = CENTER + 1;
    i32[d + FIELD.DEQUE_RIGHTINDEX] = CENTER;
    i32[d + FIELD.DEQUE_STATE]++;
    // The old chain is disconnected from the deque now: a decref that reaches back finds it empty.
    while (n > 0) {
      if (index === BLOCKLEN) {
        const prev = block;
        block = i32[block + BLOCK_RIGHTLINK];
        index = 0;
        this.freeBlock(d, prev);
      }
      const item = i32[block + BLOCK_DATA + 2 * index];
      index++;
      n--;
      // Inside a deallocation the item's own would wait; CPython's happens here, before the next block goes.
      const mark = heap.deadMark();
      heap.decref(item);
      heap.deallocDiedSince(mark);
    }
    this.freeBlock(d, block);
  }

  /** `deque_dealloc`'s middle: cleared, its block freed, then every free block (index order). */
  freeContents(d: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const left = i32[d + FIELD.DEQUE_LEFTBLOCK];
    if (left !== 0) {
      this.clear(d);
      this.freeBlock(d, i32[d + FIELD.DEQUE_LEFTBLOCK]);
    }
    i32[d + FIELD.DEQUE_LEFTBLOCK] = 0;
    i32[d + FIELD.DEQUE_RIGHTBLOCK] = 0;
    const free = i32[d + FIELD.DEQUE_NUMFREEBLOCKS];
    for (let i = 0; i < free; i++) heap.allocator.free(i32[d + FIELD.DEQUE_FREEBLOCKS + 2 * i], BLOCK_BYTES);
    i32[d + FIELD.DEQUE_NUMFREEBLOCKS] = 0;
  }

  /** `deque.__sizeof__` + the GC head. */
  sizeof(d: Ref): number {
    const i32 = this.heap.i32;
    const blocks = Math.floor((i32[d + FIELD.DEQUE_LEFTINDEX] + i32[d + OB.SIZE] + BLOCKLEN - 1) / BLOCKLEN);
    return DEQUE_BYTES + blocks * BLOCK_BYTES;
  }

  // ---- the iterator ---------------------------------------------------------------------------

  /** `deque_iter`: a tracked iterator holding the deque (borrowed here). New reference. */
  newIter(d: Ref): Ref {
    const heap = this.heap;
    const it = heap.allocObject(Kind.DequeIter, DEQUE_ITER_BYTES);
    const i32 = heap.i32;
    i32[it + FIELD.DEQUEITER_BLOCK] = i32[d + FIELD.DEQUE_LEFTBLOCK];
    i32[it + FIELD.DEQUEITER_INDEX] = i32[d + FIELD.DEQUE_LEFTINDEX];
    heap.incref(d);
    i32[it + FIELD.DEQUEITER_DEQUE] = d;
    i32[it + FIELD.DEQUEITER_STATE] = i32[d + FIELD.DEQUE_STATE];
    i32[it + FIELD.DEQUEITER_COUNTER] = i32[d + OB.SIZE];
    heap.track(it);
    return it;
  }

  /** `dequeiter_next`: the next item (new reference), 0 at the end, or DEQUE_MUTATED. */
  iterNext(it: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const d = i32[it + FIELD.DEQUEITER_DEQUE];
    if (i32[d + FIELD.DEQUE_STATE] !== i32[it + FIELD.DEQUEITER_STATE]) {
      i32[it + FIELD.DEQUEITER_COUNTER] = 0;
      return DEQUE_MUTATED;
    }
    const counter = i32[it + FIELD.DEQUEITER_COUNTER];
    if (counter === 0) return 0;
    const b = i32[it + FIELD.DEQUEITER_BLOCK];
    const index = i32[it + FIELD.DEQUEITER_INDEX];
    const item = i32[b + BLOCK_DATA + 2 * index];
    i32[it + FIELD.DEQUEITER_COUNTER] = counter - 1;
    if (index + 1 === BLOCKLEN && counter > 1) {
      i32[it + FIELD.DEQUEITER_BLOCK] = i32[b + BLOCK_RIGHTLINK];
      i32[it + FIELD.DEQUEITER_INDEX] = 0;
    } else {
      i32[it + FIELD.DEQUEITER_INDEX] = index + 1;
    }
    heap.incref(item);
    return item;
  }
}
