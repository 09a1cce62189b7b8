/**
 * gcbench: GCBench (John Ellis and Pete Kovac's Java benchmark as modified by Hans Boehm), the
 * classic tree allocator, in its usual Python shape. Twin: python/gcbench.py.
 * What it does: build and drop a "stretch" tree of depth `stretch`; build a long-lived tree of
 * depth `long_lived` (top-down) and a long-lived array of `array` floats; then for each depth
 * d = min_depth, min_depth + 2, ... max_depth build and drop NumIters(d) = 2 * TreeSize(stretch) //
 * TreeSize(d) trees of depth d top-down (`populate`: the root exists first and its children are
 * assigned into it) and as many bottom-up (`make_tree`: children first). TreeSize(d) = 2^(d+1) - 1.
 * The trees are acyclic: reference counting frees every one, and the collector only scans.
 *
 *   class Node:
 *       def __init__(self, left=None, right=None):
 *           self.left = left
 *           self.right = right
 *           self.i = 0
 *           self.j = 0
 *   def populate(depth, node):            # top-down
 *       if depth <= 0:
 *           return
 *       depth -= 1
 *       node.left = Node()
 *       node.right = Node()
 *       populate(depth, node.left)
 *       populate(depth, node.right)
 *   def make_tree(depth):                 # bottom-up
 *       if depth <= 0:
 *           return Node()
 *       return Node(make_tree(depth - 1), make_tree(depth - 1))
 *   def time_construction(depth, stretch, top_down, bottom_up):
 *       iters = 2 * tree_size(stretch) // tree_size(depth)
 *       if top_down:
 *           for i in range(iters):
 *               temp = Node()
 *               populate(depth, temp)
 *               temp = None
 *       if bottom_up:
 *           for i in range(iters):
 *               temp = make_tree(depth)
 *               temp = None
 *   def run(p, top_down, bottom_up):
 *       temp = make_tree(p["stretch"])
 *       temp = None
 *       long_lived = Node()
 *       populate(p["long_lived"], long_lived)
 *       array = [0.0] * p["array"]
 *       for i in range(1, p["array"] // 2):
 *           array[i] = 1.0 / i
 *       for depth in range(p["min_depth"], p["max_depth"] + 1, 2):
 *           time_construction(depth, p["stretch"], top_down, bottom_up)
 *       report("long_lived_nodes", count_nodes(long_lived))
 *
 * `count_nodes` walks the long-lived tree (1 + count of left + count of right): GCBench only
 * checks that the tree is still there. Java's array loop starts at i = 0 (1.0/0 is Infinity
 * there); Python's would raise, so it starts at 1.
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import type { ClassInfo } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { internNames, loopInt, rangeIterator } from './builtins.js';

/** Nodes in a complete tree of the given depth. */
export function treeSize(depth: number): number {
  return 2 ** (depth + 1) - 1;
}

/** GCBench's NumIters: as many trees of `depth` as make twice the stretch tree's nodes. */
export function numIters(depth: number, stretch: number): number {
  return Math.floor((2 * treeSize(stretch)) / treeSize(depth));
}

/** `class Node`, defined at module level (compiling the module interned the attribute names). */
export function gcbenchNodeClass(heap: Heap): ClassInfo {
  internNames(heap, ['left', 'right']);
  return heap.defineClass({ name: 'Node' });
}

/** `Node(left, right)` (borrowed; 0 for the default None): a new reference. */
function newNode(heap: Heap, cls: ClassInfo, left: Ref, right: Ref): Ref {
  const node = heap.newInstance(cls);
  heap.evalBreaker(); // __init__'s RESUME
  heap.setAttr(node, 'left', left === 0 ? heap.None : left);
  heap.setAttr(node, 'right', right === 0 ? heap.None : right);
  heap.setAttr(node, 'i', heap.int(0));
  heap.setAttr(node, 'j', heap.int(0));
  return node;
}

/** `populate(depth, node)`: builds the tree top-down under `node` (borrowed). */
export function populate(heap: Heap, cls: ClassInfo, depth: number, node: Ref): void {
  heap.evalBreaker();
  if (depth <= 0) return;
  depth -= 1;
  const left = newNode(heap, cls, 0, 0);
  heap.setAttr(node, 'left', left);
  heap.decref(left);
  heap.evalBreaker();
  const right = newNode(heap, cls, 0, 0);
  heap.setAttr(node, 'right', right);
  heap.decref(right);
  heap.evalBreaker();
  populate(heap, cls, depth, heap.getAttr(node, 'left'));
  populate(heap, cls, depth, heap.getAttr(node, 'right'));
}

/** `make_tree(depth)`: builds a tree bottom-up; a new reference. */
export function makeTree(heap: Heap, cls: ClassInfo, depth: number): Ref {
  heap.evalBreaker();
  if (depth <= 0) return newNode(heap, cls, 0, 0);
  const left = makeTree(heap, cls, depth - 1);
  const right = makeTree(heap, cls, depth - 1);
  const node = newNode(heap, cls, left, right);
  heap.decref(left);
  heap.decref(right);
  return node;
}

/** `count_nodes(node)`: walks the simulated tree; the count as a new int reference. */
function countNodes(heap: Heap, node: Ref): Ref {
  heap.evalBreaker();
  if (node === heap.None) return loopInt(heap, 0);
  const l = countNodes(heap, heap.getAttr(node, 'left'));
  const partial = loopInt(heap, 1 + heap.intValue(l));
  heap.decref(l);
  const r = countNodes(heap, heap.getAttr(node, 'right'));
  const sum = loopInt(heap, heap.intValue(partial) + heap.intValue(r));
  heap.decref(partial);
  heap.decref(r);
  return sum;
}

/** Nodes in the simulated tree under `node` (a walk, as `count_nodes` does, without allocating). */
export function countTreeNodes(heap: Heap, node: Ref): number {
  if (node === heap.None) return 0;
  return 1 + countTreeNodes(heap, heap.getAttr(node, 'left')) + countTreeNodes(heap, heap.getAttr(node, 'right'));
}

/** What one run built: Node instances constructed, per phase, and the long-lived tree's walk. */
export interface GcBenchResult {
  stretchNodes: number;
  longLivedNodes: number;
  topDownNodes: number;
  bottomUpNodes: number;
  /** Trees built by time_construction (both methods). */
  trees: number;
}

const [TEMP, LONG_LIVED, ARRAY, I, DEPTH, ITERS] = [0, 1, 2, 3, 4, 5];

export function runGcBench(ctx: WorkloadContext, cls: ClassInfo, topDown: boolean, bottomUp: boolean): GcBenchResult {
  const { heap } = ctx;
  const p = ctx.params;
  const roots = heap.roots;
  const list = heap.list;
  const f = roots.pushFrame(6);
  const result: GcBenchResult = { stretchNodes: 0, longLivedNodes: 0, topDownNodes: 0, bottomUpNodes: 0, trees: 0 };
  heap.evalBreaker();
  roots.setLocalSteal(f, TEMP, makeTree(heap, cls, p.stretch));
  heap.evalBreaker();
  result.stretchNodes = treeSize(p.stretch);
  roots.setLocalSteal(f, TEMP, 0); // temp = None
  heap.evalBreaker();
  roots.setLocalSteal(f, LONG_LIVED, newNode(heap, cls, 0, 0));
  heap.evalBreaker();
  populate(heap, cls, p.long_lived, f.locals[LONG_LIVED]);
  heap.evalBreaker();
  // array = [0.0] * size: one shared float constant
  const zero = heap.float(0.0);
  roots.setLocalSteal(f, ARRAY, list.repeat(zero, p.array));
  heap.decref(zero);
  heap.evalBreaker();
  const arrayIt = rangeIterator(heap);
  for (let i = 1; i < Math.floor(p.array / 2); i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    heap.evalBreaker();
    const x = heap.float(1.0 / i);
    list.set(f.locals[ARRAY], i, x);
    heap.decref(x);
    heap.evalBreaker();
  }
  heap.decref(arrayIt);
  let totalTrees = 0;
  for (let d = p.min_depth; d <= p.max_depth; d += 2) totalTrees += numIters(d, p.stretch) * ((topDown ? 1 : 0) + (bottomUp ? 1 : 0));
  const depthIt = rangeIterator(heap);
  for (let depth = p.min_depth; depth <= p.max_depth; depth += 2) {
    roots.setLocalSteal(f, DEPTH, loopInt(heap, depth));
    heap.evalBreaker();
    // time_construction(depth, ...): its locals are this frame's (no allocation for the call)
    heap.evalBreaker();
    const iters = numIters(depth, p.stretch);
    roots.setLocalSteal(f, ITERS, loopInt(heap, iters));
    heap.evalBreaker();
    if (topDown) {
      const it = rangeIterator(heap);
      for (let i = 0; i < iters; i++) {
        roots.setLocalSteal(f, I, loopInt(heap, i));
        heap.evalBreaker();
        roots.setLocalSteal(f, TEMP, newNode(heap, cls, 0, 0));
        heap.evalBreaker();
        populate(heap, cls, depth, f.locals[TEMP]);
        heap.evalBreaker();
        roots.setLocalSteal(f, TEMP, 0);
        heap.evalBreaker();
        result.topDownNodes += treeSize(depth);
        result.trees++;
        if ((result.trees & 0x3ff) === 0) ctx.progress(result.trees, totalTrees);
      }
      heap.decref(it);
    }
    if (bottomUp) {
      const it = rangeIterator(heap);
      for (let i = 0; i < iters; i++) {
        roots.setLocalSteal(f, I, loopInt(heap, i));
        heap.evalBreaker();
        roots.setLocalSteal(f, TEMP, makeTree(heap, cls, depth));
        heap.evalBreaker();
        roots.setLocalSteal(f, TEMP, 0);
        heap.evalBreaker();
        result.bottomUpNodes += treeSize(depth);
        result.trees++;
        if ((result.trees & 0x3ff) === 0) ctx.progress(result.trees, totalTrees);
      }
      heap.decref(it);
    }
  }
  heap.decref(depthIt);
  const count = countNodes(heap, f.locals[LONG_LIVED]);
  result.longLivedNodes = heap.intValue(count);
  ctx.report('long_lived_nodes', result.longLivedNodes);
  heap.decref(count);
  heap.evalBreaker();
  roots.popFrame();
  return result;
}

export const gcbench = defineWorkload({
  name: 'gcbench',
  group: 'canonical',
  description: 'GCBench: a stretch tree, a long-lived tree and float array, then many short-lived trees built top-down and bottom-up',
  variants: {
    full: variant({
      description: 'the whole benchmark: at each depth, trees built top-down (populate) then bottom-up (make_tree)',
      setup: gcbenchNodeClass,
      run: (ctx, cls) => void runGcBench(ctx, cls, true, true),
    }),
    'top-down': variant({
      description: 'only the top-down trees: Node() first, then populate(depth, node) assigns children into it',
      setup: gcbenchNodeClass,
      run: (ctx, cls) => void runGcBench(ctx, cls, true, false),
    }),
    'bottom-up': variant({
      description: 'only the bottom-up trees: make_tree(depth) builds the children before their parent',
      setup: gcbenchNodeClass,
      run: (ctx, cls) => void runGcBench(ctx, cls, false, true),
    }),
  },
  params: {
    stretch: { description: 'depth of the stretch tree; sets how many nodes each depth builds (GCBench: 18)', default: 14, min: 1, max: 22 },
    long_lived: { description: 'depth of the long-lived tree (GCBench: 16)', default: 12, min: 0, max: 20 },
    array: { description: 'floats in the long-lived array; half are set to 1/i (GCBench: 500000)', default: 50_000, min: 0, max: 10_000_000 },
    min_depth: { description: 'smallest short-lived tree depth (GCBench: 4)', default: 4, min: 0, max: 20 },
    max_depth: { description: 'largest short-lived tree depth, in steps of 2 from min_depth (GCBench: 16)', default: 12, min: 0, max: 20 },
  },
  testParams: { stretch: 11, long_lived: 8, array: 5000, min_depth: 4, max_depth: 10 },
  probes: [],
  reports: ['long_lived_nodes'],
  twin: 'gcbench.py',
});
