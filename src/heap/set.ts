/**
 * set objects: 216 bytes (GC head included) with an 8-entry small table inside; a larger table is
 * a separate PyMem block of 16 bytes per entry. `set_add_entry` grows the table when fill·5 ≥
 * mask·3, to 4 × used (2 × used above 50,000), rounded up to a power of two.
 */
import { FIELD, type Ref, SET_MINSIZE, clearWords } from './layout.js';
import { Kind } from './types.js';
import type { Heap } from './heap.js';

const SET_BYTES = 216;
const ENTRY_WORDS = 4; // key (8 bytes), hash (8 bytes)
const DUMMY_KEY = -1;

/** Empties a set (`set_clear_internal`): drops its keys and returns it to the small table. */
export function clearSet(heap: Heap, s: Ref): void {
  const i32 = heap.i32;
  const table = i32[s + FIELD.SET_TABLE];
  const mask = i32[s + FIELD.SET_MASK];
  const small = s + FIELD.SET_SMALLTABLE;
  i32[s + FIELD.SET_TABLE] = small;
  i32[s + FIELD.SET_MASK] = SET_MINSIZE - 1;
  i32[s + FIELD.SET_FILL] = 0;
  i32[s + FIELD.SET_USED] = 0;
  for (let i = 0; i <= mask; i++) {
    const w = table + i * ENTRY_WORDS;
    const k = i32[w];
    i32[w] = 0;
    if (k > 0) heap.decref(k);
  }
  if (table !== small) heap.allocator.free(table, 16 * (mask + 1));
}

export class SetOps {
  constructor(private readonly heap: Heap) {}

  newSet(): Ref {
    const heap = this.heap;
    const s = heap.allocObject(Kind.Set, SET_BYTES);
    const i32 = heap.i32;
    clearWords(i32, s + 4, s + (SET_BYTES >> 2) - 4);
    i32[s + FIELD.SET_MASK] = SET_MINSIZE - 1;
    i32[s + FIELD.SET_TABLE] = s + FIELD.SET_SMALLTABLE;
    i32[s + FIELD.SET_HASH] = -1;
    heap.track(s);
    return s;
  }

  length(s: Ref): number {
    return this.heap.i32[s + FIELD.SET_USED];
  }

  /** `s.clear()`: set_clear_internal (clearSet). */
  clear(s: Ref): void {
    clearSet(this.heap, s);
  }

  /** Whether `key` is in the set. */
  contains(s: Ref, key: Ref): boolean {
    return this.find(s, key, this.heap.hashOf(key)) >= 0;
  }

  /** The slot holding `key`, or -1. */
  private find(s: Ref, key: Ref, hash: number): number {
    const heap = this.heap;
    const i32 = heap.i32;
    const table = i32[s + FIELD.SET_TABLE];
    const mask = i32[s + FIELD.SET_MASK];
    let perturb = hash >>> 0;
    let i = perturb & mask;
    for (;;) {
      const k = i32[table + i * ENTRY_WORDS];
      if (k === 0) return -1;
      if (k !== DUMMY_KEY && (k === key || (i32[table + i * ENTRY_WORDS + 2] === hash && heap.equal(k, key)))) return i;
      perturb >>>= 5;
      i = (i * 5 + perturb + 1) & mask;
    }
  }

  /** `s.add(key)` (borrowed). */
  add(s: Ref, key: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const hash = heap.hashOf(key);
    if (this.find(s, key, hash) >= 0) return;
    heap.incref(key);
    this.insertClean(s, key, hash);
    i32[s + FIELD.SET_FILL]++;
    i32[s + FIELD.SET_USED]++;
    const mask = i32[s + FIELD.SET_MASK];
    if (i32[s + FIELD.SET_FILL] * 5 < mask * 3) return;
    const used = i32[s + FIELD.SET_USED];
    this.resize(s, used > 50000 ? used * 2 : used * 4);
  }

  /** `s.discard(key)`: the slot becomes a dummy. */
  discard(s: Ref, key: Ref): boolean {
    const heap = this.heap;
    const i32 = heap.i32;
    const slot = this.find(s, key, heap.hashOf(key));
    if (slot < 0) return false;
    const w = i32[s + FIELD.SET_TABLE] + slot * ENTRY_WORDS;
    const k = i32[w];
    i32[w] = DUMMY_KEY;
    i32[s + FIELD.SET_USED]--;
    heap.decref(k);
    return true;
  }

  private insertClean(s: Ref, key: Ref, hash: number): void {
    const i32 = this.heap.i32;
    const table = i32[s + FIELD.SET_TABLE];
    const mask = i32[s + FIELD.SET_MASK];
    let perturb = hash >>> 0;
    let i = perturb & mask;
    while (i32[table + i * ENTRY_WORDS] !== 0) {
      perturb >>>= 5;
      i = (i * 5 + perturb + 1) & mask;
    }
    i32[table + i * ENTRY_WORDS] = key;
    i32[table + i * ENTRY_WORDS + 2] = hash;
  }

  /** `set_table_resize`: the smallest power of two above `minused`, at least 8. */
  private resize(s: Ref, minused: number): void {
    const heap = this.heap;
    const i32 = heap.i32;
    let newsize = SET_MINSIZE;
    while (newsize <= minused) newsize <<= 1;
    const oldTable = i32[s + FIELD.SET_TABLE];
    const oldMask = i32[s + FIELD.SET_MASK];
    const small = s + FIELD.SET_SMALLTABLE;
    // Entries of the old table, copied out first when the small table is reused in place.
    const live: number[] = [];
    for (let i = 0; i <= oldMask; i++) {
      const k = i32[oldTable + i * ENTRY_WORDS];
      if (k > 0) live.push(k, i32[oldTable + i * ENTRY_WORDS + 2]);
    }
    const table = newsize === SET_MINSIZE ? small : heap.allocator.malloc(16 * newsize);
    clearWords(i32, table, table + newsize * ENTRY_WORDS);
    i32[s + FIELD.SET_TABLE] = table;
    i32[s + FIELD.SET_MASK] = newsize - 1;
    i32[s + FIELD.SET_FILL] = live.length >> 1;
    for (let j = 0; j < live.length; j += 2) this.insertClean(s, live[j], live[j + 1]);
    if (oldTable !== small) heap.allocator.free(oldTable, 16 * (oldMask + 1));
  }

  /**
   * setiter_iternext's step: the first live entry at table position `pos` or after, as
   * [position, key (borrowed)], or undefined past the table's end.
   */
  entryFrom(s: Ref, pos: number): [number, Ref] | undefined {
    const i32 = this.heap.i32;
    const table = i32[s + FIELD.SET_TABLE];
    const mask = i32[s + FIELD.SET_MASK];
    for (let i = pos; i <= mask; i++) {
      const k = i32[table + i * ENTRY_WORDS];
      if (k > 0) return [i, k];
    }
    return undefined;
  }

  /** Bytes of the object plus a separate table (`set.__sizeof__` + GC head). */
  sizeof(s: Ref): number {
    const i32 = this.heap.i32;
    const table = i32[s + FIELD.SET_TABLE];
    return SET_BYTES + (table === s + FIELD.SET_SMALLTABLE ? 0 : 16 * (i32[s + FIELD.SET_MASK] + 1));
  }
}
