/**
 * gc-manual: a tree of n long-lived lists (long-lived-churn's `build_tree`), then m steps that each
 * drop a two-list cycle, with the collector run three ways: automatically at the profile's
 * thresholds; disabled, with `gc.collect(gen)` every k steps; or with `gc.set_threshold(t0, t1,
 * t2)` for the loop. What changes is the number and size of the pauses (a hand collection of
 * generation 2 walks the whole tree every time), the time, and the peak (garbage waits for the
 * next collection). Twin: python/gc_manual.py.
 *
 *   def churn_by_hand(m, k, gen):
 *       last = k - 1
 *       for i in range(m):
 *           a = []
 *           b = [a]
 *           a.append(b)
 *           if i % k == last:
 *               gc.collect(gen)
 *
 *   auto:    tree = build_tree(n); probe("tree"); churn(m, 0)
 *   manual:  tree = build_tree(n); probe("tree"); gc.disable(); churn_by_hand(m, k, gen); gc.enable()
 *   tuned:   tree = build_tree(n); probe("tree"); gc.set_threshold(t0, t1, t2); churn(m, 0)
 *
 * The tuned thresholds stay set after the loop: putting the old ones back would leave count0 above
 * threshold0, and the collection would start at the next allocation, after the measured body.
 *
 * Report `churn_pause_max_ns`: the longest pause during the loop (wall time of the simulated
 * collector here, of the real one in the twin: compare directions, not values).
 */
import type { Heap } from '../src/heap/heap.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { loopInt, rangeIterator } from './builtins.js';
import { buildTree, churn, listCycle } from './long-lived-churn.js';

type Progress = (done: number, total: number) => void;

/** `churn_by_hand(m, k, gen)` (the collector is disabled by the caller). */
export function churnByHand(heap: Heap, m: number, k: number, gen: number, progress?: Progress): void {
  const roots = heap.roots;
  const [LAST, I, A, B] = [0, 1, 2, 3];
  const f = roots.pushFrame(4);
  roots.setLocalSteal(f, LAST, loopInt(heap, k - 1));
  heap.evalBreaker();
  const it = rangeIterator(heap);
  for (let i = 0; i < m; i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    heap.evalBreaker();
    listCycle(heap, f, A, B);
    // `i % k` is an int temporary (allocated above 256); gc.collect() returns an int, dropped
    const rest = loopInt(heap, i % k);
    heap.decref(rest);
    heap.evalBreaker();
    if (i % k === k - 1) {
      const found = heap.gc.collect(gen);
      heap.decref(loopInt(heap, found));
      heap.evalBreaker();
    }
    if (progress !== undefined && (i & 0xffff) === 0) progress(i, m);
  }
  heap.decref(it);
  roots.popFrame();
}

/** The longest pause recorded since pause number `from`, in ns. */
function longestPauseNs(heap: Heap, from: number): number {
  const pauses = heap.gc.pauses;
  let longest = 0;
  for (let i = from; i < pauses.count; i++) longest = Math.max(longest, pauses.durationMs[i]);
  return Math.round(longest * 1e6);
}

type Setting = 'auto' | 'manual' | 'tuned';

function body(setting: Setting) {
  return (ctx: WorkloadContext): void => {
    const { heap } = ctx;
    const { n, m, k, gen, t0, t1, t2 } = ctx.params;
    const gc = heap.gc;
    const progress: Progress = (d) => ctx.progress(n + d, n + m);
    const TREE = 0;
    const f = heap.roots.pushFrame(1);
    heap.roots.setLocalSteal(f, TREE, buildTree(heap, n, ctx.progress));
    heap.evalBreaker();
    ctx.probe('tree');
    const pausesBefore = gc.pauses.count;
    if (setting === 'auto') {
      churn(heap, m, 0, progress);
      heap.evalBreaker();
    } else if (setting === 'manual') {
      gc.disable();
      heap.evalBreaker();
      churnByHand(heap, m, k, gen, progress);
      heap.evalBreaker();
      gc.enable();
      heap.evalBreaker();
    } else {
      // gc.set_threshold is METH_VARARGS (gc_set_threshold, Modules/gcmodule.c, 3.11-3.13): the
      // call packs its three arguments into a tuple (cfunction_call via _PyObject_MakeTpCall,
      // Objects/call.c), a tracked GC allocation (count0 + 1) that then stays on the tuple free
      // list. MEAS: the twin's tracemalloc snapshot at the test parameters ends with one 64-byte
      // block from this line on 3.11.7, 3.12.1 and 3.13.0. Its items, the parameter ints, exist
      // before tracing: None stands in for them.
      const args = heap.tupleOf(heap.None, heap.None, heap.None);
      gc.setThreshold(t0, t1, t2);
      heap.decref(args);
      heap.evalBreaker();
      churn(heap, m, 0, progress);
      heap.evalBreaker();
    }
    ctx.report('churn_pause_max_ns', longestPauseNs(heap, pausesBefore));
    heap.roots.popFrame();
  };
}

const noSetup = (): null => null;

export const gcManual = defineWorkload({
  name: 'gc-manual',
  group: 'tip',
  description: 'a long-lived tree, then m dropped cycles: automatic GC vs gc.disable() + gc.collect() every k vs a tuned threshold',
  variants: {
    auto: variant({ description: "the automatic collector at the profile's thresholds", setup: noSetup, run: body('auto') }),
    manual: variant({ description: 'gc.disable(); gc.collect(gen) every k steps; gc.enable()', setup: noSetup, run: body('manual') }),
    tuned: variant({ description: 'gc.set_threshold(t0, t1, t2) before the loop', setup: noSetup, run: body('tuned') }),
  },
  params: {
    n: { description: 'lists in the long-lived tree', default: 100_000, min: 1, max: 10_000_000 },
    m: { description: 'steps (one dropped two-list cycle each)', default: 1_000_000, min: 0, max: 20_000_000 },
    k: { description: 'manual: steps between hand collections', default: 100_000, min: 1, max: 20_000_000 },
    gen: { description: 'manual: the generation gc.collect() collects', default: 2, min: 0, max: 2 },
    t0: { description: 'tuned: threshold0', default: 50_000, min: 0, max: 100_000_000 },
    t1: { description: 'tuned: threshold1', default: 10, min: 0, max: 1_000_000 },
    t2: { description: 'tuned: threshold2', default: 10, min: 0, max: 1_000_000 },
  },
  testParams: { n: 10_000, m: 40_000, k: 10_000, t0: 10_000 },
  probes: ['tree'],
  reports: ['churn_pause_max_ns'],
  twin: 'gc_manual.py',
});
