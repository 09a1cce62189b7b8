/**
 * A worked example of your own workload (docs/workloads.md, "Your own workloads"): n records of three
 * fields kept as tuples or as lists, the bytes per record while they are held. Run it with
 *
 *   gclab run workloads/examples/records.ts --variant list --param n=100000
 *   gclab calibrate --workload workloads/examples/records.ts
 *
 * Its Python twin is records_twin.py, next to this file:
 *
 *   def run(n, as_list):
 *       records = [[i, i, i] for i in range(n)] if as_list else [(i, i, i) for i in range(n)]
 *       twin.probe("held")
 *       del records
 */
import type { Workload, WorkloadContext } from '../../src/lab/workload.js';
import { listComprehensionOverRange } from '../../src/lab/body-idioms.js';

function run(ctx: WorkloadContext, asList: boolean): void {
  const { heap } = ctx;
  const frame = heap.roots.pushFrame(1);
  const records = listComprehensionOverRange(
    heap,
    ctx.params.n,
    (_k, i) => {
      // BUILD_LIST 3 / BUILD_TUPLE 3 of the loop variable, each slot a new reference.
      if (asList) {
        const list = heap.list.newList(3);
        for (let slot = 0; slot < 3; slot++) {
          heap.incref(i);
          heap.list.init(list, slot, i);
        }
        return list;
      }
      return heap.tupleOf(i, i, i);
    },
    ctx.progress,
  );
  heap.roots.setLocalSteal(frame, 0, records);
  heap.evalBreaker();
  ctx.probe('held');
  heap.roots.setLocalSteal(frame, 0, 0); // del records
  heap.evalBreaker();
  heap.roots.popFrame();
}

const workload: Workload = {
  name: 'records',
  group: 'user',
  description: 'n three-field records held in a list: as tuples or as lists',
  variants: {
    tuple: { description: '[(i, i, i) for i in range(n)]', run: (ctx) => run(ctx, false) },
    list: { description: '[[i, i, i] for i in range(n)]', run: (ctx) => run(ctx, true) },
  },
  params: { n: { description: 'records held', default: 100_000, min: 0, max: 10_000_000 } },
  probes: ['held'],
  twin: 'records_twin.py',
};

export default workload;
