/**
 * Canonical GC benchmarks, ported: pyperformance's `gc_collect`, `gc_traversal` and `btree`,
 * GCBench, and the Benchmarks Game's binary-trees.
 */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';

export const CANONICAL_WORKLOADS: readonly Workload[] = [];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const CANONICAL_TIPS: readonly Tip[] = [];
