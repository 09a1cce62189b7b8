/**
 * The options lab commands share, declared once: flags, help, default and accepted range. The CLI
 * builds its commander options from these entries, and the coordinator's options and the run spec
 * resolve values through them, so a default or a range is written here and nowhere else.
 */
import { DEFAULT_WORKERS } from './coordinator.js';
import { DEFAULT_GC, DEFAULT_HEAP_MIB, DEFAULT_PROFILE, DEFAULT_SEED, DEFAULT_TIMING, HEAP_MIB_RANGE, parseInteger, SEED_RANGE, STARTUP_OBJECTS_RANGE } from './options.js';
import { DEFAULT_RESULTS_DIR } from './store.js';
import { OBJECTIVES } from '../tune/front.js';

export interface OptionEntry {
  /** commander's flags, e.g. `-w, --workers <n>`. */
  readonly flags: string;
  readonly help: string;
  /** The default commander passes and --help shows; none when the help says what happens without it. */
  readonly default?: string;
  /** An integer option's accepted range. */
  readonly range?: readonly [number, number];
  /** Given several times, the values collect into a list. */
  readonly repeatable?: boolean;
}

export const OPTIONS = {
  profile: { flags: '-p, --profile <names>', help: `the profile to simulate (default: ${DEFAULT_PROFILE}); several, comma-separated` },
  threshold: { flags: '--threshold <a,b,c>', help: "gc.set_threshold(a, b, c) before the run (default: the profile's)" },
  gc: { flags: '--gc <setting>', help: "'enabled', or 'disabled' (gc.disable() during the body, one gc.collect() after)", default: DEFAULT_GC },
  seed: { flags: '--seed <n>', help: 'seed for workloads that draw random numbers', default: String(DEFAULT_SEED), range: SEED_RANGE },
  param: { flags: '--param <key=value>', help: 'a workload parameter (repeatable)', repeatable: true },
  heapMib: { flags: '--heap-mib <n>', help: `simulated address space per heap, MiB (${HEAP_MIB_RANGE.join('..')})`, default: String(DEFAULT_HEAP_MIB), range: HEAP_MIB_RANGE },
  startupObjects: { flags: '--startup-objects <n>', help: "long-lived tracked objects at start-up (default: the profile's measured figure)", range: STARTUP_OBJECTS_RANGE },
  freezeAt: { flags: '--freeze-at <probe>', help: "gc.freeze() right after the body's probe of this name (see 'gclab list')" },
  workers: { flags: '-w, --workers <n>', help: `worker threads (default: ${DEFAULT_WORKERS}, from the CPU count)`, range: [1, 64] },
  repeat: { flags: '-r, --repeat <n>', help: 'repetitions of each task', default: '1', range: [1, 1000] },
  timeout: { flags: '--timeout <seconds>', help: 'stop a task that runs longer than this', default: '600', range: [1, 86_400] },
  sampleInterval: { flags: '--sample-interval <ms>', help: 'live counter sampling interval; 0 turns it off', default: '20', range: [0, 60_000] },
  iterations: { flags: '--iterations <n>', help: 'minimum timed iterations per task (tinybench)', default: String(DEFAULT_TIMING.iterations), range: [1, 100_000] },
  time: { flags: '--time <ms>', help: 'minimum timing time per task (tinybench)', default: String(DEFAULT_TIMING.timeMs), range: [0, 3_600_000] },
  warmup: { flags: '--warmup <n>', help: 'warm-up iterations before timing', default: String(DEFAULT_TIMING.warmupIterations), range: [0, 10_000] },
  timing: { flags: '--no-timing', help: 'skip tinybench timing (the deterministic run only)' },
  resultsDir: { flags: '--results-dir <dir>', help: 'where results files go', default: DEFAULT_RESULTS_DIR },
  costModel: { flags: '--cost-model <file>', help: "the coefficients that price modelled CPython time (default: the shipped ones, fitted by 'gclab calibrate --fit')" },
  json: { flags: '--json', help: 'print JSON only (no tables, no animation)' },
  queue: { flags: '--queue <url>', help: "run the tasks as jobs on a shared queue (redis://HOST:PORT[/DB], rediss:// for TLS), taken by 'gclab worker' processes on any machine" },
  queueTimeout: { flags: '--queue-timeout <seconds>', help: 'with --queue: stop, keeping what finished, when the queue is unreachable this long', default: '60', range: [1, 86_400] },
  resume: { flags: '--resume <file>', help: "take up an interrupted results file (a path, a name or 'latest') of the same command line: keep its finished tasks, run the rest (with --queue: on its queue)" },
  suite: { flags: '-s, --suite <name>', help: "the suite (see 'gclab list')", default: 'default' },
  objective: { flags: '--objective <name>', help: `what the recommendation optimises: ${OBJECTIVES.join(', ')}`, default: 'throughput' },
} as const satisfies Record<string, OptionEntry>;

export type OptionName = keyof typeof OPTIONS;

/** The `--flag` an entry is named by in messages. */
export function longFlag(name: OptionName): string {
  return /--[a-z0-9-]+/.exec(OPTIONS[name].flags)![0].replace(/^--no-/, '--');
}

/** An integer option's value (its table default when not given), checked against its table range. */
export function integerOption(name: OptionName, value: string | number | undefined): number {
  const entry: OptionEntry = OPTIONS[name];
  const given = value ?? entry.default;
  if (given === undefined || entry.range === undefined) throw new Error(`option ${name} has no default or range in the table`);
  return parseInteger(given, longFlag(name), entry.range[0], entry.range[1]);
}
