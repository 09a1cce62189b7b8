/**
 * A task record as one plain object (what `gclab run --json` prints and `results export` writes):
 * provenance of the run, memory, GC and time figures; ns and bytes throughout.
 */
import type { CpythonTime } from './cost-model.js';
import { formatBytes, formatNs } from '../core/units.js';
import type { TaskRecord } from './coordinator.js';
import { PROBE_NOT_REACHED } from './measure.js';
import { medianInterval } from '../core/median-interval.js';

export interface ResultSummary {
  readonly workload: string;
  readonly variant: string;
  readonly params: Readonly<Record<string, number>>;
  readonly profile: string;
  /** The probe after which the run called `gc.freeze()` (null: none). */
  readonly freezeAt: string | null;
  readonly seed: number;
  readonly repetition: number;
  readonly status: string;
  readonly error?: string;
  readonly gc?: {
    readonly thresholds: readonly number[];
    readonly enabled: boolean;
    readonly collections: readonly number[];
    readonly collected: readonly number[];
    readonly uncollectable: readonly number[];
    readonly visited: number;
    readonly pauses: { count: number; p50: number; p90: number; p99: number; max: number; total: number };
  };
  readonly memory?: {
    readonly requested: { current: number; peak: number };
    /** Bytes at each probe; null for a declared probe the body never reached. */
    readonly probes: Readonly<Record<string, number | null>>;
    readonly arenas: { peak: number; current: number };
    readonly pools: { peak: number; current: number };
    readonly pagesDirtied: number;
  };
  readonly objects?: { allocated: number; freed: number };
  readonly reports?: Readonly<Record<string, number>>;
  /** What a Python program printed in the deterministic run, up to its failure if it failed (absent when it printed nothing). */
  readonly output?: readonly string[];
  /** The simulator's own time (tinybench): the lab's performance, not CPython's. */
  readonly time?: { samples: number; mean: number; median: number; p99: number; min: number; max: number; sd: number; rme: number } | null;
  /** Modelled CPython time (src/lab/cost-model.ts): deterministic; null where the run's work is not counted. */
  readonly cpythonTime?: CpythonTime | null;
}

export function summarise(record: TaskRecord): ResultSummary {
  const { spec, metrics } = record;
  const base = {
    workload: spec.workload,
    variant: spec.variant,
    params: spec.params,
    profile: spec.profile,
    freezeAt: spec.freezeAt,
    seed: spec.seed,
    repetition: record.repetition,
    status: record.status,
  };
  if (!metrics) return { ...base, error: record.error, ...(record.output ? { output: record.output } : {}) };
  let time: ResultSummary['time'] = null;
  if (record.time) {
    const { samples, mean, median, p99, min, max, sd, rme } = record.time;
    time = { samples, mean, median, p99, min, max, sd, rme };
  }
  return {
    ...base,
    gc: {
      thresholds: metrics.gc.thresholds,
      enabled: metrics.gc.enabled,
      collections: metrics.gc.collections,
      collected: metrics.gc.collected,
      uncollectable: metrics.gc.uncollectable,
      visited: metrics.gc.visited,
      pauses: metrics.gc.pauses,
    },
    memory: {
      requested: metrics.memory.requested,
      probes: probesJson(metrics.memory.probes),
      arenas: metrics.memory.arenas,
      pools: metrics.memory.pools,
      pagesDirtied: metrics.memory.pagesDirtied,
    },
    objects: metrics.objects,
    reports: metrics.reports,
    ...(metrics.output ? { output: metrics.output } : {}),
    time,
    cpythonTime: record.cpythonTime ?? null,
  };
}

/** The summary table's columns (the CLI's bench summary and the suite report's table). */
export const SUMMARY_HEADER = ['workload/variant', 'profile', 'CPython time', 'max pause', 'peak req.', 'per item', 'gc runs', 'sim time'] as const;
export const SUMMARY_ALIGN = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'] as const;

/** What the summary's columns mean, for a legend under the table. */
export const SUMMARY_LEGEND =
  "CPython time (the collector's share of it in brackets) and max pause: modelled CPython time, the run's counted work priced by " +
  "the cost model (deterministic; 'gclab calibrate --fit' states its accuracy), '-' where it is not modelled or no " +
  "collection ran; per item: the first probe's bytes over n where the workload has both, else the peak's; " +
  "gc runs: collections of generations 0/1/2; sim time: the simulator's own median time (tinybench), not CPython's.";

/** A task's cells in the summary table (SUMMARY_HEADER), its run named `name`. */
export function summaryCells(r: TaskRecord, name: string): string[] {
  if (!r.metrics) return [name, r.spec.profile, r.status, '', '', '', '', ''];
  const m = r.metrics;
  const item = perItem(r);
  const c = r.cpythonTime;
  return [
    name,
    r.spec.profile,
    c ? `${formatNs(c.totalNs)} (${c.totalNs > 0 ? Math.round((100 * c.gcNs) / c.totalNs) : 0}%)` : '-',
    c && m.gc.pauses.count > 0 ? formatNs(c.pausesNs.max) : '-',
    formatBytes(m.memory.requested.peak),
    item === null ? '-' : formatBytes(item.bytes),
    m.gc.collections.join('/'),
    r.time ? formatNs(r.time.median) : '-',
  ];
}

/** `-12/+31%`: the median's interval as percentages below and above it. */
export function intervalText(samples: ArrayLike<number>, median: number): string {
  if (samples.length < 2 || median <= 0) return '-';
  const [low, high] = medianInterval(samples);
  return `-${Math.round((100 * (median - low)) / median)}/+${Math.round((100 * (high - median)) / median)}%`;
}

/**
 * Bytes per item: the run's first probe over its parameter n (what a probe like "held" measures
 * per instance), else its peak over n; null without an n.
 */
export function perItem(r: TaskRecord): { readonly bytes: number; readonly basis: string } | null {
  const n = r.spec.params.n;
  if (!r.metrics || n === undefined || n <= 0) return null;
  const probe = Object.entries(r.metrics.memory.probes)[0];
  if (probe !== undefined && probe[1] !== PROBE_NOT_REACHED) return { bytes: probe[1] / n, basis: `${probe[0]}/n` };
  return { bytes: r.metrics.memory.requested.peak / n, basis: 'peak/n' };
}

/** A probe's bytes as people read them, or that the body never reached it. */
export function probeText(bytes: number): string {
  return bytes === PROBE_NOT_REACHED ? 'not reached' : formatBytes(bytes);
}

/** Probes for JSON: a probe never reached is null, not a byte count. */
export function probesJson(probes: Readonly<Record<string, number>>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(probes).map(([name, bytes]) => [name, bytes === PROBE_NOT_REACHED ? null : bytes]));
}

/** A record's modelled CPython time as display fields, or why it has none. */
export function cpythonTimeFields(r: TaskRecord): string[] {
  const c = r.cpythonTime;
  if (c === undefined) {
    if (!r.metrics) return [];
    return [r.metrics.work === undefined ? "not modelled: a TypeScript body's operations are not counted" : `not modelled: the cost model has no coefficients for ${r.spec.profile}`];
  }
  const share = c.totalNs > 0 ? ((100 * c.gcNs) / c.totalNs).toFixed(1) : '0.0';
  const collected = r.metrics !== undefined && r.metrics.gc.pauses.count > 0;
  return [
    `${formatNs(c.totalNs)} modelled`,
    `mutator ${formatNs(c.mutatorNs)}`,
    collected ? `GC ${formatNs(c.gcNs)} (${share} %)` : 'GC none',
    ...(collected ? [`pauses p50 ${formatNs(c.pausesNs.p50)}, max ${formatNs(c.pausesNs.max)}`] : []),
    `model ${c.model}`,
  ];
}
