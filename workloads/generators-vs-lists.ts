/**
 * generators-vs-lists: the sum of i*i over range(n), through a list comprehension (every square
 * alive at once) or a generator expression (one at a time). Twin: python/generators_vs_lists.py.
 *
 *   def run_list(p):      total = sum([i * i for i in range(n)])
 *   def run_generator(p): total = sum(i * i for i in range(n))
 */
import { defineWorkload, type WorkloadContext } from '../src/lab/workload.js';
import { clearGeneratorLocal, comprehensionFunction, listComprehensionOverRange, loopInt, rangeIterator } from './builtins.js';

/** `sum(...)` of squares below n, as the C long sum() accumulates (the result's size is all that matters). */
function sumOfSquares(n: number): number {
  return ((n - 1) * n * (2 * n - 1)) / 6;
}

function runList(ctx: WorkloadContext): void {
  const { heap } = ctx;
  const n = ctx.params.n;
  const frame = heap.roots.pushFrame(1);
  const list = listComprehensionOverRange(heap, n, (k) => loopInt(heap, k * k), ctx.progress);
  // total = sum(list): the C loop, then the list (a temporary) is dropped
  const total = loopInt(heap, sumOfSquares(n));
  heap.decref(list);
  heap.roots.setLocalSteal(frame, 0, total);
  heap.evalBreaker();
  heap.roots.popFrame();
}

function runGenerator(ctx: WorkloadContext): void {
  const { heap } = ctx;
  const n = ctx.params.n;
  const frame = heap.roots.pushFrame(1);
  // (i * i for i in range(n)): the function, the iterator, the generator holding it. The
  // generator's frame keeps the function (`f_func`) until the frame is cleared.
  const fn = comprehensionFunction(heap, 'genexpr');
  const it = rangeIterator(heap);
  const gen = heap.generator(heap.profile.genexprSlots);
  heap.generatorSetLocal(gen, 0, it);
  heap.decref(it);
  // sum(gen): each resume binds i and yields i*i, which sum() adds and drops
  for (let k = 0; k < n; k++) {
    const i = loopInt(heap, k);
    heap.generatorSetLocal(gen, 1, i);
    heap.decref(i);
    heap.decref(loopInt(heap, k * k));
    heap.evalBreaker();
    if ((k & 0xffff) === 0) ctx.progress(k, n);
  }
  const total = loopInt(heap, sumOfSquares(n));
  // exhausted: the generator's frame is cleared, then sum() drops the generator
  clearGeneratorLocal(heap, gen, 1);
  clearGeneratorLocal(heap, gen, 0);
  heap.decref(fn);
  heap.decref(gen);
  heap.roots.setLocalSteal(frame, 0, total);
  heap.evalBreaker();
  heap.roots.popFrame();
}

export const generatorsVsLists = defineWorkload({
  name: 'generators-vs-lists',
  group: 'mission',
  description: 'sum of i*i over range(n): a list comprehension holds every square, a generator one at a time',
  variants: {
    list: { description: 'sum([i * i for i in range(n)])', run: runList },
    generator: { description: 'sum(i * i for i in range(n))', run: runGenerator },
  },
  params: {
    n: { description: 'items summed', default: 100_000, min: 0, max: 50_000_000 },
  },
  testParams: { n: 20_000 },
  probes: [],
  twin: 'generators_vs_lists.py',
});
