// Lazy untracking per profile (fact sheet §6): tuples untracked by any collection when no item
// may be tracked (and, from 3.14.1, not tracked at creation); dicts created untracked and
// untracked again only by full collections in 3.11–3.13; always tracked in 3.14.
import { expect, it } from 'vitest';
import { describeScenario, programHeap } from './support/gc-scenarios.js';

const LAZY = {
  tupleCreated: true,
  tupleAfterCollect0: false,
  tupleWithListAfterCollect0: true,
  emptyDict: false,
  intDict: false,
  listDictCreated: true,
  listDictAfterCollect1: true,
  listDictAfterCollect2: false,
  // Found reachable through its outer tuple, the inner one comes back behind it: CPython's walk
  // meets the outer tuple while the inner one is still tracked (MEAS 3.11.7, 3.12.1, 3.13.0).
  nestedTupleAfterCollect: true,
  dictBeforeItsTupleAfterCollect2: false,
};
// 3.14: `gc_collect_full` untracks young's tuples before anything moves them, in creation order
// (and from 3.14.1 the outer tuple is not even tracked at creation).
const DICTS_ALWAYS = {
  ...LAZY,
  emptyDict: true,
  intDict: true,
  listDictAfterCollect2: true,
  nestedTupleAfterCollect: false,
  dictBeforeItsTupleAfterCollect2: true,
};

describeScenario('gc: tuple and dict untracking per profile', 'tracking', (profile) => {
  if (profile === '3.11' || profile === '3.12' || profile === '3.13') return LAZY;
  // 3.14.1+: tuples of non-GC items are not tracked at creation.
  return profile === '3.14.0' ? DICTS_ALWAYS : { ...DICTS_ALWAYS, tupleCreated: false };
});

// A tuple longer than the collector's referents buffer (4096 at first) makes it grow while it is
// listed: untrack_tuples must test the grown buffer, not the one it had before. On 3.14.0 the
// increment that starts a scavenge untracks young's tuples and then only marks (collects nothing),
// so nothing else untracks the tuple.
it('3.14.0: the marking step untracks a 5000-item tuple of ints', () => {
  const heap = programHeap('3.14.0');
  heap.gc.collect();
  const items = Array.from({ length: 5000 }, (_, i) => heap.int(i + 1000));
  const t = heap.tupleOf(...items);
  for (const item of items) heap.decref(item);
  expect(heap.gc.isTracked(t)).toBe(true);
  heap.gc.collect(1);
  expect(heap.gc.isTracked(t)).toBe(false);
  heap.decref(t);
  heap.teardown();
});
