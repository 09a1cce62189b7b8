/** Workloads about tuning the collector: `long-lived-churn`, `gc-manual`, `freeze-before-fork`. */
import type { Workload } from '../src/lab/workload.js';

export const GC_TUNING_WORKLOADS: readonly Workload[] = [];
