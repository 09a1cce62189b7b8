/**
 * `gclab tune`: a grid sweep prints every point, the front and a recommendation; `gclab run` with
 * the recommended setting reproduces its counts exactly; an adaptive search keeps to its budget;
 * bad input is one line and exit status 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listResults, readResults } from '../src/lab/store.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-tune-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 240_000 });
const small = ['--param', 'n=3000', '--param', 'm=6000', '--iterations', '2', '--warmup', '0', '--time', '0'];

interface TunePoint {
  threshold: number[];
  freezeAt: string | null;
  status: string;
  front: boolean;
  default: boolean;
  figures: { time: number; timeLow: number; timeHigh: number; peak: number; pauseP99: number; pauseMax: number; collections: number[]; visited: number } | null;
}
interface TuneJson {
  results: string;
  objective: string;
  points: TunePoint[];
  front: TunePoint[];
  recommended: TunePoint & { python: string[]; reproduce: string };
  default: TunePoint;
}

describe('gclab tune', () => {
  it('sweeps a grid, marks the front and recommends a point that gclab run reproduces', () => {
    const r = gclab('tune', 'long-lived-churn', '--profile', '3.13', '--threshold0', '100..10000:3:log', '--threshold1', '5,20', '--objective', 'peak', ...small, '--json');
    expect(r.status, r.stderr).toBe(0);
    const tune = JSON.parse(r.stdout) as TuneJson;
    // 3 × 2 grid points (100, 1000, 10000 × 5, 20) and the default (2000, 10, 10) run once more
    expect(tune.points).toHaveLength(7);
    expect(tune.points.filter((p) => p.default).map((p) => p.threshold)).toEqual([[2000, 10, 10]]);
    const stored = readResults(tune.results);
    expect(stored.complete).toBe(true);
    expect(stored.records.map((rec) => rec.spec.threshold?.join(',') ?? 'default').sort()).toEqual(
      ['100,5,10', '100,20,10', '1000,5,10', '1000,20,10', '10000,5,10', '10000,20,10', 'default'].sort(),
    );
    // the front: no point on it is beaten on all of time, p99 and peak by any measured point
    const beats = (a: TunePoint, b: TunePoint) =>
      a.figures!.time <= b.figures!.time && a.figures!.pauseP99 <= b.figures!.pauseP99 && a.figures!.peak <= b.figures!.peak &&
      (a.figures!.time < b.figures!.time || a.figures!.pauseP99 < b.figures!.pauseP99 || a.figures!.peak < b.figures!.peak);
    for (const p of tune.points) expect(p.front).toBe(!tune.points.some((q) => beats(q, p)));
    // the peak objective picks the smallest peak
    expect(tune.recommended.figures!.peak).toBe(Math.min(...tune.points.map((p) => p.figures!.peak)));
    // on the front, unless it is the default tied on the objective (a change that gains nothing is not recommended)
    if (!tune.recommended.default) expect(tune.recommended.front).toBe(true);

    const args = tune.recommended.reproduce.split(' ').slice(1); // drop "gclab"
    expect(args.slice(0, 2)).toEqual(['run', 'long-lived-churn']);
    const runDir = mkdtempSync(join(tmpdir(), 'gclab-tune-run-'));
    const run = spawnSync(process.execPath, ['bin/gclab.js', ...args, '--no-timing', '--json', '--results-dir', runDir], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const pauses = Array.from(readResults(listResults(runDir)[0].path).records[0].metrics!.gc.pauseVisited).sort((a, b) => a - b);
    expect(pauses[pauses.length - 1]).toBe(tune.recommended.figures!.pauseMax);
    const rerun = JSON.parse(run.stdout) as { gc: { collections: number[]; visited: number }; memory: { requested: { peak: number } } };
    const fig = tune.recommended.figures!;
    expect({ collections: rerun.gc.collections, peak: rerun.memory.requested.peak, visited: rerun.gc.visited }).toEqual({
      collections: fig.collections,
      peak: fig.peak,
      visited: fig.visited,
    });
  });

  it('prints a table of points, the front and the Python lines in 100 columns', () => {
    const r = gclab('tune', 'long-lived-churn', '--threshold0', '500,50000', ...small);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Pareto front over \(time, pause p99, peak\): \d of 3 points/);
    expect(r.stdout).toMatch(/recommended for throughput: threshold \d+, 10, 10/);
    expect(r.stdout).toMatch(/reproduce it with:\n {4}gclab run long-lived-churn --variant garbage --profile 3.13 --param n=3000 --param m=6000 \\\n {6}--threshold /);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('keeps an adaptive search to its budget, the default run included', () => {
    const r = gclab('tune', 'long-lived-churn', '--threshold0', '100..100000:17:log', '--freeze-at', 'none,tree', '--budget', '6', ...small, '--json');
    expect(r.status, r.stderr).toBe(0);
    const tune = JSON.parse(r.stdout) as TuneJson;
    expect(tune.points.length).toBeLessThanOrEqual(6);
    expect(tune.points.length).toBeGreaterThanOrEqual(4);
    expect(readResults(tune.results).records).toHaveLength(tune.points.length);
    expect(tune.points.some((p) => p.freezeAt === 'tree')).toBe(true);
  });

  it.each([
    [['--threshold0', '1000..100'], "gclab: --threshold0: empty range '1000..100' (the end is below the start)"],
    [['--threshold0', '100..1000', '--budget', '0'], 'gclab: --budget must be between 2 and 10000, got 0'],
    [['--threshold0', '700', '--objective', 'fastest'], "gclab: unknown objective 'fastest'"],
    [[], 'gclab: nothing to tune: give at least one of --threshold0, --threshold1, --threshold2, --freeze-at'],
    [['--freeze-at', 'forest'], "gclab: --freeze-at: 'forest' is not a probe of long-lived-churn (valid: none, tree)"],
  ])('refuses %j with one line and status 2', (args, message) => {
    const r = gclab('tune', 'long-lived-churn', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim().startsWith(message)).toBe(true);
    expect(r.stdout).toBe('');
  });
});
