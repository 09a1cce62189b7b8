/**
 * The workload API: what a workload declares (variants, typed parameters, probes, its Python twin)
 * and what its body gets to run against (the heap, resolved parameters, a seeded generator, probes,
 * progress). Workloads live in `workloads/`; the registry is `workloads/index.ts`.
 */
import type { Heap } from '../heap/heap.js';

/** An integer parameter with its default and the range a run accepts. */
export interface ParamSpec {
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export type Params = Readonly<Record<string, number>>;

/** What a workload body runs against. */
export interface WorkloadContext {
  readonly heap: Heap;
  readonly params: Params;
  /** The run's seed (the twin gets the same value as `--seed`). */
  readonly seed: number;
  /** Records the bytes requested now under `name`, as the twin's `twin.probe(name)`. */
  probe(name: string): void;
  /** Reports how far the body is, for the live display (cheap: a store into shared memory). */
  progress(done: number, total: number): void;
}

export interface Variant {
  readonly description: string;
  /** Module-level code, run before the measured region (e.g. class definitions); its value goes to `run`. */
  readonly setup?: (heap: Heap) => unknown;
  readonly run: (ctx: WorkloadContext, module: unknown) => void;
}

/** A variant whose `setup` builds a module value `M` (typed for `run`). */
export function variant<M>(v: {
  readonly description: string;
  readonly setup: (heap: Heap) => M;
  readonly run: (ctx: WorkloadContext, module: M) => void;
}): Variant {
  return v as Variant;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly variants: Readonly<Record<string, Variant>>;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Names the body may pass to `probe`. */
  readonly probes: readonly string[];
  /** The twin's file in `workloads/python/`. */
  readonly twin: string;
}

export function defineWorkload(w: Workload): Workload {
  return w;
}
