/**
 * binary-trees: the Benchmarks Game's binary-trees, sequential. Twin: python/binary_trees.py.
 * What the program does (benchmarksgame-team.pages.debian.net, "binary-trees" description): build
 * a "stretch" tree of depth max_depth + 1 and check it; build a long-lived tree of max_depth;
 * for depths 4, 6, ... max_depth build 2^(max_depth - depth + 4) trees, check each and add up the
 * checks; finally check the long-lived tree. A tree's check is its number of nodes, found by
 * walking it. Two shapes of tree node:
 *
 *   tuples  the Benchmarks Game's Python programs' shape: a node is a tuple (left, right) and a
 *           leaf is the constant (None, None) (the compiler folds it: one shared object)
 *   nodes   a node is an instance of `class Node: __slots__ = ('left', 'right')`, leaves included
 *           (the shape of the other languages' programs: every node allocated)
 *
 *   MIN_DEPTH = 4
 *   def make_tree(depth):                         # tuples
 *       if depth == 0:
 *           return (None, None)
 *       depth -= 1
 *       return (make_tree(depth), make_tree(depth))
 *   def check_tree(node):
 *       left, right = node
 *       if left is None:
 *           return 1
 *       return 1 + check_tree(left) + check_tree(right)
 *   def run(n):
 *       max_depth = max(MIN_DEPTH + 2, n)
 *       stretch_depth = max_depth + 1
 *       print(stretch line, check_tree(make_tree(stretch_depth)))
 *       long_lived_tree = make_tree(max_depth)
 *       total = 0
 *       for depth in range(MIN_DEPTH, stretch_depth, 2):
 *           iterations = 2 ** (max_depth - depth + MIN_DEPTH)
 *           check = 0
 *           for i in range(iterations):
 *               check += check_tree(make_tree(depth))
 *           print(trees line, iterations, depth, check)
 *           total += check
 *       print(long-lived line, max_depth, check_tree(long_lived_tree))
 *
 * (`nodes`: `Node(None, None)` for a leaf, `Node(make_tree(depth), make_tree(depth))` otherwise,
 * and `node.left` / `node.right` in check_tree.) The output lines are the program's, with the
 * checks found by walking the simulated trees; the checks are also reported (`stretch_check`,
 * `trees_check` = the sum of every trees line's check, `long_lived_check`). The twin does not print
 * (its stdout is the measurement's JSON): it reports the same three figures.
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import type { ClassInfo } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { loopInt, rangeIterator } from './builtins.js';

const MIN_DEPTH = 4;

/** What a variant's module-level code made: the node class, or the constant leaf tuple. */
export interface TreeModule {
  readonly kind: 'tuples' | 'nodes';
  /** `class Node` (nodes), else null. */
  readonly node: ClassInfo | null;
  /** The code constant `(None, None)` (tuples), else 0. */
  readonly leaf: Ref;
}

function tuplesModule(heap: Heap): TreeModule {
  const leaf = heap.tupleOf(heap.None, heap.None);
  // The twin's preamble gc.collect() untracks it (no item may be tracked); 3.14.1+ never tracks it.
  if (heap.isTracked(leaf)) heap.untrack(leaf);
  return { kind: 'tuples', node: null, leaf };
}

function nodesModule(heap: Heap): TreeModule {
  return { kind: 'nodes', node: heap.defineClass({ name: 'Node', slots: ['left', 'right'] }), leaf: 0 };
}

/** `make_tree(depth)`: a new reference. An evaluation boundary at the call (RESUME). */
function makeTree(heap: Heap, m: TreeModule, depth: number): Ref {
  heap.evalBreaker();
  if (depth === 0) {
    if (m.kind === 'tuples') {
      heap.incref(m.leaf);
      return m.leaf;
    }
    const leaf = heap.newInstance(m.node!);
    heap.setSlot(leaf, 0, heap.None);
    heap.setSlot(leaf, 1, heap.None);
    return leaf;
  }
  depth -= 1;
  const left = makeTree(heap, m, depth);
  const right = makeTree(heap, m, depth);
  if (m.kind === 'tuples') {
    // BUILD_TUPLE steals both; its items are tuples (a GC type), so it is tracked in every profile.
    const t = heap.newTuple(2);
    heap.tupleInit(t, 0, left);
    heap.tupleInit(t, 1, right);
    return t;
  }
  const node = heap.newInstance(m.node!);
  heap.evalBreaker(); // __init__'s RESUME
  heap.setSlot(node, 0, left);
  heap.setSlot(node, 1, right);
  heap.decref(left);
  heap.decref(right);
  return node;
}

/**
 * `check_tree(node)`: walks the simulated tree and returns the count as a new int reference (the
 * ints `1 + l` and `+ r` make above 256 are allocated, as CPython's are). It takes `node` over:
 * a Python call moves its arguments from the caller's stack into the callee's frame, so the
 * frame holds the last reference to a temporary tree, and the tree dies when the frame is cleared
 * on return (`_PyFrame_ClearLocals`, Python/frame.c, 3.11-3.13: the locals from the first).
 * Tuples: `left, right = node` gives the locals their own references, so clearing `node` first
 * frees the root alone (to the free list), then `left` frees the left subtree, then `right` the
 * right one. Nodes: `left = node.left` is a local, `node.right` is passed as a temporary; clearing
 * `node` frees the instance, whose slots drop `left` (still held) and `right` (the right
 * subtree dies), then `left` frees the left subtree. MEAS (tracemalloc snapshot of the twin at
 * n = 10, 3.11.7, 3.12.1, 3.13.0): 1 999 traced 2-tuples left on the free list; freeing each tree
 * after the call, root last, left 2 000 (56 B high): the untraced pair of the twin's preamble, in
 * the stretch tree, then came among the 47 tuples past the free list's 2 000 and was freed.
 */
function checkTree(heap: Heap, m: TreeModule, node: Ref): Ref {
  heap.evalBreaker();
  const tuples = m.kind === 'tuples';
  const left = tuples ? heap.tupleItem(node, 0) : heap.getSlot(node, 0);
  const right = tuples ? heap.tupleItem(node, 1) : 0;
  heap.incref(left);
  if (tuples) heap.incref(right);
  let result: Ref;
  if (left === heap.None) {
    result = loopInt(heap, 1);
  } else {
    heap.incref(left);
    const l = checkTree(heap, m, left);
    const partial = loopInt(heap, 1 + heap.intValue(l));
    heap.decref(l);
    const rightArg = tuples ? right : heap.getSlot(node, 1);
    heap.incref(rightArg);
    const r = checkTree(heap, m, rightArg);
    result = loopInt(heap, heap.intValue(partial) + heap.intValue(r));
    heap.decref(partial);
    heap.decref(r);
  }
  // RETURN_VALUE clears the frame: node, left (and right for tuples).
  heap.decref(node);
  heap.decref(left);
  if (tuples) heap.decref(right);
  return result;
}

/** The figures the program prints. */
export interface BinaryTreesResult {
  readonly stretchDepth: number;
  readonly stretchCheck: number;
  readonly trees: { readonly iterations: number; readonly depth: number; readonly check: number }[];
  readonly maxDepth: number;
  readonly longLivedCheck: number;
}

/**
 * The program at size n on `heap`, with `m` from the variant's setup. `onProgress` gets trees done
 * of trees in all (every 65 536 and at each depth).
 */
export function runBinaryTrees(heap: Heap, m: TreeModule, n: number, onProgress?: (done: number, total: number) => void): BinaryTreesResult {
  const roots = heap.roots;
  const [LONG_LIVED, CHECK, I, ITERATIONS, DEPTH, TOTAL] = [0, 1, 2, 3, 4, 5];
  const f = roots.pushFrame(6);
  const maxDepth = Math.max(MIN_DEPTH + 2, n);
  const stretchDepth = maxDepth + 1;
  heap.evalBreaker();
  // print(f"stretch tree of depth {stretch_depth}\t check: {check_tree(make_tree(stretch_depth))}")
  const stretch = checkTree(heap, m, makeTree(heap, m, stretchDepth));
  const stretchCheck = heap.intValue(stretch);
  heap.decref(stretch);
  heap.evalBreaker();
  roots.setLocalSteal(f, LONG_LIVED, makeTree(heap, m, maxDepth));
  heap.evalBreaker();
  roots.setLocalSteal(f, TOTAL, loopInt(heap, 0));
  heap.evalBreaker();
  const trees: { iterations: number; depth: number; check: number }[] = [];
  let totalTrees = 0;
  for (let d = MIN_DEPTH; d < stretchDepth; d += 2) totalTrees += 2 ** (maxDepth - d + MIN_DEPTH);
  let done = 0;
  const depthIt = rangeIterator(heap);
  for (let depth = MIN_DEPTH; depth < stretchDepth; depth += 2) {
    roots.setLocalSteal(f, DEPTH, loopInt(heap, depth));
    heap.evalBreaker();
    const iterations = 2 ** (maxDepth - depth + MIN_DEPTH);
    roots.setLocalSteal(f, ITERATIONS, loopInt(heap, iterations));
    heap.evalBreaker();
    roots.setLocalSteal(f, CHECK, loopInt(heap, 0));
    heap.evalBreaker();
    const it = rangeIterator(heap);
    for (let i = 0; i < iterations; i++) {
      roots.setLocalSteal(f, I, loopInt(heap, i));
      heap.evalBreaker();
      // check += check_tree(make_tree(depth)): the tree is a temporary, freed as the call returns
      const c = checkTree(heap, m, makeTree(heap, m, depth));
      roots.setLocalSteal(f, CHECK, loopInt(heap, heap.intValue(f.locals[CHECK]) + heap.intValue(c)));
      heap.decref(c);
      heap.evalBreaker();
      done++;
      if ((done & 0xffff) === 0 && onProgress !== undefined) onProgress(done, totalTrees);
    }
    heap.decref(it);
    trees.push({ iterations, depth, check: heap.intValue(f.locals[CHECK]) });
    roots.setLocalSteal(f, TOTAL, loopInt(heap, heap.intValue(f.locals[TOTAL]) + heap.intValue(f.locals[CHECK])));
    heap.evalBreaker();
    onProgress?.(done, totalTrees);
  }
  heap.decref(depthIt);
  heap.incref(f.locals[LONG_LIVED]);
  const longLived = checkTree(heap, m, f.locals[LONG_LIVED]);
  const longLivedCheck = heap.intValue(longLived);
  heap.decref(longLived);
  heap.evalBreaker();
  roots.popFrame();
  return { stretchDepth, stretchCheck, trees, maxDepth, longLivedCheck };
}

/** The program's output lines, as the Benchmarks Game prints them. */
export function binaryTreesLines(r: BinaryTreesResult): string[] {
  return [
    `stretch tree of depth ${r.stretchDepth}\t check: ${r.stretchCheck}`,
    ...r.trees.map((t) => `${t.iterations}\t trees of depth ${t.depth}\t check: ${t.check}`),
    `long lived tree of depth ${r.maxDepth}\t check: ${r.longLivedCheck}`,
  ];
}

function run(ctx: WorkloadContext, m: TreeModule): void {
  const r = runBinaryTrees(ctx.heap, m, ctx.params.n, ctx.progress);
  ctx.report('stretch_check', r.stretchCheck);
  ctx.report('trees_check', r.trees.reduce((a, t) => a + t.check, 0));
  ctx.report('long_lived_check', r.longLivedCheck);
}

export const binaryTrees = defineWorkload({
  name: 'binary-trees',
  group: 'canonical',
  description: "the Benchmarks Game's binary-trees: a stretch tree, a long-lived tree, many short-lived bottom-up trees, each checked by a walk",
  variants: {
    tuples: variant({
      description: 'nodes are tuples (left, right); leaves are the constant (None, None), as in the Benchmarks Game Python programs',
      setup: tuplesModule,
      run,
    }),
    nodes: variant({
      description: "nodes are instances of class Node: __slots__ = ('left', 'right'), leaves included",
      setup: nodesModule,
      run,
    }),
  },
  params: {
    n: {
      description: 'max_depth (the Benchmarks Game runs 21 and checks the output at 10); trees of up to n + 1 levels',
      default: 13,
      min: 0,
      max: 22,
    },
  },
  testParams: { n: 10 },
  probes: [],
  reports: ['stretch_check', 'trees_check', 'long_lived_check'],
  twin: 'binary_trees.py',
});
