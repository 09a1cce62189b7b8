// Copy-on-write accounting (issue: gc.freeze() before fork()): after a fork point, the distinct
// 4 KiB pages written for the first time. A collection writes the GC head of every object it
// examines, so a collection after fork dirties every page of tracked objects — unless they were
// frozen first. Refcount writes dirty pages too, except on immortal objects (3.12+).
import { describe, expect, it } from 'vitest';
import { programHeap } from './support/gc-scenarios.js';
import type { Heap } from '../src/heap/heap.js';

/** 50,000 long-lived lists held by a global. */
function longLived(heap: Heap): void {
  const keep = heap.list.newList(0);
  heap.roots.setGlobal('keep', keep);
  heap.decref(keep);
  for (let i = 0; i < 50000; i++) {
    const l = heap.list.newList(0);
    heap.list.append(keep, l);
    heap.decref(l);
  }
}

describe('copy-on-write pages after a fork point', () => {
  for (const profile of ['3.12', '3.13', '3.14.0'] as const) {
    it(`${profile}: a full collection after fork writes the pages of every tracked object, unless frozen`, () => {
      const plain = programHeap(profile);
      longLived(plain);
      plain.gc.collect();
      const cow = plain.forkPoint();
      expect(cow.pagesWritten).toBe(0);
      plain.gc.collect();
      const unfrozen = cow.pagesWritten;
      // 50,000 lists of 56 bytes fill about 690 pages.
      expect(unfrozen).toBeGreaterThan(650);

      const frozen = programHeap(profile);
      longLived(frozen);
      frozen.gc.collect();
      frozen.gc.freeze();
      const cow2 = frozen.forkPoint();
      frozen.gc.collect();
      expect(cow2.pagesWritten).toBeLessThan(unfrozen / 20);
      plain.teardown();
      frozen.teardown();
    });
  }

  it('refcount updates dirty pages; immortal objects (3.12+) are never written', () => {
    for (const [profile, expected] of [['3.11', 1], ['3.12', 0]] as const) {
      const heap = programHeap(profile);
      const none = heap.None;
      const cow = heap.forkPoint();
      heap.incref(none);
      heap.decref(none);
      expect(cow.pagesWritten).toBe(expected);
      const l = heap.list.newList(0);
      expect(cow.pagesWritten).toBeGreaterThan(expected);
      heap.decref(l);
      heap.teardown();
    }
  });
});
