/**
 * Running out of simulated memory: a request that needs a chunk the heap does not have throws
 * HeapExhausted (never a RangeError), with a message that names the heap size and --heap-mib. The
 * failed request changes nothing, and the allocator stays usable (frees, then allocations again).
 */
import { describe, expect, it } from 'vitest';
import { HeapExhausted } from '../src/heap/errors.js';
import { ChunkKind, Stat } from '../src/heap/layout.js';
import { ARENA_WORDS, MiB, setupAllocator } from './support/allocator.js';

const HEAP = 4 * MiB; // 4 chunks

const setup = (alignedArenas = false) => setupAllocator({ alignedArenas, heapBytes: HEAP });

/** Runs `f`, which must throw; returns the error. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

function expectExhausted(e: unknown, requested?: number): void {
  expect(e).toBeInstanceOf(HeapExhausted);
  expect(e).not.toBeInstanceOf(RangeError);
  const err = e as HeapExhausted;
  expect(err.name).toBe('HeapExhausted');
  expect(err.heapBytes).toBe(HEAP);
  expect(err.message).toContain('4 MiB');
  expect(err.message).toContain('--heap-mib');
  if (requested !== undefined) {
    expect(err.requestedBytes).toBe(requested);
    expect(err.message).toContain(`${requested} bytes`);
  }
}

const snapshot = (s: Float64Array) => Array.from(s);

describe('HeapExhausted', () => {
  it('pymalloc: four full arenas fill a 4 MiB heap; the next pool throws, and the heap recovers', () => {
    const { s, alloc } = setup();
    const blocks = Array.from({ length: 4 * 63 * 31 }, () => alloc.malloc(512));
    expect(s[Stat.ArenasInUse]).toBe(4);
    expect(alloc.space.chunksInUse).toBe(4);
    const before = snapshot(s);
    expectExhausted(thrown(() => alloc.malloc(512)));
    expectExhausted(thrown(() => alloc.malloc(16))); // any class needs a new pool: same
    expect(snapshot(s)).toEqual(before); // the failed requests changed no counter

    // Frees work, and a freed block can be handed out again.
    const victim = blocks[1000];
    alloc.free(victim, 512);
    expect(s[Stat.BlocksInUse]).toBe(blocks.length - 1);
    expect(alloc.malloc(512)).toBe(victim);

    for (const b of blocks) alloc.free(b, 512);
    expect(s[Stat.BlocksInUse]).toBe(0);
    expect(s[Stat.RequestedCurrent]).toBe(0);
    expect(s[Stat.ArenasInUse]).toBe(1); // the last usable arena is kept
    expect(s[Stat.ArenasReclaimedTotal]).toBe(3);
    // Three chunks are free again: a 3 MiB raw block fits.
    const big = alloc.malloc(3 * MiB);
    expect(alloc.space.kindAt(big)).toBe(ChunkKind.RawLarge);
    expect(alloc.space.chunksInUse).toBe(4);
  });

  it('aligned arenas: 4 * 64 pools fit, the 257th throws', () => {
    const { s, alloc } = setup(true);
    for (let i = 0; i < 4 * 64 * 31; i++) alloc.malloc(500);
    expect(s[Stat.PoolsInUse]).toBe(256);
    expectExhausted(thrown(() => alloc.malloc(500)));
  });

  it('raw: a request larger than the heap throws and leaves the raw counters alone', () => {
    const { s, alloc } = setup();
    const keep = alloc.malloc(100);
    const before = snapshot(s);
    expectExhausted(thrown(() => alloc.malloc(5 * MiB)), 5 * MiB);
    expect(snapshot(s)).toEqual(before);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawRequested]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
    alloc.free(keep, 100);
    expect(s[Stat.RequestedCurrent]).toBe(0);
    // 3 chunks are free (the arena keeps one): 3 MiB fits, 3 MiB + 1 does not.
    const big = alloc.malloc(3 * MiB);
    expectExhausted(thrown(() => alloc.malloc(600 * 1024)), 600 * 1024);
    alloc.free(big, 3 * MiB);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
  });

  it('raw small blocks: a new raw chunk that does not fit throws without counting a block', () => {
    const { s, alloc } = setup();
    const big = alloc.malloc(4 * MiB); // every chunk
    expect(alloc.space.chunksInUse).toBe(4);
    const before = snapshot(s);
    expectExhausted(thrown(() => alloc.malloc(600)), 600);
    expectExhausted(thrown(() => alloc.malloc(0)));
    expectExhausted(thrown(() => alloc.malloc(16))); // pymalloc needs an arena chunk too
    expect(snapshot(s)).toEqual(before);
    alloc.free(big, 4 * MiB);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
    expect(alloc.space.chunksInUse).toBe(0);
    expect(alloc.space.kindAt(alloc.malloc(600))).toBe(ChunkKind.RawSmall);
  });

  it('a failed realloc leaves the old block valid and the books unchanged', () => {
    const { mem, s, alloc } = setup();
    const b = alloc.malloc(100);
    mem.i32.fill(42, b, b + 25);
    const before = snapshot(s);
    expectExhausted(thrown(() => alloc.realloc(b, 100, 5 * MiB)), 5 * MiB);
    expect(snapshot(s)).toEqual(before);
    expect(Array.from(mem.i32.subarray(b, b + 25))).toEqual(new Array(25).fill(42));
    const r = alloc.realloc(b, 100, 2 * MiB); // fits: moves to raw
    expect(alloc.space.kindAt(r)).toBe(ChunkKind.RawLarge);
    expect(mem.i32[r + 24]).toBe(42);
    expect(s[Stat.BlocksInUse]).toBe(0);
    alloc.free(r, 2 * MiB);
    expect(s[Stat.RequestedCurrent]).toBe(0);
    expect(s[Stat.RawBlocks]).toBe(0);
  });

  it('raw and arenas compete for the same chunks', () => {
    const { s, alloc } = setup();
    const big = alloc.malloc(2 * MiB); // chunks 0 and 1
    const blocks = Array.from({ length: 2 * 63 * 31 }, () => alloc.malloc(512)); // arenas in chunks 2, 3
    expect(s[Stat.ArenasInUse]).toBe(2);
    expectExhausted(thrown(() => alloc.malloc(512)));
    alloc.free(big, 2 * MiB);
    const b = alloc.malloc(512); // now a third arena fits, in the lowest free chunk
    expect(b & ~(ARENA_WORDS - 1)).toBe(big);
    expect(s[Stat.ArenasInUse]).toBe(3);
    expect(blocks.length).toBe(3906);
  });
});
