/** Workloads about finalizers and weak references: `cycles-with-finalizers`, `weakref-cache`. */
import type { Workload } from '../src/lab/workload.js';

export const FINALIZATION_WORKLOADS: readonly Workload[] = [];
