/**
 * Arenas (fact sheet §1.2–1.3): 1 MiB each, 63 usable pools when the mmap base is not 16 KiB-aligned
 * (the default here) and 64 when it is; `usable_arenas` is kept sorted by nfreepools ascending and
 * new pools come from its head; `insert_to_freepool`'s four cases; a wholly free arena is unmapped
 * unless it is the last one in usable_arenas (bpo-37257).
 */
import { describe, expect, it } from 'vitest';
import type { Allocator } from '../src/heap/allocator.js';
import { ChunkKind, Stat } from '../src/heap/layout.js';
import { ARENA_WORDS, chunkOf, MiB, poolOf, setupAllocator } from './support/allocator.js';

const PER_POOL_512 = 31; // floor((16384 - 48) / 512)

const setup = (alignedArenas = false) => setupAllocator({ alignedArenas, heapBytes: 96 * MiB });

/** Allocates `n` whole pools of 512-byte blocks; returns each pool's blocks. */
function fillPools(alloc: Allocator, n: number): number[][] {
  const pools: number[][] = [];
  for (let p = 0; p < n; p++) {
    const blocks = Array.from({ length: PER_POOL_512 }, () => alloc.malloc(512));
    if (!blocks.every((b) => poolOf(b) === poolOf(blocks[0]))) throw new Error('a pool did not fill as expected');
    pools.push(blocks);
  }
  return pools;
}
function freePool(alloc: Allocator, blocks: number[]): void {
  for (const b of blocks) alloc.free(b, 512);
}
function expectSorted(order: Array<[number, number]>): void {
  for (let i = 1; i < order.length; i++) expect(order[i][1]).toBeGreaterThanOrEqual(order[i - 1][1]);
}

describe('arena size', () => {
  it('an unaligned arena has 63 usable pools: the 64th pool opens a second arena', () => {
    const { s, alloc, arenaOf, order } = setup(false);
    const pools = fillPools(alloc, 63);
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(s[Stat.PoolsInUse]).toBe(63);
    expect(pools.every((p) => arenaOf(p[0]) === 0)).toBe(true);
    expect(alloc.pymalloc.arenaFreePools(0)).toBe(0);
    expect(order()).toEqual([]); // a wholly allocated arena is on no list
    const b = alloc.malloc(512);
    expect(arenaOf(b)).toBe(1);
    expect(s[Stat.ArenasInUse]).toBe(2);
    expect(order()).toEqual([[1, 62]]);
    const u = alloc.pymalloc.usage();
    expect(u.bytesLostToArenaAlignment).toBe(2 * 16384);
    expect(u.bytesInArenas).toBe(2 * MiB);
  });

  it('an aligned arena has 64 usable pools', () => {
    const { s, alloc, arenaOf, order } = setup(true);
    const pools = fillPools(alloc, 64);
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(pools.every((p) => arenaOf(p[0]) === 0)).toBe(true);
    expect(new Set(pools.map((p) => poolOf(p[0]))).size).toBe(64);
    expect(alloc.malloc(512)).toSatisfy((b: number) => arenaOf(b) === 1);
    expect(s[Stat.ArenasInUse]).toBe(2);
    expect(order()).toEqual([[1, 63]]);
    expect(alloc.pymalloc.usage().bytesLostToArenaAlignment).toBe(0);
  });

  it.each([1, 2, 3, 5])('63*%i pools fit in k arenas; one more pool opens arena k+1', (k) => {
    const { s, alloc } = setup(false);
    fillPools(alloc, 63 * k);
    expect(s[Stat.ArenasInUse]).toBe(k);
    alloc.malloc(500);
    expect(s[Stat.ArenasInUse]).toBe(k + 1);
    expect(s[Stat.ArenasAllocatedTotal]).toBe(k + 1);
    expect(s[Stat.ArenasPeak]).toBe(k + 1);
    expect(s[Stat.PoolsInUse]).toBe(63 * k + 1);
    expect(alloc.space.chunksInUse).toBe(k + 1);
  });

  it('64*k+1 aligned pools open k+1 arenas', () => {
    const { s, alloc } = setup(true);
    fillPools(alloc, 64 * 3 + 1);
    expect(s[Stat.ArenasInUse]).toBe(4);
    expect(alloc.pymalloc.arenaFreePools(3)).toBe(63);
  });
});

describe('usable_arenas order', () => {
  it('stays sorted by nfreepools ascending, slides a draining arena right, and serves new pools from the head', () => {
    const { alloc, arenaOf, order } = setup(false);
    const pools = fillPools(alloc, 3 * 63 + 1); // arenas 0, 1, 2 full; arena 3 has 1 pool in use
    expect(pools.map((p) => arenaOf(p[0]))).toEqual(pools.map((_, j) => Math.floor(j / 63)));
    expect(order()).toEqual([[3, 62]]);

    freePool(alloc, pools[70]); // arena 1 was full: case 2, to the head
    expect(order()).toEqual([
      [1, 1],
      [3, 62],
    ]);
    freePool(alloc, pools[5]); // arena 0 was full: to the head
    expect(order()).toEqual([
      [0, 1],
      [1, 1],
      [3, 62],
    ]);
    freePool(alloc, pools[71]); // arena 1: 2 free, already right of every arena with fewer
    expect(order()).toEqual([
      [0, 1],
      [1, 2],
      [3, 62],
    ]);
    freePool(alloc, pools[6]); // arena 0: 2 free, ties with arena 1, stays (case 4)
    expect(order()).toEqual([
      [0, 2],
      [1, 2],
      [3, 62],
    ]);
    freePool(alloc, pools[7]); // arena 0: 3 free, out of order: slides right past arena 1 (case 3)
    expect(order()).toEqual([
      [1, 2],
      [0, 3],
      [3, 62],
    ]);
    freePool(alloc, pools[130]);
    freePool(alloc, pools[131]); // arena 2: 1 then 2 free
    expect(order()).toEqual([
      [2, 2],
      [1, 2],
      [0, 3],
      [3, 62],
    ]);

    // New pools come from the head (arena 2), from its free pools, last freed first.
    const x = alloc.malloc(16);
    expect(poolOf(x)).toBe(poolOf(pools[131][0]));
    expect(order()).toEqual([
      [2, 1],
      [1, 2],
      [0, 3],
      [3, 62],
    ]);
    const y = alloc.malloc(32);
    expect(poolOf(y)).toBe(poolOf(pools[130][0]));
    expect(order()).toEqual([
      [1, 2],
      [0, 3],
      [3, 62],
    ]); // arena 2 is full again and off the list
    const z = alloc.malloc(48);
    expect(poolOf(z)).toBe(poolOf(pools[71][0]));
    expect(order()).toEqual([
      [1, 1],
      [0, 3],
      [3, 62],
    ]);
  });

  it('a long drain keeps the list sorted at every step', () => {
    const { alloc, order } = setup(false);
    const pools = fillPools(alloc, 4 * 63);
    // Free pools round-robin over the arenas, in a scrambled but deterministic order.
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const live = pools.map((_, j) => j);
    for (let step = 0; step < 200; step++) {
      const j = live.splice(Math.floor(rand() * live.length), 1)[0];
      freePool(alloc, pools[j]);
      const o = order();
      expectSorted(o);
      for (const [a, nf] of o) {
        const used = live.filter((p) => Math.floor(p / 63) === a).length;
        expect(nf).toBe(63 - used);
      }
    }
  });
});

describe('releasing arenas', () => {
  it('unmaps a wholly free arena that is not the last in usable_arenas', () => {
    const { mem, s, alloc, order } = setup(false);
    const pools = fillPools(alloc, 64); // arena 0 full, arena 1 with one pool
    const chunk0 = chunkOf(pools[0][0]);
    mem.i32.fill(7, pools[0][0], pools[0][0] + 128); // scribble on arena 0
    for (let j = 0; j < 62; j++) freePool(alloc, pools[j]);
    expect(order()).toEqual([
      [0, 62],
      [1, 62],
    ]);
    expect(s[Stat.ArenasInUse]).toBe(2);
    freePool(alloc, pools[62]); // arena 0 wholly free, arena 1 follows it: case 1
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(s[Stat.ArenasReclaimedTotal]).toBe(1);
    expect(order()).toEqual([[1, 62]]);
    expect(alloc.space.kindAt(chunk0)).toBe(ChunkKind.Free);
    expect(alloc.space.chunksInUse).toBe(1);
    expect(alloc.pymalloc.usage().arenasInUse).toBe(1);
    expect(s[Stat.PoolsInUse]).toBe(1);
    // Mapped again (here for a large raw block), the chunk reads as zeros, as fresh mmap pages do.
    const again = alloc.malloc(512 * 1024 + 1);
    expect(again).toBe(chunk0);
    expect(mem.i32.subarray(chunk0, chunk0 + ARENA_WORDS).every((w) => w === 0)).toBe(true);
  });

  it('keeps the last arena in usable_arenas even when it is wholly free (bpo-37257)', () => {
    const { s, alloc, order } = setup(false);
    const pools = fillPools(alloc, 64);
    for (let j = 0; j < 63; j++) freePool(alloc, pools[j]);
    expect(s[Stat.ArenasInUse]).toBe(1);
    const chunk1 = chunkOf(pools[63][0]);
    freePool(alloc, pools[63]); // arena 1 is wholly free but last in the list: kept
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(s[Stat.ArenasReclaimedTotal]).toBe(1);
    expect(s[Stat.PoolsInUse]).toBe(0);
    expect(order()).toEqual([[1, 63]]);
    expect(alloc.space.kindAt(chunk1)).toBe(ChunkKind.Arena);

    // Allocating and freeing in a loop does not thrash arenas.
    for (let i = 0; i < 100; i++) alloc.free(alloc.malloc(64), 64);
    expect(s[Stat.ArenasAllocatedTotal]).toBe(2);
    expect(s[Stat.ArenasInUse]).toBe(1);
    const b = alloc.malloc(16);
    expect(chunkOf(b)).toBe(chunk1);
  });

  it('keeps one wholly free arena at the tail and releases the others as they empty', () => {
    const { s, alloc, order } = setup(false);
    const pools = fillPools(alloc, 2 * 63 + 1); // arenas 0 and 1 full, arena 2 with one pool
    freePool(alloc, pools[126]); // arena 2: wholly free, last: kept
    expect(order()).toEqual([[2, 63]]);
    for (let j = 63; j < 126; j++) freePool(alloc, pools[j]); // arena 1 drains in front of arena 2
    expect(s[Stat.ArenasInUse]).toBe(2);
    expect(order()).toEqual([[2, 63]]);
    for (let j = 0; j < 63; j++) freePool(alloc, pools[j]);
    expect(s[Stat.ArenasInUse]).toBe(1);
    expect(s[Stat.ArenasReclaimedTotal]).toBe(2);
    expect(s[Stat.ArenasPeak]).toBe(3);
    expect(order()).toEqual([[2, 63]]);
    expect(s[Stat.BlocksInUse]).toBe(0);
  });

  it('reuses a released arena descriptor and the lowest free chunk for the next arena', () => {
    const { s, alloc, arenaOf } = setup(false);
    const pools = fillPools(alloc, 64);
    const chunk0 = chunkOf(pools[0][0]);
    for (let j = 0; j < 63; j++) freePool(alloc, pools[j]); // arena 0 released
    fillPools(alloc, 62); // fills arena 1 (62 free pools)
    expect(s[Stat.ArenasInUse]).toBe(1);
    const b = alloc.malloc(512);
    expect(s[Stat.ArenasInUse]).toBe(2);
    expect(s[Stat.ArenasAllocatedTotal]).toBe(3);
    expect(arenaOf(b)).toBe(0);
    expect(chunkOf(b)).toBe(chunk0);
  });
});
