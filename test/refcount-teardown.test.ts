// After a program drops its roots, teardown (free lists, interned strings, class keys released)
// leaves zero blocks for every object kind, on every profile; a leak is reported, not hidden.
import { describe, expect, it } from 'vitest';
import { HeapInvariantError } from '../src/heap/errors.js';
import { Heap } from '../src/heap/heap.js';
import { Stat } from '../src/heap/layout.js';
import { PROFILE_NAMES } from '../src/heap/profiles.js';

/** Builds one of everything, with references between them, and returns the roots. */
function buildEverything(heap: Heap): number[] {
  const roots: number[] = [];
  const C = heap.defineClass({ name: 'C' });
  const S = heap.defineClass({ name: 'S', slots: ['a', 'b'], weakrefSlot: true });
  roots.push(heap.int(123456), heap.int(2 ** 40, 'arith'), heap.float(2.5), heap.newStr('hello world'), heap.newStr('é'.repeat(20)));
  roots.push(heap.newStr('\u{1F600}x'), heap.bytes(100), heap.bytes(new Uint8Array([1, 2, 3])));
  roots.push(heap.intern('some_name'));
  const big = heap.list.comprehension(3000, (i) => heap.int(i * 7));
  roots.push(big);
  roots.push(heap.list.fromIterator(50, (i) => heap.float(i)));
  const d = heap.dict.newDict();
  for (let i = 0; i < 100; i++) {
    const k = heap.newStr(`key${i}`);
    heap.dict.setItem(d, k, big);
    heap.decref(k);
  }
  const k1 = heap.int(99999);
  heap.dict.setItem(d, k1, heap.None); // str keys become general keys
  heap.decref(k1);
  const kDel = heap.newStr('key3');
  heap.dict.delItem(d, kDel);
  heap.decref(kDel);
  roots.push(d);
  const s = heap.set.newSet();
  for (let i = 0; i < 100; i++) {
    const v = heap.int(i + 500);
    heap.set.add(s, v);
    heap.decref(v);
  }
  roots.push(s);
  for (let i = 0; i < 40; i++) {
    const o = heap.newInstance(C);
    heap.setAttr(o, 'x', big);
    heap.setAttr(o, 'y', s);
    roots.push(o);
  }
  const withDict = heap.newInstance(C);
  heap.setAttr(withDict, 'z', d);
  const dd = heap.instanceDict(withDict);
  roots.push(withDict, dd);
  const many = heap.newInstance(C);
  for (let i = 0; i < 35; i++) heap.setAttr(many, `attr${i}`, heap.None); // more than 30 names: a combined dict
  roots.push(many);
  const slots = heap.newInstance(S);
  heap.setAttr(slots, 'a', big);
  roots.push(slots);
  roots.push(heap.weakref(slots), heap.weakref(withDict));
  const cell = heap.cell(big);
  const closure = heap.tupleOf(cell);
  heap.decref(cell);
  const f = heap.func(d, closure, heap.emptyTuple);
  heap.decref(closure);
  roots.push(f, heap.boundMethod(f, withDict));
  const g = heap.generator(4);
  heap.generatorSetLocal(g, 0, big);
  heap.generatorSetLocal(g, 3, d);
  roots.push(g);
  roots.push(heap.tupleOf(...Array.from({ length: 25 }, (_, i) => heap.int(i))));
  return roots;
}

describe('zero blocks after teardown', () => {
  for (const profile of PROFILE_NAMES) {
    it(`every object kind, profile ${profile}`, () => {
      const heap = new Heap({ profile, heapBytes: 64 << 20 });
      const roots = buildEverything(heap);
      expect(heap.counters[Stat.BlocksInUse]).toBeGreaterThan(3000);
      for (const r of roots) heap.decref(r);
      heap.teardown();
      expect(heap.counters[Stat.BlocksInUse]).toBe(0);
      expect(heap.counters[Stat.RawBlocks]).toBe(0);
      expect(heap.requestedCurrent).toBe(0);
    });
  }

  it('reports a simulated leak', () => {
    const heap = new Heap({ profile: '3.12', heapBytes: 16 << 20 });
    heap.list.newList(3); // never dropped
    expect(() => heap.teardown()).toThrow(HeapInvariantError);
  });

  it('refuses to decref a dead object', () => {
    const heap = new Heap({ profile: '3.12', heapBytes: 16 << 20 });
    const C = heap.defineClass({ name: 'C' });
    const o = heap.newInstance(C);
    heap.decref(o);
    expect(() => heap.decref(o)).toThrow(/dead object/);
  });
});
