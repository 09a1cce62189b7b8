/** Workloads about finalizers and weak references: `cycles-with-finalizers`, `weakref-cache`. */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';

export const FINALIZATION_WORKLOADS: readonly Workload[] = [];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const FINALIZATION_TIPS: readonly Tip[] = [];
