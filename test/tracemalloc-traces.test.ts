/**
 * tracemalloc's traces: after `startTracing`, only blocks allocated since count. Freeing an older
 * block changes nothing (CPython: a free of an untraced pointer removes no trace), and a realloc of
 * an older block traces its whole new size (tracemalloc_realloc adds a trace for the new block).
 */
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { Kind } from '../src/heap/types.js';

const heap = (): Heap => new Heap({ profile: '3.13', heapBytes: 64 << 20 });

describe('traced bytes', () => {
  it('count blocks allocated since tracing started, and only those', () => {
    const h = heap();
    const before = h.allocObject(Kind.Opaque, 100);
    h.startTracing();
    expect(h.tracedCurrent).toBe(0);
    const during = h.allocObject(Kind.Opaque, 200);
    expect(h.tracedCurrent).toBe(200);
    h.decref(before); // allocated before tracing: no trace to remove
    expect(h.tracedCurrent).toBe(200);
    expect(h.tracedPeak).toBe(200);
    h.decref(during);
    expect(h.tracedCurrent).toBe(0);
    expect(h.tracedPeak).toBe(200);
  });

  it('a block reused at the address of an untraced one is traced', () => {
    const h = heap();
    const old = h.allocObject(Kind.Opaque, 48);
    h.startTracing();
    h.decref(old);
    const reused = h.allocObject(Kind.Opaque, 48); // pymalloc hands the same block back (LIFO)
    expect(reused).toBe(old);
    expect(h.tracedCurrent).toBe(48);
    h.decref(reused);
    expect(h.tracedCurrent).toBe(0);
  });

  it('a realloc traces the whole new size of an older block, and the delta of a traced one', () => {
    const h = heap();
    const a = h.allocator;
    const old = a.malloc(64);
    h.startTracing();
    const grown = a.realloc(old, 64, 400);
    expect(h.tracedCurrent).toBe(400);
    const fresh = a.malloc(64);
    const regrown = a.realloc(fresh, 64, 100);
    expect(h.tracedCurrent).toBe(500);
    a.free(grown, 400);
    a.free(regrown, 100);
    expect(h.tracedCurrent).toBe(0);
    expect(h.tracedPeak).toBe(500);
  });

  it('restarting tracing forgets the earlier traces', () => {
    const h = heap();
    h.startTracing();
    const x = h.allocObject(Kind.Opaque, 64);
    h.startTracing();
    h.decref(x);
    expect(h.tracedCurrent).toBe(0);
    expect(h.tracedPeak).toBe(0);
  });
});
