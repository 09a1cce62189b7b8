/**
 * The coordinator–worker protocol: the task a Piscina worker receives and the outcome it returns.
 * Both sides import this file and nothing else of each other.
 */
import type { RunMetrics } from './measure.js';
import type { RunSpec, TimingOptions } from './options.js';

/** Cells of a task's status buffer (an Int32Array over `HeapTask.status`). */
export const enum StatusCell {
  /** A `TaskPhase`. */
  Phase = 0,
  /** Progress of the deterministic run, in millionths. */
  ProgressPpm = 1,
  /** Timed iterations done. */
  Iterations = 2,
  COUNT = 4,
}

export const enum TaskPhase {
  Starting = 0,
  Measuring = 1,
  Timing = 2,
  Done = 3,
}

export interface HeapTask {
  readonly id: number;
  readonly spec: RunSpec;
  readonly repetition: number;
  /** tinybench settings, or null to skip timing (the deterministic run only). */
  readonly timing: TimingOptions | null;
  /** The deterministic run's heap memory, allocated by the coordinator so it can sample it. */
  readonly memory: SharedArrayBuffer;
  /** `StatusCell.COUNT` Int32 cells the worker writes as it goes. */
  readonly status: SharedArrayBuffer;
}

/** tinybench's statistics of the body, in ns. */
export interface TimeStats {
  readonly samples: number;
  readonly mean: number;
  readonly median: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly sd: number;
  /** Relative margin of error, percent. */
  readonly rme: number;
  /** Every sample, in ns (for comparisons). */
  readonly values: Float64Array;
}

export type FailureKind = 'heap-exhausted' | 'workload-error' | 'timeout' | 'worker-died' | 'cancelled';

export type TaskOutcome =
  | { readonly ok: true; readonly metrics: RunMetrics; readonly time: TimeStats | null }
  | {
      readonly ok: false;
      readonly kind: FailureKind;
      readonly message: string;
      /** What the program printed before it failed (a Python program's measured run). */
      readonly output?: readonly string[];
    };
