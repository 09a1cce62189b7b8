/**
 * The 1,000,000 floats fact (fact sheet §1.3 "Measured"), replayed on the simulated allocator.
 *
 * Real CPython 3.11.7 on this machine, `sys._debugmallocstats()` around
 * `fl = [float(i) for i in range(1000000)]; del fl`:
 *   - size class 1 (32-byte blocks, 510 per pool) went from 3 to 1964 pools: exactly 1961 added;
 *   - arenas went from 4 to 35 (31 added: the 4 start-up arenas' free pools absorbed part of the growth);
 *   - after `del fl`, 29 arenas were reclaimed (6 left), and class 1 kept 5 pools (2 more than at the
 *     start): the float free list keeps 100 floats, and they span two pools;
 *   - sys.getsizeof(fl) = 8,448,728 = 56 + 8 * 1,056,084 (the comprehension's append growth).
 * 3.12.1 and 3.13.0 started from 2 arenas, added 31 and also reclaimed 29.
 *
 * A float is 24 bytes requested, a 32-byte block (class 1). `list_dealloc` decrefs the items from the
 * LAST to the first, so the first 100 floats deallocated -- the last 100 created -- go to the float
 * free list (100 slots, emptied only by a full collection) and are never freed to pymalloc.
 *
 * Derivations (unaligned arenas: 63 pools each):
 *   pools  = ceil(1,000,000 / 510) = 1961 (1960 full pools + one with 400 floats)
 *   arenas = ceil(1961 / 63) = 32 on an empty heap (31 * 63 = 1953; the 32nd arena holds 8 pools).
 * Real 3.11 added 31 arenas because its 4 start-up arenas had free pools for part of the 1961.
 */
import { describe, expect, it } from 'vitest';
import type { Allocator } from '../src/heap/allocator.js';
import { Stat } from '../src/heap/layout.js';
import { MiB, poolOf, setupAllocator } from './support/allocator.js';

const N = 1_000_000;
const FLOAT = 24; // bytes requested per float; 32-byte block
const PER_POOL = 510; // floor((16384 - 48) / 32)
const FREE_LIST = 100; // PyFloat_MAXFREELIST

const setup = () => setupAllocator({ heapBytes: 128 * MiB });

/** `list_resize` (Objects/listobject.c, 3.11-3.14): the new capacity for `newsize` items, or the old one. */
function listResize(allocated: number, size: number, newsize: number): number {
  if (allocated >= newsize && newsize >= allocated >> 1) return allocated;
  if (newsize === 0) return 0;
  let cap = (newsize + (newsize >> 3) + 6) & ~3;
  if (newsize - size > cap - newsize) cap = (newsize + 3) & ~3;
  return cap;
}
function capacityAfterAppends(n: number): number {
  let cap = 0;
  for (let size = 0; size < n; size++) cap = listResize(cap, size, size + 1);
  return cap;
}

/** `del fl`: decref from the last item to the first; the first 100 deallocated stay on the float free list. */
function deleteFloats(alloc: Allocator, floats: number[]): number[] {
  const kept: number[] = [];
  for (let i = floats.length - 1; i >= 0; i--) {
    if (kept.length < FREE_LIST) kept.push(floats[i]);
    else alloc.free(floats[i], FLOAT);
  }
  return kept;
}

describe('1,000,000 floats', () => {
  it('the comprehension capacity matches CPython (getsizeof 8,448,728 = 56 + 8 * 1,056,084)', () => {
    expect(capacityAfterAppends(N)).toBe(1_056_084);
    expect(56 + 8 * capacityAfterAppends(N)).toBe(8_448_728);
    // The sheet's measured append sequence.
    const seq: number[] = [];
    let cap = 0;
    for (let size = 0; size < 200; size++) {
      const next = listResize(cap, size, size + 1);
      if (next !== cap) seq.push(next);
      cap = next;
    }
    expect(seq).toEqual([4, 8, 16, 24, 32, 40, 52, 64, 76, 92, 108, 128, 148, 172, 200]);
  });

  it('empty heap, one malloc for the item array: 1961 pools, 32 arenas; after del, 31 arenas released', () => {
    const { s, alloc, order } = setup();
    const floats = new Array<number>(N);
    for (let i = 0; i < N; i++) floats[i] = alloc.malloc(FLOAT);
    const itemBytes = 8 * capacityAfterAppends(N);
    const items = alloc.malloc(itemBytes); // > 512 KiB: raw, its own chunks

    const u = alloc.pymalloc.usage();
    expect(u.classes[1].pools).toBe(Math.ceil(N / PER_POOL));
    expect(u.classes[1].pools).toBe(1961);
    expect(u.classes[1].blocksInUse).toBe(N);
    expect(u.classes[1].blocksAvailable).toBe(1961 * PER_POOL - N); // 110, all in the last pool
    expect(s[Stat.PoolsInUse]).toBe(1961);
    expect(s[Stat.ArenasInUse]).toBe(Math.ceil(1961 / 63));
    expect(s[Stat.ArenasInUse]).toBe(32);
    expect(order()).toEqual([[31, 32 * 63 - 1961]]); // [31, 55]: the only arena with free pools
    expect(s[Stat.RawBlocks]).toBe(1);
    expect(s[Stat.RequestedCurrent]).toBe(N * FLOAT + itemBytes);
    // The last pool holds floats 999,600..999,999: 400 floats.
    const lastPool = poolOf(floats[N - 1]);
    expect(floats.filter((b) => poolOf(b) === lastPool).length).toBe(N - 1960 * PER_POOL);

    const kept = deleteFloats(alloc, floats);
    alloc.free(items, itemBytes);
    // The 100 kept floats all sit in that last pool, in arena 31, which therefore has 62 free pools:
    // the most a non-empty arena can have, so it stays the tail of usable_arenas. Every other arena
    // empties in front of it (nextarena != NULL) and is released at once: 31 released, 1 left, and no
    // wholly free arena is kept (the "last arena" of bpo-37257 is the one holding the kept floats).
    expect(kept.every((b) => poolOf(b) === lastPool)).toBe(true);
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(s[Stat.ArenasReclaimedTotal]).toBe(31);
    expect(s[Stat.ArenasPeak]).toBe(32);
    expect(order()).toEqual([[31, 62]]);
    expect(s[Stat.PoolsInUse]).toBe(1);
    expect(s[Stat.BlocksInUse]).toBe(FREE_LIST);
    expect(s[Stat.RequestedCurrent]).toBe(FREE_LIST * FLOAT); // free-listed floats stay allocated
    expect(s[Stat.RawBlocks]).toBe(0);

    // A full collection clears the float free list: the last arena is now wholly free, and kept.
    for (const b of kept) alloc.free(b, FLOAT);
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(order()).toEqual([[31, 63]]);
    expect(s[Stat.RequestedCurrent]).toBe(0);
  });

  it('list growth by realloc and a list object kept on the list free list: 32 arenas, then 2 left (30 released)', () => {
    const { s, alloc, order } = setup();
    const list = alloc.malloc(56); // PyListObject with its GC header: class 3, arena 0's first pool
    let items = 0;
    let cap = 0;
    const floats = new Array<number>(N);
    for (let i = 0; i < N; i++) {
      floats[i] = alloc.malloc(FLOAT); // float(i) is created before LIST_APPEND
      const next = listResize(cap, i, i + 1);
      if (next !== cap) {
        items = alloc.realloc(items, 8 * cap, 8 * next); // PyMem_Realloc: pymalloc up to 64 slots, raw after
        cap = next;
      }
    }
    expect(cap).toBe(1_056_084);
    // The 32-byte array of capacity 4 shared class 1 with the floats but was freed (moved to 64 bytes)
    // before the first pool filled, and the transient pools of the growing array (classes 3..31) went
    // back to arena 0's free pools, which the float pools then reused. So: 1961 float pools plus the
    // list object's pool = 1962 pools; arena 0 = list pool + 62 float pools; arenas 1..30 = 1890 float
    // pools; arena 31 = the last 9 float pools (54 free).
    const u = alloc.pymalloc.usage();
    expect(u.classes[1].pools).toBe(1961);
    expect(u.classes[3].pools).toBe(1);
    expect(s[Stat.PoolsInUse]).toBe(1962);
    expect(s[Stat.ArenasInUse]).toBe(32);
    expect(order()).toEqual([[31, 54]]);
    // tracemalloc: floats + list object + final array, and the moving reallocs never counted both arrays.
    const total = N * FLOAT + 56 + 8 * 1_056_084;
    expect(total).toBe(32_448_728); // real 3.11.7: current 32,448,576, peak 32,448,816 (free-list reuse, transient ints)
    expect(s[Stat.RequestedCurrent]).toBe(total);
    expect(s[Stat.RequestedPeak]).toBe(total);
    expect(s[Stat.RawBlocks]).toBe(1);
    expect(s[Stat.RawHeld]).toBe(9 * MiB);

    deleteFloats(alloc, floats);
    alloc.free(items, 8 * cap); // PyMem_Free(ob_item); the list object goes to the list free list
    // Arena 31 keeps the 100 floats (62 free); arena 0 keeps the list object (62 free, in front of 31);
    // arenas 1..30 each empty in front of arena 31 and are released.
    expect(s[Stat.ArenasInUse]).toBe(2);
    expect(s[Stat.ArenasReclaimedTotal]).toBe(30);
    expect(order()).toEqual([
      [0, 62],
      [31, 62],
    ]);
    expect(s[Stat.RequestedCurrent]).toBe(FREE_LIST * FLOAT + 56);
    expect(s[Stat.RawBlocks]).toBe(0);
    void list;
  });

  it('start-up objects that leave 20 floats in the last pool (as on 3.11.7): 29 arenas released', () => {
    // On 3.11.7 the 3 start-up class-1 pools had 380 free blocks, so about 999,620 floats went to new
    // pools: 1960 full pools and ~20 floats in the last one. The 100 kept floats then span two pools
    // (class 1 ends with 2 pools more than it started with, as measured). Model that with 130 live
    // start-up blocks: 130 + 1,000,000 = 1960 * 510 + 20 + 510, i.e. 1962 class-1 pools, the last
    // with exactly 20 floats.
    const { s, alloc, order } = setup();
    const startup = Array.from({ length: 130 }, () => alloc.malloc(FLOAT));
    const floats = new Array<number>(N);
    for (let i = 0; i < N; i++) floats[i] = alloc.malloc(FLOAT);
    const lastPool = poolOf(floats[N - 1]);
    expect(floats.filter((b) => poolOf(b) === lastPool).length).toBe(20);
    expect(alloc.pymalloc.usage().classes[1].pools).toBe(1962);
    expect(s[Stat.ArenasInUse]).toBe(32); // ceil(1962 / 63); arena 31 holds 9 pools
    expect(order()).toEqual([[31, 54]]);

    const kept = deleteFloats(alloc, floats);
    expect(new Set(kept.map(poolOf)).size).toBe(2);
    // Arena 31 keeps 2 pools: 61 free. Arena 30 drains next; at 62 free it has more than arena 31 and
    // slides right of it, so it is the tail when it becomes wholly free: kept (bpo-37257). Arenas
    // 29..1 then empty in front of it and are released; arena 0 keeps the start-up pool.
    // Left: arena 0 (start-up objects), arena 31 (kept floats), arena 30 (wholly free) = 3 of 32;
    // 29 released, as on real 3.11.7 (6 of 35 left there: 4 start-up + the same two).
    expect(s[Stat.ArenasInUse]).toBe(3);
    expect(s[Stat.ArenasReclaimedTotal]).toBe(29);
    expect(order()).toEqual([
      [31, 61],
      [0, 62],
      [30, 63],
    ]);
    expect(alloc.pymalloc.usage().classes[1].pools).toBe(3); // start-up pool + the kept floats' two
    expect(s[Stat.BlocksInUse]).toBe(130 + FREE_LIST);
    void startup;
  });
});
