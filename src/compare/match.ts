/**
 * Pairs the results of two files by workload, variant, parameters and profile. Repetitions of one
 * spec pool their timing samples; their deterministic figures are the same by construction (the
 * first one's are used, and any that differ are counted). Within one file a key must have one
 * configuration (thresholds, gc setting, freeze point, seed, heap size, start-up objects): two are
 * ambiguous.
 * Across the files they may differ, which is the point of comparing a change of configuration.
 */
import { UsageError } from '../cli/errors.js';
import type { TaskRecord } from '../lab/coordinator.js';
import type { RunMetrics } from '../lab/measure.js';
import { effectiveThresholds, type RunSpec } from '../lab/options.js';
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

/** `threshold 700,10,10 vs 100,10,10` for the fields that differ; '' when none does. */
export function configurationDifference(x: RunSpec, y: RunSpec): string {
  const cx = configuration(x);
  const cy = configuration(y);
  return Object.keys(cx)
    .filter((k) => cx[k] !== cy[k])
    .map((k) => `${k} ${cx[k]} vs ${cy[k]}`)
    .join(', ');
}

/** One side's results by key, repetitions pooled; two configurations under one key are a UsageError. */
export function indexResults(set: ResultSet): IndexedResults {
  const groups = new Map<string, TaskRecord[]>();
  const failed: string[] = [];
  // In the order the tasks were planned (a results file holds them in the order they finished).
  for (const record of [...set.records].sort((x, y) => x.id - y.id)) {
    const key = matchKey(record.spec);
    if (record.status !== 'ok' || !record.metrics) {
      failed.push(`${key} (${record.status})`);
      continue;
    }
    const group = groups.get(key);
    if (!group) groups.set(key, [record]);
    else {
      const difference = configurationDifference(group[0].spec, record.spec);
      if (difference) {
        throw new UsageError(`${set.label} holds two configurations of ${key} (${difference}); compare files with one configuration each`);
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
  const ia = indexResults(a);
  const ib = indexResults(b);
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
    throw new UsageError(`no result of ${a.label} matches one of ${b.label} by workload, variant, params and profile (${sizes})`);
  }
  return { pairs, onlyA, onlyB, failedA: ia.failed, failedB: ib.failed };
}
