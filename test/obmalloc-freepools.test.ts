/**
 * Empty pools (fact sheet §1.3): a pool whose last block is freed leaves usedpools and is pushed on
 * its arena's `freepools` (LIFO, no size class). `allocate_from_new_pool` takes a pool from there
 * before carving a never-used one; if the pool last held the same size class its free list is kept,
 * otherwise the header is re-initialised (first block at offset 48 again).
 */
import { describe, expect, it } from 'vitest';
import { POOL, Stat } from '../src/heap/layout.js';
import { offsetInPool, poolIndex, poolOf, setupAllocator } from './support/allocator.js';

describe('empty pools and the arena free-pool list', () => {
  it('an emptied pool is reused by another size class before a never-used pool is carved', () => {
    const { mem, s, alloc } = setupAllocator();
    const a = alloc.malloc(16); // class 0 -> pool 1 of the arena
    const b = alloc.malloc(32); // class 1 -> pool 2
    expect([poolIndex(a), poolIndex(b)]).toEqual([1, 2]);
    expect(alloc.pymalloc.arenaFreePools(0)).toBe(61);

    alloc.free(a, 16);
    expect(s[Stat.PoolsInUse]).toBe(1);
    expect(alloc.pymalloc.arenaFreePools(0)).toBe(62);
    expect(alloc.pymalloc.usage().unusedPools).toBe(62);

    const c = alloc.malloc(100); // class 6: takes the free pool 1, not the never-used pool 3
    expect(poolOf(c)).toBe(poolOf(a));
    expect(offsetInPool(c)).toBe(48);
    expect(mem.i32[poolOf(c) + POOL.SZIDX]).toBe(6);
    expect(mem.i32[poolOf(c) + POOL.ARENAINDEX]).toBe(0);
    expect(offsetInPool(alloc.malloc(100))).toBe(48 + 112);
    expect(alloc.pymalloc.arenaFreePools(0)).toBe(61);
    expect(s[Stat.PoolsInUse]).toBe(2);

    const d = alloc.malloc(200); // no free pool left: the next never-used pool
    expect(poolIndex(d)).toBe(3);
  });

  it('a pool reused for the same size class keeps its free list', () => {
    const { alloc, s } = setupAllocator();
    const [a, b, c] = [alloc.malloc(16), alloc.malloc(16), alloc.malloc(16)];
    expect([a, b, c].map(offsetInPool)).toEqual([48, 64, 80]);
    // Three carved blocks; the free list holds the never-used block at 96 (pymalloc_pool_extend).
    alloc.free(a, 16);
    alloc.free(b, 16);
    alloc.free(c, 16); // the pool is empty now: free list c -> b -> a -> 96
    expect(s[Stat.PoolsInUse]).toBe(0);
    expect(s[Stat.ArenasInUse]).toBe(1); // the only (last) usable arena is kept

    const again = Array.from({ length: 6 }, () => alloc.malloc(9));
    expect(again).toEqual([c, b, a, a + 12, a + 16, a + 20]);
    expect(again.map(offsetInPool)).toEqual([80, 64, 48, 96, 112, 128]);
    expect(s[Stat.PoolsInUse]).toBe(1);
  });

  it('a pool reused for a different size class is re-initialised', () => {
    const { mem, alloc } = setupAllocator();
    const [a, b, c] = [alloc.malloc(16), alloc.malloc(16), alloc.malloc(16)];
    for (const x of [a, b, c]) alloc.free(x, 16);
    const pool = poolOf(a);
    const d = [alloc.malloc(40), alloc.malloc(48), alloc.malloc(33)]; // class 2, 48-byte blocks
    expect(d.every((x) => poolOf(x) === pool)).toBe(true);
    expect(d.map(offsetInPool)).toEqual([48, 96, 144]);
    expect(mem.i32[pool + POOL.SZIDX]).toBe(2);
    expect(mem.i32[pool + POOL.MAXNEXTOFFSET]).toBe(16384 - 48);
    // Class 0 lost its pool: it gets a never-used one.
    const e = alloc.malloc(16);
    expect(poolIndex(e)).toBe(2);
    expect(offsetInPool(e)).toBe(48);
  });

  it('free pools are reused LIFO, then never-used pools follow in address order', () => {
    const { alloc } = setupAllocator();
    const a = alloc.malloc(16); // pool 1
    const b = alloc.malloc(32); // pool 2
    const c = alloc.malloc(48); // pool 3 (stays in use)
    alloc.free(a, 16);
    alloc.free(b, 32); // freepools: pool 2, pool 1
    const x = alloc.malloc(96);
    const y = alloc.malloc(112);
    const z = alloc.malloc(128);
    expect([x, y, z].map(poolIndex)).toEqual([2, 1, 4]);
    expect(poolIndex(c)).toBe(3);
    expect([x, y, z].map(offsetInPool)).toEqual([48, 48, 48]);
  });

  it('a full pool that empties block by block ends on the free-pool list, with all blocks reusable', () => {
    const { s, alloc } = setupAllocator();
    const blocks = Array.from({ length: 31 }, () => alloc.malloc(512)); // one full 512-byte pool
    const keep = alloc.malloc(16); // another pool, so the arena has work to do
    for (const b of blocks) alloc.free(b, 512);
    expect(s[Stat.PoolsInUse]).toBe(1);
    expect(s[Stat.BlocksInUse]).toBe(1);
    expect(alloc.pymalloc.arenaFreePools(0)).toBe(62);
    // Same class again: the pool's free list hands the blocks back, last freed first.
    const again = Array.from({ length: 31 }, () => alloc.malloc(500));
    expect(again).toEqual([...blocks].reverse());
    expect(s[Stat.PoolsInUse]).toBe(2);
    expect(poolOf(keep)).not.toBe(poolOf(blocks[0]));
  });
});
