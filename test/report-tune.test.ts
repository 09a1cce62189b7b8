/**
 * `gclab tune --html`: the report shows the sweep's points (time against pause p99) with the
 * Pareto front highlighted, the front's table (the same settings `--json` calls the front), the
 * recommendation, and the recommended and default runs in full.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gclab-report-tune-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 240_000 });
const small = ['--param', 'n=3000', '--param', 'm=6000', '--iterations', '2', '--warmup', '0', '--time', '0'];

interface TunePoint {
  threshold: number[];
  freezeAt: string | null;
  front: boolean;
  default: boolean;
}

describe('the report of a tune run', () => {
  it('shows the points, the front and the recommendation', () => {
    const r = gclab('tune', 'long-lived-churn', '--threshold0', '300,3000,30000', '--freeze-at', 'none,tree', '--objective', 'peak', ...small, '--json', '--html');
    expect(r.status, r.stderr).toBe(0);
    const tune = JSON.parse(r.stdout) as { results: string; report: string; points: TunePoint[]; front: TunePoint[]; recommended: TunePoint & { reproduce: string } };
    expect(tune.report).toBe(tune.results.replace(/\.msgpack$/, '.html'));
    const html = readFileSync(tune.report, 'utf8');

    // The sweep chart: one symbol per measured point, the front in its own colour.
    const svg = /<figure class="chart" data-chart="tune">(<svg[\s\S]*?<\/svg>)/.exec(html)![1];
    const symbols = /class="mark-symbol role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1];
    expect(symbols.match(/<path/g)).toHaveLength(tune.points.length);
    expect(svg).toContain('on the front');
    expect(svg).toContain('dominated');

    // The front's table holds exactly the settings --json calls the front.
    const frontTable = /<caption>The Pareto front \((\d+) of (\d+) points\)<\/caption>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)!;
    expect(Number(frontTable[1])).toBe(tune.front.length);
    expect(Number(frontTable[2])).toBe(tune.points.length);
    const rows = [...frontTable[3].matchAll(/<tr><td>[^<]*<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows.sort()).toEqual(tune.front.map((p) => `${p.threshold.join(',')} ${p.freezeAt ?? 'none'}`).sort());

    expect(html).toContain(`Recommended for peak: threshold ${tune.recommended.threshold.join(', ')}`);
    expect(html).toContain(tune.recommended.reproduce);
    // the recommended run's section, with its charts
    const label = tune.recommended.default ? '@3.13</h3>' : `threshold=${tune.recommended.threshold.join(',')}`;
    expect(html).toContain(label);
    expect(html.match(/data-chart="memory"/g)!.length).toBe(tune.recommended.default ? 1 : 2);
  }, 240_000);
});
