/**
 * The options `run`, `bench`, `tips` and `tune` share: commander options built from the lab's one
 * option table (src/lab/option-table.ts), and resolved once into the coordinator's typed options.
 */
import { Option, type Command } from 'commander';
import { DEFAULT_WORKERS, type CoordinatorOptions } from '../../lab/coordinator.js';
import { DEFAULT_TIMING, resolveRunSpec, type RunSpec } from '../../lab/options.js';
import { integerOption, OPTIONS, type OptionName } from '../../lab/option-table.js';
import { costModel } from '../../lab/cost-model.js';
import { queueAddress } from '../../lab/queue/bullmq-adapter.js';
import type { SessionPlace } from '../../lab/session.js';

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
  costModel?: string;
  json?: boolean;
  queue?: string;
  queueTimeout?: string;
  resume?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The table's entry as a commander option; `help` replaces the table's help where a command says more. */
export function tableOption(name: OptionName, help?: string): Option {
  const entry = OPTIONS[name];
  const option = new Option(entry.flags, help ?? entry.help);
  if ('default' in entry) option.default(entry.default);
  if ('repeatable' in entry) option.argParser(collect);
  return option;
}

/** Adds the named table options to a command. */
export function addTableOptions(cmd: Command, names: readonly OptionName[], help: Partial<Record<OptionName, string>> = {}): Command {
  for (const name of names) cmd.addOption(tableOption(name, help[name]));
  return cmd;
}

/** The options of a run's spec (what decides its counts). */
export const SPEC_OPTIONS: readonly OptionName[] = ['profile', 'threshold', 'gc', 'seed', 'param', 'heapMib', 'startupObjects', 'freezeAt'];
/** The options of the pool that runs the tasks, their timing and where results go. */
export const POOL_OPTIONS: readonly OptionName[] = ['workers', 'timeout', 'iterations', 'time', 'warmup', 'timing', 'resultsDir', 'costModel', 'queue', 'queueTimeout', 'resume', 'json'];

export function addLabOptions(cmd: Command, profileHelp: string): Command {
  return addTableOptions(cmd, [...SPEC_OPTIONS, 'repeat', 'sampleInterval', ...POOL_OPTIONS], { profile: profileHelp });
}

/**
 * The pool and timing options of commands that run tasks but set no GC options of their own
 * (tips, tune): workers, timeout, tinybench, --no-timing, results directory, --json. `timed` says what is timed.
 */
export function addPoolOptions(cmd: Command, timed: string): Command {
  return addTableOptions(cmd, POOL_OPTIONS, {
    timeout: 'stop a run that takes longer than this',
    iterations: `minimum timed iterations${timed} (tinybench)`,
    time: `minimum timing time${timed} (tinybench)`,
  });
}

export function resolveCoordinatorOptions(raw: RawLabOptions): CoordinatorOptions {
  return {
    workers: raw.workers === undefined ? DEFAULT_WORKERS : integerOption('workers', raw.workers),
    sampleIntervalMs: integerOption('sampleInterval', raw.sampleInterval),
    taskTimeoutMs: 1000 * integerOption('timeout', raw.timeout),
    costModel: costModel(raw.costModel),
    timing:
      raw.timing === false
        ? null
        : {
            iterations: integerOption('iterations', raw.iterations),
            timeMs: integerOption('time', raw.time),
            warmupIterations: integerOption('warmup', raw.warmup),
            warmupMs: DEFAULT_TIMING.warmupMs,
          },
  };
}

/** Where a session runs (--queue) and what it takes up (--resume), checked before anything runs. */
export function resolveSessionPlace(raw: RawLabOptions): SessionPlace {
  if (raw.queue !== undefined) queueAddress(raw.queue);
  return {
    ...(raw.queue !== undefined ? { queue: { url: raw.queue, lostAfterMs: 1000 * integerOption('queueTimeout', raw.queueTimeout) } } : {}),
    ...(raw.resume !== undefined ? { resume: raw.resume } : {}),
  };
}

/** Where the tasks run, for a command's header line: "4 workers", or "the queue redis://host:port". */
export function whereLabel(raw: RawLabOptions, coordinator: CoordinatorOptions): string {
  return raw.queue !== undefined ? `the queue ${queueAddress(raw.queue).shown}` : `${coordinator.workers} workers`;
}

export function resolveRepeat(raw: RawLabOptions): number {
  return integerOption('repeat', raw.repeat);
}

/** Where results files go: the option, or the table's default. */
export function resultsDirOf(raw: Pick<RawLabOptions, 'resultsDir'>): string {
  return raw.resultsDir ?? OPTIONS.resultsDir.default;
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
