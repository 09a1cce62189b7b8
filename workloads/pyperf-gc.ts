/**
 * pyperf-gc: pyperformance's two collector micro-benchmarks, `gc_collect` and `gc_traversal`
 * (pyperformance/data-files/benchmarks/bm_gc_collect, bm_gc_traversal). Both time gc.collect()
 * alone; they are two variants of one workload because both are "what does one full collection
 * of this heap cost", share one twin, and differ only in the heap they build. Twin:
 * python/pyperf_gc.py.
 *
 *   collect    `cycles` rings of `links` + 1 nodes (each node linked next/prev to its
 *              neighbours) held in a list; the list is dropped and gc.collect() frees every
 *              node. Per loop: gc.collect(); build; del; gc.collect(). pyperformance: 100
 *              cycles of 20 links, a loop per timing.
 *   traversal  `levels` + 1 lists, list k holding k references to list k - 1 (levels^2 / 2
 *              references, no garbage); per loop two gc.collect()s that find nothing.
 *              pyperformance: 1000 levels.
 *
 *   class Node:
 *       def __init__(self):
 *           self.next = None
 *           self.prev = None
 *       def link_next(self, next):
 *           self.next = next
 *           self.next.prev = self
 *   def create_cycle(node, n_links):
 *       if n_links == 0:
 *           return
 *       current = node
 *       for i in range(n_links):
 *           next_node = Node()
 *           current.link_next(next_node)
 *           current = next_node
 *       current.link_next(node)
 *   def create_gc_cycles(n_cycles, n_links):
 *       cycles = []
 *       for _ in range(n_cycles):
 *           node = Node()
 *           cycles.append(node)
 *           create_cycle(node, n_links)
 *       return cycles
 *   def run_collect(p):
 *       for _ in range(p["loops"]):
 *           gc.collect()
 *           all_cycles = create_gc_cycles(p["cycles"], p["links"])
 *           del all_cycles
 *           gc.collect()
 *
 *   def create_recursive_containers(n_levels):
 *       current_list = []
 *       for n in range(n_levels):
 *           new_list = [None] * n
 *           for index in range(n):
 *               new_list[index] = current_list
 *           current_list = new_list
 *       return current_list
 *   def run_traversal(p):
 *       all_cycles = create_recursive_containers(p["levels"])
 *       for _ in range(p["loops"]):
 *           gc.collect()
 *           gc.collect()
 *       del all_cycles
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import type { ClassInfo } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { internNames, loopInt, rangeIterator } from './builtins.js';

/** `class Node`, defined at module level (compiling the module interned the attribute names). */
function nodeClass(heap: Heap): ClassInfo {
  internNames(heap, ['next', 'prev']);
  return heap.defineClass({ name: 'Node' });
}

/** `Node()`: a new reference. */
function newNode(heap: Heap, cls: ClassInfo): Ref {
  const node = heap.newInstance(cls);
  heap.evalBreaker(); // __init__'s RESUME
  heap.setAttr(node, 'next', heap.None);
  heap.setAttr(node, 'prev', heap.None);
  return node;
}

/** `current.link_next(next)` (both borrowed). */
function linkNext(heap: Heap, current: Ref, next: Ref): void {
  heap.evalBreaker();
  heap.setAttr(current, 'next', next);
  heap.setAttr(heap.getAttr(current, 'next'), 'prev', current);
}

/** `create_cycle(node, n_links)` (node borrowed). */
function createCycle(heap: Heap, cls: ClassInfo, node: Ref, links: number): void {
  heap.evalBreaker();
  if (links === 0) return;
  const roots = heap.roots;
  const [CURRENT, I, NEXT] = [0, 1, 2];
  const f = roots.pushFrame(3);
  roots.setLocal(f, CURRENT, node);
  const it = rangeIterator(heap);
  for (let i = 0; i < links; i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    heap.evalBreaker();
    roots.setLocalSteal(f, NEXT, newNode(heap, cls));
    heap.evalBreaker();
    linkNext(heap, f.locals[CURRENT], f.locals[NEXT]);
    heap.evalBreaker();
    roots.setLocal(f, CURRENT, f.locals[NEXT]);
    heap.evalBreaker();
  }
  heap.decref(it);
  linkNext(heap, f.locals[CURRENT], node);
  heap.evalBreaker();
  roots.popFrame();
}

/** `create_gc_cycles(n_cycles, n_links)`: the list of cycles, a new reference. */
function createGcCycles(heap: Heap, cls: ClassInfo, cycles: number, links: number): Ref {
  heap.evalBreaker();
  const roots = heap.roots;
  const [CYCLES, UNDERSCORE, NODE] = [0, 1, 2];
  const f = roots.pushFrame(3);
  roots.setLocalSteal(f, CYCLES, heap.list.newList(0));
  heap.evalBreaker();
  const it = rangeIterator(heap);
  for (let c = 0; c < cycles; c++) {
    roots.setLocalSteal(f, UNDERSCORE, loopInt(heap, c));
    heap.evalBreaker();
    roots.setLocalSteal(f, NODE, newNode(heap, cls));
    heap.evalBreaker();
    heap.list.append(f.locals[CYCLES], f.locals[NODE]);
    heap.evalBreaker();
    createCycle(heap, cls, f.locals[NODE], links);
    heap.evalBreaker();
  }
  heap.decref(it);
  const result = f.locals[CYCLES];
  heap.incref(result);
  roots.popFrame();
  return result;
}

function runCollect(ctx: WorkloadContext, cls: ClassInfo): void {
  const { heap } = ctx;
  const { loops, cycles, links } = ctx.params;
  const roots = heap.roots;
  const [UNDERSCORE, ALL_CYCLES] = [0, 1];
  const f = roots.pushFrame(2);
  const it = rangeIterator(heap);
  for (let l = 0; l < loops; l++) {
    roots.setLocalSteal(f, UNDERSCORE, loopInt(heap, l));
    heap.evalBreaker();
    heap.gc.collect();
    heap.evalBreaker();
    roots.setLocalSteal(f, ALL_CYCLES, createGcCycles(heap, cls, cycles, links));
    heap.evalBreaker();
    roots.setLocalSteal(f, ALL_CYCLES, 0); // del all_cycles
    heap.evalBreaker();
    heap.gc.collect();
    heap.evalBreaker();
    ctx.progress(l + 1, loops);
  }
  heap.decref(it);
  roots.popFrame();
}

/** `create_recursive_containers(n_levels)`: the outermost list, a new reference. */
function createRecursiveContainers(ctx: WorkloadContext, levels: number): Ref {
  const { heap } = ctx;
  const roots = heap.roots;
  const list = heap.list;
  const [CURRENT, N, NEW, INDEX] = [0, 1, 2, 3];
  const f = roots.pushFrame(4);
  heap.evalBreaker();
  roots.setLocalSteal(f, CURRENT, list.newList(0));
  heap.evalBreaker();
  const outer = rangeIterator(heap);
  let stored = 0;
  for (let n = 0; n < levels; n++) {
    roots.setLocalSteal(f, N, loopInt(heap, n));
    heap.evalBreaker();
    // [None] * n: BUILD_LIST makes the operand [None], list_repeat the new list, and the
    // operand goes (to the list free list) before STORE_FAST.
    const operand = list.literal([heap.None]);
    const repeated = list.repeat(heap.None, n);
    heap.decref(operand);
    roots.setLocalSteal(f, NEW, repeated);
    heap.evalBreaker();
    const inner = rangeIterator(heap);
    for (let index = 0; index < n; index++) {
      roots.setLocalSteal(f, INDEX, loopInt(heap, index));
      heap.evalBreaker();
      list.set(f.locals[NEW], index, f.locals[CURRENT]);
      heap.evalBreaker();
      if ((++stored & 0xffff) === 0) ctx.progress(stored, (levels * (levels - 1)) / 2);
    }
    heap.decref(inner);
    roots.setLocal(f, CURRENT, f.locals[NEW]);
    heap.evalBreaker();
  }
  heap.decref(outer);
  const result = f.locals[CURRENT];
  heap.incref(result);
  roots.popFrame();
  return result;
}

function runTraversal(ctx: WorkloadContext): void {
  const { heap } = ctx;
  const { loops, levels } = ctx.params;
  const roots = heap.roots;
  const [ALL_CYCLES, UNDERSCORE] = [0, 1];
  const f = roots.pushFrame(2);
  roots.setLocalSteal(f, ALL_CYCLES, createRecursiveContainers(ctx, levels));
  heap.evalBreaker();
  const it = rangeIterator(heap);
  for (let l = 0; l < loops; l++) {
    roots.setLocalSteal(f, UNDERSCORE, loopInt(heap, l));
    heap.evalBreaker();
    heap.gc.collect();
    heap.evalBreaker();
    heap.gc.collect();
    heap.evalBreaker();
  }
  heap.decref(it);
  roots.setLocalSteal(f, ALL_CYCLES, 0); // del all_cycles
  heap.evalBreaker();
  roots.popFrame();
}

export const pyperfGc = defineWorkload({
  name: 'pyperf-gc',
  group: 'canonical',
  description: "pyperformance's gc_collect (rings of linked nodes freed by gc.collect()) and gc_traversal (a deep web of lists, nothing to free)",
  variants: {
    collect: variant({
      description: 'gc_collect: per loop, gc.collect(); build `cycles` rings of `links` + 1 nodes; drop them; gc.collect()',
      setup: nodeClass,
      run: runCollect,
    }),
    traversal: {
      description: 'gc_traversal: `levels` + 1 lists, list k holding k references to list k - 1; two gc.collect()s per loop',
      run: (ctx) => runTraversal(ctx),
    },
  },
  params: {
    loops: { description: 'timed loops (pyperformance calibrates its loop count; each loop is one timing)', default: 40, min: 0, max: 100_000 },
    cycles: { description: 'rings per loop (collect; pyperformance: 100)', default: 100, min: 0, max: 1_000_000 },
    links: { description: 'links per ring: each ring has links + 1 nodes (collect; pyperformance: 20)', default: 20, min: 0, max: 1_000_000 },
    levels: { description: 'levels of lists, levels^2 / 2 references (traversal; pyperformance: 1000)', default: 1000, min: 0, max: 5000 },
  },
  testParams: { loops: 2, cycles: 100, links: 20, levels: 300 },
  twinTolerance: {
    currentBytes: 64,
    reason:
      'current: traversal: on 3.11 and 3.12 the trashcan (50 levels) frees the 301-deep chain in another ' +
      'order than the model, and one list fewer stays on the free list (56 B below)',
  },
  probes: [],
  twin: 'pyperf_gc.py',
});
