/**
 * The options of a comparison (`gclab compare` and `gclab bench --baseline`), typed and resolved
 * once: which figures, the significance level, and the gates that decide the exit status.
 */
import { costModel, type CostModel } from '../lab/cost-model.js';
import { UsageError } from '../core/errors.js';
import { BYTE_METRICS, METRICS, parseMetrics, type MetricName } from './figures.js';
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from './stats.js';

export interface CompareOptions {
  readonly metrics: ReadonlySet<MetricName>;
  /** A timing change is flagged when its (Holm-adjusted) p-value is below this and its CI excludes 1. */
  readonly alpha: number;
  /** Trip when a pair is flagged slower with a ratio above 1 + pct/100. */
  readonly failIfSlowerPct: number | null;
  /** Trip when a byte figure of `biggerMetrics` grows by more than pct %. */
  readonly failIfBiggerPct: number | null;
  readonly biggerMetrics: ReadonlySet<MetricName>;
  /** Trip on any difference in a deterministic figure of `metrics`. */
  readonly failIfChanged: boolean;
  readonly bootstrap: BootstrapOptions;
  /** Prices both sides' modelled CPython time (the `cpython` figure), so a difference is one of work, not of models. */
  readonly costModel: CostModel;
}

/** The options as the command line gives them. */
export interface RawCompareOptions {
  metric?: string;
  alpha?: string;
  failIfSlower?: string;
  failIfBigger?: string;
  failIfChanged?: boolean;
  costModel?: string;
}

export const DEFAULT_ALPHA = 0.01;

/** A decimal number within [min, max] (a trailing % is allowed for percentages); `what` names it. */
export function parseNumber(value: string, what: string, min: number, max: number): number {
  const text = value.trim().replace(/%$/, '');
  const n = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${what} must be a number, got '${value}'`);
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function resolveCompareOptions(raw: RawCompareOptions): CompareOptions {
  const metrics = parseMetrics(raw.metric);
  const alpha = raw.alpha === undefined ? DEFAULT_ALPHA : parseNumber(raw.alpha, '--alpha', 1e-9, 0.5);
  const failIfSlowerPct = raw.failIfSlower === undefined ? null : parseNumber(raw.failIfSlower, '--fail-if-slower', 0, 10_000);
  const failIfBiggerPct = raw.failIfBigger === undefined ? null : parseNumber(raw.failIfBigger, '--fail-if-bigger', 0, 10_000);
  // Peak requested bytes unless --metric names the figures.
  const biggerMetrics = new Set<MetricName>(raw.metric === undefined ? ['peak'] : BYTE_METRICS.filter((m) => metrics.has(m)));
  if (failIfSlowerPct !== null && !metrics.has('time') && !metrics.has('cpython')) throw new UsageError(`--fail-if-slower needs 'time' or 'cpython' in --metric`);
  if (failIfBiggerPct !== null && biggerMetrics.size === 0) {
    throw new UsageError(`--fail-if-bigger needs a byte figure in --metric (${BYTE_METRICS.join(', ')})`);
  }
  const failIfChanged = raw.failIfChanged === true;
  if (failIfChanged && ![...metrics].some((m) => m !== 'time')) {
    throw new UsageError(`--fail-if-changed needs a deterministic figure in --metric (${METRICS.filter((m) => m !== 'time').join(', ')})`);
  }
  return { metrics, alpha, failIfSlowerPct, failIfBiggerPct, biggerMetrics, failIfChanged, bootstrap: DEFAULT_BOOTSTRAP, costModel: costModel(raw.costModel) };
}

/** Whether any gate is set (without one a comparison only reports). */
export function hasGates(o: CompareOptions): boolean {
  return o.failIfSlowerPct !== null || o.failIfBiggerPct !== null || o.failIfChanged;
}
