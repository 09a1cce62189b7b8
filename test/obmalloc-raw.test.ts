/**
 * What bypasses pymalloc (fact sheet §1.4): requests of 0 bytes and of more than 512 bytes go to
 * the raw allocator (malloc). The raw allocator itself is the simulation's simple model (raw.ts):
 * blocks held in classes of 5/4, 6/4, 7/4, 8/4 of a power of two above 512 bytes, 16-byte classes at
 * or below 512 (only reached by malloc(0) and raw realloc), and requests above 512 KiB in their own
 * run of 1 MiB chunks that is unmapped when freed (glibc's mmap threshold behaviour).
 */
import { describe, expect, it } from 'vitest';
import { ChunkKind, Stat } from '../src/heap/layout.js';
import { ARENA_WORDS, KiB, MiB, setupAllocator } from './support/allocator.js';

describe('requests pymalloc declines', () => {
  it('sends a 0-byte request to raw, not to pymalloc', () => {
    const { s, alloc } = setupAllocator();
    const z = alloc.malloc(0);
    expect(z).not.toBe(0);
    expect(alloc.space.kindAt(z)).toBe(ChunkKind.RawSmall);
    expect(s[Stat.RawBlocks]).toBe(1);
    expect(s[Stat.RawRequested]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(16); // malloc(0) is malloc(1)
    expect(s[Stat.BlocksInUse]).toBe(0);
    expect(s[Stat.PoolsInUse]).toBe(0);
    expect(s[Stat.ArenasInUse]).toBe(0); // no arena was needed
    expect(s[Stat.RequestedCurrent]).toBe(0);
    // Two 0-byte requests are two distinct blocks.
    expect(alloc.malloc(0)).not.toBe(z);
    expect(s[Stat.RawBlocks]).toBe(2);
  });

  it('sends every request above 512 bytes to raw and counts requested and held bytes', () => {
    const { s, alloc } = setupAllocator();
    alloc.malloc(512); // the largest small request: pymalloc
    expect(s[Stat.BlocksInUse]).toBe(1);
    expect(s[Stat.RawBlocks]).toBe(0);
    const cases: Array<[number, number]> = [
      [513, 640], // 5/4 * 512
      [640, 640],
      [641, 768], // 6/4 * 512
      [1000, 1024],
      [1025, 1280], // 5/4 * 1024
      [2000, 2048],
      [4097, 5120],
      [100 * KiB, 112 * KiB], // 7/4 * 64 KiB
      [512 * KiB, 512 * KiB], // still a small raw block
    ];
    let requested = 0;
    let held = 0;
    for (const [n, h] of cases) {
      const b = alloc.malloc(n);
      requested += n;
      held += h;
      expect(alloc.space.kindAt(b), `${n}`).toBe(ChunkKind.RawSmall);
      expect(s[Stat.RawHeld], `held after ${n}`).toBe(held);
    }
    expect(s[Stat.RawBlocks]).toBe(cases.length);
    expect(s[Stat.RawRequested]).toBe(requested);
    expect(s[Stat.BlocksInUse]).toBe(1);
    expect(s[Stat.RequestedCurrent]).toBe(512 + requested);
  });

  it('reuses freed raw blocks of the same class LIFO', () => {
    const { s, alloc } = setupAllocator();
    const a = alloc.malloc(600);
    const b = alloc.malloc(601);
    alloc.free(a, 600);
    alloc.free(b, 601);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
    expect(alloc.malloc(620)).toBe(b);
    expect(alloc.malloc(513)).toBe(a);
  });
});

describe('large raw blocks', () => {
  it('gives a request above 512 KiB its own chunk and unmaps it when freed', () => {
    const { mem, s, alloc } = setupAllocator();
    const small = alloc.malloc(1000); // maps one chunk for small raw blocks
    expect(alloc.space.chunksInUse).toBe(1);
    const big = alloc.malloc(512 * KiB + 1);
    expect(alloc.space.kindAt(big)).toBe(ChunkKind.RawLarge);
    expect(big % ARENA_WORDS).toBe(0); // chunk-aligned: a chunk of its own
    expect(big).not.toBe(small & ~(ARENA_WORDS - 1));
    expect(alloc.space.chunksInUse).toBe(2);
    expect(s[Stat.RawHeld]).toBe(1024 + MiB);
    mem.i32.fill(3, big, big + 1000);
    alloc.free(big, 512 * KiB + 1);
    expect(alloc.space.kindAt(big)).toBe(ChunkKind.Free);
    expect(alloc.space.chunksInUse).toBe(1);
    expect(s[Stat.RawHeld]).toBe(1024);
    // Mapped again, the chunk reads as zeros, as fresh mmap pages do.
    expect(alloc.malloc(512 * KiB + 1)).toBe(big);
    expect(mem.i32.subarray(big, big + 1000).every((w) => w === 0)).toBe(true);
  });

  it('spans as many chunks as needed and returns them all', () => {
    const { s, alloc } = setupAllocator();
    const n = 2.5 * MiB;
    const big = alloc.malloc(n);
    expect(alloc.space.chunksInUse).toBe(3);
    for (let c = 0; c < 3; c++) expect(alloc.space.kindAt(big + c * ARENA_WORDS)).toBe(ChunkKind.RawLarge);
    expect(alloc.space.kindAt(big + 3 * ARENA_WORDS)).toBe(ChunkKind.Free);
    expect(s[Stat.RawHeld]).toBe(3 * MiB);
    expect(s[Stat.RawRequested]).toBe(n);
    alloc.free(big, n);
    expect(alloc.space.chunksInUse).toBe(0);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
    // The freed run is the lowest free space again: an arena goes there.
    const b = alloc.malloc(16);
    expect(b & ~(ARENA_WORDS - 1)).toBe(big);
  });

  it('does not disturb pymalloc arenas around it', () => {
    const { s, alloc } = setupAllocator();
    const a = alloc.malloc(16); // arena in chunk 0
    const big = alloc.malloc(3 * MiB); // chunks 1..3
    const blocks = Array.from({ length: 63 * 31 }, () => alloc.malloc(512)); // fills the rest of arena 0 and opens arena 1
    expect(s[Stat.ArenasInUse]).toBe(2);
    const arena1 = blocks[blocks.length - 1] & ~(ARENA_WORDS - 1);
    expect(arena1).toBe(big + 3 * ARENA_WORDS);
    alloc.free(big, 3 * MiB);
    expect(alloc.space.kindAt(a)).toBe(ChunkKind.Arena);
    expect(alloc.space.kindAt(arena1)).toBe(ChunkKind.Arena);
    expect(alloc.space.chunksInUse).toBe(2);
    expect(s[Stat.BlocksInUse]).toBe(1 + 63 * 31);
  });
});
