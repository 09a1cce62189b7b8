/**
 * `--md` on bench, tips and tune: Markdown tables for pasting into an issue (and never together
 * with --json).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gclab-md-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 240_000 });
const quickTiming = ['--iterations', '2', '--warmup', '0', '--time', '0'];

/** The Markdown table starting at `header`'s line: its rows as cells. */
function markdownRows(output: string, header: string): string[][] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header}`));
  expect(start, output).toBeGreaterThanOrEqual(0);
  expect(lines[start + 1]).toMatch(/^\| (---:?)( \| ---:?)+ \|$/);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].slice(2, -2).split(' | '));
  return rows;
}

describe('--md', () => {
  it('bench prints its summary as a Markdown table', () => {
    const r = gclab('bench', '--suite', 'quick', '--no-timing', '--md');
    expect(r.status, r.stderr).toBe(0);
    const rows = markdownRows(r.stdout, 'workload/variant');
    expect(rows.map((c) => c[0])).toEqual([
      'generators-vs-lists/list',
      'generators-vs-lists/generator',
      'slots-vs-dict/dict',
      'slots-vs-dict/slots',
      'cyclic-graphs/pairs',
      'cyclic-graphs/rings',
      'cyclic-graphs/random',
    ]);
    expect(rows.every((c) => c.length === 8 && c[1] === '3.13')).toBe(true);
    // Modelled CPython time in every row (every built-in's work is counted), the sim time '-' untimed.
    expect(rows.every((c) => /^[\d.]+ [µm]?s \(\d+%\)$/.test(c[2]) && c[7] === '-')).toBe(true);
    expect(r.stdout).toMatch(/^- results: `.*\.msgpack`$/m);
  }, 240_000);

  it('tips prints the scoreboard as a Markdown table', () => {
    const r = gclab('tips', '--tip', 'use __slots__', '--md', ...quickTiming);
    expect(r.status, r.stderr).toBe(0);
    const rows = markdownRows(r.stdout, 'tip');
    expect(rows.map((c) => `${c[0]} ${c[2]}`)).toEqual(['use __slots__ 3.11', 'use __slots__ 3.13']);
    expect(rows[0][5]).toMatch(/^-\d+\.\d% \(0\.\d\dx\)$/);
  }, 240_000);

  it('tune prints its points as a Markdown table and the recommendation', () => {
    const r = gclab('tune', 'long-lived-churn', '--threshold0', '500,50000', '--param', 'n=3000', '--param', 'm=6000', '--md', ...quickTiming);
    expect(r.status, r.stderr).toBe(0);
    const rows = markdownRows(r.stdout, ' | threshold');
    expect(rows.map((c) => c[1]).sort()).toEqual(['2000,10,10', '500,10,10', '50000,10,10']);
    expect(r.stdout).toMatch(/```text\nrecommended for throughput: threshold/);
  }, 240_000);

  it('is exclusive with --json', () => {
    for (const args of [['bench', '--suite', 'quick'], ['tips'], ['tune', 'long-lived-churn', '--threshold0', '500']]) {
      const r = gclab(...args, '--json', '--md');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toBe('gclab: --json and --md are exclusive: choose one\n');
    }
  });
});
