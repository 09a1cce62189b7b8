/**
 * cyclic-graphs: garbage that only the cycle collector can free, under any GC setting.
 * Twin: python/cyclic_graphs.py.
 *
 *   pairs   n pairs of objects that reference each other, each pair dropped at once
 *   rings   n objects in rings of k, each ring dropped as soon as it is closed
 *   random  n objects, each with a list of `degree` references to objects drawn with a seeded
 *           LCG (x = (x * 1103515245 + 12345) & 0x7fffffff, the same in the twin), all dropped
 *           at once, then one gc.collect()
 */
import type { ClassInfo } from '../src/heap/types.js';
import type { Heap } from '../src/heap/heap.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { internNames, listComprehensionOverRange, loopInt, rangeIterator } from './builtins.js';
import type { Frame } from '../src/heap/roots.js';
import { dropPairs } from '../src/calibrate/gc-pairs.js';

/** One step of the twins' LCG, exact in doubles: the low 31 bits of x * 1103515245 + 12345. */
export function lcgNext(x: number): number {
  return ((Math.imul(x, 1103515245) + 12345) >>> 0) & 0x7fffffff;
}

/** Attribute names the bodies store through. */
const ATTRIBUTE_NAMES = ['other', 'next', 'edges'];

/** `class Node: pass`, defined at module level (compiling the module interned the attribute names). */
function nodeClass(heap: Heap): ClassInfo {
  internNames(heap, ATTRIBUTE_NAMES);
  return heap.defineClass({ name: 'Node' });
}

function runPairs(ctx: WorkloadContext, cls: ClassInfo): void {
  dropPairs(ctx.heap, cls, ctx.params.n, ctx.progress);
}

/** Frame slots of the twins' ring loops: `r`, `first`, `last`, `j`, `node`. */
export const RING_LOCALS = 5;

/**
 * One iteration of the twins' ring loop over `r`, in a frame of RING_LOCALS slots:
 *
 *   first = cls(); last = first
 *   for j in range(k - 1): node = cls(); last.next = node; last = node
 *   last.next = first
 *   del first, last, node
 */
export function closeRing(heap: Heap, f: Frame, cls: ClassInfo, r: number, k: number): void {
  const [R, FIRST, LAST, J, NODE] = [0, 1, 2, 3, 4];
  const roots = heap.roots;
  roots.setLocalSteal(f, R, loopInt(heap, r));
  roots.setLocalSteal(f, FIRST, heap.newInstance(cls));
  heap.evalBreaker();
  roots.setLocal(f, LAST, f.locals[FIRST]);
  heap.evalBreaker();
  // range(k - 1): the int k - 1 lives as long as the range object, which GET_ITER frees.
  const stop = loopInt(heap, k - 1);
  const inner = rangeIterator(heap);
  heap.decref(stop);
  for (let j = 0; j < k - 1; j++) {
    roots.setLocalSteal(f, J, loopInt(heap, j));
    roots.setLocalSteal(f, NODE, heap.newInstance(cls));
    heap.evalBreaker();
    heap.setAttr(f.locals[LAST], 'next', f.locals[NODE]);
    heap.evalBreaker();
    roots.setLocal(f, LAST, f.locals[NODE]);
    heap.evalBreaker();
  }
  heap.decref(inner);
  heap.setAttr(f.locals[LAST], 'next', f.locals[FIRST]);
  heap.evalBreaker();
  roots.setLocalSteal(f, FIRST, 0);
  roots.setLocalSteal(f, LAST, 0);
  roots.setLocalSteal(f, NODE, 0);
  heap.evalBreaker();
}

function runRings(ctx: WorkloadContext, cls: ClassInfo): void {
  const { heap } = ctx;
  const { n, k } = ctx.params;
  const f = heap.roots.pushFrame(RING_LOCALS);
  const rings = Math.floor(n / k);
  const outer = rangeIterator(heap);
  for (let r = 0; r < rings; r++) {
    closeRing(heap, f, cls, r, k);
    if ((r & 0x3fff) === 0) ctx.progress(r, rings);
  }
  heap.decref(outer);
  heap.roots.popFrame();
}

function runRandom(ctx: WorkloadContext, cls: ClassInfo): void {
  const { heap } = ctx;
  const { n, degree } = ctx.params;
  const [NODES, NODE, EDGES, X] = [0, 1, 2, 3];
  const roots = heap.roots;
  const list = heap.list;
  const f = roots.pushFrame(4);
  let x = ctx.seed & 0x7fffffff;
  roots.setLocalSteal(f, X, loopInt(heap, x));
  // nodes = [Node() for i in range(n)]
  roots.setLocalSteal(f, NODES, listComprehensionOverRange(heap, n, () => heap.newInstance(cls)));
  heap.evalBreaker();
  const nodes = f.locals[NODES];
  for (let v = 0; v < n; v++) {
    roots.setLocal(f, NODE, list.get(nodes, v));
    roots.setLocalSteal(f, EDGES, list.newList(0));
    heap.evalBreaker();
    const edgeRange = rangeIterator(heap); // for j in range(degree)
    for (let j = 0; j < degree; j++) {
      x = lcgNext(x);
      roots.setLocalSteal(f, X, loopInt(heap, x));
      list.append(f.locals[EDGES], list.get(nodes, x % n));
      heap.evalBreaker();
    }
    heap.decref(edgeRange);
    heap.setAttr(f.locals[NODE], 'edges', f.locals[EDGES]);
    heap.evalBreaker();
    if ((v & 0xffff) === 0) ctx.progress(v, n);
  }
  roots.setLocalSteal(f, NODES, 0);
  roots.setLocalSteal(f, NODE, 0);
  roots.setLocalSteal(f, EDGES, 0);
  heap.evalBreaker();
  heap.gc.collect();
  roots.popFrame();
}

export const cyclicGraphs = defineWorkload({
  name: 'cyclic-graphs',
  group: 'mission',
  description: 'cyclic garbage only the collector frees: pairs, rings of k, or a random graph dropped at once',
  variants: {
    pairs: variant({ description: 'a = Node(); b = Node(); a.other = b; b.other = a; del a, b  (n times)', setup: nodeClass, run: runPairs }),
    rings: variant({ description: 'rings of k nodes, each dropped when closed (n nodes in all)', setup: nodeClass, run: runRings }),
    random: variant({ description: 'n nodes with `degree` random edges each, dropped at once, then gc.collect()', setup: nodeClass, run: runRandom }),
  },
  params: {
    n: { description: 'objects (pairs: pairs)', default: 100_000, min: 0, max: 20_000_000 },
    k: { description: 'ring size (rings)', default: 10, min: 2, max: 1_000_000 },
    degree: { description: 'edges per node (random)', default: 4, min: 0, max: 1000 },
  },
  testParams: { n: 20_000 },
  probes: [],
  twin: 'cyclic_graphs.py',
});
