/**
 * Where results and reports go (issue 20): defect 1, an output path checked only after the run
 * (`bench --save-baseline mine --html README.md/x.html` ran every task, failed writing the report
 * and never saved the baseline, compared or applied the gates); defect 6, a dangling `*.msgpack`
 * link breaking `results list`, `latest` and look-ups, a `--results-dir` that is a file, under a
 * file or '' failing with a raw errno after the header, an exact name not choosable when another
 * extends it; defect 7, `report F --out F` replacing results file F with HTML.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineRecord, baselinePath } from '../src/lab/baselines.js';
import { provenance, readResults, resolveResultsPath, ResultsWriter } from '../src/lab/store.js';
import { benchCommand } from '../src/cli/commands/bench.js';
import { simulateDiskFull } from './support/disk-full.js';
import { expectOneLineError } from './support/one-line-error.js';
import { sampleRecords } from './support/sample-records.js';
import { withStderrInto } from './support/stderr-sink.js';

const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 120_000 });
const newDir = (): string => mkdtempSync(join(tmpdir(), 'gclab-outputs-'));

let good = '';
beforeAll(async () => {
  const w = new ResultsWriter(newDir(), 'good', provenance('bench', {}));
  w.addAll((await sampleRecords()).map(baselineRecord));
  w.finish();
  good = w.path;
}, 120_000);

describe('output paths are checked before the run (defect 1)', () => {
  it('bench --save-baseline mine --html README.md/x.html: one line, exit 2, no task run, no results file', () => {
    const dir = newDir();
    const r = gclab('bench', '--suite', 'quick', '--no-timing', '--save-baseline', 'mine', '--html', 'README.md/x.html', '--results-dir', dir);
    expectOneLineError(r, /--html 'README\.md\/x\.html' is under a file \('.*README\.md' is not a directory\)/);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir).filter((n) => n.endsWith('.msgpack'))).toEqual([]);
  });

  it('run --html in a missing directory, or a directory itself: one line, exit 2, before the run', () => {
    const dir = newDir();
    for (const [html, why] of [[join(dir, 'no-such-dir', 'r.html'), /the directory '.*no-such-dir' does not exist/], [dir, /is a directory; give a file path/]] as const) {
      const r = gclab('run', 'slots-vs-dict', '--param', 'n=1000', '--no-timing', '--html', html, '--results-dir', dir);
      expectOneLineError(r, why);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.msgpack'))).toEqual([]);
  });

  it('a report that cannot be written after the run costs only itself: the baseline is saved, compared, the gates applied', async () => {
    const dir = newDir();
    const lines: string[] = [];
    const quiet = <T>(run: () => Promise<T>) => silenced(run);
    expect(await quiet(() => benchCommand({ suite: 'quick', timing: false, resultsDir: dir, saveBaseline: 'mine' }, () => {}))).toBe(0);
    // The report's directory fills up after the check (another program), the results directory does not.
    const reports = newDir();
    const disk = simulateDiskFull(reports, 0);
    let status: number;
    let stderr: string[];
    try {
      [status, stderr] = await silencedWithLines(() =>
        benchCommand(
          { suite: 'quick', timing: false, resultsDir: dir, baseline: 'mine', failIfChanged: true, saveBaseline: 'again', html: join(reports, 'x.html') },
          (l) => lines.push(l),
        ),
      );
    } finally {
      disk.restore();
    }
    expect(status).toBe(1);
    expect(stderr).toEqual([expect.stringMatching(/^gclab: cannot write the report '.*x\.html': no space left on the device \(ENOSPC\)$/)]);
    const text = lines.join('\n');
    expect(text).toMatch(/compared with baseline 'mine'/);
    expect(text).toMatch(/gates passed: --fail-if-changed/);
    expect(text).toMatch(/baseline 'again' saved: /);
    expect(readResults(baselinePath(dir, 'again')).records).toHaveLength(7);
    expect(readdirSync(reports)).toEqual([]);
  }, 120_000);
});

async function silenced<T>(run: () => Promise<T>): Promise<T> {
  return (await silencedWithLines(run))[0];
}

/** Runs with stderr captured: the value and the `gclab: …` lines written there. */
async function silencedWithLines<T>(run: () => Promise<T>): Promise<[T, string[]]> {
  const chunks: string[] = [];
  const value = await withStderrInto(chunks, run);
  return [value, chunks.join('').split('\n').filter((l) => l.startsWith('gclab: '))];
}

describe('the results directory (defect 6)', () => {
  it('a dangling *.msgpack link: list, latest and names still work', () => {
    const dir = newDir();
    const kept = join(dir, '20261207T010000Z-kept.msgpack');
    copyFileSync(good, kept);
    symlinkSync(join(dir, 'gone.msgpack.target'), join(dir, '20261207T020000Z-gone.msgpack'));
    const list = gclab('results', 'list', '--results-dir', dir);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('20261207T010000Z-kept');
    expect(list.stdout).toMatch(/skipped, not results files: 20261207T020000Z-gone\.msgpack \(a link to nothing\)/);
    for (const ref of ['latest', '20261207T010000Z-kept', 'kept']) {
      const show = gclab('results', 'show', ref, '--results-dir', dir);
      expect(show.status, `${ref}: ${show.stderr}`).toBe(0);
      expect(show.stdout).toContain('kept.msgpack');
    }
    const gone = gclab('results', 'show', '20261207T020000Z-gone', '--results-dir', dir);
    expectOneLineError(gone, /cannot read results file '.*gone\.msgpack': no such file or directory \(ENOENT\)/);
  });

  it("a --results-dir that is a file, under a file, or '': one line, exit 2, nothing printed first", () => {
    const dir = newDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [file, /--results-dir '.*a-file' is a file, not a directory/],
      [join(file, 'sub'), /--results-dir '.*a-file\/sub' is under a file \('.*a-file' is not a directory\)/],
      ['', /--results-dir needs a directory, got ''/],
    ];
    for (const [resultsDir, why] of cases) {
      for (const command of [['bench', '--suite', 'quick'], ['run', 'slots-vs-dict', '--param', 'n=1000']]) {
        const r = gclab(...command, '--no-timing', '--results-dir', resultsDir);
        expectOneLineError(r, why);
        expect(r.stdout).toBe('');
      }
    }
  });

  it('a name given exactly is chosen even when other names extend it', () => {
    const dir = newDir();
    for (const name of ['run', 'run-2', 'run-3', 'other-run']) copyFileSync(good, join(dir, `${name}.msgpack`));
    expect(resolveResultsPath('run', dir)).toBe(join(dir, 'run.msgpack'));
    expect(resolveResultsPath('run.msgpack', dir)).toBe(join(dir, 'run.msgpack'));
    expect(resolveResultsPath('run-2', dir)).toBe(join(dir, 'run-2.msgpack'));
    // A part of a name still has to be unique.
    expectOneLineError(gclab('results', 'show', 'run-', '--results-dir', dir), /'run-' matches 2 results files; give more of the name/);
    const show = gclab('results', 'show', 'run', '--results-dir', dir);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/run\.msgpack: good/);
  });
});

describe('a report never replaces a results file (defect 7)', () => {
  it('report F --out F: one line, exit 2, F unchanged', () => {
    const dir = newDir();
    const f = join(dir, 'f.msgpack');
    copyFileSync(good, f);
    const before = readFileSync(f);
    expectOneLineError(gclab('report', f, '--out', f), /--out '.*f\.msgpack' is a results file; writing the report there would replace it/);
    // Nor another results file, whatever its name.
    const g = join(dir, 'g.bin');
    copyFileSync(good, g);
    expectOneLineError(gclab('report', f, '--out', g), /--out '.*g\.bin' is a results file/);
    expect(readFileSync(f).equals(before)).toBe(true);
    expect(readResults(f).records).toHaveLength(4);
    const ok = gclab('report', f, '--out', join(dir, 'f.html'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(existsSync(join(dir, 'f.html'))).toBe(true);
  });
});
