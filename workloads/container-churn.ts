/**
 * container-churn: a dict filled with n×n tuple keys, each value computed from three earlier
 * entries looked up through temporary tuples: the pattern of CPython gh-139951 ("Potentially
 * serious regression in garbage collector performance in Python 3.14"). Every key is a new
 * 2-tuple of ints, and every lookup builds and drops another. Twin: python/container_churn.py.
 *
 *   def run(p):
 *       n = p["n"]
 *       d = {}
 *       for i in range(n):
 *           d[(i, i)] = d[(i, 0)] = d[(0, i)] = 0
 *       for i in range(1, n):
 *           for j in range(1, n):
 *               d[(i, j)] = (i + j + d[(i - 1, j)] + d[(i, j - 1)] + d[(i - 1, j - 1)]) % 1000
 *
 * The issue's script stores the sums themselves, which grow into ints of hundreds of digits; the
 * `% 1000` keeps every value a one-digit int so that the figures are about the containers.
 *
 * What the profiles make of it (fact sheet §4-§6): 3.11-3.13 track each tuple at creation, count
 * it in count0, and untrack it at its first (young) collection, so the old generation stays small
 * and full collections are rare: about one object visited per key. 3.14.0's incremental collector
 * counts the same allocations, but every automatic collection is an increment: the young tuples
 * plus a share of the old generation sized by the heap (every tuple ever allocated counts in it),
 * and a full scavenge, begun by marking everything reachable, every few increments: about twice
 * the objects visited (the regression). 3.14.1 (gh-140262) builds these tuples untracked and
 * counts tracked objects only, so the loop triggers no collection; 3.14.5 returns to the
 * generational collector, as many collections as 3.13, over young generations the untracked
 * tuples never enter (the repair).
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { defineWorkload, type WorkloadContext } from '../src/lab/workload.js';
import { loopInt, rangeIterator } from './builtins.js';

/** Values are kept below this (a one-digit int each). */
const MODULUS = 1000;

/**
 * BUILD_TUPLE of two references the caller owns (stolen), as `_PyTuple_FromArraySteal` builds it:
 * 3.14.1+ tracks it only if an item's type is a GC type. No JS allocation (unlike `tupleOf`).
 */
function pairSteal(heap: Heap, a: Ref, b: Ref): Ref {
  const isGC = heap.types.isGC;
  const track = heap.profile.tupleTracking === 'always' || isGC[heap.typeOf(a)] !== 0 || isGC[heap.typeOf(b)] !== 0;
  const t = heap.newTuple(2, track);
  heap.tupleInit(t, 0, a);
  heap.tupleInit(t, 1, b);
  return t;
}

/** BUILD_TUPLE of two borrowed references (local variables or constants). */
function pair(heap: Heap, a: Ref, b: Ref): Ref {
  heap.incref(a);
  heap.incref(b);
  return pairSteal(heap, a, b);
}

/**
 * `acc + d[key]`: BINARY_SUBSCR returns a new reference to the value and drops the key tuple (the
 * tuple goes to the free list); BINARY_OP makes the sum, then drops both operands. Steals `acc`
 * and `key`; returns the sum, a new reference.
 */
function addLookup(heap: Heap, d: Ref, acc: Ref, key: Ref): Ref {
  const value = heap.dict.getItem(d, key);
  heap.incref(value);
  heap.decref(key);
  const sum = loopInt(heap, heap.intValue(acc) + heap.intValue(value));
  heap.decref(acc);
  heap.decref(value);
  return sum;
}

/** STORE_SUBSCR `d[key] = value`: stores, then drops the value and the key (both stolen). */
function storeSteal(heap: Heap, d: Ref, key: Ref, value: Ref): void {
  heap.dict.setItem(d, key, value);
  heap.decref(value);
  heap.decref(key);
}

/** A new reference to `ref` (LOAD_FAST and LOAD_CONST push one). */
function incref(heap: Heap, ref: Ref): Ref {
  heap.incref(ref);
  return ref;
}

function run(ctx: WorkloadContext): void {
  const { heap } = ctx;
  const n = ctx.params.n;
  const roots = heap.roots;
  const [D, I, J] = [0, 1, 2];
  const f = roots.pushFrame(3);
  const zero = heap.int(0);
  // d = {}
  roots.setLocalSteal(f, D, heap.dict.newDict());
  heap.evalBreaker();
  const d = f.locals[D];
  // for i in range(n): d[(i, i)] = d[(i, 0)] = d[(0, i)] = 0   (targets assigned left to right)
  let it = rangeIterator(heap);
  for (let i = 0; i < n; i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    const iRef = f.locals[I];
    storeSteal(heap, d, pair(heap, iRef, iRef), incref(heap, zero));
    storeSteal(heap, d, pair(heap, iRef, zero), incref(heap, zero));
    storeSteal(heap, d, pair(heap, zero, iRef), incref(heap, zero));
    heap.evalBreaker();
  }
  heap.decref(it);
  // for i in range(1, n): for j in range(1, n): d[(i, j)] = (...) % 1000
  const total = (n - 1) * (n - 1);
  let done = 0;
  it = rangeIterator(heap);
  for (let i = 1; i < n; i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    const jt = rangeIterator(heap);
    for (let j = 1; j < n; j++) {
      roots.setLocalSteal(f, J, loopInt(heap, j));
      const iRef = f.locals[I];
      const jRef = f.locals[J];
      let acc = loopInt(heap, i + j); // i + j
      acc = addLookup(heap, d, acc, pairSteal(heap, loopInt(heap, i - 1), incref(heap, jRef))); // + d[(i - 1, j)]
      acc = addLookup(heap, d, acc, pairSteal(heap, incref(heap, iRef), loopInt(heap, j - 1))); // + d[(i, j - 1)]
      acc = addLookup(heap, d, acc, pairSteal(heap, loopInt(heap, i - 1), loopInt(heap, j - 1))); // + d[(i - 1, j - 1)]
      const value = loopInt(heap, heap.intValue(acc) % MODULUS); // % 1000
      heap.decref(acc);
      storeSteal(heap, d, pair(heap, iRef, jRef), value);
      heap.evalBreaker();
      if ((++done & 0xffff) === 0) ctx.progress(done, total);
    }
    heap.decref(jt);
    heap.evalBreaker();
  }
  heap.decref(it);
  // return: the frame's locals die (d and every entry with it)
  roots.popFrame();
}

export const containerChurn = defineWorkload({
  name: 'container-churn',
  group: 'stress',
  description: 'a dict of n*n tuple keys, each value from three lookups through temporary tuples (CPython gh-139951)',
  variants: {
    tuple_keys: {
      description: 'd[(i, j)] = (i + j + d[(i - 1, j)] + d[(i, j - 1)] + d[(i - 1, j - 1)]) % 1000 for i, j < n',
      run,
    },
  },
  params: {
    n: { description: 'rows and columns (the dict ends with about n*n entries)', default: 200, min: 1, max: 5_000 },
  },
  testParams: { n: 150 },
  probes: [],
  twin: 'container_churn.py',
});
