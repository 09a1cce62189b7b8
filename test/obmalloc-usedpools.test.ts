/**
 * usedpools[idx] (fact sheet §1.3): allocation always takes the FIRST pool of the list; a full pool
 * is on no list; freeing a block of a full pool links the pool back at the FRONT
 * (`insert_to_usedpool`); a free in a partially used pool does not reorder anything.
 */
import { describe, expect, it } from 'vitest';
import type { Allocator } from '../src/heap/allocator.js';
import { Stat } from '../src/heap/layout.js';
import { offsetInPool, poolOf, setupAllocator } from './support/allocator.js';

const PER_POOL_32 = 510; // floor((16384 - 48) / 32)

/** Fills one pool of 32-byte blocks exactly; returns its blocks. */
function fillPool(alloc: Allocator): number[] {
  const blocks = Array.from({ length: PER_POOL_32 }, () => alloc.malloc(24));
  const pool = poolOf(blocks[0]);
  if (!blocks.every((b) => poolOf(b) === pool)) throw new Error('expected one pool');
  return blocks;
}

describe('usedpools', () => {
  it('a full pool leaves usedpools; a fresh pool is linked at the front', () => {
    const { alloc, usedList } = setupAllocator();
    expect(usedList(1)).toEqual([]);
    const p1 = fillPool(alloc);
    expect(usedList(1)).toEqual([]); // full: on no list
    const b = alloc.malloc(24);
    expect(usedList(1)).toEqual([poolOf(b)]);
    expect(poolOf(b)).not.toBe(poolOf(p1[0]));
  });

  it('a pool that was full and gets a block freed goes to the FRONT and serves the next malloc', () => {
    const { alloc, s, usedList } = setupAllocator();
    const p1 = fillPool(alloc);
    const P1 = poolOf(p1[0]);
    const q1 = alloc.malloc(24);
    const q2 = alloc.malloc(24);
    const P2 = poolOf(q1);
    expect([offsetInPool(q1), offsetInPool(q2)]).toEqual([48, 80]);
    expect(usedList(1)).toEqual([P2]);

    const x = p1[100];
    alloc.free(x, 24);
    expect(usedList(1)).toEqual([P1, P2]);
    // P2 is partially used and has a free block, but P1 is first.
    expect(alloc.malloc(24)).toBe(x);
    // That refilled P1, which leaves the list again; the next block comes from P2.
    expect(usedList(1)).toEqual([P2]);
    const q3 = alloc.malloc(24);
    expect(poolOf(q3)).toBe(P2);
    expect(offsetInPool(q3)).toBe(48 + 2 * 32);
    expect(s[Stat.PoolsInUse]).toBe(2);
  });

  it('freeing in a partially used pool does not move it to the front', () => {
    const { alloc, usedList } = setupAllocator();
    const p1 = fillPool(alloc);
    const P1 = poolOf(p1[0]);
    const q = [alloc.malloc(24), alloc.malloc(24), alloc.malloc(24)];
    const P2 = poolOf(q[0]);
    alloc.free(p1[7], 24); // P1 was full: to the front
    expect(usedList(1)).toEqual([P1, P2]);
    alloc.free(q[1], 24); // P2 was partial: stays second
    expect(usedList(1)).toEqual([P1, P2]);
    expect(alloc.malloc(24)).toBe(p1[7]);
    expect(alloc.malloc(24)).toBe(q[1]);
  });

  it('the most recently re-opened full pool is served first', () => {
    const { alloc, usedList } = setupAllocator();
    const p1 = fillPool(alloc);
    const p2 = fillPool(alloc);
    const r = alloc.malloc(24);
    const [P1, P2, P3] = [poolOf(p1[0]), poolOf(p2[0]), poolOf(r)];
    expect(new Set([P1, P2, P3]).size).toBe(3);
    alloc.free(p1[0], 24);
    alloc.free(p2[509], 24);
    expect(usedList(1)).toEqual([P2, P1, P3]);
    expect(alloc.malloc(24)).toBe(p2[509]);
    expect(alloc.malloc(24)).toBe(p1[0]);
    const next = alloc.malloc(24);
    expect(poolOf(next)).toBe(P3);
    expect(offsetInPool(next)).toBe(80);
    expect(usedList(1)).toEqual([P3]);
  });

  it('keeps each size class on its own list', () => {
    const { alloc, usedList } = setupAllocator();
    const a = alloc.malloc(16);
    const b = alloc.malloc(512);
    expect(usedList(0)).toEqual([poolOf(a)]);
    expect(usedList(31)).toEqual([poolOf(b)]);
    for (let idx = 1; idx < 31; idx++) expect(usedList(idx)).toEqual([]);
  });
});
