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
  /** The variants that read it (all when absent): labels and tables leave it out of the others. */
  readonly usedBy?: readonly string[];
  /** The values `gclab calibrate` runs it at without --n (for n: 100 000 when absent and in range, else the default). */
  readonly calibrate?: readonly number[];
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
  /**
   * Records a figure that is not a byte count (pages dirtied, a checksum, items produced) under
   * `name`, as the twin's `twin.report(name, value)`. The name must be among the workload's `reports`.
   */
  report(name: string, value: number): void;
  /** Reports how far the body is, for the live display (cheap: a store into shared memory). */
  progress(done: number, total: number): void;
  /** A line the program printed (a Python program's `print`); absent: the lab keeps no output. */
  print?(line: string): void;
}

export interface Variant {
  readonly description: string;
  /**
   * Module-level code, run before the measured region (e.g. class definitions); its value goes to
   * `run`. It gets the run's parameters and seed too (a Python program builds its parameter dict).
   */
  readonly setup?: (heap: Heap, params?: Params, seed?: number) => unknown;
  readonly run: (ctx: WorkloadContext, module: unknown) => void;
  /**
   * Called once when a measured run is over (measureRun), for what the module value holds that
   * must not outlive it: a Python program's compiled code lets go of the run's heap.
   */
  readonly release?: (module: unknown) => void;
  /**
   * The operations the measured run executed, by class (a Python program's compiled code counts
   * them: src/python/work-counts.ts); absent for a TypeScript body, whose work is not counted.
   */
  readonly work?: (module: unknown) => Readonly<Record<string, number>>;
}

/** A variant whose `setup` builds a module value `M` (typed for `run`). */
export function variant<M>(v: {
  readonly description: string;
  readonly setup: (heap: Heap) => M;
  readonly run: (ctx: WorkloadContext, module: M) => void;
}): Variant {
  return v as Variant;
}

/**
 * What a workload is for: the mission's three questions, a memory tip (the `tips` suite and
 * scoreboard), a GC stress pattern, a canonical GC benchmark ported from elsewhere, or a user's
 * own (loaded from a module path).
 */
export type WorkloadGroup = 'mission' | 'tip' | 'stress' | 'canonical' | 'user';

/**
 * Where the simulation knowingly differs from the twin on a real interpreter, how far, and why
 * (the twin comparison test allows exactly this much; docs/workloads.md explains it).
 */
export interface TwinTolerance {
  /** Requested-bytes peak and probes: percent (default 1). */
  readonly peakPct?: number;
  /** Collections per generation: count (default 1). */
  readonly collections?: number;
  /**
   * Requested-bytes current: a bound in bytes, for a workload whose real figure is a few hundred
   * bytes, where 1 % is less than one object (default: within 1 % only).
   */
  readonly currentBytes?: number;
  readonly reason: string;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly group: WorkloadGroup;
  readonly variants: Readonly<Record<string, Variant>>;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Names the body may pass to `probe`. */
  readonly probes: readonly string[];
  /** Names the body may pass to `report` (default none). */
  readonly reports?: readonly string[];
  /** Parameters for the twin comparison test: small enough for CI (default: the defaults). */
  readonly testParams?: Params;
  readonly twinTolerance?: TwinTolerance;
  /**
   * The Python twin: a file in `workloads/python/` for a built-in (every built-in has one), a path
   * relative to the module for a user workload (optional there).
   */
  readonly twin?: string;
  /** A user workload's module (absolute path), set when it is loaded; built-ins have none. */
  readonly module?: string;
  /**
   * The start-up population is made after the set-up, topped up to the profile's count: a Python
   * program's module makes real tracked objects (its functions), which the real interpreter's
   * count of start-up objects includes.
   */
  readonly startupAfterSetup?: boolean;
  /**
   * How the twin runs on a real interpreter: `main` (default) runs the twin file, which calls
   * `twin.main`; `script` runs a plain script through `twin.py --script FILE`, which measures its
   * whole module body as the variant `main`.
   */
  readonly twinMode?: 'main' | 'script' | 'pyperf';
}

export function defineWorkload(w: Workload): Workload {
  return w;
}
