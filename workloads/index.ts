/** The registry of built-in workloads: the names `gclab list`, `run` and `bench` accept. */
import type { Workload } from '../src/lab/workload.js';
import { cyclicGraphs } from './cyclic-graphs.js';
import { generatorsVsLists } from './generators-vs-lists.js';
import { labSelftest } from './lab-selftest.js';
import { slotsVsDict } from './slots-vs-dict.js';

/** The workloads users see (list, suites, calibrate). */
export const WORKLOADS: readonly Workload[] = [generatorsVsLists, slotsVsDict, cyclicGraphs];

/** A workload by name; `lab-selftest` (the fault tests' workload) is found but never listed. */
export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name) ?? (name === labSelftest.name ? labSelftest : undefined);
}
