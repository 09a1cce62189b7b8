/**
 * `gclab compare --html`: the report shows each pair's time ratio B/A with its 95 % interval and
 * the deterministic figures that differ, with the same numbers `--json` gives.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gclab-report-compare-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, ...(args.includes('--results-dir') ? [] : ['--results-dir', dir])], { encoding: 'utf8', timeout: 240_000 });
/** A results directory of its own: two runs within one second would get the same file name. */
const ownDir = (): string => mkdtempSync(join(dir, 'run-'));

interface PairJson {
  key: string;
  label: string;
  timing: { ratio: number; low: number; high: number } | null;
  changes: { name: string }[];
}

describe('the report of a comparison', () => {
  it('draws the ratios with their intervals and the figures that differ', () => {
    const common = ['cyclic-graphs', '--variant', 'pairs', '--param', 'n=8000', '--iterations', '8', '--warmup', '0', '--time', '0'];
    const a = gclab('run', ...common, '--results-dir', ownDir());
    expect(a.status, a.stderr).toBe(0);
    const b = gclab('run', ...common, '--threshold', '500,10,10', '--results-dir', ownDir());
    expect(b.status, b.stderr).toBe(0);
    const [pathA, pathB] = [a, b].map((r) => /results: (\S+)/.exec(r.stdout)![1]);

    const out = join(dir, 'diff.html');
    const r = gclab('compare', pathA, pathB, '--json', '--html', out);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { report: string; pairs: PairJson[] };
    expect(c.report).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/https?:\/\/|<script/i);

    const timeSvg = /data-chart="compare-time">(<svg[\s\S]*?<\/svg>)/.exec(html)![1];
    // an interval (a rule from low to high) and a point per timed pair
    const rules = /class="mark-rule role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/.exec(timeSvg)![1];
    const timed = c.pairs.filter((p) => p.timing);
    expect(timed.length).toBe(1);
    expect(rules.match(/<line/g)).toHaveLength(timed.length);
    const t = timed[0].timing!;
    expect(html).toContain(`${t.ratio.toFixed(3)}x</td><td class="right">${t.low.toFixed(3)}–${t.high.toFixed(3)}</td>`);

    // thresholds differ, so deterministic figures do, each one a bar and a row
    const changed = c.pairs.flatMap((p) => p.changes);
    expect(changed.length).toBeGreaterThan(0);
    expect(html).toContain('data-chart="compare-figures"');
    for (const ch of changed) expect(html).toContain(`<td>${ch.name}</td>`);
  }, 240_000);

  it('writes beside B by default', () => {
    const own = ownDir();
    const run = gclab('run', 'slots-vs-dict', '--variant', 'slots', '--param', 'n=3000', '--no-timing', '--results-dir', own);
    expect(run.status, run.stderr).toBe(0);
    // the run compared with itself
    const r = gclab('compare', 'latest', 'latest', '--html', '--results-dir', own);
    expect(r.status, r.stderr).toBe(0);
    const report = /report: (\S+) \(/.exec(r.stdout)![1];
    expect(report).toMatch(/-vs-.*\.html$/);
    expect(readFileSync(report, 'utf8')).toContain('No deterministic figure differs');
  }, 240_000);
});
