// The acceptance of `gclab compare` on generated suites: two runs of the same suite (skewed timing
// samples from one distribution, identical deterministic figures) flag nothing in at least 19 of
// 20 trials, while a 10 % slowdown of one pair is flagged and trips --fail-if-slower 5, and a 2 %
// larger peak trips --fail-if-bigger 1.
import { describe, expect, it } from 'vitest';
import { compareResults, type Comparison } from '../src/compare/diff.js';
import { resolveCompareOptions } from '../src/compare/options.js';
import { seededRandom } from '../src/compare/stats.js';
import type { ResultSet } from '../src/compare/match.js';
import type { TaskRecord } from '../src/lab/coordinator.js';
import type { RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const SUITE: readonly [string, string][] = [
  ['generators-vs-lists', 'list'],
  ['generators-vs-lists', 'generator'],
  ['slots-vs-dict', 'dict'],
  ['slots-vs-dict', 'slots'],
  ['cyclic-graphs', 'pairs'],
  ['cyclic-graphs', 'rings'],
];
const SLOWED = 2; // slots-vs-dict/dict

function metrics(peak: number, collections: number): RunMetrics {
  return {
    memory: { requested: { current: 4_000, peak }, probes: {}, arenas: { peak: 2 ** 21, current: 2 ** 21 }, pools: { peak: 90, current: 80 }, blocks: 500, pagesDirtied: 0 },
    gc: {
      thresholds: [2000, 10, 10],
      enabled: true,
      startupTracked: 0,
      collections: [collections, 0, 0],
      collected: [100, 0, 0],
      uncollectable: [0, 0, 0],
      visited: 10_000,
      pauses: { count: collections, p50: 1e5, p90: 1e5, p99: 1e5, max: 1e5, total: collections * 1e5 },
      pauseNs: new Float64Array(0),
      pauseGeneration: new Int8Array(0),
      pauseVisited: new Int32Array(0),
    },
    objects: { allocated: 20_000, freed: 19_990 },
    reports: {},
    bodyNs: 0,
  };
}

function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Timing samples as a benchmark gives them: log-normal around the median (2.5 % spread), with
 * one sample in 20 an outlier 10-60 % slower (a collection or a scheduler hiccup).
 */
function samples(random: () => number, n: number, medianNs: number): number[] {
  return Array.from({ length: n }, () => {
    let x = medianNs * Math.exp(0.025 * normal(random));
    if (random() < 0.05) x *= 1.1 + 0.5 * random();
    return x;
  });
}

interface RunChanges {
  readonly slowdown?: number;
  readonly peakGrowth?: number;
}

/** One run of the suite: 20-30 samples per pair, the deterministic figures the same every time. */
function suiteRun(label: string, random: () => number, changes: RunChanges = {}): ResultSet {
  const records: TaskRecord[] = SUITE.map(([workload, variant], i) => {
    const spec = resolveRunSpec({ workload, variant, params: ['n=10000'], profile: '3.13' });
    const factor = i === SLOWED ? (changes.slowdown ?? 1) : 1;
    const values = samples(random, 20 + Math.floor(random() * 11), (i + 1) * 1e6 * factor);
    const peak = (i + 1) * 100_000;
    return {
      id: i,
      spec,
      repetition: 0,
      status: 'ok',
      metrics: metrics(i === SLOWED ? Math.round(peak * (1 + (changes.peakGrowth ?? 0))) : peak, 5 + i),
      time: { samples: values.length, mean: 0, median: 0, p99: 0, min: 0, max: 0, sd: 0, rme: 0, values: Float64Array.from(values) },
      wallMs: 1,
    };
  });
  return { label, records };
}

const gates = resolveCompareOptions({ failIfSlower: '5', failIfBigger: '1' });
const flagged = (c: Comparison): string[] => c.pairs.filter((p) => p.timing?.verdict !== 'unchanged').map((p) => p.label);

describe('compare on generated suites', () => {
  it('two runs of the same suite flag nothing in at least 19 of 20 trials', () => {
    let clean = 0;
    for (let trial = 0; trial < 20; trial++) {
      const random = seededRandom(1000 + trial);
      const c = compareResults(suiteRun('A', random), suiteRun('B', random), gates);
      expect(c.pairs).toHaveLength(SUITE.length);
      expect(c.pairs.every((p) => p.timing !== null && p.changes.length === 0)).toBe(true);
      if (flagged(c).length === 0 && c.trips.length === 0) clean++;
    }
    expect(clean).toBeGreaterThanOrEqual(19);
  });

  it('a 10 % slowdown of one pair is flagged and trips --fail-if-slower 5 in every trial', () => {
    for (let trial = 0; trial < 20; trial++) {
      const random = seededRandom(2000 + trial);
      const c = compareResults(suiteRun('A', random), suiteRun('B', random, { slowdown: 1.1 }), gates);
      const slowed = c.pairs[SLOWED];
      expect(slowed.timing!.verdict, `trial ${trial}`).toBe('slower');
      expect(slowed.timing!.low).toBeGreaterThan(1);
      expect(slowed.timing!.ratio).toBeGreaterThan(1.05);
      expect(c.trips.map((t) => `${t.gate} ${t.pair}`)).toContain('fail-if-slower slots-vs-dict/dict @3.13');
      expect(c.trips.every((t) => t.pair === slowed.label), `trial ${trial}`).toBe(true);
    }
  });

  it('a slowdown below the gate is flagged but does not trip it', () => {
    const random = seededRandom(77);
    const c = compareResults(suiteRun('A', random), suiteRun('B', random, { slowdown: 1.1 }), resolveCompareOptions({ failIfSlower: '20' }));
    expect(c.pairs[SLOWED].timing!.verdict).toBe('slower');
    expect(c.trips).toEqual([]);
  });

  it('a 2 % larger peak trips --fail-if-bigger 1; 0.5 % does not; --fail-if-changed sees both', () => {
    const random = seededRandom(5);
    const a = suiteRun('A', random);
    const bigger = compareResults(a, suiteRun('B', random, { peakGrowth: 0.02 }), gates);
    const change = bigger.pairs[SLOWED].changes;
    expect(change.map((ch) => ch.name)).toEqual(['peak']);
    expect(change[0].delta).toBe(6_000);
    expect(change[0].relative).toBeCloseTo(0.02, 12);
    expect(bigger.trips.map((t) => t.gate)).toContain('fail-if-bigger');
    expect(bigger.trips.find((t) => t.gate === 'fail-if-bigger')).toEqual({
      gate: 'fail-if-bigger',
      pair: 'slots-vs-dict/dict @3.13',
      detail: 'peak 300,000 -> 306,000 B (+2.00%) > +1%',
    });

    const slightly = suiteRun('B', random, { peakGrowth: 0.005 });
    expect(compareResults(a, slightly, gates).trips.filter((t) => t.gate === 'fail-if-bigger')).toEqual([]);
    const changed = compareResults(a, slightly, resolveCompareOptions({ failIfChanged: true }));
    expect(changed.trips.map((t) => `${t.gate} ${t.pair}`)).toEqual(['fail-if-changed slots-vs-dict/dict @3.13']);
  });

  it('the suite geometric mean of a 10 % slowdown on one pair of six is about 1.1^(1/6)', () => {
    const random = seededRandom(11);
    const c = compareResults(suiteRun('A', random), suiteRun('B', random, { slowdown: 1.1 }), gates);
    const time = c.geometricMeans.find((m) => m.metric === 'time')!;
    expect(time.pairs).toBe(6);
    expect(time.ratio).toBeGreaterThan(1.0);
    expect(time.ratio).toBeLessThan(1.04);
    expect(c.geometricMeans.find((m) => m.metric === 'peak')!.ratio).toBe(1);
  });
});
