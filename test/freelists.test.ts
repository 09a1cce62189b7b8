// Type free lists (fact sheet §1.6, §4.2): reuse calls no allocator (tracemalloc sees nothing) and
// does not move count0; objects pushed on a free list keep their memory and do not decrement it.
// The count0 deltas are those measured on CPython 3.11.7/3.12.1/3.13.0 with the free lists drained.
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { Stat } from '../src/heap/layout.js';
import type { Ref } from '../src/heap/layout.js';

function count0(heap: Heap): number {
  return heap.counters[Stat.GcCount0];
}

function churn(heap: Heap, make: () => Ref): { created: number; deleted: number } {
  const c0 = count0(heap);
  const objs = Array.from({ length: 1000 }, make);
  const created = count0(heap) - c0;
  const c1 = count0(heap);
  for (const o of objs) heap.decref(o);
  return { created, deleted: count0(heap) - c1 };
}

describe('free lists and count0', () => {
  for (const profile of ['3.11', '3.12', '3.13'] as const) {
    it(`matches CPython ${profile}: lists, dicts, 2-tuples, instances`, () => {
      const heap = new Heap({ profile, heapBytes: 32 << 20 });
      // As measured: with the collector disabled, so no collection resets count0 on the way.
      heap.gc.disable();
      const C = heap.defineClass({ name: 'C' });
      expect(churn(heap, () => heap.list.newList(0))).toEqual({ created: 1000, deleted: -920 });
      expect(churn(heap, () => heap.dict.newDict())).toEqual({ created: 1000, deleted: -920 });
      expect(churn(heap, () => heap.tupleOf(heap.None, heap.True))).toEqual({ created: 1000, deleted: 0 });
      expect(churn(heap, () => heap.newInstance(C))).toEqual({ created: 1000, deleted: -1000 });
      // With the free lists now full, reuse moves nothing: 80 lists come back without count0.
      expect(churn(heap, () => heap.list.newList(0))).toEqual({ created: 920, deleted: -920 });
    });
  }

  it('reuse is invisible to tracemalloc; kept objects still hold their bytes', () => {
    const heap = new Heap({ profile: '3.11', heapBytes: 16 << 20 });
    const floats = Array.from({ length: 150 }, (_, i) => heap.float(i + 0.5));
    expect(heap.requestedCurrent).toBe(150 * 24);
    for (const f of floats) heap.decref(f);
    expect(heap.requestedCurrent).toBe(100 * 24); // 100 kept on the float free list
    const before = heap.requestedCurrent;
    const again = Array.from({ length: 100 }, (_, i) => heap.float(i));
    expect(heap.requestedCurrent).toBe(before);
    expect(heap.counters[Stat.FreeListReuses]).toBe(100);
    for (const f of again) heap.decref(f);
    heap.teardown();
  });

  it('3.14 keeps single-digit ints and bound methods; 3.13 does not', () => {
    for (const [profile, kept] of [['3.13', 0], ['3.14.0', 100]] as const) {
      const heap = new Heap({ profile, heapBytes: 16 << 20 });
      const ints = Array.from({ length: 200 }, (_, i) => heap.int(1000 + i));
      for (const r of ints) heap.decref(r);
      expect(heap.requestedCurrent, profile).toBe(kept * (profile === '3.13' ? 28 : 32));
      heap.teardown();
    }
  });
});
