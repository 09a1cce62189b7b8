/**
 * cycles-with-finalizers: rings of objects whose class finalizes them, dropped as soon as they are
 * closed, then one gc.collect(). Twin: python/cycles_with_finalizers.py.
 *
 *   _finalized = array("q", [0]); survivors = []
 *   class Plain: pass
 *   class WithDel:
 *       def __del__(self): _finalized[0] += 1
 *   class Resurrecting:
 *       def __del__(self): _finalized[0] += 1; survivors.append(self)
 *   @_testcapi.with_tp_del                       # a C-level tp_del: a legacy finalizer
 *   class Legacy:
 *       def __tp_del__(self): _finalized[0] += 1
 *
 *   def make_rings(cls, n, k):
 *       for r in range(n):
 *           first = cls()
 *           last = first
 *           for j in range(k - 1):
 *               node = cls()
 *               last.next = node
 *               last = node
 *           last.next = first
 *           del first, last, node
 *
 *   def run(cls, p):                             # plain, del, legacy
 *       make_rings(cls, p["n"], p["k"])
 *       gc.collect()
 *       report("finalized", ...); report("garbage", len(gc.garbage))
 *
 *   def run_resurrect(p):
 *       make_rings(Resurrecting, p["n"], p["k"])
 *       gc.collect()
 *       report("survivors", len(survivors))
 *       survivors.clear()
 *       gc.collect()
 *       report("finalized", ...); report("garbage", len(gc.garbage))
 *
 * PEP 442 (3.4+): the collector calls `__del__` once per object of an unreachable cycle, then frees
 * the cycle, unless a finalizer made it reachable again (resurrection); the FINALIZED flag keeps
 * it from being called twice. A legacy `tp_del` (only C types can have one) makes the cycle, and
 * everything it reaches, uncollectable: it is counted so and appended to gc.garbage, for good.
 *
 * What the legacy variant keeps is tracemalloc's current at the end; what the resurrected rings
 * hold is the resurrect variant's peak. There is no probe: after a full collection inside the
 * measured region, the real figure carries the twin harness's own gc-callback dict (184 B left on
 * the dict free lists) and the simulated one loses the preamble's free-list objects, so a probe of
 * "nothing left" (plain, del) would compare those two artefacts rather than the workload.
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { clearList } from '../src/heap/list.js';
import type { ClassInfo, Finalizer } from '../src/heap/types.js';
import { defineWorkload, variant, type Variant, type WorkloadContext } from '../src/lab/workload.js';
import { internNames, loopInt, rangeIterator } from './builtins.js';
import { closeRing, RING_LOCALS } from './cyclic-graphs.js';

/** What a variant's module-level code made: the class, the counter, the survivors list. */
interface FinalizerModule {
  readonly cls: ClassInfo;
  /** `_finalized[0]`: the twin keeps it in an array, so no int object outlives `+= 1`. */
  finalized: number;
  /** `survivors`, a module-level list (resurrect only; 0 otherwise). */
  readonly survivors: Ref;
}

/** `_finalized[0] += 1`: the int the array hands out, the sum, both freed (32 B each above 256). */
function countFinalized(heap: Heap, m: FinalizerModule): void {
  const loaded = loopInt(heap, m.finalized);
  const sum = loopInt(heap, m.finalized + 1);
  heap.decref(loaded);
  m.finalized++;
  heap.decref(sum);
}

/**
 * Module-level code of a variant: the class, and (since hooks belong to the heap) the `__del__`
 * the class defines, doing what the twin's does.
 */
function setupModule(heap: Heap, name: string, finalizer: Finalizer, resurrect: boolean): FinalizerModule {
  internNames(heap, ['next']); // compiling the module interned the attribute name
  let survivors: Ref = 0;
  if (resurrect) {
    survivors = heap.list.newList(0);
    heap.roots.setGlobal('survivors', survivors);
    heap.decref(survivors);
  }
  const m: FinalizerModule = { cls: heap.defineClass({ name, finalizer }), finalized: 0, survivors };
  if (finalizer === 'del') {
    heap.hooks = {
      ...heap.hooks,
      finalize: (h, self) => {
        countFinalized(h, m);
        if (resurrect) h.list.append(m.survivors, self);
      },
    };
  }
  // gc.garbage exists from interpreter start-up; the model makes it on first use, so make it
  // here rather than inside the measured region.
  heap.gc.garbageList();
  return m;
}

/** The body of `make_rings(cls, n, k)`, in its own frame. */
function makeRings(ctx: WorkloadContext, cls: ClassInfo): void {
  const { heap } = ctx;
  const { n, k } = ctx.params;
  const f = heap.roots.pushFrame(RING_LOCALS);
  const outer = rangeIterator(heap);
  for (let r = 0; r < n; r++) {
    closeRing(heap, f, cls, r, k);
    if ((r & 0xffff) === 0) ctx.progress(r, n);
  }
  heap.decref(outer);
  heap.roots.popFrame();
}

/** `run(cls, p)`: the rings, one collection, what is left. */
function run(ctx: WorkloadContext, m: FinalizerModule): void {
  const { heap } = ctx;
  makeRings(ctx, m.cls);
  heap.evalBreaker();
  heap.gc.collect();
  ctx.report('finalized', m.finalized);
  ctx.report('garbage', heap.gc.garbageLength());
}

/** `run_resurrect(p)`: the rings, a collection that finalizes but cannot free them, then another. */
function runResurrect(ctx: WorkloadContext, m: FinalizerModule): void {
  const { heap } = ctx;
  makeRings(ctx, m.cls);
  heap.evalBreaker();
  heap.gc.collect();
  ctx.report('survivors', heap.list.length(m.survivors));
  clearList(heap, m.survivors);
  heap.evalBreaker();
  heap.gc.collect();
  ctx.report('finalized', m.finalized);
  ctx.report('garbage', heap.gc.garbageLength());
}

function ringsVariant(description: string, name: string, finalizer: Finalizer): Variant {
  return variant({ description, setup: (heap) => setupModule(heap, name, finalizer, false), run });
}

export const cyclesWithFinalizers = defineWorkload({
  name: 'cycles-with-finalizers',
  group: 'stress',
  description: 'rings of k objects dropped when closed, then gc.collect(): no finalizer, __del__ (PEP 442), a legacy tp_del, a resurrecting __del__',
  variants: {
    plain: ringsVariant('class Plain: pass (the baseline: the collector frees the rings)', 'Plain', 'none'),
    del: ringsVariant('class WithDel with __del__: finalized once, then collected (PEP 442)', 'WithDel', 'del'),
    legacy: ringsVariant('a class with a C-level tp_del (_testcapi.with_tp_del): uncollectable, kept in gc.garbage', 'Legacy', 'legacy'),
    resurrect: variant({
      description: '__del__ appends self to a global list: finalized once, survives; freed after the list is cleared',
      setup: (heap) => setupModule(heap, 'Resurrecting', 'del', true),
      run: runResurrect,
    }),
  },
  params: {
    n: { description: 'rings', default: 50_000, min: 0, max: 10_000_000 },
    k: { description: 'objects per ring', default: 2, min: 2, max: 100_000 },
  },
  testParams: { n: 10_000, k: 2 },
  probes: [],
  reports: ['finalized', 'garbage', 'survivors'],
  twin: 'cycles_with_finalizers.py',
});
