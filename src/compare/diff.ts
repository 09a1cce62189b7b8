/**
 * A comparison of two sets of results, pair by pair: the timing effect (ratio of medians B/A with
 * its bootstrap CI, the Mann-Whitney p-value, whether it is flagged), the deterministic figures
 * that differ (exactly), the geometric means over the suite, and the gates that tripped.
 *
 * Many pairs are tested at once, so the p-values are Holm-adjusted over the timed pairs: at
 * alpha = 0.01 two runs of the same suite then flag something in at most 1 % of comparisons,
 * however many pairs it has (unadjusted, a 14-pair suite would in about 13 %).
 */
import { modelledTotalNs, type CostModel } from '../lab/cost-model.js';
import { formatCount } from '../core/units.js';
import { deterministicFigures, sameFigure, type FigureKind, type MetricName } from './figures.js';
import { matchResults, type MatchedPair, type PooledResult, type ResultSet } from './match.js';
import type { CompareOptions } from './options.js';
import { bootstrapRatioOfMedians, geometricMean, holmAdjust, mannWhitneyU, median, smallestAttainableP } from './stats.js';

export type Verdict = 'slower' | 'faster' | 'unchanged';

export interface TimingEffect {
  readonly samplesA: number;
  readonly samplesB: number;
  readonly medianA: number;
  readonly medianB: number;
  /** median(B) / median(A), with its bootstrap interval. */
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  /** The chance that a B sample exceeds an A sample (0.5: no shift). */
  readonly probabilitySlower: number;
  /** The Mann-Whitney p-value, and Holm-adjusted over every timed pair. */
  readonly p: number;
  readonly pAdjusted: number;
  readonly method: 'exact' | 'normal';
  readonly verdict: Verdict;
}

/** A deterministic figure that differs (null where one side has no such figure, e.g. a probe). */
export interface FigureChange {
  readonly name: string;
  readonly metric: MetricName;
  readonly kind: FigureKind;
  readonly a: number | null;
  readonly b: number | null;
  readonly delta: number | null;
  /** delta / |a|; null when a is 0 or missing. */
  readonly relative: number | null;
}

export interface PairComparison {
  readonly key: string;
  /** The key shortened for tables: parameters only where they tell pairs apart. */
  readonly label: string;
  readonly timing: TimingEffect | null;
  /** The deterministic figures compared, and those that differ. */
  readonly figuresCompared: number;
  readonly changes: readonly FigureChange[];
}

export type GateName = 'fail-if-slower' | 'fail-if-bigger' | 'fail-if-changed';

export interface GateTrip {
  readonly gate: GateName;
  readonly pair: string;
  /** What tripped it, e.g. `peak 300,000 -> 306,000 B (+2.00%) > +1%`. */
  readonly detail: string;
}

/** A geometric mean of B/A over the pairs that have the figure (positive on both sides). */
export interface SuiteMean {
  readonly metric: 'time' | 'peak' | 'current' | 'arenas';
  readonly ratio: number;
  readonly pairs: number;
}

export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly alpha: number;
  readonly pairs: readonly PairComparison[];
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  readonly failedA: readonly string[];
  readonly failedB: readonly string[];
  readonly notes: readonly string[];
  readonly geometricMeans: readonly SuiteMean[];
  readonly trips: readonly GateTrip[];
}

/** Compares B against A. Throws a UsageError when nothing matches or a key is ambiguous. */
export function compareResults(a: ResultSet, b: ResultSet, options: CompareOptions): Comparison {
  const matching = matchResults(a, b);
  const labels = shortLabels(matching.pairs);
  const timed = options.metrics.has('time') ? matching.pairs.filter((p) => p.a.samples.length > 0 && p.b.samples.length > 0) : [];
  const tests = timed.map((p) => mannWhitneyU(p.a.samples, p.b.samples));
  const adjusted = holmAdjust(tests.map((t) => t.p));
  const timing = new Map<string, TimingEffect>();
  timed.forEach((pair, i) => {
    const interval = bootstrapRatioOfMedians(pair.a.samples, pair.b.samples, options.bootstrap);
    const flagged = adjusted[i] < options.alpha;
    const verdict: Verdict = flagged && interval.low > 1 ? 'slower' : flagged && interval.high < 1 ? 'faster' : 'unchanged';
    timing.set(pair.key, {
      samplesA: pair.a.samples.length,
      samplesB: pair.b.samples.length,
      medianA: median(pair.a.samples),
      medianB: median(pair.b.samples),
      ratio: interval.ratio,
      low: interval.low,
      high: interval.high,
      probabilitySlower: tests[i].probabilityGreater,
      p: tests[i].p,
      pAdjusted: adjusted[i],
      method: tests[i].method,
      verdict,
    });
  });
  const pairs: PairComparison[] = matching.pairs.map((pair) => {
    const { compared, changes } = figureChanges(pair.a, pair.b, options.metrics, options.costModel);
    return { key: pair.key, label: labels.get(pair.key)!, timing: timing.get(pair.key) ?? null, figuresCompared: compared, changes };
  });
  return {
    a: a.label,
    b: b.label,
    alpha: options.alpha,
    pairs,
    onlyA: matching.onlyA,
    onlyB: matching.onlyB,
    failedA: matching.failedA,
    failedB: matching.failedB,
    notes: notes(matching.pairs, timed, options),
    geometricMeans: suiteMeans(matching.pairs, pairs, options.metrics),
    trips: gateTrips(pairs, options),
  };
}

function figureChanges(a: PooledResult, b: PooledResult, metrics: ReadonlySet<MetricName>, model: CostModel): { compared: number; changes: FigureChange[] } {
  const fa = deterministicFigures(a.metrics, metrics);
  const fb = new Map(deterministicFigures(b.metrics, metrics).map((f) => [f.name, f]));
  const changes: FigureChange[] = [];
  for (const x of fa) {
    const y = fb.get(x.name);
    fb.delete(x.name);
    if (y && sameFigure(x.value, y.value)) continue;
    const delta = y ? y.value - x.value : null;
    const relative = delta !== null && x.value !== 0 && Number.isFinite(delta) ? delta / Math.abs(x.value) : null;
    changes.push({ name: x.name, metric: x.metric, kind: x.kind, a: x.value, b: y ? y.value : null, delta, relative });
  }
  // Figures only B has (a probe or report A's workload did not declare).
  for (const y of fb.values()) changes.push({ name: y.name, metric: y.metric, kind: y.kind, a: null, b: y.value, delta: null, relative: null });
  // Modelled CPython time, both sides priced by the same model; compared only where both counted
  // their work (a file from before the cost model has no counts: that is not a change).
  let modelled = 0;
  const ta = metrics.has('cpython') ? modelledTotalNs(a.metrics, a.spec.profile, model) : undefined;
  const tb = metrics.has('cpython') ? modelledTotalNs(b.metrics, b.spec.profile, model) : undefined;
  if (ta !== undefined && tb !== undefined) {
    modelled = 1;
    const delta = tb - ta;
    if (delta !== 0) changes.push({ name: 'cpython-ns', metric: 'cpython', kind: 'ns', a: ta, b: tb, delta, relative: ta !== 0 ? delta / ta : null });
  }
  return { compared: fa.length + fb.size + modelled, changes };
}

/**
 * `workload/variant @profile`, with the parameters that differ between pairs sharing that much,
 * and the configuration (`[2000,10,10]`: the thresholds, then any other setting, from keys that
 * carry one) where that differs too.
 */
function shortLabels(pairs: readonly MatchedPair[]): Map<string, string> {
  const base = (p: MatchedPair): string => `${p.a.spec.workload}/${p.a.spec.variant} @${p.a.spec.profile}`;
  const configuration = (p: MatchedPair): string => (/( \[[^\]]*\])$/.exec(p.key)?.[1] ?? '').replace('threshold ', '');
  const groups = new Map<string, MatchedPair[]>();
  for (const p of pairs) groups.set(base(p), [...(groups.get(base(p)) ?? []), p]);
  const labels = new Map<string, string>();
  for (const [name, group] of groups) {
    for (const p of group) {
      const params = p.a.spec.params;
      const differing = Object.keys(params).filter((k) => group.some((q) => q.a.spec.params[k] !== params[k]));
      const shown = differing.map((k) => `${k}=${params[k]}`).join(' ');
      const config = group.some((q) => configuration(q) !== configuration(p)) ? configuration(p) : '';
      labels.set(p.key, (shown ? name.replace(' @', ` ${shown} @`) : name) + config);
    }
  }
  return labels;
}

function suiteMeans(matched: readonly MatchedPair[], pairs: readonly PairComparison[], metrics: ReadonlySet<MetricName>): SuiteMean[] {
  const means: SuiteMean[] = [];
  const ratios = pairs.flatMap((p) => (p.timing && p.timing.ratio > 0 && Number.isFinite(p.timing.ratio) ? [p.timing.ratio] : []));
  if (ratios.length > 0) means.push({ metric: 'time', ratio: geometricMean(ratios), pairs: ratios.length });
  const bytes = {
    peak: (r: PooledResult) => r.metrics.memory.requested.peak,
    current: (r: PooledResult) => r.metrics.memory.requested.current,
    arenas: (r: PooledResult) => r.metrics.memory.arenas.peak,
  };
  for (const metric of ['peak', 'current', 'arenas'] as const) {
    if (!metrics.has(metric)) continue;
    const of = bytes[metric];
    const rs = matched.flatMap((p) => (of(p.a) > 0 && of(p.b) > 0 ? [of(p.b) / of(p.a)] : []));
    if (rs.length > 0) means.push({ metric, ratio: geometricMean(rs), pairs: rs.length });
  }
  return means;
}

function notes(matched: readonly MatchedPair[], timed: readonly MatchedPair[], options: CompareOptions): string[] {
  const out: string[] = [];
  for (const p of matched) {
    for (const [side, r] of [['A', p.a], ['B', p.b]] as const) {
      if (r.disagreeing > 0) out.push(`${side}: ${r.disagreeing} of ${r.repetitions} repetitions of ${p.key} differ in deterministic figures; the first is compared`);
    }
  }
  if (!options.metrics.has('time')) return out;
  if (timed.length === 0) {
    out.push('timing not compared: no pair has timing samples on both sides (--no-timing)');
    return out;
  }
  if (timed.length < matched.length) out.push(`timing compared for ${timed.length} of ${matched.length} pairs (the others have no samples on one side)`);
  // Holm multiplies the smallest p-value by the number of tests: with too few samples nothing can be flagged.
  const smallest = Math.min(...timed.map((p) => smallestAttainableP(p.a.samples.length, p.b.samples.length)));
  if (smallest * timed.length >= options.alpha) {
    const fewest = Math.min(...timed.map((p) => Math.min(p.a.samples.length, p.b.samples.length)));
    out.push(
      `timing: too few samples (as few as ${fewest} a side) for any change to reach alpha ${options.alpha} over ${timed.length} pairs; ` +
        'take more (--iterations, --time, --repeat)',
    );
  }
  return out;
}

const percent = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}%`;

function gateTrips(pairs: readonly PairComparison[], o: CompareOptions): GateTrip[] {
  const trips: GateTrip[] = [];
  for (const p of pairs) {
    const t = p.timing;
    if (o.failIfSlowerPct !== null && t && t.verdict === 'slower' && t.ratio > 1 + o.failIfSlowerPct / 100) {
      trips.push({
        gate: 'fail-if-slower',
        pair: p.label,
        detail: `time ${percent(t.ratio - 1)} (95% CI ${percent(t.low - 1)} to ${percent(t.high - 1)}, p ${formatP(t.pAdjusted)}) > +${o.failIfSlowerPct}%`,
      });
    }
    // Modelled CPython time is deterministic: slower by more than pct is a real difference of work.
    const modelled = p.changes.find((c) => c.metric === 'cpython');
    if (o.failIfSlowerPct !== null && modelled?.relative != null && modelled.relative > o.failIfSlowerPct / 100) {
      trips.push({ gate: 'fail-if-slower', pair: p.label, detail: `CPython time (modelled) ${percent(modelled.relative)} > +${o.failIfSlowerPct}%` });
    }
    if (o.failIfBiggerPct !== null) {
      for (const c of p.changes) {
        if (c.kind !== 'bytes' || !o.biggerMetrics.has(c.metric) || c.a === null || c.b === null || !(c.b > c.a)) continue;
        const grown = c.a === 0 || (100 * (c.b - c.a)) / c.a > o.failIfBiggerPct;
        if (!grown) continue;
        const by = c.relative === null ? 'from 0' : percent(c.relative);
        trips.push({ gate: 'fail-if-bigger', pair: p.label, detail: `${c.name} ${formatCount(c.a)} -> ${formatCount(c.b)} B (${by}) > +${o.failIfBiggerPct}%` });
      }
    }
    if (o.failIfChanged && p.changes.length > 0) {
      const names = p.changes.slice(0, 3).map((c) => c.name).join(', ') + (p.changes.length > 3 ? ', …' : '');
      const count = p.changes.length === 1 ? '1 figure differs' : `${p.changes.length} figures differ`;
      trips.push({ gate: 'fail-if-changed', pair: p.label, detail: `${count} (${names})` });
    }
  }
  return trips;
}

/** A deterministic figure as printed: exact, with thousands separators; '-' when absent. */
export function figureText(v: number | null): string {
  return v === null ? '-' : Number.isNaN(v) ? 'NaN' : formatCount(v);
}

/** A p-value as printed: two significant digits, or `<0.0001`. */
export function formatP(p: number): string {
  return p < 1e-4 ? '<0.0001' : String(Number(p.toPrecision(2)));
}
