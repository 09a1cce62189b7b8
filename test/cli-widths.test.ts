/**
 * The terminal output of bench, tips, tune and compare fits in 100 columns, long workload names
 * and a tune sweep with a freeze axis included.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../src/cli/commands/bench.js';
import { type CalibrationFigures, type CalibrationRow, calibrationTables } from '../src/cli/commands/calibrate.js';
import { WORKLOADS } from '../workloads/index.js';
import { visibleWidth } from '../src/cli/colour.js';
import type { TaskRecord } from '../src/lab/coordinator.js';
import { prepareRun, measureRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-widths-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, ...(args.includes('--results-dir') ? [] : ['--results-dir', dir])], { encoding: 'utf8', timeout: 240_000 });
const quickTiming = ['--iterations', '2', '--warmup', '0', '--time', '0'];

function expectFits(output: string, minLines = 4): void {
  const lines = output.split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(minLines);
  for (const line of lines) expect(visibleWidth(line), line).toBeLessThanOrEqual(100);
}

describe('terminal output within 100 columns', () => {
  it('bench and compare', () => {
    const a = gclab('bench', '--suite', 'quick', ...quickTiming);
    expect(a.status, a.stderr).toBe(0);
    expectFits(a.stdout);
    // in a directory of its own, so that each side is the only results file there
    const b = gclab('bench', '--suite', 'quick', ...quickTiming, '--threshold', '500,10,10', '--results-dir', mkdtempSync(join(dir, 'b-')));
    expect(b.status, b.stderr).toBe(0);
    const [pathA, pathB] = [a, b].map((r) => /results: (\S+)/.exec(r.stdout)![1]);
    const c = gclab('compare', pathA, pathB, '--fail-if-changed');
    expect(c.status, c.stderr).toBe(1);
    expect(c.stdout).toContain('FAIL --fail-if-changed');
    expectFits(c.stdout);
  }, 240_000);

  it('tips', () => {
    const r = gclab('tips', '--tip', 'use __slots__', '--tip', 'weak references for caches', ...quickTiming);
    expect(r.status, r.stderr).toBe(0);
    expectFits(r.stdout);
  }, 240_000);

  it('tune with a freeze axis', () => {
    const r = gclab('tune', 'long-lived-churn', '--threshold0', '300,30000', '--threshold1', '5,100', '--freeze-at', 'none,tree', '--param', 'n=3000', '--param', 'm=6000', ...quickTiming);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/p99\/max obj/);
    expectFits(r.stdout);
  }, 240_000);

  it("bench's summary names each workload once, above its rows of variant @profile", () => {
    const spec = resolveRunSpec({ workload: 'small-ints-and-interning', variant: 'interned_str', profile: '3.14.0', params: { n: 2000 } });
    const metrics = measureRun(prepareRun(spec), spec);
    const record: TaskRecord = { id: 0, spec, repetition: 0, status: 'ok', metrics, time: null, wallMs: 1 };
    const wide = { ...record, metrics: { ...metrics, gc: { ...metrics.gc, collections: [12345, 1234, 123] } } };
    const table = summaryTable([wide]);
    expectFits(table, 3);
    expect(table).toMatch(/^small-ints-and-interning n=2000 /m);
    expect(table).toMatch(/^ {2}interned_str @3\.14\.0 /m);
  });

  it("calibrate's tables, every workload and variant at the largest n", () => {
    const figures = (scale: number): CalibrationFigures => ({
      peak: Math.round(160.6 * 2 ** 20 * scale),
      current: Math.round(352 * scale),
      collections: [26160, 2370, 120],
      collected: [Math.round(10_000_000 * scale), 0, 0],
      uncollectable: [0, 0, 0],
      wallNs: Math.round(7.82e9 * scale),
      probes: { held: Math.round(130e6 * scale) },
      reports: {},
    });
    const rows: CalibrationRow[] = WORKLOADS.flatMap((w) =>
      Object.keys(w.variants).map((variant) => ({
        python: '3.11.7',
        profile: '3.11',
        workload: w.name,
        variant,
        n: 10_000_000,
        sim: figures(1.0123),
        real: figures(1),
      })),
    );
    expectFits(calibrationTables(rows).join('\n'));
  });
});
