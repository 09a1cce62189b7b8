/**
 * The HTML report of a real run: every chart of a run is there as inline SVG with its marks drawn
 * (memory, generation sizes, pause histogram, collections timeline, size-class occupancy), the
 * file is self-contained (no URL, no script, no stylesheet link), and the default suite's report
 * stays under 2 MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../src/lab/store.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-report-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 240_000 });

/** Each chart's name and its SVG, as the report's figures hold them. */
function charts(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<figure class="chart" data-chart="([^"]+)">(<svg[\s\S]*?<\/svg>)/g)) out.set(m[1], m[2]);
  return out;
}

/** Data marks drawn in an SVG (not axes or legends): containers of role "mark" that hold shapes. */
function markCount(svg: string): number {
  return [...svg.matchAll(/class="mark-\w+ role-mark[^"]*"[^>]*><(path|line|text)/g)].length;
}

function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<link/i);
  expect(html).not.toMatch(/\b(src|href)="(?!#)/);
  expect(html).not.toMatch(/@import|url\(/);
}

describe('the report of a run', () => {
  it('draws memory, generations, pauses, the timeline and the occupancy map, self-contained', () => {
    const out = join(dir, 'pairs.html');
    const r = gclab('run', 'cyclic-graphs', '--variant', 'pairs', '--param', 'n=30000', '--sample-interval', '2', '--iterations', '2', '--warmup', '0', '--time', '0', '--html', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`report: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d`));
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    const svgs = charts(html);
    expect([...svgs.keys()].sort()).toEqual(['generations', 'memory', 'occupancy', 'pauses', 'timeline']);
    for (const [name, svg] of svgs) expect(markCount(svg), name).toBeGreaterThan(0);

    // The figures behind the charts are the run's own.
    const resultsPath = /results: (\S+)/.exec(r.stdout)![1];
    const m = readResults(resultsPath).records[0].metrics!;
    expect(m.gc.pauseStartNs).toHaveLength(m.gc.pauseNs.length);
    expect(m.gc.pauses.count).toBeGreaterThan(0);
    expect(html).toContain(`${m.gc.pauseNs.length} pauses: p50`);
    const sc = m.memory.sizeClasses!;
    expect(sc.peak.requested).toBeGreaterThanOrEqual(sc.end.requested);
    expect(sc.peak.requested).toBeLessThanOrEqual(m.memory.requested.peak);
    const blocksAtPeak = Array.from(sc.peak.blocksInUse).reduce((a, b) => a + b, 0);
    expect(blocksAtPeak).toBeGreaterThan(0);
    const tel = readResults(resultsPath).records[0].telemetry!;
    expect(Math.max(...tel.columns.gcGen2Size!)).toBeGreaterThan(0);
  }, 240_000);

  it("keeps the default suite's report under 2 MB", () => {
    const r = gclab('bench', '--no-timing', '--html');
    expect(r.status, r.stderr).toBe(0);
    const resultsPath = /results: (\S+)/.exec(r.stdout)![1];
    const htmlPath = resultsPath.replace(/\.msgpack$/, '.html');
    expect(existsSync(htmlPath)).toBe(true);
    expect(r.stdout).toContain(`report: ${htmlPath}`);
    const bytes = statSync(htmlPath).size;
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const html = readFileSync(htmlPath, 'utf8');
    expectSelfContained(html);
    // 14 runs (3 workloads, 7 variants, 2 profiles), each with its section and memory chart
    expect(html.match(/data-chart="memory"/g)).toHaveLength(14);
    expect(html.match(/data-chart="suite-peak"/g)).toHaveLength(1);
  }, 240_000);
});
