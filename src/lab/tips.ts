/**
 * A memory tip as gclab measures it: the advice, the workload and the two variants that run
 * without and with it, and the one figure that matters for it. `gclab tips` runs every tip's two
 * variants per profile and prints the figure for each, with the effect as a ratio.
 */
import type { CpythonTime } from './cost-model.js';
import type { TaskRecord } from './coordinator.js';
import { formatBytes, formatCount, formatNs, formatRatio } from '../core/units.js';
import { PROBE_NOT_REACHED, type RunMetrics } from './measure.js';
import type { TimeStats } from './protocol.js';
import type { Params } from './workload.js';

/**
 * The figure a tip is judged by:
 *   bytes-per-item  probe `probe` divided by parameter `per` (e.g. bytes per instance while held)
 *   peak            tracemalloc's peak over the body
 *   retained        tracemalloc's current at the end of the body
 *   pause-p99       99th percentile GC pause
 *   pages-dirtied   4 KiB pages written after the body's fork point
 *   collections     collections of all generations
 *   objects         objects allocated
 *   time            the body's mean time (tinybench; a deterministic run's time when not timed)
 *   most-visited    the most objects one collection examined after probe `after` ("max obj"): the work of
 *                   the longest pause of that phase, machine-independent (CPython does not
 *                   expose it, the simulation's pause log does)
 *   report          a figure the body reported with ctx.report (name in `report`)
 * Lower is better for every one of them.
 */
export type TipMetric =
  | { readonly kind: 'bytes-per-item'; readonly probe: string; readonly per: string }
  | { readonly kind: 'most-visited'; readonly after: string }
  | { readonly kind: 'peak' | 'retained' | 'pause-p99' | 'pages-dirtied' | 'collections' | 'objects' | 'time' }
  | { readonly kind: 'report'; readonly report: string; readonly unit: 'bytes' | 'count' | 'ns' };

export interface Tip {
  /** Short name, e.g. "use __slots__". */
  readonly name: string;
  /** The advice as users hear it. */
  readonly advice: string;
  readonly workload: string;
  /** The variant that ignores the advice, and the one that follows it. */
  readonly without: string;
  readonly with: string;
  /** Parameters for both runs (the workload's defaults otherwise). */
  readonly params?: Params;
  readonly metric: TipMetric;
}

/** How a tip's figure is printed. */
export type TipUnit = 'bytes' | 'count' | 'ns';

export function tipUnit(metric: TipMetric): TipUnit {
  switch (metric.kind) {
    case 'bytes-per-item':
    case 'peak':
    case 'retained':
      return 'bytes';
    case 'pause-p99':
    case 'time':
      return 'ns';
    case 'report':
      return metric.unit;
    default:
      return 'count';
  }
}

/** The tip's figure from a finished record (NaN if it failed). */
export function recordTipFigure(metric: TipMetric, record: TaskRecord | undefined): number {
  return record?.metrics ? tipFigure(metric, record.metrics, record.spec.params, record.time, record.cpythonTime) : Number.NaN;
}

/**
 * The tip's figure from one run's metrics. A time is modelled CPython time where the run has one
 * (deterministic), else the simulator's mean when it was timed, else its deterministic run's.
 */
export function tipFigure(metric: TipMetric, metrics: RunMetrics, params: Params, time?: TimeStats | null, cpythonTime?: CpythonTime): number {
  switch (metric.kind) {
    case 'bytes-per-item':
      // A probe the body never reached has no figure (NaN), not a negative one.
      return metrics.memory.probes[metric.probe] === PROBE_NOT_REACHED ? Number.NaN : metrics.memory.probes[metric.probe] / params[metric.per];
    case 'peak':
      return metrics.memory.requested.peak;
    case 'retained':
      return metrics.memory.requested.current;
    case 'pause-p99':
      return cpythonTime ? cpythonTime.pausesNs.p99 : metrics.gc.pauses.p99;
    case 'pages-dirtied':
      return metrics.memory.pagesDirtied;
    case 'collections':
      return metrics.gc.collections.reduce((a, b) => a + b, 0);
    case 'objects':
      return metrics.objects.allocated;
    case 'time':
      return cpythonTime ? cpythonTime.totalNs : time ? time.mean : metrics.bodyNs;
    case 'most-visited': {
      const from = metrics.gc.pausesBeforeProbe?.[metric.after];
      if (from === undefined) return Number.NaN;
      let most = 0;
      for (let i = from; i < metrics.gc.pauseVisited.length; i++) most = Math.max(most, metrics.gc.pauseVisited[i]);
      return most;
    }
    case 'report':
      return metrics.reports[metric.report];
  }
}

/** One scoreboard row: a tip's figure without and with it, on one profile. */
export interface TipScore {
  readonly tip: Tip;
  readonly profile: string;
  /** NaN where a run failed. */
  readonly without: number;
  readonly with: number;
  /** with / without (lower is better). */
  readonly ratio: number;
  /** (with - without) / without, percent. */
  readonly effectPct: number;
}

/** The two measured figures of a tip, compared. */
export function scoreTip(tip: Tip, profile: string, without: number, withTip: number): TipScore {
  const ratio = without === 0 ? (withTip === 0 ? 1 : Number.POSITIVE_INFINITY) : withTip / without;
  return { tip, profile, without, with: withTip, ratio, effectPct: (ratio - 1) * 100 };
}

// ---- a score as table cells: the terminal, Markdown and the report print the same text ----------

/** The figure's name as the scoreboard prints it. */
export function metricLabel(metric: TipMetric): string {
  switch (metric.kind) {
    case 'bytes-per-item':
      return `${metric.probe} bytes/${metric.per}`;
    case 'most-visited':
      return `max obj after ${metric.after}`;
    case 'report':
      return metric.report;
    default:
      return metric.kind;
  }
}

export function formatFigure(value: number, metric: TipMetric): string {
  if (Number.isNaN(value)) return 'failed';
  switch (tipUnit(metric)) {
    case 'bytes':
      return formatBytes(value);
    case 'ns':
      return formatNs(value);
    default:
      return formatCount(value);
  }
}

/** A tip's row in the scoreboard's Markdown and report tables (its runs named in full). */
export function scoreCells(s: TipScore): string[] {
  return [
    s.tip.name,
    metricLabel(s.tip.metric),
    s.profile,
    formatFigure(s.without, s.tip.metric),
    formatFigure(s.with, s.tip.metric),
    effectText(s),
    `${s.tip.workload}: ${s.tip.without} → ${s.tip.with}`,
  ];
}

export function effectText(s: TipScore): string {
  return Number.isFinite(s.ratio) ? `${s.effectPct > 0 ? '+' : ''}${s.effectPct.toFixed(1)}% (${formatRatio(s.ratio)})` : '-';
}
