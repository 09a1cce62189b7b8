/**
 * The main job answers its questions: bytes per item where a probe (or the peak) and n give it, a
 * line per tip whose two variants ran ("use __slots__ on 3.13: … saves 40.0 B, 29 %"), no "0 ns"
 * pause where no collection ran, modelled CPython time first with the simulator's own median
 * beside it and a legend saying which is which, never an unexplained "±". And every command's text fits the terminal: 100 columns piped, COLUMNS when set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerLines, summaryTable } from '../src/cli/commands/bench.js';
import { visibleWidth } from '../src/cli/colour.js';
import { outputWidth } from '../src/cli/width.js';
import type { TaskRecord } from '../src/lab/coordinator.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { formatBytes, formatNs } from '../src/core/units.js';
import { costModel, modelledTime } from '../src/lab/cost-model.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-main-job-'));

function record(id: number, workload: string, variant: string, n: number, samples?: number[]): TaskRecord {
  const spec = resolveRunSpec({ workload, variant, profile: '3.13', params: { n } });
  const metrics = measureRun(prepareRun(spec), spec);
  const values = samples === undefined ? null : Float64Array.from(samples);
  const time = values === null ? null : { samples: values.length, mean: 0, median: [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)], p99: 0, min: 0, max: 0, sd: 0, rme: 0, values };
  return { id, spec, repetition: 0, status: 'ok', metrics, time, wallMs: 1, cpythonTime: modelledTime(metrics, spec.profile, costModel()) } as TaskRecord;
}

describe('the main job answers its questions', () => {
  const records = [
    record(0, 'slots-vs-dict', 'dict', 5000, [10e6, 11e6, 12e6, 13e6, 14e6]),
    record(1, 'slots-vs-dict', 'slots', 5000, [8e6, 9e6, 10e6, 11e6, 12e6]),
    record(2, 'generators-vs-lists', 'list', 5000),
    record(3, 'generators-vs-lists', 'generator', 5000),
  ];

  it('bytes per instance from the probe over n, a conclusion per tip, modelled time and sim time told apart', () => {
    const table = summaryTable(records);
    const [dict, slots] = records.map((r) => r.metrics!.memory.probes.held / 5000);
    expect(table).toMatch(/^slots-vs-dict n=5000 \(per item: held\/n\)$/m);
    expect(table).toMatch(new RegExp(`^ {2}dict @3\\.13 .* ${formatBytes(dict).replace('.', '\\.')} `, 'm'));
    expect(table).toMatch(new RegExp(`^ {2}slots @3\\.13 .* ${formatBytes(slots).replace('.', '\\.')} `, 'm'));
    // Modelled CPython time first, the simulator's median (12 ms of 10..14) last; the legend says which is which.
    const modelled = formatNs(records[0].cpythonTime!.totalNs).replace('.', '\\.');
    expect(table).toMatch(new RegExp(`^ {2}dict @3\\.13 +${modelled} \\(\\d+%\\) .* 12\\.0 ms$`, 'm'));
    expect(table).not.toContain('±');
    expect(table.replace(/\s+/g, ' ')).toMatch(/CPython time \(the collector's share of it in brackets\) and max pause: modelled CPython time/);
    expect(table.replace(/\s+/g, ' ')).toMatch(/sim time: the simulator's own median time \(tinybench\), not CPython's/);
    const saved = dict - slots;
    const pct = Math.round((100 * saved) / dict);
    expect(answerLines(records)).toContain(
      `use __slots__ on 3.13: held bytes/n ${formatBytes(dict)} -> ${formatBytes(slots)} (dict -> slots): saves ${formatBytes(saved)}, ${pct} %`,
    );
    expect(answerLines(records).some((l) => l.startsWith('use generators on 3.13: peak '))).toBe(true);
  });

  it("a run with no collection shows '-' for its largest pause, never 0 ns", () => {
    const generator = records[3];
    expect(generator.metrics!.gc.pauses.count).toBe(0);
    const row = summaryTable(records).split('\n').find((l) => l.startsWith('  generator @3.13'))!;
    // CPython time with no GC share, and '-' in the max pause column.
    expect(row).toMatch(/^ {2}generator @3\.13 +[\d.]+ [µm]?s \(0%\) +- +/);
    expect(summaryTable(records)).not.toMatch(/ 0 ns/);
  });
});

describe('no pause figures where no collection ran', () => {
  it("run's details and its side-by-side table say so instead of 0 ns", () => {
    const r = spawnSync(process.execPath, ['bin/gclab.js', 'run', 'generators-vs-lists', '--variant', 'all', '--param', 'n=1000', '--no-timing', '--results-dir', dir], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}pauses {4}none \(no collection ran\)$/m);
    expect(r.stdout).toMatch(/^ {2}CPython {3}[\d.]+ µs modelled; mutator [\d.]+ µs; GC none;\n {12}model fitted on 3\.13\.\d+, leave-one-out error median \d+ %, worst \d+ %$/m);
    expect(r.stdout).toMatch(/^list @3\.13 .* 0\/0\/0 +0 +- +- +[\d.]+ µs$/m);
    expect(r.stdout).not.toMatch(/ 0 ns/);
  }, 120_000);
});

describe('output fits the terminal', () => {
  const gclab = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  // A results path is one line however long (scripts read it): the only line allowed past the width.
  const widest = (text: string): number => Math.max(...text.split('\n').filter((l) => !l.startsWith('results: ')).map(visibleWidth));

  it('the width is the terminal\'s, COLUMNS when set, 100 when piped', () => {
    expect(outputWidth({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(outputWidth({ isTTY: false }, { COLUMNS: '80' })).toBe(80);
    expect(outputWidth({ isTTY: false }, {})).toBe(100);
  });

  it('list, sizes, run and bench fit in 100 columns piped and in 80 with COLUMNS=80', () => {
    const commands = [
      ['list'],
      ['sizes'],
      ['sizes', '--profile', '3.13'],
      ['run', 'cyclic-graphs', '--no-timing', '--results-dir', dir],
      ['bench', '--suite', 'quick', '--iterations', '2', '--warmup', '0', '--time', '0', '--results-dir', dir],
    ];
    for (const columns of [undefined, '80']) {
      for (const args of commands) {
        const r = gclab(columns === undefined ? { COLUMNS: '' } : { COLUMNS: columns }, ...args);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(widest(r.stdout), `${args.join(' ')} at ${columns ?? 'piped'}`).toBeLessThanOrEqual(columns === undefined ? 100 : 80);
      }
    }
  }, 240_000);
});
