/**
 * slots-vs-dict: n instances of a three-attribute class, with a `__dict__` (split keys, values
 * separate or inline per profile) or with `__slots__`, kept in a list, then dropped. The probe
 * "held" is the requested bytes while the list holds them. Twin: python/slots_vs_dict.py.
 *
 *   def run(cls, n):
 *       items = [cls(i, i, i) for i in range(n)]
 *       probe("held")
 *       del items
 */
import type { ClassInfo } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { classCallArgs, holdListComprehension } from './builtins.js';

const ATTRS = ['a', 'b', 'c'] as const;

function run(ctx: WorkloadContext, cls: ClassInfo): void {
  const { heap } = ctx;
  // Where the comprehension is a function of its own (3.11), it closes over `cls`: run() makes
  // `cls` a cell as it starts (MAKE_CELL), dropped with its frame. (The class object itself is
  // not simulated memory, so the cell holds nothing here.)
  const cell = heap.profile.inlinedComprehensions ? 0 : heap.cell(0);
  holdListComprehension(
    ctx,
    (k, i) => {
      // cls(i, i, i): the argument tuple (if the call makes one) goes when __init__, which sets
      // three attributes, returns.
      const args = classCallArgs(heap, cls, k, i, i, i);
      const obj = heap.newInstance(cls);
      for (const name of ATTRS) heap.setAttr(obj, name, i);
      if (args !== 0) heap.decref(args);
      return obj;
    },
    cell,
  );
  if (cell !== 0) heap.decref(cell);
}

export const slotsVsDict = defineWorkload({
  name: 'slots-vs-dict',
  group: 'mission',
  description: 'n three-attribute instances held in a list, then dropped: __dict__ instances vs __slots__',
  variants: {
    dict: variant({
      description: 'class WithDict: def __init__(self, a, b, c): self.a = a; ...',
      setup: (heap) => heap.defineClass({ name: 'WithDict' }),
      run,
    }),
    slots: variant({
      description: "class WithSlots: __slots__ = ('a', 'b', 'c'); same __init__",
      setup: (heap) => heap.defineClass({ name: 'WithSlots', slots: [...ATTRS] }),
      run,
    }),
  },
  params: {
    n: { description: 'instances held', default: 100_000, min: 0, max: 20_000_000 },
  },
  testParams: { n: 20_000 },
  probes: ['held'],
  twin: 'slots_vs_dict.py',
});
