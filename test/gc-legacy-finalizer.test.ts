// Cycles through an object with a legacy finalizer (a C-level tp_del) are uncollectable (fact
// sheet §4.4 steps 5 and 10): the tp_del object goes to gc.garbage, everything reachable from it
// is kept too, and both count as uncollectable. (Python classes cannot define tp_del, so there is
// no real-interpreter comparison here.)
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { DEBUG_SAVEALL } from '../src/heap/gc/collector.js';
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { programHeap } from './support/gc-scenarios.js';

/** As a program must: empty gc.garbage and break the cycle, or the objects leak at shutdown. */
function breakAndTeardown(heap: Heap, l: Ref): void {
  heap.setAttr(l, 'x', heap.None);
  const garbage = heap.gc.garbageList();
  while (heap.list.length(garbage) > 0) heap.decref(heap.list.pop(garbage));
  heap.teardown();
}

describe('gc: legacy finalizers', () => {
  for (const profile of PROFILE_NAMES) {
    it(`${profile}: a cycle through a tp_del object lands in gc.garbage`, () => {
      const heap = programHeap(profile);
      const gc = heap.gc;
      const L = heap.defineClass({ name: 'L', finalizer: 'legacy' });
      const C = heap.defineClass({ name: 'C' });
      gc.collect();
      const l = heap.newInstance(L);
      const c = heap.newInstance(C);
      heap.setAttr(l, 'x', c);
      heap.setAttr(c, 'x', l);
      heap.decref(l);
      heap.decref(c);
      expect(gc.collect()).toBe(2); // collected 0 + uncollectable 2
      expect(gc.getStats()[2]).toMatchObject({ collected: 0, uncollectable: 2 });
      expect(gc.garbageLength()).toBe(1);
      expect(heap.list.get(gc.garbageList(), 0)).toBe(l);
      // gc.garbage keeps both alive and reachable: the next collection finds nothing.
      expect(heap.refcount(c)).toBeGreaterThan(0);
      expect(gc.collect()).toBe(0);
      expect(gc.garbageLength()).toBe(1);
      breakAndTeardown(heap, l);
    });
  }

  it('under DEBUG_SAVEALL every uncollectable object goes to gc.garbage', () => {
    const heap = programHeap('3.13');
    const gc = heap.gc;
    const L = heap.defineClass({ name: 'L', finalizer: 'legacy' });
    const C = heap.defineClass({ name: 'C' });
    gc.collect();
    gc.debug = DEBUG_SAVEALL;
    const l = heap.newInstance(L);
    const c = heap.newInstance(C);
    heap.setAttr(l, 'x', c);
    heap.setAttr(c, 'x', l);
    heap.decref(l);
    heap.decref(c);
    expect(gc.collect()).toBe(2);
    expect(gc.garbageLength()).toBe(2);
    gc.debug = 0;
    breakAndTeardown(heap, l);
  });
});
