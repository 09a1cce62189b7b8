// The info dict of gc.callbacks is built in the heap (fact sheet §4.5; `invoke_gc_callback`): it
// comes from the dict free list and goes back to it, and a full collection empties that list, so
// with a callback registered count0 is 1 after a full collection, not 0. The expected outcomes are
// what workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0, and (3.14.1)
// on CPython 3.14.2 in Pyodide 314.0.7, where count0 follows tracking and the dict's tracking ends
// with it.
import { describeScenario } from './support/gc-scenarios.js';

const PHASES = ['start', 'stop', 'start', 'stop'];
const COUNTING_ALLOCATIONS = { phases: PHASES, count0AfterFullWithCallback: 1, count0AfterYoungWithCallback: 0, count0AfterFullWithout: 0 };
const COUNTING_TRACKING = { ...COUNTING_ALLOCATIONS, count0AfterFullWithCallback: 0 };

describeScenario('gc: the callbacks info dict is a heap object', 'callbacks', (profile) =>
  profile === '3.14.1' ? COUNTING_TRACKING : COUNTING_ALLOCATIONS,
);
