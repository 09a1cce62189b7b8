/**
 * The options `run` and `bench` share, declared once on a commander command and resolved once
 * into the coordinator's typed options.
 */
import type { Command } from 'commander';
import { DEFAULT_WORKERS, type CoordinatorOptions } from '../../lab/coordinator.js';
import { DEFAULT_TIMING, parseInteger, resolveRunSpec, type RunSpec } from '../../lab/options.js';
import { DEFAULT_RESULTS_DIR } from '../../lab/store.js';

export interface RawLabOptions {
  profile?: string;
  threshold?: string;
  gc?: string;
  seed?: string;
  param?: string[];
  heapMib?: string;
  startupObjects?: string;
  freezeAt?: string;
  workers?: string;
  repeat?: string;
  timeout?: string;
  sampleInterval?: string;
  iterations?: string;
  time?: string;
  warmup?: string;
  timing?: boolean;
  resultsDir?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addLabOptions(cmd: Command, profileHelp: string): Command {
  return cmd
    .option('-p, --profile <names>', profileHelp)
    .option('--threshold <a,b,c>', 'gc.set_threshold(a, b, c) before the run (default: the profile\'s)')
    .option('--gc <setting>', "'enabled', or 'disabled' (gc.disable() during the body, one gc.collect() after)", 'enabled')
    .option('--seed <n>', 'seed for workloads that draw random numbers', '1')
    .option('--param <key=value>', 'a workload parameter (repeatable)', collect)
    .option('--heap-mib <n>', 'simulated address space per heap, MiB', '1024')
    .option('--startup-objects <n>', "long-lived tracked objects at start-up (default: the profile's measured figure)")
    .option('--freeze-at <probe>', "gc.freeze() right after the body's probe of this name (see 'gclab list')")
    .option('-w, --workers <n>', `worker threads (default: ${DEFAULT_WORKERS})`)
    .option('-r, --repeat <n>', 'repetitions of each task', '1')
    .option('--timeout <seconds>', 'stop a task that runs longer than this', '600')
    .option('--sample-interval <ms>', 'live counter sampling interval; 0 turns it off', '20')
    .option('--iterations <n>', 'minimum timed iterations per task (tinybench)', String(DEFAULT_TIMING.iterations))
    .option('--time <ms>', 'minimum timing time per task (tinybench)', String(DEFAULT_TIMING.timeMs))
    .option('--warmup <n>', 'warm-up iterations before timing', String(DEFAULT_TIMING.warmupIterations))
    .option('--no-timing', 'skip tinybench timing (the deterministic run only)')
    .option('--results-dir <dir>', 'where results files go', DEFAULT_RESULTS_DIR)
    .option('--json', 'print JSON only (no tables, no animation)');
}

export function resolveCoordinatorOptions(raw: RawLabOptions): CoordinatorOptions {
  return {
    workers: raw.workers === undefined ? DEFAULT_WORKERS : parseInteger(raw.workers, '--workers', 1, 64),
    sampleIntervalMs: parseInteger(raw.sampleInterval ?? '20', '--sample-interval', 0, 60_000),
    taskTimeoutMs: 1000 * parseInteger(raw.timeout ?? '600', '--timeout', 1, 86_400),
    timing:
      raw.timing === false
        ? null
        : {
            iterations: parseInteger(raw.iterations ?? String(DEFAULT_TIMING.iterations), '--iterations', 1, 100_000),
            timeMs: parseInteger(raw.time ?? String(DEFAULT_TIMING.timeMs), '--time', 0, 3_600_000),
            warmupIterations: parseInteger(raw.warmup ?? String(DEFAULT_TIMING.warmupIterations), '--warmup', 0, 10_000),
            warmupMs: DEFAULT_TIMING.warmupMs,
          },
  };
}

export function resolveRepeat(raw: RawLabOptions): number {
  return parseInteger(raw.repeat ?? '1', '--repeat', 1, 1000);
}

/** The RunSpec of one workload variant under the shared options (params: the given ones, then --param). */
export function specFromOptions(raw: RawLabOptions, workload: string, variant: string | undefined, profile: string | undefined, params: readonly string[] = []): RunSpec {
  return resolveRunSpec({
    workload,
    variant,
    params: [...params, ...(raw.param ?? [])],
    profile,
    threshold: raw.threshold,
    gc: raw.gc,
    seed: raw.seed,
    heapMiB: raw.heapMib,
    startupObjects: raw.startupObjects,
    freezeAt: raw.freezeAt,
  });
}

/**
 * The pool and timing options of commands that run tasks but set no GC options of their own
 * (tips, tune): workers, timeout, tinybench, results directory, --json. `timed` says what is timed.
 */
export function addPoolOptions(cmd: Command, timed: string): Command {
  return cmd
    .option('-w, --workers <n>', 'worker threads')
    .option('--timeout <seconds>', 'stop a run that takes longer than this', '600')
    .option('--iterations <n>', `minimum timed iterations${timed} (tinybench)`, String(DEFAULT_TIMING.iterations))
    .option('--time <ms>', `minimum timing time${timed} (tinybench)`, String(DEFAULT_TIMING.timeMs))
    .option('--warmup <n>', 'warm-up iterations before timing', String(DEFAULT_TIMING.warmupIterations))
    .option('--results-dir <dir>', 'where results files go', DEFAULT_RESULTS_DIR)
    .option('--json', 'print JSON only (no tables, no animation)');
}
