// The first-instances effect (fact sheet §2.5): each new instance takes one `dk_usable` from the
// class's shared keys until it reaches 1, so the first ~30 instances carry larger value arrays.
// Expected sequences: tracemalloc bytes per instance for instances 1..40, measured on this machine
// with CPython 3.11.7, 3.12.1 and 3.13.0 (a fresh class per process, GC disabled; see the
// closing note of issue 2 for the script).
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import type { ProfileName } from '../src/heap/profiles.js';

const seq = (head: number[], steady: number, length = 40): number[] => [...head, ...Array(length - head.length).fill(steady)];
const C311 = [320, 312, 304, 296, 288, 280, 272, 256, 248, 240, 232, 224, 216, 208, 200, 184, 176, 168, 160, 152, 144, 136, 128, 112, 104, 96, 88, 80, 72];
const C312 = [312, 304, 296, 288, 280, 272, 264, 248, 240, 232, 224, 216, 208, 200, 192, 176, 168, 160, 152, 144, 136, 128, 120, 104, 96, 88, 80, 72, 64];
const C313 = [328, 320, 312, 304, 296, 288, 272, 264, 256, 248, 240, 232, 224, 216, 200, 192, 184, 176, 168, 160, 152, 144, 128, 120, 112, 104, 96, 88, 80, 72];

const MEASURED: Record<string, Record<'C' | 'C3' | 'C10', number[]>> = {
  '3.11': { C: seq(C311, 72), C3: seq(C311.slice(0, 25), 96), C10: seq(C311.slice(0, 18), 160) },
  '3.12': { C: seq(C312, 64), C3: seq(C312.slice(0, 25), 88), C10: seq(C312.slice(0, 18), 152) },
  '3.13': { C: seq(C313, 72), C3: seq(C313.slice(0, 26), 96), C10: seq(C313.slice(0, 19), 160) },
};

function simulate(profile: ProfileName, attrs: number): number[] {
  const heap = new Heap({ profile, heapBytes: 16 << 20 });
  const cls = heap.defineClass({ name: `C${attrs}` });
  const held = heap.list.repeat(heap.None, 40);
  // Attribute names are code constants, interned when `__init__` was compiled: before any instance.
  const names = Array.from({ length: attrs }, (_, a) => heap.intern(`a${a}`));
  const out: number[] = [];
  for (let i = 0; i < 40; i++) {
    const before = heap.requestedCurrent;
    const obj = heap.newInstance(cls);
    for (let a = 0; a < attrs; a++) heap.setAttr(obj, `a${a}`, heap.int(a));
    out.push(heap.requestedCurrent - before);
    heap.list.set(held, i, obj);
    heap.decref(obj);
  }
  heap.decref(held);
  for (const n of names) heap.decref(n);
  heap.teardown();
  return out;
}

describe('first instances of a class', () => {
  for (const [profile, byClass] of Object.entries(MEASURED)) {
    for (const [name, expected] of Object.entries(byClass)) {
      const attrs = name === 'C' ? 0 : Number(name.slice(1));
      it(`${name} (${attrs} attributes) on ${profile}`, () => {
        expect(simulate(profile as ProfileName, attrs)).toEqual(expected);
      });
    }
  }

  it('materialising __dict__ costs a 64-byte dict per instance, sized 64 + 8 per value slot', () => {
    for (const profile of ['3.11', '3.12', '3.13'] as const) {
      const heap = new Heap({ profile, heapBytes: 16 << 20 });
      const cls = heap.defineClass({ name: 'C3' });
      const objs = Array.from({ length: 50 }, () => {
        const o = heap.newInstance(cls);
        for (const a of ['a', 'b', 'c']) heap.setAttr(o, a, heap.int(1));
        return o;
      });
      const before = heap.requestedCurrent;
      const d = heap.instanceDict(objs[49]);
      expect(heap.requestedCurrent - before).toBe(64);
      expect(heap.dict.sizeof(d)).toBe(96); // 64 + 8 × (3 entries + 1 usable)
      const k = heap.intern('b');
      expect(heap.intValue(heap.dict.getItem(d, k))).toBe(1);
      heap.decref(k);
      heap.decref(d);
      for (const o of objs) heap.decref(o);
      heap.teardown();
    }
  });

  it('a __dict__ that outlives its instance keeps the attributes', () => {
    const heap = new Heap({ profile: '3.13', heapBytes: 16 << 20 });
    const cls = heap.defineClass({ name: 'P' });
    const o = heap.newInstance(cls);
    const v = heap.newStr('value!');
    heap.setAttr(o, 'x', v);
    heap.decref(v);
    const d = heap.instanceDict(o);
    heap.decref(o);
    const k = heap.intern('x');
    expect(heap.str.read(heap.dict.getItem(d, k))).toBe('value!');
    heap.decref(k);
    heap.decref(d);
    heap.teardown();
  });
});
