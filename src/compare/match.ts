/**
 * Pairs the results of two files by workload, variant, parameters and profile. Repetitions of one
 * spec pool their timing samples; their deterministic figures are the same by construction (the
 * first one's are used, and any that differ are counted). Across the files the configuration
 * (thresholds, gc setting, freeze point, seed, heap size, start-up objects) may differ, which is
 * the point of comparing a change of configuration. When a file holds several configurations of
 * one key (a tune sweep), the configuration is part of the key for both files: each point pairs
 * with the same point on the other side.
 */
import { UsageError } from '../core/errors.js';
import type { TaskRecord } from '../lab/coordinator.js';
import type { RunMetrics } from '../lab/measure.js';
import { DEFAULT_HEAP_MIB, DEFAULT_SEED, effectiveThresholds, type RunSpec } from '../lab/options.js';
import { deterministicFigures, METRICS, sameFigure } from './figures.js';

/** The results of one side: a name for messages (a path, a baseline) and its records. */
export interface ResultSet {
  readonly label: string;
  readonly records: readonly TaskRecord[];
}

export interface PooledResult {
  readonly key: string;
  readonly spec: RunSpec;
  readonly metrics: RunMetrics;
  /** Every timing sample of every repetition, ns; empty without timing. */
  readonly samples: readonly number[];
  readonly repetitions: number;
  /** Repetitions whose deterministic figures differ from the first one's (0 unless the model is not deterministic). */
  readonly disagreeing: number;
}

export interface IndexedResults {
  readonly label: string;
  readonly byKey: ReadonlyMap<string, PooledResult>;
  /** Keys of records that failed (no metrics), with their status. */
  readonly failed: readonly string[];
}

export interface MatchedPair {
  readonly key: string;
  readonly a: PooledResult;
  readonly b: PooledResult;
}

export interface Matching {
  readonly pairs: readonly MatchedPair[];
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  readonly failedA: readonly string[];
  readonly failedB: readonly string[];
}

type KeyFields = Pick<RunSpec, 'workload' | 'variant' | 'params' | 'profile'>;

/** What pairs two results: `workload/variant k=v … @profile` (parameters sorted by name). */
export function matchKey(spec: KeyFields): string {
  const params = Object.keys(spec.params)
    .sort()
    .map((k) => `${k}=${spec.params[k]}`)
    .join(' ');
  return `${spec.workload}/${spec.variant}${params ? ' ' + params : ''} @${spec.profile}`;
}

/** The rest of a spec: what may differ between the files but not within one under a key (configurations). */
function configuration(spec: RunSpec): Record<string, string> {
  return {
    threshold: effectiveThresholds(spec).join(','),
    gc: spec.gc,
    seed: String(spec.seed),
    'heap MiB': String(spec.heapMiB),
    'startup objects': spec.startupObjects === null ? 'default' : String(spec.startupObjects),
    // Absent from files written before the option existed.
    'freeze at': spec.freezeAt ?? 'none',
  };
}

/** What is not the default in a configuration, for qualified keys: the thresholds always, the rest when set. */
const CONFIGURATION_DEFAULTS: Readonly<Record<string, string>> = {
  gc: 'enabled',
  seed: String(DEFAULT_SEED),
  'heap MiB': String(DEFAULT_HEAP_MIB),
  'startup objects': 'default',
  'freeze at': 'none',
};

/** `workload/variant k=v @profile [threshold 700,10,10, freeze at tree]`: a key that tells configurations apart. */
export function qualifiedKey(spec: RunSpec): string {
  const config = Object.entries(configuration(spec))
    .filter(([k, v]) => CONFIGURATION_DEFAULTS[k] !== v)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${matchKey(spec)} [${config}]`;
}

/** Whether some key of the file has results in more than one configuration. */
function holdsSeveralConfigurations(set: ResultSet): boolean {
  const first = new Map<string, RunSpec>();
  for (const record of set.records) {
    const key = matchKey(record.spec);
    const seen = first.get(key);
    if (!seen) first.set(key, record.spec);
    else if (configurationDifference(seen, record.spec)) return true;
  }
  return false;
}

/** `threshold 700,10,10 vs 100,10,10` for the fields that differ; '' when none does. */
export function configurationDifference(x: RunSpec, y: RunSpec): string {
  const cx = configuration(x);
  const cy = configuration(y);
  return Object.keys(cx)
    .filter((k) => cx[k] !== cy[k])
    .map((k) => `${k} ${cx[k]} vs ${cy[k]}`)
    .join(', ');
}

/**
 * One side's results by key, repetitions pooled. Under plain keys two configurations of one key
 * are a UsageError; with `qualified` the configuration is part of the key.
 */
export function indexResults(set: ResultSet, qualified = false): IndexedResults {
  const keyOf = qualified ? qualifiedKey : matchKey;
  const groups = new Map<string, TaskRecord[]>();
  const failed: string[] = [];
  // In the order the tasks were planned (a results file holds them in the order they finished).
  for (const record of [...set.records].sort((x, y) => x.id - y.id)) {
    const key = keyOf(record.spec);
    if (record.status !== 'ok' || !record.metrics) {
      failed.push(`${key} (${record.status})`);
      continue;
    }
    const group = groups.get(key);
    if (!group) groups.set(key, [record]);
    else {
      const difference = configurationDifference(group[0].spec, record.spec);
      if (difference) {
        throw new UsageError(`${set.label} holds two configurations of ${key} (${difference})`);
      }
      group.push(record);
    }
  }
  const byKey = new Map<string, PooledResult>();
  for (const [key, group] of groups) byKey.set(key, pool(key, group));
  return { label: set.label, byKey, failed };
}

function pool(key: string, group: readonly TaskRecord[]): PooledResult {
  const first = group[0];
  const everything = new Set(METRICS);
  const reference = deterministicFigures(first.metrics!, everything);
  let disagreeing = 0;
  const samples: number[] = [];
  for (const record of group) {
    const figures = deterministicFigures(record.metrics!, everything);
    const same = figures.length === reference.length && figures.every((f, i) => f.name === reference[i].name && sameFigure(f.value, reference[i].value));
    if (!same) disagreeing++;
    if (record.time) for (let i = 0; i < record.time.values.length; i++) samples.push(record.time.values[i]);
  }
  return { key, spec: first.spec, metrics: first.metrics!, samples, repetitions: group.length, disagreeing };
}

/** Pairs A's results with B's; when none matches, that is bad input (a UsageError). */
export function matchResults(a: ResultSet, b: ResultSet): Matching {
  const qualified = holdsSeveralConfigurations(a) || holdsSeveralConfigurations(b);
  const ia = indexResults(a, qualified);
  const ib = indexResults(b, qualified);
  const pairs: MatchedPair[] = [];
  const onlyA: string[] = [];
  for (const [key, ra] of ia.byKey) {
    const rb = ib.byKey.get(key);
    if (rb) pairs.push({ key, a: ra, b: rb });
    else onlyA.push(key);
  }
  const onlyB = [...ib.byKey.keys()].filter((key) => !ia.byKey.has(key));
  if (pairs.length === 0) {
    const sizes = `${ia.byKey.size} and ${ib.byKey.size} successful results`;
    const by = qualified ? 'workload, variant, params, profile and configuration' : 'workload, variant, params and profile';
    throw new UsageError(`no result of ${a.label} matches one of ${b.label} by ${by} (${sizes})`);
  }
  return { pairs, onlyA, onlyB, failedA: ia.failed, failedB: ib.failed };
}
