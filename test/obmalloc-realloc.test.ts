/**
 * realloc (fact sheet §1.3 `pymalloc_realloc`, §1.4, §1.5): a pymalloc block stays in place when
 * new <= block size and 4*new > 3*block size; otherwise malloc + copy + free. A raw block stays in
 * the raw allocator whatever the new size. tracemalloc counts requested sizes and, on a move, removes
 * the old trace before adding the new one, so the peak never holds old + new at once.
 */
import { describe, expect, it } from 'vitest';
import { ChunkKind, type HeapMemory, Stat } from '../src/heap/layout.js';
import { MiB, poolOf, setupAllocator } from './support/allocator.js';

const fillPattern = (mem: HeapMemory, b: number, words: number, seed: number) => {
  for (let i = 0; i < words; i++) mem.i32[b + i] = seed + i;
};
const pattern = (words: number, seed: number) => Array.from({ length: words }, (_, i) => seed + i);

describe('realloc of pymalloc blocks', () => {
  it('follows the in-place rule exactly, for every new size around several block sizes', () => {
    const { s, alloc } = setupAllocator();
    const wrong: string[] = [];
    for (const block of [16, 32, 64, 112, 256, 400, 512]) {
      for (let n = 1; n <= Math.min(block + 32, 512); n++) {
        const b = alloc.malloc(block);
        const r = alloc.realloc(b, block, n);
        const inPlace = n <= block && 4 * n > 3 * block;
        if ((r === b) !== inPlace) wrong.push(`block ${block} -> ${n}: ${r === b ? 'kept' : 'moved'}`);
        if (alloc.pymalloc.blockSizeAt(r) !== (inPlace ? block : Math.ceil(n / 16) * 16)) {
          wrong.push(`block ${block} -> ${n}: now in a ${alloc.pymalloc.blockSizeAt(r)}-byte block`);
        }
        alloc.free(r, n);
      }
    }
    expect(wrong).toEqual([]);
    expect(s[Stat.BlocksInUse]).toBe(0);
    expect(s[Stat.RequestedCurrent]).toBe(0);
  });

  it('keeps a 112-byte block for 85..112 bytes, moves it at 84 (= 3/4) and at 113', () => {
    const { mem, s, alloc } = setupAllocator();
    const b = alloc.malloc(100);
    fillPattern(mem, b, 25, 1000);
    expect(alloc.realloc(b, 100, 112)).toBe(b);
    expect(alloc.realloc(b, 112, 85)).toBe(b);
    const shrunk = alloc.realloc(b, 85, 84);
    expect(shrunk).not.toBe(b);
    expect(alloc.pymalloc.blockSizeAt(shrunk)).toBe(96);
    expect(Array.from(mem.i32.subarray(shrunk, shrunk + 21))).toEqual(pattern(21, 1000));
    expect(s[Stat.BlocksInUse]).toBe(1);
    // The old block went back on its pool's free list: it is the next 112-byte block handed out.
    const again = alloc.malloc(100);
    expect(again).toBe(b);
    const grown = alloc.realloc(again, 100, 113);
    expect(grown).not.toBe(again);
    expect(alloc.pymalloc.blockSizeAt(grown)).toBe(128);
    expect(s[Stat.BlocksInUse]).toBe(2);
    expect(s[Stat.RawBlocks]).toBe(0);
  });

  it('moves a pymalloc block to the raw allocator when it grows past 512 bytes', () => {
    const { mem, s, alloc } = setupAllocator();
    const b = alloc.malloc(500);
    fillPattern(mem, b, 125, 77);
    expect(alloc.realloc(b, 500, 512)).toBe(b);
    const r = alloc.realloc(b, 512, 513);
    expect(r).not.toBe(b);
    expect(alloc.space.kindAt(r)).toBe(ChunkKind.RawSmall);
    expect(Array.from(mem.i32.subarray(r, r + 125))).toEqual(pattern(125, 77));
    expect(s[Stat.BlocksInUse]).toBe(0);
    expect(s[Stat.RawBlocks]).toBe(1);
    expect(s[Stat.RawRequested]).toBe(513);
    expect(s[Stat.PoolsInUse]).toBe(0);
  });

  it('moves a pymalloc block to raw when it shrinks to 0 bytes', () => {
    const { s, alloc } = setupAllocator();
    const b = alloc.malloc(64);
    const r = alloc.realloc(b, 64, 0);
    expect(alloc.space.kindAt(r)).toBe(ChunkKind.RawSmall);
    expect(s[Stat.BlocksInUse]).toBe(0);
    expect(s[Stat.RawBlocks]).toBe(1);
    alloc.free(r, 0);
    expect(s[Stat.RawBlocks]).toBe(0);
  });

  it('realloc(NULL) is malloc', () => {
    const { s, alloc } = setupAllocator();
    const b = alloc.realloc(0, 0, 40);
    expect(alloc.pymalloc.blockSizeAt(b)).toBe(48);
    expect(s[Stat.BlocksInUse]).toBe(1);
    expect(s[Stat.RequestedCurrent]).toBe(40);
  });
});

describe('realloc of raw blocks', () => {
  it('a raw block stays raw when shrunk to a small size, and freeing it then works', () => {
    const { mem, s, alloc } = setupAllocator();
    const keep = Array.from({ length: 10 }, () => alloc.malloc(16)); // pymalloc state to protect
    const pool = poolOf(keep[0]);
    const r = alloc.malloc(1000);
    fillPattern(mem, r, 4, 5);
    const small = alloc.realloc(r, 1000, 16);
    expect(alloc.space.kindAt(small)).toBe(ChunkKind.RawSmall);
    expect(Array.from(mem.i32.subarray(small, small + 4))).toEqual(pattern(4, 5));
    expect(s[Stat.RawBlocks]).toBe(1);
    expect(s[Stat.RawRequested]).toBe(16);
    expect(s[Stat.BlocksInUse]).toBe(10);
    alloc.free(small, 16);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawRequested]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
    expect(s[Stat.BlocksInUse]).toBe(10);
    expect(s[Stat.RequestedCurrent]).toBe(160);
    // pymalloc's pool is untouched: the next 16-byte block is the next never-used one.
    const next = alloc.malloc(16);
    expect(poolOf(next)).toBe(pool);
    expect((next - pool) * 4).toBe(48 + 10 * 16);
  });

  it('a 0-byte raw block grown to a small size stays raw (in place in its raw class)', () => {
    const { s, alloc } = setupAllocator();
    const z = alloc.malloc(0);
    const r = alloc.realloc(z, 0, 10);
    expect(r).toBe(z);
    expect(alloc.space.kindAt(r)).toBe(ChunkKind.RawSmall);
    expect(s[Stat.BlocksInUse]).toBe(0);
    expect(s[Stat.RawRequested]).toBe(10);
    alloc.free(r, 10);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.RawHeld]).toBe(0);
  });

  it('a raw block grown past its raw class moves and keeps its contents', () => {
    const { mem, s, alloc } = setupAllocator();
    const r = alloc.malloc(600);
    fillPattern(mem, r, 150, 9);
    expect(alloc.realloc(r, 600, 640)).toBe(r); // same raw class (640)
    const big = alloc.realloc(r, 640, 700 * 1024);
    expect(big).not.toBe(r);
    expect(alloc.space.kindAt(big)).toBe(ChunkKind.RawLarge);
    expect(Array.from(mem.i32.subarray(big, big + 150))).toEqual(pattern(150, 9));
    expect(s[Stat.RawBlocks]).toBe(1);
    expect(s[Stat.RawRequested]).toBe(700 * 1024);
    expect(s[Stat.RawHeld]).toBe(MiB);
  });
});

describe('tracemalloc accounting', () => {
  it('tracks requested sizes exactly; a moving realloc never counts old and new at once', () => {
    const { s, alloc } = setupAllocator();
    const cur = () => [s[Stat.RequestedCurrent], s[Stat.RequestedPeak]];
    const a = alloc.malloc(100);
    expect(cur()).toEqual([100, 100]);
    let c = alloc.malloc(300);
    expect(cur()).toEqual([400, 400]);
    alloc.free(a, 100);
    expect(cur()).toEqual([300, 400]);
    const c1 = alloc.realloc(c, 300, 400); // 304-byte block -> 400: moves
    expect(c1).not.toBe(c);
    c = c1;
    expect(cur()).toEqual([400, 400]); // not 700
    expect(alloc.realloc(c, 400, 350)).toBe(c); // in place
    expect(cur()).toEqual([350, 400]);
    c = alloc.realloc(c, 350, 2000); // pymalloc -> raw
    expect(cur()).toEqual([2000, 2000]); // not 2350
    c = alloc.realloc(c, 2000, 100000); // raw -> raw, moves
    expect(cur()).toEqual([100000, 100000]); // not 102000
    c = alloc.realloc(c, 100000, 10); // raw stays raw
    expect(cur()).toEqual([10, 100000]);
    expect(s[Stat.RawRequested]).toBe(10);
    alloc.free(c, 10);
    expect(cur()).toEqual([0, 100000]);
    expect(s[Stat.RawBlocks]).toBe(0);
    expect(s[Stat.BlocksInUse]).toBe(0);
  });

  it('counts requested bytes, not block sizes, for pymalloc and raw alike', () => {
    const { s, alloc } = setupAllocator();
    const sizes = [1, 17, 24, 100, 511, 512, 0, 513, 4097, 600 * 1024];
    const blocks = sizes.map((n) => alloc.malloc(n));
    const total = sizes.reduce((x, y) => x + y, 0);
    expect(s[Stat.RequestedCurrent]).toBe(total);
    expect(s[Stat.RequestedPeak]).toBe(total);
    blocks.forEach((b, i) => alloc.free(b, sizes[i]));
    expect(s[Stat.RequestedCurrent]).toBe(0);
    expect(s[Stat.RequestedPeak]).toBe(total);
  });
});
