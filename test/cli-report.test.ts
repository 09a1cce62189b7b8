/**
 * `gclab report <results-file>` and `--html` on run and bench: where the report goes (beside the
 * results file by default, or the path given), what is printed, and bad input as one line and
 * exit status 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gclab-cli-report-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 240_000 });
const small = ['--param', 'n=5000', '--no-timing'];

describe('gclab report and --html', () => {
  it('run --html writes the report beside the results file', () => {
    const r = gclab('run', 'slots-vs-dict', '--variant', 'slots', ...small, '--html');
    expect(r.status, r.stderr).toBe(0);
    const results = /results: (\S+)/.exec(r.stdout)![1];
    const report = results.replace(/\.msgpack$/, '.html');
    expect(r.stdout).toMatch(new RegExp(`\\nreport: ${report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+(\\.\\d)? KiB\\)\\n$`));
    expect(readFileSync(report, 'utf8')).toContain('slots-vs-dict/slots n=5000 @3.13');
  }, 240_000);

  it('run --json --html keeps stdout one JSON object and names the report on stderr', () => {
    const out = join(dir, 'run.html');
    const r = gclab('run', 'slots-vs-dict', '--variant', 'dict', ...small, '--json', '--html', out);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { variant: string }).variant).toBe('dict');
    expect(r.stderr).toContain(`report: ${out}`);
    expect(existsSync(out)).toBe(true);
  }, 240_000);

  it('bench --html PATH writes there, and --json names it', () => {
    const out = join(dir, 'quick.html');
    const r = gclab('bench', '--suite', 'quick', '--no-timing', '--json', '--html', out);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { results: string; report: string; records: unknown[] };
    expect(json.report).toBe(out);
    expect(json.records).toHaveLength(7);
    expect(readFileSync(out, 'utf8').match(/data-chart="memory"/g)).toHaveLength(7);
  }, 240_000);

  it("report latest and report FILE --out", () => {
    const latest = gclab('report', 'latest');
    expect(latest.status, latest.stderr).toBe(0);
    const path = /^report: (\S+) \(/.exec(latest.stdout)![1];
    expect(path).toMatch(/-bench-quick\.html$/);
    expect(readFileSync(path, 'utf8')).toContain('<h1>gclab bench: bench-quick</h1>');

    const out = join(dir, 'again.html');
    const byName = gclab('report', 'bench-quick', '--out', out);
    expect(byName.status, byName.stderr).toBe(0);
    expect(byName.stdout).toBe(`report: ${out} (${/\(([^)]+)\)/.exec(byName.stdout)![1]})\n`);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(path, 'utf8'));
  }, 240_000);

  it('bad input is one line and exit status 2', () => {
    const missing = gclab('report', 'no-such-results');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("gclab: no results file 'no-such-results' (see 'gclab results list')\n");
    const nowhere = gclab('report', 'latest', '--out', join(dir, 'no', 'such', 'dir', 'r.html'));
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toMatch(/^gclab: --out '.*r\.html': the directory '.*no\/such\/dir' does not exist\n$/);
  }, 240_000);
});
