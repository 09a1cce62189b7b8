/**
 * Shared set-up for the obmalloc tests: a fresh simulated heap with its allocator, and the address
 * helpers the tests use to say where a block landed. Addresses are i32 word indices into the heap.
 */
import { Allocator } from '../../src/heap/allocator.js';
import { HeapMemory, POOL } from '../../src/heap/layout.js';
import { HeapStats } from '../../src/heap/stats.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const POOL_BYTES = 16 * 1024;
export const POOL_WORDS = POOL_BYTES / 4;
export const ARENA_WORDS = MiB / 4;

export interface SetupAllocatorOptions {
  /** Whether arenas start on a pool boundary (64 usable pools) or not (63, CPython's usual case). Default false. */
  alignedArenas?: boolean;
  /** Size of the simulated heap. Default 64 MiB. */
  heapBytes?: number;
}

/** A fresh heap, its stats and its allocator, plus views of pymalloc's lists. */
export function setupAllocator(options: SetupAllocatorOptions = {}) {
  const { alignedArenas = false, heapBytes = 64 * MiB } = options;
  const mem = HeapMemory.allocate(heapBytes);
  const stats = new HeapStats(mem.sab);
  const alloc = new Allocator(mem, stats, { alignedArenas });
  /** The index of the arena that holds a block's pool. */
  const arenaOf = (block: number): number => mem.i32[poolOf(block) + POOL.ARENAINDEX];
  /** usable_arenas as (arena, nfreepools) pairs, head first. */
  const order = (): Array<[number, number]> =>
    alloc.pymalloc.usableArenaOrder().map((a) => [a, alloc.pymalloc.arenaFreePools(a)]);
  /** The pools on usedpools[idx], front first. */
  const usedList = (idx: number): number[] => {
    const sentinel = alloc.pymalloc.usedpool(idx);
    const out: number[] = [];
    for (let p = mem.i32[sentinel + POOL.NEXTPOOL]; p !== sentinel; p = mem.i32[p + POOL.NEXTPOOL]) {
      out.push(p);
      if (out.length > 10000) throw new Error('usedpools list does not close');
    }
    return out;
  };
  return { mem, stats, s: stats.values, alloc, arenaOf, order, usedList };
}

/** The first word of a block's 16 KiB pool. */
export const poolOf = (block: number): number => block & ~(POOL_WORDS - 1);
/** A block's byte offset inside its pool (the first block of a fresh pool is at 48). */
export const offsetInPool = (block: number): number => (block - poolOf(block)) * 4;
/** The data region starts on a 1 MiB boundary, so an arena's chunk is found by rounding down. */
export const chunkOf = (block: number): number => block & ~(ARENA_WORDS - 1);
/** Index of a block's pool inside its arena's 1 MiB chunk (1..63 when arenas are unaligned). */
export const poolIndex = (block: number): number => (poolOf(block) - chunkOf(block)) / POOL_WORDS;
