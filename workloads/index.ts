/** The registry of built-in workloads: the names `gclab list`, `run` and `bench` accept. */
import type { Workload } from '../src/lab/workload.js';
import { CANONICAL_WORKLOADS } from './canonical.js';
import { cyclicGraphs } from './cyclic-graphs.js';
import { FINALIZATION_WORKLOADS } from './finalization.js';
import { GC_TUNING_WORKLOADS } from './gc-tuning.js';
import { generatorsVsLists } from './generators-vs-lists.js';
import { labSelftest } from './lab-selftest.js';
import { OBJECT_LIFETIME_WORKLOADS } from './object-lifetimes.js';
import { slotsVsDict } from './slots-vs-dict.js';

/** The mission's three workloads (the default suite). */
export const MISSION_WORKLOADS: readonly Workload[] = [generatorsVsLists, slotsVsDict, cyclicGraphs];

/** The workloads users see (list, suites, calibrate), mission first. */
export const WORKLOADS: readonly Workload[] = [
  ...MISSION_WORKLOADS,
  ...OBJECT_LIFETIME_WORKLOADS,
  ...FINALIZATION_WORKLOADS,
  ...GC_TUNING_WORKLOADS,
  ...CANONICAL_WORKLOADS,
];

/** A workload by name; `lab-selftest` (the fault tests' workload) is found but never listed. */
export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name) ?? (name === labSelftest.name ? labSelftest : undefined);
}
