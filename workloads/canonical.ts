/**
 * Canonical GC benchmarks, ported: the Benchmarks Game's binary-trees, GCBench, and
 * pyperformance's `gc_collect` and `gc_traversal` (pyperf-gc) and `btree` (pyperf-btree).
 */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';
import { binaryTrees } from './binary-trees.js';
import { gcbench } from './gcbench.js';
import { pyperfBtree } from './pyperf-btree.js';
import { pyperfGc } from './pyperf-gc.js';

export const CANONICAL_WORKLOADS: readonly Workload[] = [binaryTrees, gcbench, pyperfGc, pyperfBtree];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const CANONICAL_TIPS: readonly Tip[] = [];
