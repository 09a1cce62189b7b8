/**
 * globals-and-del: a big object (`bytes(n)`, 33 + n requested bytes, exact in the model) bound to
 * a module global, to a local, or to a local that is `del`-ed as soon as it is done with, while
 * later work (the sum of a list of m squares) runs. Twin: python/globals_and_del.py.
 *
 *   big = None                      # module level: the global's key exists before the body
 *
 *   def later_work(m):
 *       return sum([i * i for i in range(m)])
 *
 *   def run_global(p):              def run_local(p):               def run_del(p):
 *       global big                      big = bytes(p["n"])             big = bytes(p["n"])
 *       big = bytes(p["n"])             first = big[0]                  first = big[0]
 *       first = big[0]                  later_work(p["m"])              del big
 *       later_work(p["m"])                                              later_work(p["m"])
 *
 * The measured region ends when the variant's call has returned (twin.py), so a local has died by
 * then and only the global is retained; with `del` the later work's peak does not stack on `big`.
 */
import type { Heap } from '../src/heap/heap.js';
import { defineWorkload, type Variant, type WorkloadContext } from '../src/lab/workload.js';
import { listComprehensionOverRange, loopInt } from './builtins.js';

/** `sum(...)` of the squares below m, as the C long sum() accumulates it (only its size matters). */
function sumOfSquares(m: number): number {
  return ((m - 1) * m * (2 * m - 1)) / 6;
}

/** `later_work(m)`: `sum([i * i for i in range(m)])` in its own frame; the result is returned (new reference). */
function laterWork(heap: Heap, m: number, progress: (done: number, total: number) => void): number {
  heap.roots.pushFrame(0);
  const squares = listComprehensionOverRange(heap, m, (k) => loopInt(heap, k * k), progress);
  // sum() walks the list in C, then the list (a temporary) is dropped
  const total = loopInt(heap, sumOfSquares(m));
  heap.decref(squares);
  heap.roots.popFrame();
  return total;
}

type Binding = 'global' | 'local' | 'del';

function body(ctx: WorkloadContext, binding: Binding): void {
  const { heap } = ctx;
  const { n, m } = ctx.params;
  const roots = heap.roots;
  const [BIG, FIRST] = [0, 1];
  const frame = roots.pushFrame(2);
  // big = bytes(n): bytes has no vectorcall, so the call packs its argument into a 1-tuple (the
  // item stands in for the int n: no GC type either way) that goes to the tuple free list after.
  // MEAS: the 48 bytes stay traced on 3.11-3.13, as the twin's preamble emptied the free lists.
  const args = heap.tupleOf(heap.None);
  const big = heap.bytes(n);
  heap.decref(args);
  if (binding === 'global') {
    roots.setGlobal('big', big);
    heap.decref(big);
  } else {
    roots.setLocalSteal(frame, BIG, big);
  }
  heap.evalBreaker();
  // first = big[0]: a zero byte, the cached small int 0
  roots.setLocalSteal(frame, FIRST, heap.int(0));
  heap.evalBreaker();
  // del big
  if (binding === 'del') {
    roots.setLocalSteal(frame, BIG, 0);
    heap.evalBreaker();
  }
  // later_work(m): its result is discarded
  heap.decref(laterWork(heap, m, ctx.progress));
  heap.evalBreaker();
  // return: the locals die here, inside the measured region
  roots.popFrame();
}

/** `big = None` at module level (every variant's module has it, as the twin's has). */
function setup(heap: Heap): void {
  heap.roots.setGlobal('big', heap.None);
}

function bindingVariant(binding: Binding, description: string): Variant {
  return { description, setup, run: (ctx) => body(ctx, binding) };
}

export const globalsAndDel = defineWorkload({
  name: 'globals-and-del',
  group: 'tip',
  description: 'a bytes(n) in a global, in a local, or del-ed when done, while later work runs: peak and retained memory',
  variants: {
    global: bindingVariant('global', 'global big; big = bytes(n); ...; later_work(m) (big outlives the call)'),
    local: bindingVariant('local', 'big = bytes(n); ...; later_work(m) (big dies when the function returns)'),
    del: bindingVariant('del', 'big = bytes(n); ...; del big; later_work(m) (big dies before the later work)'),
  },
  params: {
    n: { description: 'bytes in the big object', default: 8_000_000, min: 1, max: 500_000_000 },
    m: { description: 'items in the later work’s temporary list', default: 100_000, min: 0, max: 20_000_000 },
  },
  testParams: { n: 1_000_000, m: 20_000 },
  probes: [],
  twin: 'globals_and_del.py',
});
