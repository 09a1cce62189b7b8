/**
 * The cost model (src/lab/cost-model.ts, src/calibrate/cost-fit.ts): the counts it prices are
 * exact (the compiled code's basic blocks), the fit recovers known coefficients, modelled times
 * are deterministic run to run and worker count to worker count, they follow the collectors' work
 * between profiles, and a bad model file is one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitRows, leaveOneOut, nnls, type CorpusRow } from '../src/calibrate/cost-fit.js';
import { Coordinator } from '../src/lab/coordinator.js';
import { MUTATOR_FEATURES, PAUSE_FEATURES } from '../src/lab/cost-drivers.js';
import { costModel, costModelProblem, modelledTime, modelledTotalNs, type CostModel } from '../src/lab/cost-model.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { baselineRecord } from '../src/lab/baselines.js';
import { compareResults } from '../src/compare/diff.js';
import { resolveCompareOptions } from '../src/compare/options.js';
import type { TaskRecord } from '../src/lab/coordinator.js';

const FIXTURE = 'test/fixtures/python/work_counts.py';

async function workOf(variant: string, n: number, profile = '3.11'): Promise<Record<string, number>> {
  const w = await loadUserWorkload(FIXTURE);
  const spec = resolveRunSpec({ workload: w.name, variant, profile, params: { n } });
  const m = measureRun(prepareRun(spec), spec);
  return { ...m.work!.ops };
}

describe('counted work', () => {
  it('a branch taken on every third step counts its operations a third of the times', async () => {
    const ops = await workOf('loop', 1000);
    // i % 3 each step, s += i on 334 of them: a block missed at the branch would count 2000.
    expect(ops.arith).toBe(1000 + 334);
    expect(ops.compare).toBe(1000);
    // GET_ITER once, FOR_ITER n + 1 times (the last one ends the loop).
    expect(ops.iter).toBe(1002);
    expect(ops.cItem).toBe(1001);
    expect(ops.frame).toBe(1);
  });

  it('each Python call enters a frame; the counts grow with n and nothing else', async () => {
    const small = await workOf('calls', 500);
    const large = await workOf('calls', 1000);
    expect(large.frame - 1).toBe(1000);
    expect(small.frame - 1).toBe(500);
    for (const k of ['call', 'arith', 'iter', 'local']) expect(large[k] - small[k], k).toBeGreaterThan(0);
    // Per step the same work: the difference of the two runs is 500 steps' worth, exactly.
    expect(large.arith - small.arith).toBe(500);
    expect(large.call - small.call).toBe(500);
  });
});

describe('the fit', () => {
  it('nnls recovers a non-negative solution and clamps a negative one to 0', () => {
    // A = [[1,0],[0,1],[1,1]], x = (2, 3): G = AᵀA, h = Aᵀb.
    const G = [
      [2, 1],
      [1, 2],
    ];
    expect(nnls(G, [2 + 5, 3 + 5]).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([2, 3]);
    // b = (-1, 2, 1): the unconstrained optimum has x0 < 0; the constrained one is x0 = 0, x1 = 1.5.
    expect(nnls(G, [-1 + 1, 2 + 1]).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 1.5]);
  });

  it('recovers the coefficients that made a synthetic corpus, and leave-one-out predicts it exactly', () => {
    const truth = Object.fromEntries(MUTATOR_FEATURES.map((f, i) => [f, 1 + (i % 5)]));
    const pauseTruth = Object.fromEntries(PAUSE_FEATURES.map((f, i) => [f, [20_000, 40_000, 300_000, 10, 60, 4, 25, 150, 500][i]]));
    const price = (d: Record<string, number>, c: Record<string, number>): number => Object.keys(d).reduce((t, k) => t + d[k] * c[k], 0);
    const rows: CorpusRow[] = [];
    let seed = 1;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let p = 0; p < 40; p++) {
      const mutator = Object.fromEntries(MUTATOR_FEATURES.map((f) => [f, Math.round(rand() * 1e6)]));
      const simPauses = Array.from({ length: 5 }, (_, k) => {
        const gen = k % 3;
        const visited = Math.round(rand() * 1e5);
        return { gen0: gen === 0 ? 1 : 0, gen1: gen === 1 ? 1 : 0, gen2: gen === 2 ? 1 : 0, visited, visitedFull: gen === 2 ? visited : 0, references: Math.round(visited * (1 + 3 * rand())), collected: Math.round(rand() * 1e4), finalizers: Math.round(rand() * 100), poolsFull: gen === 2 ? Math.round(rand() * 5000) : 0 };
      });
      const realPauseNs = simPauses.map((s) => price(s, pauseTruth));
      rows.push({
        program: `p${p}`,
        label: `p${p}`,
        mutator,
        simPauses,
        realWallNs: price(mutator, truth) + realPauseNs.reduce((a, b) => a + b, 0),
        realPauseNs,
        realPauseGeneration: simPauses.map((s) => (s.gen0 ? 0 : s.gen1 ? 1 : 2)),
      });
    }
    const set = fitRows(rows);
    for (const f of MUTATOR_FEATURES) expect(set.mutatorNs[f], f).toBeCloseTo(truth[f], 3);
    for (const f of PAUSE_FEATURES) expect(set.pauseNs[f] / pauseTruth[f], f).toBeCloseTo(1, 3);
    for (const p of leaveOneOut(rows)) expect(p.totalNs / p.realTotalNs, p.label).toBeCloseTo(1, 4);
  });
});

describe('modelled time', () => {
  const model = costModel();

  it('the shipped model is a valid model with a fitted or stated set for every profile', () => {
    expect(costModelProblem(model)).toBeUndefined();
    for (const profile of ['3.11', '3.12', '3.13', '3.14.0', '3.14.1', '3.14.5'] as const) expect(model.profiles[profile], profile).toBeDefined();
  });

  it('identical runs give identical modelled times, with one worker or two', async () => {
    const specs = [
      ['slots-vs-dict', 'dict', '3.13'],
      ['cyclic-graphs', 'random', '3.12'],
      ['long-lived-churn', 'garbage', '3.14.0'],
    ].map(([workload, variant, profile]) => resolveRunSpec({ workload, variant, profile, params: ['n=20000'] }));
    const times = async (workers: number): Promise<unknown[]> => {
      const c = new Coordinator({ workers, sampleIntervalMs: 0, taskTimeoutMs: 60_000, timing: null, costModel: model });
      try {
        return (await c.run(specs.map((spec) => ({ spec, repetition: 0 })), () => {})).map((r) => r.cpythonTime);
      } finally {
        await c.close();
      }
    };
    const one = await times(1);
    expect(one.every((t) => t !== undefined)).toBe(true);
    expect(await times(2)).toEqual(one);
  }, 120_000);

  it('two identical gclab bench runs (one worker, then two) print identical modelled times', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-cost-bench-'));
    // Each run's modelled time by workload/variant (two workers finish in either order).
    const bench = (workers: string): Record<string, unknown> => {
      const r = spawnSync('node', ['bin/gclab.js', 'bench', '--suite', 'quick', '--no-timing', '--json', '--workers', workers, '--results-dir', dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const records = (JSON.parse(r.stdout) as { records: { workload: string; variant: string; cpythonTime: unknown }[] }).records;
      return Object.fromEntries(records.map((x) => [`${x.workload}/${x.variant}`, x.cpythonTime]));
    };
    const one = bench('1');
    expect(Object.keys(one)).toHaveLength(7);
    expect(Object.values(one).every((t) => t !== null)).toBe(true);
    expect(bench('2')).toEqual(one);
  }, 120_000);

  it('follows the collectors: container-churn costs more GC time on 3.14.0, whose incremental collector visits more', () => {
    const gc = (profile: string): { visited: number; gcNs: number } => {
      const spec = resolveRunSpec({ workload: 'container-churn', variant: 'tuple_keys', profile, params: ['n=100'] });
      const m = measureRun(prepareRun(spec), spec);
      return { visited: m.gc.visited, gcNs: modelledTime(m, spec.profile, model)!.gcNs };
    };
    const [old, incremental] = [gc('3.13'), gc('3.14.0')];
    expect(incremental.visited).toBeGreaterThan(old.visited);
    expect(incremental.gcNs).toBeGreaterThan(old.gcNs);
  }, 60_000);

  it("compare prices both sides with one model: a baseline's record (no per-pause arrays) keeps its modelled total, and more collections are slower", () => {
    const record = (threshold: [number, number, number] | null): TaskRecord => {
      const spec = { ...resolveRunSpec({ workload: 'cyclic-graphs', variant: 'pairs', profile: '3.13', params: ['n=20000'] }), threshold };
      const metrics = measureRun(prepareRun(spec), spec);
      return { id: 0, spec, repetition: 0, status: 'ok', metrics, time: null, wallMs: 1, cpythonTime: modelledTime(metrics, spec.profile, model) };
    };
    const base = record(null);
    const priced = modelledTime(base.metrics!, '3.13', model)!;
    // The displayed time and the one compare prices are one figure.
    expect(modelledTotalNs(base.metrics!, '3.13', model)).toBe(priced.totalNs);
    expect(priced.gcNs).toBeGreaterThan(0);
    expect(modelledTotalNs(baselineRecord(base).metrics!, '3.13', model)).toBe(modelledTotalNs(base.metrics!, '3.13', model));
    const options = resolveCompareOptions({ failIfSlower: '5', failIfChanged: true });
    const same = compareResults({ label: 'A', records: [baselineRecord(base)] }, { label: 'B', records: [record(null)] }, options);
    expect(same.trips).toEqual([]);
    // gc.set_threshold(100, 10, 10): far more collections, more modelled GC time.
    const busier = compareResults({ label: 'A', records: [base] }, { label: 'B', records: [record([100, 10, 10])] }, options);
    expect(busier.trips.some((t) => t.gate === 'fail-if-slower' && t.detail.startsWith('CPython time (modelled) +'))).toBe(true);
  }, 60_000);

  it('tune judges by modelled time: twice the same recommendation, and on long-lived-churn a lower modelled GC share than the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-cost-tune-'));
    const tune = (): { recommended: { threshold: number[]; figures: { gcShare: number; time: number; modelled: boolean } }; default: { figures: { gcShare: number } } } => {
      const r = spawnSync('node', ['bin/gclab.js', 'tune', 'long-lived-churn', '--threshold0', '700,2000,10000,50000', '--objective', 'gc-share', '--no-timing', '--param', 'n=20000', '--json', '--results-dir', dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const [first, second] = [tune(), tune()];
    expect(second.recommended).toEqual(first.recommended);
    expect(first.recommended.figures.modelled).toBe(true);
    expect(first.recommended.threshold).not.toEqual([2000, 10, 10]);
    expect(first.recommended.figures.gcShare).toBeLessThan(first.default.figures.gcShare);
  }, 120_000);

  it("a TypeScript body's run says it is not modelled, and its JSON has cpythonTime null", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-cost-ts-'));
    const run = (...extra: string[]) => spawnSync('node', ['bin/gclab.js', 'run', 'workloads/examples/records.ts', '--variant', 'tuple', '--param', 'n=100', '--no-timing', '--results-dir', dir, ...extra], { encoding: 'utf8' });
    const text = run();
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ {2}CPython {3}not modelled: a TypeScript body's operations are not counted$/m);
    const json = run('--json');
    expect(json.status, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { cpythonTime: unknown }).cpythonTime).toBeNull();
  }, 60_000);

  it('a model file that is not one is a one-line error with status 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-cost-'));
    const bad = join(dir, 'bad.json');
    const broken: Partial<CostModel> = { format: 'gclab-cost-model', version: 1, profiles: { '3.13': { mutatorNs: { frame: -1 }, pauseNs: {}, source: { rule: 'x' } } } };
    writeFileSync(bad, JSON.stringify(broken));
    for (const [file, message] of [
      [bad, /profiles\.3\.13\.mutatorNs\.frame: not a non-negative number/],
      [join(dir, 'absent.json'), /no such file/],
    ] as const) {
      const r = spawnSync('node', ['bin/gclab.js', 'run', 'slots-vs-dict', '--no-timing', '--param', 'n=100', '--cost-model', file], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});
