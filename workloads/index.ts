/** The registry of built-in workloads: the names `gclab list`, `run` and `bench` accept. */
import type { Workload } from '../src/lab/workload.js';
import { cyclicGraphs } from './cyclic-graphs.js';
import { generatorsVsLists } from './generators-vs-lists.js';
import { slotsVsDict } from './slots-vs-dict.js';

export const WORKLOADS: readonly Workload[] = [generatorsVsLists, slotsVsDict, cyclicGraphs];

export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}
