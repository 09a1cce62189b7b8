/** Workloads about tuning the collector: `long-lived-churn`, `gc-manual`, `freeze-before-fork`. */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';

export const GC_TUNING_WORKLOADS: readonly Workload[] = [];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const GC_TUNING_TIPS: readonly Tip[] = [];
