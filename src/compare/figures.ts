/**
 * What `gclab compare` compares: `time` (tinybench samples, wall clock, judged statistically) and
 * the deterministic figures of a run (the same spec always gives the same value), compared exactly;
 * among them `cpython`, the modelled CPython time, which both sides get from the same cost model
 * (diff.ts). Each `--metric` name selects a group of figures; pause times and reports in ns are
 * wall clock and noisy, so they are not compared.
 */
import { UsageError, unknownName } from '../core/errors.js';
import type { RunMetrics } from '../lab/measure.js';

export const METRICS = [
  'time',
  'cpython',
  'peak',
  'current',
  'arenas',
  'pools',
  'probes',
  'pages',
  'collections',
  'collected',
  'uncollectable',
  'visited',
  'objects',
  'reports',
] as const;

export type MetricName = (typeof METRICS)[number];

/** The metrics whose figures are bytes (what --fail-if-bigger gates). */
export const BYTE_METRICS: readonly MetricName[] = ['peak', 'current', 'arenas', 'probes'];

export type FigureKind = 'bytes' | 'count' | 'ns';

/** One deterministic figure of a run, e.g. `peak` or `collections[0]` or `probe:held`. */
export interface Figure {
  readonly name: string;
  readonly metric: MetricName;
  readonly kind: FigureKind;
  readonly value: number;
}

/** `--metric a,b,…`: names from METRICS; the default is all of them. */
export function parseMetrics(value: string | undefined): ReadonlySet<MetricName> {
  if (value === undefined) return new Set(METRICS);
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new UsageError(`--metric needs at least one name (${METRICS.join(', ')})`);
  return new Set(names.map((n) => ((METRICS as readonly string[]).includes(n) ? (n as MetricName) : unknownName('metric', n, METRICS))));
}

/** A report given in ns is a wall-clock time (e.g. churn_pause_max_ns), not a deterministic count. */
function isWallClockReport(name: string): boolean {
  return name.endsWith('_ns');
}

/**
 * The deterministic figures of a run in the selected metrics, in a fixed order. A figure a file
 * does not hold (one written before the figure existed) is left out, so it shows as missing.
 */
export function deterministicFigures(m: RunMetrics, metrics: ReadonlySet<MetricName>): Figure[] {
  const out: Figure[] = [];
  const add = (metric: MetricName, kind: FigureKind, name: string, value: number | undefined): void => {
    if (metrics.has(metric) && typeof value === 'number') out.push({ name, metric, kind, value });
  };
  const perGeneration = (metric: MetricName, values: readonly number[] | undefined): void =>
    (values ?? []).forEach((v, g) => add(metric, 'count', `${metric}[${g}]`, v));
  add('peak', 'bytes', 'peak', m.memory.requested.peak);
  add('current', 'bytes', 'current', m.memory.requested.current);
  add('arenas', 'bytes', 'arenas', m.memory.arenas.peak);
  add('pools', 'count', 'pools', m.memory.pools.peak);
  for (const [name, value] of Object.entries(m.memory.probes ?? {})) add('probes', 'bytes', `probe:${name}`, value);
  add('pages', 'count', 'pages', m.memory.pagesDirtied);
  perGeneration('collections', m.gc.collections);
  perGeneration('collected', m.gc.collected);
  perGeneration('uncollectable', m.gc.uncollectable);
  add('visited', 'count', 'visited', m.gc.visited);
  add('objects', 'count', 'objects.allocated', m.objects.allocated);
  add('objects', 'count', 'objects.freed', m.objects.freed);
  for (const [name, value] of Object.entries(m.reports ?? {})) if (!isWallClockReport(name)) add('reports', 'count', `report:${name}`, value);
  return out;
}

/** Equal as figures: NaN (a declared report never made) equals NaN. */
export function sameFigure(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
