/**
 * `gclab tips`: each row's figures are the ones stored in the results file, the effect is their
 * ratio, unknown tips get a one-line error, and the scoreboard fits in 100 columns.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../src/lab/store.js';
import { scoreTip, tipFigure } from '../src/lab/tips.js';
import { scoreboard } from '../src/cli/commands/tips.js';
import { TIPS } from '../workloads/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-tips-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', 'tips', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 120_000 });

describe('gclab tips', () => {
  it('reads every figure back from the results file it wrote', () => {
    const r = gclab('--tip', 'use __slots__', '--tip', 'use generators', '--profile', '3.11,3.13', '--json');
    expect(r.status, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as {
      results: string;
      tips: { tip: string; workload: string; without: string; with: string; profile: string; figures: { without: number; with: number }; ratio: number }[];
    };
    expect(printed.tips.map((t) => `${t.tip}@${t.profile}`)).toEqual([
      'use __slots__@3.11',
      'use __slots__@3.13',
      'use generators@3.11',
      'use generators@3.13',
    ]);
    const stored = readResults(printed.results);
    expect(stored.complete).toBe(true);
    for (const row of printed.tips) {
      const tip = TIPS.find((t) => t.name === row.tip)!;
      const figure = (variant: string): number => {
        const rec = stored.records.find((x) => x.spec.workload === row.workload && x.spec.variant === variant && x.spec.profile === row.profile)!;
        return tipFigure(tip.metric, rec.metrics!, rec.spec.params, rec.time);
      };
      expect(row.figures.without).toBe(figure(row.without));
      expect(row.figures.with).toBe(figure(row.with));
      expect(row.ratio).toBeCloseTo(row.figures.with / row.figures.without, 12);
    }
    // The advice holds: __slots__ instances are smaller while held, a generator's peak is tiny.
    for (const row of printed.tips) expect(row.ratio, row.tip).toBeLessThan(row.tip === 'use __slots__' ? 0.8 : 0.01);
  }, 120_000);

  it('an unknown tip is one line naming the closest one, exit 2', () => {
    const r = gclab('--tip', 'use __slot');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^gclab: unknown tip 'use __slot'; did you mean 'use __slots__'\?/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the scoreboard fits in 100 columns with every tip on two profiles', () => {
    const scores = TIPS.flatMap((tip) => ['3.11', '3.13'].map((p) => scoreTip(tip, p, 123_456_789, 98_765)));
    const lines = scoreboard(scores).split('\n');
    expect(lines.length).toBe(2 + 3 * TIPS.length);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});
