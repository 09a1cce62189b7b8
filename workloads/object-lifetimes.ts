/**
 * Workloads about how long objects live and which are shared: `globals-and-del`,
 * `small-ints-and-interning`, `container-churn`.
 */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';

export const OBJECT_LIFETIME_WORKLOADS: readonly Workload[] = [];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const OBJECT_LIFETIME_TIPS: readonly Tip[] = [];
