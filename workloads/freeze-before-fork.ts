/**
 * freeze-before-fork: a pre-fork server in miniature. The parent loads n long-lived records into a
 * global (each load step also drops a one-list cycle, as loaders do), forks, and the child does m
 * steps of work that each drop a two-list cycle (long-lived-churn's `churn`), then one
 * `gc.collect()`, standing for the full collection a long-running worker meets sooner or later.
 * The figure is the 4 KiB pages the child writes after the fork (`heap.forkPoint()`): every page it
 * writes stops being shared with the parent. A collection writes the GC header of every object it
 * examines, so without `gc.freeze()` the child's full collection dirties every page holding a
 * tracked record; frozen objects are never examined. Twin: python/freeze_before_fork.py.
 *
 *   def load(n):
 *       data = []
 *       for i in range(n):
 *           record = [i]
 *           scratch = [record]
 *           scratch.append(scratch)
 *           data.append(record)
 *       return data
 *
 *   def fork_and_work(m, enable):
 *       pid = os.fork()
 *       if pid:                        # the parent waits and exits with the child's status
 *           ...
 *       before = private_dirty_kib()   # os.read of /proc/self/smaps_rollup: a 4 KiB bytes
 *       if enable:
 *           gc.enable()
 *       churn(m, 0)
 *       gc.collect()
 *       report("pages_dirtied", (private_dirty_kib() - before) // 4)
 *
 *   def run(p, collect, freeze, disable):
 *       global data
 *       if disable: gc.disable()
 *       data = load(n); probe("loaded")
 *       if collect: gc.collect()
 *       if freeze: gc.freeze()
 *       fork_and_work(m, disable)
 *
 * The simulation plays the child's timeline (the twin's child carries on with the run and prints
 * the figures). Its `pages_dirtied` counts the pages of the simulated heap written by refcount
 * updates, GC header writes and allocations; the twin's counts every page the real child wrote,
 * interpreter state, stacks, malloc and tracemalloc bookkeeping included, so only the direction
 * and the rough size compare.
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { internNames, loopInt, rangeIterator } from './builtins.js';
import { churn } from './long-lived-churn.js';

type Progress = (done: number, total: number) => void;

/** The bytes `os.read(fd, 4096)` allocates for /proc/self/smaps_rollup (freed at once). */
const SMAPS_READ_BYTES = 4096;

/** `load(n)`: n one-item lists in a list, each step also dropping a self-referencing list. */
export function load(heap: Heap, n: number, progress?: Progress): Ref {
  const roots = heap.roots;
  const list = heap.list;
  const [DATA, I, RECORD, SCRATCH] = [0, 1, 2, 3];
  const f = roots.pushFrame(4);
  roots.setLocalSteal(f, DATA, list.newList(0));
  heap.evalBreaker();
  const data = f.locals[DATA];
  const it = rangeIterator(heap);
  for (let i = 0; i < n; i++) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    heap.evalBreaker();
    // record = [i]; scratch = [record]; scratch.append(scratch); data.append(record): BUILD_LIST,
    // STORE_FAST and the specialised list.append do not check the eval breaker; the loop's
    // JUMP_BACKWARD does, after all four.
    const record = list.newList(1);
    heap.incref(f.locals[I]);
    list.init(record, 0, f.locals[I]);
    roots.setLocalSteal(f, RECORD, record);
    const scratch = list.newList(1);
    heap.incref(record);
    list.init(scratch, 0, record);
    roots.setLocalSteal(f, SCRATCH, scratch);
    list.append(scratch, scratch);
    list.append(data, record);
    heap.evalBreaker();
    if (progress !== undefined && (i & 0xffff) === 0) progress(i, n);
  }
  heap.decref(it);
  heap.incref(data);
  roots.popFrame();
  return data;
}

/**
 * `private_dirty_kib()` as the heap sees it: the 4 KiB bytes object os.read makes, dropped, and
 * the argument tuples of its two `text.index(...)` calls on 3.11 and 3.12, where `bytes.index` is
 * METH_VARARGS (Argument Clinic's fastcall from 3.13): a 1-tuple, then a 2-tuple with `at`. They
 * end on the tuple free lists. MEAS: with them, the twin's current is exact on 3.12.1 (104 B low
 * without). The needle constants are the code's, made before tracing: None stands in for them; the
 * ints and the slice the function makes are freed before it returns and are not modelled.
 */
function readSmaps(heap: Heap): void {
  const text = heap.bytes(SMAPS_READ_BYTES);
  if (heap.profile.argumentTupleBuiltins.includes('bytes.index')) {
    heap.decref(heap.tupleOf(heap.None));
    heap.decref(heap.tupleOf(heap.None, heap.None));
  }
  heap.decref(text);
}

/** `gc.collect()` as a statement: the int it returns is dropped. */
function collectStatement(heap: Heap): void {
  heap.decref(loopInt(heap, heap.gc.collect()));
  heap.evalBreaker();
}

function body(options: { collect: boolean; freeze: boolean; disable: boolean }) {
  return (ctx: WorkloadContext): void => {
    const { heap } = ctx;
    const { n, m } = ctx.params;
    const gc = heap.gc;
    if (options.disable) {
      gc.disable();
      heap.evalBreaker();
    }
    // global data; data = load(n)
    const data = load(heap, n, (d) => ctx.progress(d, n + m));
    heap.roots.setGlobal('data', data);
    heap.decref(data);
    heap.evalBreaker();
    ctx.probe('loaded');
    if (options.collect) collectStatement(heap);
    if (options.freeze) {
      gc.freeze();
      heap.evalBreaker();
    }
    // fork_and_work(m, disable), in the child (os.fork() returned 0, a small int)
    const cow = heap.forkPoint();
    heap.evalBreaker();
    readSmaps(heap);
    heap.evalBreaker();
    const before = cow.pagesWritten;
    if (options.disable) {
      gc.enable();
      heap.evalBreaker();
    }
    churn(heap, m, 0, (d) => ctx.progress(n + d, n + m));
    heap.evalBreaker();
    collectStatement(heap);
    readSmaps(heap);
    ctx.report('pages_dirtied', cow.pagesWritten - before);
    heap.evalBreaker();
  };
}

/**
 * The module's setup: compiling it interned its global name `data` (a co_names entry), before
 * tracing, so `data = load(n)` stores through an existing string.
 */
const setup = (heap: Heap): null => {
  internNames(heap, ['data']);
  return null;
};

export const freezeBeforeFork = defineWorkload({
  name: 'freeze-before-fork',
  group: 'tip',
  description: "a pre-fork server: n long-lived records, fork, the child's work and a full collection: pages the child dirties",
  variants: {
    nofreeze: variant({ description: 'load; fork; work', setup, run: body({ collect: false, freeze: false, disable: false }) }),
    freeze: variant({ description: 'load; gc.freeze(); fork; work', setup, run: body({ collect: false, freeze: true, disable: false }) }),
    'collect-freeze': variant({
      description: 'load; gc.collect(); gc.freeze(); fork; work',
      setup,
      run: body({ collect: true, freeze: true, disable: false }),
    }),
    'disable-freeze': variant({
      description: 'gc.disable(); load; gc.freeze(); fork; gc.enable() in the child; work (the gc docs recipe)',
      setup,
      run: body({ collect: false, freeze: true, disable: true }),
    }),
  },
  params: {
    n: { description: 'long-lived records the parent loads', default: 200_000, min: 0, max: 10_000_000 },
    m: { description: "steps of the child's work (one dropped two-list cycle each)", default: 100_000, min: 0, max: 20_000_000 },
  },
  testParams: { n: 10_000, m: 20_000 },
  probes: ['loaded'],
  reports: ['pages_dirtied'],
  twin: 'freeze_before_fork.py',
});
