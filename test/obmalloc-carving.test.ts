/**
 * How blocks are carved from a pool and reused (fact sheet §1.3, `allocate_from_new_pool`,
 * `pymalloc_pool_extend`, `pymalloc_free`): the first block of a fresh pool is at offset 48, later
 * never-used blocks follow at increasing addresses, and freed blocks come back LIFO.
 */
import { describe, expect, it } from 'vitest';
import { Allocator } from '../src/heap/allocator.js';
import { HeapMemory, POOL, Stat } from '../src/heap/layout.js';
import { HeapStats } from '../src/heap/stats.js';

const MiB = 1024 * 1024;
const POOL_WORDS = (16 * 1024) / 4;
const ARENA_WORDS = MiB / 4;

function setup(alignedArenas = false) {
  const mem = HeapMemory.allocate(64 * MiB);
  const stats = new HeapStats(mem.sab);
  const alloc = new Allocator(mem, stats, { alignedArenas });
  return { mem, s: stats.values, alloc };
}
const poolOf = (block: number): number => block & ~(POOL_WORDS - 1);
const offsetInPool = (block: number): number => (block - poolOf(block)) * 4;
/** The data region starts on a 1 MiB boundary, so an arena's chunk is found by rounding down. */
const chunkOf = (block: number): number => block & ~(ARENA_WORDS - 1);

describe('carving blocks from a pool', () => {
  it('hands out the first block at offset 48, then consecutive blocks lowest address first', () => {
    const { alloc } = setup();
    const size = 48; // class 2
    const blocks = Array.from({ length: 12 }, () => alloc.malloc(40));
    const pool = poolOf(blocks[0]);
    expect(blocks.map(offsetInPool)).toEqual(Array.from({ length: 12 }, (_, k) => 48 + k * size));
    expect(blocks.every((b) => poolOf(b) === pool)).toBe(true);
    for (let k = 1; k < blocks.length; k++) expect(blocks[k] - blocks[k - 1]).toBe(size / 4);
  });

  it('reuses freed blocks LIFO: free a then b, the next two mallocs return b then a', () => {
    const { alloc, s } = setup();
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
    const { alloc } = setup();
    const blocks = Array.from({ length: 5 }, () => alloc.malloc(16));
    for (const b of [blocks[0], blocks[2], blocks[3]]) alloc.free(b, 16);
    expect([alloc.malloc(1), alloc.malloc(8), alloc.malloc(16)]).toEqual([blocks[3], blocks[2], blocks[0]]);
    expect(offsetInPool(alloc.malloc(16))).toBe(48 + 5 * 16);
  });

  it('keeps size classes in separate pools', () => {
    const { alloc } = setup();
    const a = alloc.malloc(16);
    const b = alloc.malloc(32);
    const c = alloc.malloc(16);
    expect(poolOf(a)).not.toBe(poolOf(b));
    expect(poolOf(c)).toBe(poolOf(a));
    expect(offsetInPool(b)).toBe(48);
    expect(offsetInPool(c)).toBe(64);
  });

  it('carves pools in address order; an unaligned arena loses its first pool (63 usable)', () => {
    const { mem, alloc } = setup(false);
    const firsts = Array.from({ length: 5 }, (_, i) => alloc.malloc((i + 1) * 16)); // 5 classes, 5 pools
    const chunk = chunkOf(firsts[0]);
    // Pool k of the arena starts at chunk + (k + 1) * 16 KiB: the 16 KiB at the chunk start are lost.
    expect(firsts.map((b) => (poolOf(b) - chunk) / POOL_WORDS)).toEqual([1, 2, 3, 4, 5]);
    expect(firsts.map((b) => mem.i32[poolOf(b) + POOL.ARENAINDEX])).toEqual([0, 0, 0, 0, 0]);
  });

  it('carves from the chunk start when arenas are aligned (64 usable)', () => {
    const { alloc } = setup(true);
    const firsts = Array.from({ length: 3 }, (_, i) => alloc.malloc((i + 1) * 16));
    const chunk = chunkOf(firsts[0]);
    expect(firsts.map((b) => (poolOf(b) - chunk) / POOL_WORDS)).toEqual([0, 1, 2]);
  });

  it('keeps block contents intact while neighbours are allocated and freed', () => {
    const { mem, alloc } = setup();
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
