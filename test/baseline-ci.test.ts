// The project's own baseline: the deterministic figures of the quick suite, committed as
// results/baselines/ci.msgpack. A change to the model that shifts any simulated figure fails here;
// after an intended change, refresh it with
//   node bin/gclab.js bench --suite quick --no-timing --save-baseline ci
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselinePath, readBaseline, saveBaseline } from '../src/lab/baselines.js';
import type { TaskRecord } from '../src/lab/coordinator.js';

const REFRESH = 'node bin/gclab.js bench --suite quick --no-timing --save-baseline ci';

/** A results directory holding a copy of the committed baseline. */
function resultsDirWithBaseline(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-baseline-'));
  mkdirSync(join(dir, 'baselines'));
  copyFileSync(join('results', 'baselines', 'ci.msgpack'), baselinePath(dir, 'ci'));
  return dir;
}

const bench = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', 'bench', '--suite', 'quick', '--no-timing', '--results-dir', dir, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('the CI baseline of the quick suite', () => {
  it('this tree reproduces every deterministic figure of the committed baseline', () => {
    const dir = resultsDirWithBaseline();
    const r = bench(dir, '--baseline', 'ci', '--fail-if-changed', '--save-baseline', 'again');
    expect(r.status, `a simulated figure changed; if intended, refresh the baseline: ${REFRESH}\n${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^figures: 0 of 7 pairs differ$/m);
    expect(r.stdout).toMatch(/^gates passed: --fail-if-changed$/m);
    // The run saved as a baseline of its own holds the same figures.
    expect(r.stdout).toMatch(/^baseline 'again' saved: .*again\.msgpack$/m);
    const compared = spawnSync(process.execPath, ['bin/gclab.js', 'compare', 'baseline:ci', 'baseline:again', '--fail-if-changed', '--results-dir', dir], {
      encoding: 'utf8',
    });
    expect(compared.status, compared.stdout).toBe(0);
  }, 120_000);

  it('a run with other thresholds trips --fail-if-changed: exit 1', () => {
    const r = bench(resultsDirWithBaseline(), '--baseline', 'ci', '--fail-if-changed', '--threshold', '500,10,10');
    expect(r.status, r.stderr).toBe(1);
    // (A gate line too long for 100 columns breaks after the pair's name: joined back here.)
    const fails = r.stdout.replace(/^(FAIL .*):\n {2}/gm, '$1: ').split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toContainEqual(expect.stringMatching(/^FAIL --fail-if-changed: cyclic-graphs\/pairs @3\.13: \d+ figures differ \(peak, /));
    // Generators and lists never reach a collection at n = 10 000: the same figures.
    expect(fails.filter((l) => l.includes('generators-vs-lists'))).toEqual([]);
  }, 120_000);

  it('a baseline edited by 8 bytes of one peak trips it on that pair only', () => {
    const dir = resultsDirWithBaseline();
    const file = readBaseline(dir, 'ci');
    const records = file.records.map((r): TaskRecord => {
      if (r.spec.variant !== 'generator') return r;
      const m = r.metrics!;
      return { ...r, metrics: { ...m, memory: { ...m.memory, requested: { ...m.memory.requested, peak: m.memory.requested.peak + 8 } } } };
    });
    expect(saveBaseline(dir, 'edited', { ...file, records }).replaced).toBe(false);
    const r = bench(dir, '--baseline', 'edited', '--fail-if-changed');
    expect(r.status, r.stderr).toBe(1);
    const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toEqual(['FAIL --fail-if-changed: generators-vs-lists/generator @3.13: 1 figure differs (peak)']);
    expect(r.stdout).toMatch(/^ {2}peak +472 +464 +-8 +-1\.69%$/m);
  }, 120_000);

  it('a missing baseline, or a gate without one, is one line and exit 2 before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-baseline-'));
    for (const [args, pattern] of [
      [['--baseline', 'nope'], /^gclab: no baseline 'nope' \(.*nope\.msgpack\); save one with 'gclab bench … --save-baseline nope'$/],
      [['--fail-if-changed'], /^gclab: --fail-if-slower, --fail-if-bigger, --fail-if-changed, --metric and --alpha need --baseline NAME$/],
      [['--save-baseline', '../up'], /^gclab: --save-baseline takes a name of letters, digits/],
    ] as const) {
      const r = bench(dir, ...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(pattern);
    }
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
