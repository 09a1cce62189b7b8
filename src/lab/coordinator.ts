/**
 * The coordinator: spreads tasks over a Piscina pool (one heap per task, in its worker's own
 * SharedArrayBuffer), samples every running task's live counters into a time series, enforces a
 * per-task timeout, survives workers that die, and stops cleanly when cancelled. Each finished
 * task becomes a `TaskRecord` handed to `onRecord` at once, so nothing measured is lost.
 */
import { modelledTime, type CostModel, type CpythonTime } from './cost-model.js';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { readLiveCounters } from '../heap/stats.js';
import type { RunMetrics } from './measure.js';
import { runMemory } from './measure.js';
import type { RunSpec, TimingOptions } from './options.js';
import { StatusCell, TaskPhase, type FailureKind, type HeapTask, type TaskOutcome, type TimeStats } from './protocol.js';

/** Counters sampled from a running task's heap, one column each. */
export const TELEMETRY_COLUMNS = [
  'requestedCurrent',
  'arenasInUse',
  'poolsInUse',
  'gcHeapSize',
  'gcCollections0',
  'gcCollections1',
  'gcCollections2',
  'objectsAllocated',
  // Published by the deterministic run's instruments (measure.ts); absent from older results files.
  'gcGen0Size',
  'gcGen1Size',
  'gcGen2Size',
  'gcPermanentSize',
] as const;

export type TelemetryColumn = (typeof TELEMETRY_COLUMNS)[number];

/**
 * A time series of the deterministic run's live counters: `t` in ms since its first sample, then
 * one column per counter (a results file made before a column was added lacks it).
 */
export interface Telemetry {
  readonly intervalMs: number;
  readonly t: Float64Array;
  readonly columns: Readonly<Partial<Record<(typeof TELEMETRY_COLUMNS)[number], Float64Array>>>;
}

export interface TaskPlan {
  readonly spec: RunSpec;
  readonly repetition: number;
  /** Timing for this task, overriding the coordinator's (null: the deterministic run only). */
  readonly timing?: TimingOptions | null;
}

export interface TaskRecord {
  readonly id: number;
  readonly spec: RunSpec;
  readonly repetition: number;
  readonly status: 'ok' | FailureKind;
  readonly error?: string;
  /** What a failed Python program printed before it failed (an ok record's output is in its metrics). */
  readonly output?: readonly string[];
  readonly metrics?: RunMetrics;
  readonly time?: TimeStats | null;
  readonly telemetry?: Telemetry;
  readonly wallMs: number;
  /** The deterministic run's modelled CPython time (src/lab/cost-model.ts); absent where its work is not counted or no model priced it. */
  readonly cpythonTime?: CpythonTime;
}

export interface CoordinatorOptions {
  readonly workers: number;
  /** Live sampling interval; 0 turns sampling off. */
  readonly sampleIntervalMs: number;
  /** A task running longer is stopped (its worker is terminated) and recorded as a timeout. */
  readonly taskTimeoutMs: number;
  readonly timing: TimingOptions | null;
  /** Prices each ok record's modelled CPython time (none: records carry none). */
  readonly costModel?: CostModel;
}

/** What the progress display reads. */
export interface RunningTask {
  readonly id: number;
  readonly spec: RunSpec;
  readonly startedAt: number;
  /** Where it runs, when not on this machine's pool (a queue worker's name). */
  readonly where?: string;
  phase(): TaskPhase;
  progress(): number;
  iterations(): number;
  /** Requested bytes now, from the latest sample of its deterministic run (undefined before one). */
  requested(): number | undefined;
}

/** An ok record with its modelled CPython time (none without a model, or where its work is not counted). */
export function priced(record: TaskRecord, model: CostModel | undefined): TaskRecord {
  if (model === undefined || record.metrics === undefined) return record;
  const cpythonTime = modelledTime(record.metrics, record.spec.profile, model);
  return cpythonTime ? { ...record, cpythonTime } : record;
}

export const DEFAULT_WORKERS = Math.max(1, Math.min(availableParallelism(), 8));

function workerEntry(): { filename: string; execArgv: string[] } {
  // From dist/ the worker is plain JS; from sources (tests, tsx) it needs tsx's loader.
  const fromSources = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`../../workers/heap-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  return { filename, execArgv: fromSources ? ['--import', 'tsx'] : [] };
}

interface Sampler {
  readonly memory: SharedArrayBuffer;
  readonly status: Int32Array;
  /** When the first sample of the deterministic run was taken (-1: not yet); `t` counts from it. */
  measuringSince: number;
  readonly t: number[];
  readonly columns: number[][];
}

/** A task with the id it is known by in its session (and on a queue). */
export interface PlannedTask {
  readonly id: number;
  readonly plan: TaskPlan;
}

/**
 * What a session runs its tasks on: the local Piscina pool (`Coordinator`) or a shared queue
 * (`QueueCoordinator`, src/lab/queue/). Both give the same records for the same tasks.
 */
export interface TaskRunner {
  /** The tasks running now, for the progress display. */
  readonly running: ReadonlyMap<number, RunningTask>;
  runTasks(tasks: readonly PlannedTask[], onRecord: (record: TaskRecord) => void): Promise<TaskRecord[]>;
  /** Stops: running tasks are stopped or handed back, the rest are recorded as cancelled. */
  cancel(): void;
  /** Frees the pool or the queue connection; `completed` says whether the session ran to its end. */
  close(completed?: boolean): Promise<void>;
  /** A line about where the tasks run (shown under the progress), or null. */
  status?(): string | null;
  /** Why it stopped on its own (a queue unreachable for too long), or null. */
  readonly stopped?: string | null;
}

export class Coordinator implements TaskRunner {
  private readonly pool: Piscina;
  readonly running = new Map<number, RunningTask>();
  private readonly samplers = new Map<number, Sampler>();
  private readonly aborts = new Map<number, AbortController>();
  private cancelled = false;
  private timer: NodeJS.Timeout | undefined;
  /** Task ids run on across calls of `run`, so a session of several batches has unique ids. */
  private nextId = 0;
  /** `runTasks` calls under way (the sampling timer runs while there is one). */
  private activeRuns = 0;
  /** Time the coordinator's thread has spent taking samples (ms), for the sampling-cost benchmark. */
  samplingMs = 0;

  constructor(readonly options: CoordinatorOptions) {
    const entry = workerEntry();
    this.pool = new Piscina({
      filename: entry.filename,
      execArgv: entry.execArgv,
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: 60_000,
    });
  }

  /** Runs every task (at most `workers` at once); calls `onRecord` as each finishes. */
  async run(plans: readonly TaskPlan[], onRecord: (record: TaskRecord) => void): Promise<TaskRecord[]> {
    const firstId = this.nextId;
    this.nextId += plans.length;
    return this.runTasks(plans.map((plan, i) => ({ id: firstId + i, plan })), onRecord);
  }

  /**
   * Runs tasks whose ids the caller chose (a resumed session keeps its ids); several calls may run
   * at once on one pool (a queue worker runs each job as one).
   */
  async runTasks(tasks: readonly PlannedTask[], onRecord: (record: TaskRecord) => void): Promise<TaskRecord[]> {
    const records: TaskRecord[] = [];
    this.startSampling();
    // One lane per worker, so a task is submitted only when a worker is free for it: its clock,
    // timeout and heap memory start when it really starts.
    let next = 0;
    for (const t of tasks) this.nextId = Math.max(this.nextId, t.id + 1);
    const lane = async (): Promise<void> => {
      while (next < tasks.length) {
        const { id, plan } = tasks[next++];
        const record = await this.runOne(id, plan);
        records.push(record);
        onRecord(record);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.options.workers, tasks.length) }, lane));
    } finally {
      this.stopSampling();
    }
    return records.sort((a, b) => a.id - b.id);
  }

  /** The sampling timer runs while any `runTasks` call does. */
  private startSampling(): void {
    if (this.activeRuns++ === 0 && this.options.sampleIntervalMs > 0) {
      this.timer = setInterval(() => this.sample(), this.options.sampleIntervalMs);
    }
  }

  private stopSampling(): void {
    if (--this.activeRuns === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops everything: running tasks are aborted, queued ones are recorded as cancelled. */
  cancel(): void {
    this.cancelled = true;
    for (const a of this.aborts.values()) a.abort(new Error('cancelled'));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pool.destroy();
  }

  private async runOne(id: number, plan: TaskPlan): Promise<TaskRecord> {
    const { spec, repetition } = plan;
    const timing = plan.timing !== undefined ? plan.timing : this.options.timing;
    if (this.cancelled) return { id, spec, repetition, status: 'cancelled', error: 'cancelled before it started', wallMs: 0 };
    const memory = runMemory(spec);
    const statusBuffer = new SharedArrayBuffer(StatusCell.COUNT * 4);
    const status = new Int32Array(statusBuffer);
    const task: HeapTask = { id, spec, repetition, timing, memory, status: statusBuffer };
    const abort = new AbortController();
    this.aborts.set(id, abort);
    const started = performance.now();
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      abort.abort(new Error('timeout'));
    }, this.options.taskTimeoutMs);
    this.samplers.set(id, { memory, status, measuringSince: -1, t: [], columns: TELEMETRY_COLUMNS.map(() => []) });
    this.running.set(id, {
      id,
      spec,
      startedAt: started,
      phase: () => Atomics.load(status, StatusCell.Phase) as TaskPhase,
      progress: () => Atomics.load(status, StatusCell.ProgressPpm) / 1e6,
      iterations: () => Atomics.load(status, StatusCell.Iterations),
      requested: () => this.latestCounters(id)?.requestedCurrent,
    });
    let outcome: TaskOutcome;
    try {
      outcome = (await this.pool.run(task, { signal: abort.signal })) as TaskOutcome;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (timedOut) outcome = { ok: false, kind: 'timeout', message: `stopped after ${this.options.taskTimeoutMs} ms (--timeout)` };
      else if (this.cancelled) outcome = { ok: false, kind: 'cancelled', message: 'cancelled while running' };
      else outcome = { ok: false, kind: 'worker-died', message: `worker died: ${message}` };
    } finally {
      clearTimeout(timeout);
      this.aborts.delete(id);
      this.running.delete(id);
    }
    this.sampleOne(id);
    const telemetry = this.finishTelemetry(id);
    const wallMs = performance.now() - started;
    if (outcome.ok) return priced({ id, spec, repetition, status: 'ok', metrics: outcome.metrics, time: outcome.time, telemetry, wallMs }, this.options.costModel);
    const output = outcome.output ? { output: outcome.output } : {};
    return { id, spec, repetition, status: outcome.kind, error: outcome.message, ...output, telemetry, wallMs };
  }

  /** A running task's latest sampled live counters (its deterministic run), or undefined before its first sample. */
  latestCounters(id: number): Partial<Record<TelemetryColumn, number>> | undefined {
    const s = this.samplers.get(id);
    if (!s || s.t.length === 0) return undefined;
    const latest: Partial<Record<TelemetryColumn, number>> = {};
    TELEMETRY_COLUMNS.forEach((name, i) => (latest[name] = s.columns[i][s.columns[i].length - 1]));
    return latest;
  }

  private sample(): void {
    const t0 = performance.now();
    for (const id of this.samplers.keys()) this.sampleOne(id);
    this.samplingMs += performance.now() - t0;
  }

  private sampleOne(id: number): void {
    const s = this.samplers.get(id);
    if (!s) return;
    // Only the deterministic run's heap is sampled, and it starts after the timed iterations.
    const phase = Atomics.load(s.status, StatusCell.Phase) as TaskPhase;
    if (phase !== TaskPhase.Measuring && phase !== TaskPhase.Done) return;
    const live = readLiveCounters(s.memory);
    if (!live) return;
    const now = performance.now();
    if (s.measuringSince < 0) s.measuringSince = now;
    s.t.push(now - s.measuringSince);
    TELEMETRY_COLUMNS.forEach((name, i) => s.columns[i].push(live[name]));
  }

  private finishTelemetry(id: number): Telemetry | undefined {
    const s = this.samplers.get(id);
    this.samplers.delete(id);
    if (!s || this.options.sampleIntervalMs <= 0) return undefined;
    const columns = {} as Record<(typeof TELEMETRY_COLUMNS)[number], Float64Array>;
    TELEMETRY_COLUMNS.forEach((name, i) => (columns[name] = Float64Array.from(s.columns[i])));
    return { intervalMs: this.options.sampleIntervalMs, t: Float64Array.from(s.t), columns };
  }
}
