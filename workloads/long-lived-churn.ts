/**
 * long-lived-churn: a tree of n long-lived lists built first, then m steps of churn that each make
 * a two-list cycle. With the big tree, the 25 % rule (fact sheet §4.3: a full collection waits
 * until long_lived_pending >= long_lived_total / 4) holds full collections back, and each one that
 * does run walks the whole tree: rare, long pauses. `gc.freeze()` after building moves the tree to
 * the permanent generation, so full collections stop walking it. Twin: python/long_lived_churn.py.
 *
 *   def build_tree(n):
 *       # node k's parent is node (k - 1) >> 3: 8 children per inner node
 *       nodes = [[] for i in range(n)]
 *       for k in range(1, n):
 *           nodes[(k - 1) >> 3].append(nodes[k])
 *       return nodes[0]
 *
 *   def churn(m, keep_every):
 *       kept = []
 *       for i in range(m):
 *           a = []
 *           b = [a]
 *           a.append(b)
 *           if keep_every and i % keep_every == 0:
 *               kept.append(a)
 *
 *   garbage: tree = build_tree(n); probe("tree"); churn(m, 0)
 *   retain:  tree = build_tree(n); probe("tree"); churn(m, 4)
 *   notree:  probe("tree"); churn(m, 4)
 *   freeze:  tree = build_tree(n); probe("tree"); gc.freeze(); churn(m, 4)
 *
 * Reports, for the churn phase only (the twin counts them with a gc.callbacks entry):
 * `churn_full`, the full collections, and `churn_pause_max_ns`, the longest pause (wall time of
 * the simulated collector here, of the real one in the twin: compare directions, not values).
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { listComprehensionOverRange, loopInt, rangeIterator } from './builtins.js';
import type { Frame } from '../src/heap/roots.js';

/** Children per inner node of the tree. */
const FANOUT_SHIFT = 3;
/** The retaining churn keeps every KEEP_EVERY-th cycle. */
export const KEEP_EVERY = 4;

type Progress = (done: number, total: number) => void;

/**
 * `build_tree(n)`: n empty lists made by a comprehension, then linked into a tree with 8
 * children per inner node; returns the root (a new reference). Its locals go when it returns.
 */
export function buildTree(heap: Heap, n: number, progress?: Progress): Ref {
  const roots = heap.roots;
  const list = heap.list;
  const [NODES, K] = [0, 1];
  const f = roots.pushFrame(2);
  roots.setLocalSteal(f, NODES, listComprehensionOverRange(heap, n, () => list.newList(0), progress));
  heap.evalBreaker();
  const nodes = f.locals[NODES];
  const it = rangeIterator(heap);
  for (let k = 1; k < n; k++) {
    roots.setLocalSteal(f, K, loopInt(heap, k));
    heap.evalBreaker();
    // nodes[(k - 1) >> 3].append(nodes[k]): two int temporaries, the second used as the index
    const minusOne = loopInt(heap, k - 1);
    const index = loopInt(heap, (k - 1) >> FANOUT_SHIFT);
    heap.decref(minusOne);
    list.append(list.get(nodes, (k - 1) >> FANOUT_SHIFT), list.get(nodes, k));
    heap.decref(index);
    heap.evalBreaker();
    if (progress !== undefined && (k & 0xffff) === 0) progress(k, n);
  }
  heap.decref(it);
  // return nodes[0]
  const root = list.get(nodes, 0);
  heap.incref(root);
  roots.popFrame();
  return root;
}

/**
 * `a = []; b = [a]; a.append(b)`, three statements binding frame slots `a` and `b` (the old
 * values, the previous step's cycle, are dropped as they are rebound). No evaluation boundary
 * inside: BUILD_LIST, STORE_FAST and the specialised `list.append` (3.12 CALL_NO_KW_LIST_APPEND,
 * 3.13 CALL_LIST_APPEND) do not check the eval breaker, so a collection these lists schedule runs
 * at the caller's next check (the loop's JUMP_BACKWARD), once `a` and `b` hold the new cycle.
 */
export function listCycle(heap: Heap, f: Frame, a: number, b: number): void {
  const list = heap.list;
  heap.roots.setLocalSteal(f, a, list.newList(0));
  const pair = list.newList(1);
  heap.incref(f.locals[a]);
  list.init(pair, 0, f.locals[a]);
  heap.roots.setLocalSteal(f, b, pair);
  list.append(f.locals[a], f.locals[b]);
}

/**
 * `churn(m, keep_every)`: m two-list cycles (`a = []; b = [a]; a.append(b)`), every
 * keep_every-th kept in a local list (none when 0). Everything goes when it returns.
 */
export function churn(heap: Heap, m: number, keepEvery: number, progress?: Progress): void {
  const roots = heap.roots;
  const list = heap.list;
  const [KEPT, I, A, B] = [0, 1, 2, 3];
  const f = roots.pushFrame(4);
  roots.setLocalSteal(f, KEPT, list.newList(0));
  heap.evalBreaker();
  const kept = f.locals[KEPT];
  const it = rangeIterator(heap);
  for (let i = 0; i < m; i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    heap.evalBreaker();
    listCycle(heap, f, A, B);
    // `i % keep_every` is a small int: no allocation
    if (keepEvery !== 0 && i % keepEvery === 0) {
      list.append(kept, f.locals[A]);
      heap.evalBreaker();
    }
    if (progress !== undefined && (i & 0xffff) === 0) progress(i, m);
  }
  heap.decref(it);
  roots.popFrame();
}

/**
 * `churn(m, keep_every)` with the reports the twin's gc.callbacks entry makes: full collections
 * and the longest pause during the churn.
 */
function measuredChurn(ctx: WorkloadContext, keepEvery: number, done: number, total: number): void {
  const { heap } = ctx;
  const gc = heap.gc;
  const fullBefore = gc.getStats()[2].collections;
  const pausesBefore = gc.pauses.count;
  churn(heap, ctx.params.m, keepEvery, (d) => ctx.progress(done + d, total));
  let longest = 0;
  let mostVisited = 0;
  for (let i = pausesBefore; i < gc.pauses.count; i++) {
    longest = Math.max(longest, gc.pauses.durationMs[i]);
    mostVisited = Math.max(mostVisited, gc.pauses.visited[i]);
  }
  ctx.report('churn_full', gc.getStats()[2].collections - fullBefore);
  ctx.report('churn_pause_max_ns', Math.round(longest * 1e6));
  // Simulation only (CPython 3.11-3.13 exposes no such count): the objects the largest collection
  // of the churn examined, the deterministic size of its longest pause.
  ctx.report('churn_max_visited', mostVisited);
}

/** A variant's body: the tree (unless `tree` is false), the probe, `gc.freeze()` if asked, the churn. */
function body(options: { tree: boolean; freeze: boolean; keepEvery: number }) {
  return (ctx: WorkloadContext): void => {
    const { heap } = ctx;
    const { n, m } = ctx.params;
    const total = (options.tree ? n : 0) + m;
    const TREE = 0;
    const f = heap.roots.pushFrame(1);
    if (options.tree) {
      heap.roots.setLocalSteal(f, TREE, buildTree(heap, n, ctx.progress));
      heap.evalBreaker();
    }
    ctx.probe('tree');
    if (options.freeze) {
      heap.gc.freeze();
      heap.evalBreaker();
    }
    measuredChurn(ctx, options.keepEvery, options.tree ? n : 0, total);
    heap.roots.popFrame();
  };
}

const noSetup = (): null => null;

export const longLivedChurn = defineWorkload({
  name: 'long-lived-churn',
  group: 'stress',
  description: 'a tree of n long-lived lists, then m two-list cycles: the 25 % rule, full-collection pauses, gc.freeze()',
  variants: {
    garbage: variant({ description: 'tree = build_tree(n); then m cycles, all garbage', setup: noSetup, run: body({ tree: true, freeze: false, keepEvery: 0 }) }),
    retain: variant({
      description: 'tree = build_tree(n); then m cycles, every 4th kept (long_lived_pending grows)',
      setup: noSetup,
      run: body({ tree: true, freeze: false, keepEvery: KEEP_EVERY }),
    }),
    notree: variant({ description: 'no tree; m cycles, every 4th kept', setup: noSetup, run: body({ tree: false, freeze: false, keepEvery: KEEP_EVERY }) }),
    freeze: variant({
      description: 'tree = build_tree(n); gc.freeze(); then m cycles, every 4th kept',
      setup: noSetup,
      run: body({ tree: true, freeze: true, keepEvery: KEEP_EVERY }),
    }),
  },
  params: {
    n: { description: 'lists in the long-lived tree (not notree)', default: 1_000_000, min: 1, max: 10_000_000 },
    m: { description: 'churn steps (one two-list cycle each)', default: 1_000_000, min: 0, max: 20_000_000 },
  },
  testParams: { n: 10_000, m: 20_000 },
  probes: ['tree'],
  reports: ['churn_full', 'churn_pause_max_ns', 'churn_max_visited'],
  twin: 'long_lived_churn.py',
});
