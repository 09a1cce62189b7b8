// Static objects: small ints, None, True/False, (), the empty and 1-character strings allocate
// nothing; from 3.12 they are immortal (PEP 683), so incref/decref never write their refcount.
// Interning returns one shared object per string; 3.12 makes interned strings immortal.
import { describe, expect, it } from 'vitest';
import { Heap, IMMORTAL_REFCNT } from '../src/heap/heap.js';

describe('immortal and static objects', () => {
  it('3.11: static objects are mortal (their refcount moves) but never freed', () => {
    const heap = new Heap({ profile: '3.11', heapBytes: 16 << 20 });
    const five = heap.int(5);
    const rc = heap.refcount(five);
    heap.incref(five);
    expect(heap.refcount(five)).toBe(rc + 1);
    heap.decref(five);
    heap.decref(five);
    expect(heap.refcount(five)).toBe(rc - 1);
    expect(heap.isImmortal(five)).toBe(false);
    expect(heap.requestedCurrent).toBe(0);
  });

  for (const profile of ['3.12', '3.13', '3.14.0'] as const) {
    it(`${profile}: small ints, singletons and cached strings are immortal`, () => {
      const heap = new Heap({ profile, heapBytes: 16 << 20 });
      for (const r of [heap.int(-5), heap.int(256), heap.None, heap.True, heap.emptyTuple, heap.newStr(''), heap.newStr('x')]) {
        expect(heap.refcount(r)).toBe(IMMORTAL_REFCNT);
        heap.incref(r);
        heap.decref(r);
        heap.decref(r);
        expect(heap.refcount(r)).toBe(IMMORTAL_REFCNT);
      }
      expect(heap.int(257)).not.toBe(heap.int(257)); // outside the cache: two objects
      expect(heap.requestedCurrent).toBe(2 * (profile === '3.14.0' ? 32 : 28));
    });
  }

  it('interning shares one object; 3.12 makes it immortal, 3.11 and 3.13 keep it mortal', () => {
    for (const [profile, immortal] of [['3.11', false], ['3.12', true], ['3.13', false]] as const) {
      const heap = new Heap({ profile, heapBytes: 16 << 20 });
      const a = heap.intern('attribute_name');
      const b = heap.intern('attribute_name');
      expect(a).toBe(b);
      expect(heap.isImmortal(a)).toBe(immortal);
      expect(heap.newStr('attribute_name')).not.toBe(a);
      if (!immortal) {
        heap.decref(a);
        heap.decref(b);
        const c = heap.intern('attribute_name'); // the old one died and left the table
        expect(heap.refcount(c)).toBe(1);
        heap.decref(c);
      }
    }
  });
});
