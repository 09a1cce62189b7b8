/**
 * Size classes and blocks per pool (fact sheet §1.1). Expected numbers are written out from the rules
 * (16-byte classes up to 512, 16 KiB pools with a 48-byte header), not taken from layout.ts.
 */
import { describe, expect, it } from 'vitest';
import { POOL, Stat } from '../src/heap/layout.js';
import { offsetInPool, POOL_BYTES, poolOf, setupAllocator } from './support/allocator.js';

/** Blocks per 16 KiB pool for each of the 32 classes: the fact sheet's table, floor((16384 - 48) / size). */
const BLOCKS_PER_POOL = [
  1021, 510, 340, 255, 204, 170, 145, 127, 113, 102, 92, 85, 78, 72, 68, 63, 60, 56, 53, 51, 48, 46, 44, 42, 40, 39,
  37, 36, 35, 34, 32, 31,
];

describe('size classes', () => {
  it('maps every request n in 1..512 to class (n-1)>>4 with block size (idx+1)*16', () => {
    const { mem, s, alloc } = setupAllocator();
    const classesSeen = new Set<number>();
    const mismatches: string[] = [];
    for (let n = 1; n <= 512; n++) {
      const b = alloc.malloc(n);
      const expectedIdx = Math.floor((n - 1) / 16);
      const szidx = mem.i32[poolOf(b) + POOL.SZIDX];
      const blockSize = alloc.pymalloc.blockSizeAt(b);
      if (szidx !== expectedIdx || blockSize !== (expectedIdx + 1) * 16 || (b * 4) % 16 !== 0) {
        mismatches.push(`n=${n}: szidx ${szidx} (want ${expectedIdx}), block ${blockSize}, addr ${b * 4}`);
      }
      classesSeen.add(szidx);
    }
    expect(mismatches).toEqual([]);
    expect([...classesSeen].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    // 16 requests per class, one pool per class, nothing raw.
    expect(s[Stat.BlocksInUse]).toBe(512);
    expect(s[Stat.PoolsInUse]).toBe(32);
    expect(s[Stat.RawBlocks]).toBe(0);
    const usage = alloc.pymalloc.usage();
    expect(usage.classes.map((c) => c.blocksInUse)).toEqual(new Array(32).fill(16));
    expect(usage.classes.map((c) => c.pools)).toEqual(new Array(32).fill(1));
    expect(usage.classes.map((c) => c.blockSize)).toEqual(Array.from({ length: 32 }, (_, i) => (i + 1) * 16));
  });

  it('puts the class boundaries where the rule says: 16|17, 32|33, 496|497, 512|513', () => {
    const { mem, s, alloc } = setupAllocator();
    const cls = (n: number) => mem.i32[poolOf(alloc.malloc(n)) + POOL.SZIDX];
    expect(cls(1)).toBe(0);
    expect(cls(16)).toBe(0);
    expect(cls(17)).toBe(1);
    expect(cls(32)).toBe(1);
    expect(cls(33)).toBe(2);
    expect(cls(496)).toBe(30);
    expect(cls(497)).toBe(31);
    expect(cls(512)).toBe(31);
    const before = s[Stat.BlocksInUse];
    alloc.malloc(513); // the first request past SMALL_REQUEST_THRESHOLD goes to the raw allocator
    expect(s[Stat.BlocksInUse]).toBe(before);
    expect(s[Stat.RawBlocks]).toBe(1);
  });

  it('has the blocks-per-pool table floor((16384-48)/size)', () => {
    for (let idx = 0; idx < 32; idx++) {
      expect(BLOCKS_PER_POOL[idx], `class ${idx}`).toBe(Math.floor((POOL_BYTES - 48) / ((idx + 1) * 16)));
    }
  });

  // The sheet's checked values, then every other class too.
  const cases: Array<[number, number]> = [
    [0, 1021],
    [1, 510],
    [2, 340],
    [3, 255],
    [15, 63],
    [31, 31],
  ];
  for (let idx = 0; idx < 32; idx++) if (!cases.some(([i]) => i === idx)) cases.push([idx, BLOCKS_PER_POOL[idx]]);

  it.each(cases)('class %i: exactly %i blocks fill one pool, the next one opens a second pool', (idx, perPool) => {
    const { s, alloc } = setupAllocator();
    const size = (idx + 1) * 16;
    // Alternate between the smallest and the largest request of the class: both land in it.
    const request = (k: number) => (k % 2 === 0 ? size : size - 15);
    const first = alloc.malloc(request(0));
    const pool = poolOf(first);
    let last = first;
    for (let k = 1; k < perPool; k++) {
      last = alloc.malloc(request(k));
      if (poolOf(last) !== pool) throw new Error(`block ${k} of class ${idx} left the first pool`);
    }
    expect(offsetInPool(first)).toBe(48);
    expect(offsetInPool(last)).toBe(48 + (perPool - 1) * size);
    expect(offsetInPool(last) + size).toBeLessThanOrEqual(POOL_BYTES);
    expect(offsetInPool(last) + 2 * size).toBeGreaterThan(POOL_BYTES); // no room for one more
    expect(s[Stat.PoolsInUse]).toBe(1);
    const usage = alloc.pymalloc.usage();
    expect(usage.classes[idx]).toMatchObject({ pools: 1, blocksInUse: perPool, blocksAvailable: 0 });

    const next = alloc.malloc(size);
    expect(poolOf(next)).not.toBe(pool);
    expect(offsetInPool(next)).toBe(48);
    expect(s[Stat.PoolsInUse]).toBe(2);
    expect(s[Stat.BlocksInUse]).toBe(perPool + 1);
  });
});
