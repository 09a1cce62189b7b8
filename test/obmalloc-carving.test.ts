/**
 * How blocks are carved from a pool and reused (fact sheet §1.3, `allocate_from_new_pool`,
 * `pymalloc_pool_extend`, `pymalloc_free`): the first block of a fresh pool is at offset 48, later
 * never-used blocks follow at increasing addresses, and freed blocks come back LIFO.
 */
import { describe, expect, it } from 'vitest';
import { POOL, Stat } from '../src/heap/layout.js';
import { chunkOf, offsetInPool, POOL_WORDS, poolOf, setupAllocator } from './support/allocator.js';

describe('carving blocks from a pool', () => {
  it('hands out the first block at offset 48, then consecutive blocks lowest address first', () => {
    const { alloc } = setupAllocator();
    const size = 48; // class 2
    const blocks = Array.from({ length: 12 }, () => alloc.malloc(40));
    const pool = poolOf(blocks[0]);
    expect(blocks.map(offsetInPool)).toEqual(Array.from({ length: 12 }, (_, k) => 48 + k * size));
    expect(blocks.every((b) => poolOf(b) === pool)).toBe(true);
    for (let k = 1; k < blocks.length; k++) expect(blocks[k] - blocks[k - 1]).toBe(size / 4);
  });

  it('reuses freed blocks LIFO: free a then b, the next two mallocs return b then a', () => {
    const { alloc, s } = setupAllocator();
    const blocks = Array.from({ length: 6 }, () => alloc.malloc(100)); // class 6, 112-byte blocks
    const a = blocks[1];
    const b = blocks[4];
    alloc.free(a, 100);
    alloc.free(b, 100);
    expect(s[Stat.BlocksInUse]).toBe(4);
    expect(alloc.malloc(100)).toBe(b);
    expect(alloc.malloc(100)).toBe(a);
    // With the free list drained, carving resumes right after the highest block handed out so far.
    const fresh = alloc.malloc(100);
    expect(offsetInPool(fresh)).toBe(48 + 6 * 112);
    expect(s[Stat.BlocksInUse]).toBe(7);
  });

  it('takes freed blocks before never-used ones, in reverse order of freeing', () => {
    const { alloc } = setupAllocator();
    const blocks = Array.from({ length: 5 }, () => alloc.malloc(16));
    for (const b of [blocks[0], blocks[2], blocks[3]]) alloc.free(b, 16);
    expect([alloc.malloc(1), alloc.malloc(8), alloc.malloc(16)]).toEqual([blocks[3], blocks[2], blocks[0]]);
    expect(offsetInPool(alloc.malloc(16))).toBe(48 + 5 * 16);
  });

  it('keeps size classes in separate pools', () => {
    const { alloc } = setupAllocator();
    const a = alloc.malloc(16);
    const b = alloc.malloc(32);
    const c = alloc.malloc(16);
    expect(poolOf(a)).not.toBe(poolOf(b));
    expect(poolOf(c)).toBe(poolOf(a));
    expect(offsetInPool(b)).toBe(48);
    expect(offsetInPool(c)).toBe(64);
  });

  it('carves pools in address order; an unaligned arena loses its first pool (63 usable)', () => {
    const { mem, alloc } = setupAllocator({ alignedArenas: false });
    const firsts = Array.from({ length: 5 }, (_, i) => alloc.malloc((i + 1) * 16)); // 5 classes, 5 pools
    const chunk = chunkOf(firsts[0]);
    // Pool k of the arena starts at chunk + (k + 1) * 16 KiB: the 16 KiB at the chunk start are lost.
    expect(firsts.map((b) => (poolOf(b) - chunk) / POOL_WORDS)).toEqual([1, 2, 3, 4, 5]);
    expect(firsts.map((b) => mem.i32[poolOf(b) + POOL.ARENAINDEX])).toEqual([0, 0, 0, 0, 0]);
  });

  it('carves from the chunk start when arenas are aligned (64 usable)', () => {
    const { alloc } = setupAllocator({ alignedArenas: true });
    const firsts = Array.from({ length: 3 }, (_, i) => alloc.malloc((i + 1) * 16));
    const chunk = chunkOf(firsts[0]);
    expect(firsts.map((b) => (poolOf(b) - chunk) / POOL_WORDS)).toEqual([0, 1, 2]);
  });

  it('keeps block contents intact while neighbours are allocated and freed', () => {
    const { mem, alloc } = setupAllocator();
    const blocks = Array.from({ length: 50 }, () => alloc.malloc(64));
    blocks.forEach((b, i) => mem.i32.fill(i + 1, b, b + 16));
    for (let i = 0; i < 50; i += 2) alloc.free(blocks[i], 64);
    for (let i = 0; i < 25; i++) {
      const b = alloc.malloc(64); // reuses a freed block (LIFO)
      expect(blocks[48 - 2 * i]).toBe(b);
      mem.i32.fill(-1, b, b + 16);
    }
    for (let i = 1; i < 50; i += 2) {
      expect(Array.from(mem.i32.subarray(blocks[i], blocks[i] + 16))).toEqual(new Array(16).fill(i + 1));
    }
  });
});
