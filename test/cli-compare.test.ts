// `gclab compare` end to end: results files from a real quick run (timing samples generated,
// seeded), compared as a table, JSON and Markdown; exit 0 without a tripped gate, 1 with one, 2
// on bad input (one line on stderr, no stack trace).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/compare/stats.js';
import { expectOneLineError } from './support/one-line-error.js';
import type { TaskRecord } from '../src/lab/coordinator.js';
import { listResults, provenance, readResults, ResultsWriter } from '../src/lab/store.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-compare-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 120_000 });
const compare = (...args: string[]) => gclab('compare', ...args, '--results-dir', dir);

function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** 25 timing samples around the median, skewed (one in 20 an outlier up to 60 % slower). */
function withSamples(record: TaskRecord, random: () => number, factor = 1): TaskRecord {
  const medianNs = (record.metrics!.objects.allocated / 10) * 1e3 * factor;
  const values = Float64Array.from({ length: 25 }, () => medianNs * Math.exp(0.025 * normal(random)) * (random() < 0.05 ? 1.1 + 0.5 * random() : 1));
  return { ...record, time: { samples: 25, mean: 0, median: 0, p99: 0, min: 0, max: 0, sd: 0, rme: 0, values } };
}

function writeResults(name: string, records: readonly TaskRecord[]): string {
  const writer = new ResultsWriter(dir, name, provenance('test', {}));
  for (const r of records) writer.add(r);
  writer.finish();
  return writer.path;
}

const DICT = 'slots-vs-dict/dict @3.13';
let real: readonly TaskRecord[] = [];
const files: Record<string, string> = {};

/** Every line within 100 columns, but the A: and B: lines, which hold the paths as given. */
function expectFits(lines: readonly string[]): void {
  for (const line of lines) if (!/^[AB]: /.test(line)) expect(line.length, line).toBeLessThanOrEqual(100);
}

function expectCompareError(args: string[], pattern: RegExp): void {
  const r = compare(...args);
  expectOneLineError(r, pattern);
  expect(r.stdout).toBe('');
}

beforeAll(() => {
  const run = gclab('bench', '--suite', 'quick', '--no-timing', '--results-dir', join(dir, 'run'), '--json');
  expect(run.status, run.stderr).toBe(0);
  real = readResults(listResults(join(dir, 'run'))[0].path).records;
  expect(real).toHaveLength(7);
  const isDict = (r: TaskRecord) => r.spec.workload === 'slots-vs-dict' && r.spec.variant === 'dict';
  const a = seededRandom(1);
  const b = seededRandom(2);
  files.a = writeResults('cmp-a', real.map((r) => withSamples(r, a)));
  files.b = writeResults('cmp-b', real.map((r) => withSamples(r, b)));
  const slow = seededRandom(2);
  files.slow = writeResults(
    'cmp-slow',
    real.map((r) => {
      if (!isDict(r)) return withSamples(r, slow);
      const m = r.metrics!;
      const peak = Math.round(m.memory.requested.peak * 1.02);
      return withSamples({ ...r, metrics: { ...m, memory: { ...m.memory, requested: { ...m.memory.requested, peak } } } }, slow, 1.1);
    }),
  );
  files.partial = writeResults('cmp-partial', real.filter((r) => r.spec.workload !== 'slots-vs-dict').map((r) => withSamples(r, b)));
  files.otherProfile = writeResults('cmp-other-profile', real.map((r) => ({ ...r, spec: { ...r.spec, profile: '3.12' as const } })));
  const pairs = real.find((r) => r.spec.variant === 'pairs')!;
  const atThreshold500 = { ...pairs, id: 99, spec: { ...pairs.spec, threshold: [500, 10, 10] as const } };
  files.severalConfigs = writeResults('cmp-several-configs', [...real, atThreshold500]);
  const m = atThreshold500.metrics!;
  const changed = { ...atThreshold500, metrics: { ...m, memory: { ...m.memory, requested: { ...m.memory.requested, peak: m.memory.requested.peak + 8 } } } };
  files.severalConfigsChanged = writeResults('cmp-several-configs-changed', [...real, changed]);
  files.foreign = join(dir, 'foreign.msgpack');
  writeFileSync(files.foreign, new Packr().pack({ hello: 'world' }));
}, 120_000);

describe('gclab compare', () => {
  it('two runs of one distribution: a table within 100 columns, nothing flagged, exit 0', () => {
    const r = compare('cmp-a', 'cmp-b');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`A: ${files.a} (cmp-a, 7 results, ${readResults(files.a).createdAt.slice(0, 19)}Z)`);
    expect(lines).toContainEqual(expect.stringMatching(/^pair +median A +time B\/A +95% CI +p \(Holm\) +time +figures$/));
    expect(lines).toContainEqual(expect.stringMatching(/^slots-vs-dict\/dict @3\.13 .* =\s+=$/));
    expect(r.stdout).toMatch(/time: 0 slower, 0 faster \(alpha 0\.01\); figures: 0 of 7 pairs differ/);
    expect(r.stdout).toMatch(/^geometric mean B\/A over 7 pairs: time \d\.\d{3}x \(7 timed\), peak 1\.000x, current 1\.000x, arenas 1\.000x$/m);
    expectFits(lines);
  });

  it('a 10 % slowdown and a 2 % larger peak trip --fail-if-slower 5 and --fail-if-bigger 1: exit 1', () => {
    const r = compare(files.a, files.slow, '--fail-if-slower', '5', '--fail-if-bigger', '1');
    expect(r.status, r.stdout).toBe(1);
    const lines = r.stdout.split('\n');
    expectFits(lines);
    // A gate line too long for 100 columns breaks after the pair's name: join it back.
    const joined = r.stdout.replace(/^(FAIL .*):\n {2}/gm, '$1: ').split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^slots-vs-dict\/dict @3\.13 .* slower\s+1 differ$/));
    expect(joined).toContainEqual(
      expect.stringMatching(/^FAIL --fail-if-slower: slots-vs-dict\/dict @3\.13: time \+\d+\.\d\d% \(95% CI \+\d+\.\d\d% to \+\d+\.\d\d%, p [\d.e<-]+\) > \+5%$/),
    );
    expect(joined).toContainEqual(expect.stringMatching(/^FAIL --fail-if-bigger: slots-vs-dict\/dict @3\.13: peak [\d,]+ -> [\d,]+ B \(\+2\.00%\) > \+1%$/));
    expect(joined.filter((l) => l.startsWith('FAIL'))).toHaveLength(2);
    // The exact difference of the figure, under the pair's name.
    const at = lines.indexOf(DICT);
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {2}peak +[\d,]+ +[\d,]+ +\+[\d,]+ +\+2\.00%$/);
  });

  it('without gates the same comparison only reports: exit 0', () => {
    const r = compare(files.a, files.slow);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/time: 1 slower, 0 faster/);
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('--json: every pair with its timing effect, changes, means, trips and the status', () => {
    const r = compare(files.a, files.slow, '--fail-if-slower', '5', '--json');
    expect(r.status).toBe(1);
    const c = JSON.parse(r.stdout) as {
      status: number;
      pairs: { label: string; timing: { verdict: string; ratio: number; low: number; pAdjusted: number }; changes: { name: string; delta: number }[] }[];
      trips: { gate: string; pair: string }[];
      geometricMeans: { metric: string; pairs: number }[];
    };
    expect(c.status).toBe(1);
    expect(c.pairs).toHaveLength(7);
    const dict = c.pairs.find((p) => p.label === DICT)!;
    expect(dict.timing.verdict).toBe('slower');
    expect(dict.timing.low).toBeGreaterThan(1);
    expect(dict.timing.pAdjusted).toBeLessThan(0.01);
    expect(dict.changes.map((ch) => ch.name)).toEqual(['peak']);
    expect(c.pairs.filter((p) => p.label !== DICT).every((p) => p.timing.verdict === 'unchanged' && p.changes.length === 0)).toBe(true);
    expect(c.trips).toEqual([expect.objectContaining({ gate: 'fail-if-slower', pair: DICT })]);
    expect(c.geometricMeans.map((m) => m.metric)).toEqual(['time', 'peak', 'current', 'arenas']);
  });

  it('--md: Markdown tables for an issue', () => {
    const r = compare(files.a, files.slow, '--md', '--fail-if-bigger', '1');
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\*\*A\*\* `.*cmp-a\.msgpack` \(cmp-a\) · \*\*B\*\* `.*cmp-slow\.msgpack` \(cmp-slow\)$/);
    expect(lines).toContain('| pair | median A | time B/A | 95% CI | p (Holm) | time | figures |');
    expect(lines).toContain('| --- | ---: | ---: | ---: | ---: | --- | --- |');
    expect(lines).toContainEqual(expect.stringMatching(/^\| slots-vs-dict\/dict n=10000 @3\.13 \| .* \| slower \| 1 differ \|$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\| slots-vs-dict\/dict n=10000 @3\.13 \| peak \| [\d,]+ \| [\d,]+ \| \+[\d,]+ \| \+2\.00% \|$/));
    expect(lines).toContainEqual(expect.stringMatching(/^- FAIL --fail-if-bigger: /));
  });

  it('results only in one file are listed in a note and the rest compared', () => {
    const r = compare(files.a, files.partial);
    expect(r.status, r.stderr).toBe(0);
    // As many as fit in 100 columns; --json lists them all.
    expect(r.stdout).toMatch(/^note: 2 results only in A, not compared: slots-vs-dict\/dict n=10000 @3\.13; and 1 more$/m);
    expect(r.stdout).toMatch(/over 5 pairs/);
    const json = JSON.parse(compare(files.a, files.partial, '--json').stdout) as { onlyA: string[]; onlyB: string[] };
    expect(json.onlyA).toEqual(['slots-vs-dict/dict n=10000 @3.13', 'slots-vs-dict/slots n=10000 @3.13']);
    expect(json.onlyB).toEqual([]);
  });

  it('a file with several configurations of a result (a tune sweep) pairs each one with the same configuration on the other side', () => {
    // Against a file of defaults: the default point pairs, the other one is listed as only in A.
    const r = compare(files.severalConfigs, files.b, '--json');
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { pairs: { key: string }[]; onlyA: string[]; onlyB: string[] };
    expect(json.pairs).toHaveLength(7);
    expect(json.pairs.map((p) => p.key)).toContain('cyclic-graphs/pairs degree=4 k=10 n=10000 @3.13 [threshold 2000,10,10]');
    expect(json.onlyA).toEqual(['cyclic-graphs/pairs degree=4 k=10 n=10000 @3.13 [threshold 500,10,10]']);
    expect(json.onlyB).toEqual([]);
    // Two sweeps of the same grid: every point pairs with its own, and a changed figure at one point
    // is that point's alone.
    const c = compare(files.severalConfigs, files.severalConfigsChanged, '--fail-if-changed');
    expect(c.status, c.stderr).toBe(1);
    expect(c.stdout).toMatch(/over 8 pairs/);
    expect(c.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([
      'FAIL --fail-if-changed: cyclic-graphs/pairs @3.13 [500,10,10]: 1 figure differs (peak)',
    ]);
  });

  it('bad input is one line and exit 2', () => {
    expectCompareError([join(dir, 'missing.msgpack'), files.b], /no results file/);
    expectCompareError([files.foreign, files.b], /is not a gclab results file/);
    expectCompareError([files.a, files.otherProfile], /no result of .*cmp-a\.msgpack matches one of .*cmp-other-profile\.msgpack by workload, variant, params and profile/);
    expectCompareError([files.a, files.b, '--json', '--md'], /--json and --md are exclusive/);
    expectCompareError([files.a, files.b, '--metric', 'time,peek'], /unknown metric 'peek'; did you mean 'peak'/);
    expectCompareError([files.a, files.b, '--fail-if-slower', 'ten'], /--fail-if-slower must be a number/);
    expectCompareError([files.a, files.b, '--metric', 'peak', '--fail-if-slower', '5'], /--fail-if-slower needs 'time' or 'cpython' in --metric/);
    expectCompareError(['baseline:nope', files.b], /no baseline 'nope'/);
  }, 60_000);
});
