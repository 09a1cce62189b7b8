/**
 * lab-selftest: not a Python idiom but a check of the lab itself: a body that fails in each way
 * the coordinator must survive. Hidden from `gclab list` and from suites; the fault tests run it.
 */
import { defineWorkload, type WorkloadContext } from '../src/lab/workload.js';

function allocateForever(ctx: WorkloadContext): void {
  const { heap } = ctx;
  const list = heap.list.newList(0);
  heap.roots.setGlobal('hoard', list);
  heap.decref(list);
  for (;;) heap.list.appendSteal(list, heap.bytes(400));
}

export const labSelftest = defineWorkload({
  name: 'lab-selftest',
  group: 'internal',
  description: 'faults for testing the lab: exhaust the heap, throw, hang, kill the worker',
  variants: {
    ok: { description: 'a small amount of work', run: (ctx) => ctx.heap.decref(ctx.heap.list.newList(ctx.params.n)) },
    exhaust: { description: 'allocates until the heap is exhausted', run: allocateForever },
    throw: {
      description: 'throws an error from the body',
      run: () => {
        throw new Error('selftest: the body raised');
      },
    },
    hang: {
      description: 'never returns (the per-task timeout stops it)',
      run: () => {
        for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      },
    },
    exit: {
      description: 'ends its worker thread',
      run: () => {
        process.exit(3);
      },
    },
  },
  params: { n: { description: 'list length (ok)', default: 10, min: 0, max: 1_000_000 } },
  probes: [],
  twin: '',
});
