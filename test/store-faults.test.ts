/**
 * A full disk (issue 20, defect 2). Before, a disk full as a run started left a 0-byte results
 * file (and a `.tmp`) that became `latest`, after which `results show latest`, `report latest`
 * and `compare X latest` all failed; full mid-run, it lost the record of the task that finished
 * as the disk filled, left a partial `.tmp`, marked the file interrupted and printed no summary.
 *
 * Fault injection: a simulated ENOSPC (test/support/disk-full.ts) at every byte of a results
 * file's writing, then whole `gclab bench` runs in this process with the disk full at the start
 * and part way; and, where this machine lets the test mount one (root), a real 200 KiB tmpfs as
 * `--results-dir`, as the issue reproduced it. In every case: no empty or partial file is ever
 * `latest`, no `.tmp` is left, and every record whose task finished before the failure reads back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.js';
import { baselinePath, baselineRecord } from '../src/lab/baselines.js';
import type { TaskRecord } from '../src/lab/coordinator.js';
import { listResults, provenance, readResults, resolveResultsPath, ResultsWriter } from '../src/lab/store.js';
import { benchCommand } from '../src/cli/commands/bench.js';
import { simulateDiskFull } from './support/disk-full.js';
import { expectOneLineError } from './support/one-line-error.js';
import { sampleRecords } from './support/sample-records.js';
import { withStderrInto } from './support/stderr-sink.js';

let samples: TaskRecord[] = [];
beforeAll(async () => {
  samples = await sampleRecords();
}, 120_000);

const newDir = (): string => mkdtempSync(join(tmpdir(), 'gclab-diskfull-'));

/** What a results directory must look like whatever happened: no empty file, no `.tmp`, `latest` readable (or none). */
function expectSound(dir: string): ReturnType<typeof readResults> | null {
  const names = readdirSync(dir);
  expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  for (const n of names) if (n.endsWith('.msgpack')) expect(statSync(join(dir, n)).size, n).toBeGreaterThan(0);
  let latest: string;
  try {
    latest = resolveResultsPath('latest', dir);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/no results in/);
    return null;
  }
  return readResults(latest);
}

/** Silences stderr (progress lines, the problem lines) and keeps what was written there. */
async function capturingStderr<T>(run: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const chunks: string[] = [];
  const value = await withStderrInto(chunks, run);
  return { value, stderr: chunks.join('') };
}

describe('ENOSPC at every byte of a results file', () => {
  it('at each budget: the file is a whole prefix, every record saved before the failure reads back, and the writer knows what is missing', () => {
    // Small records (as a baseline keeps them), so every byte can be the last one that fits.
    const records = [0, 1, 2, 3, 0, 3].map((k, id) => ({ ...baselineRecord(samples[k]), id }));
    const probe = newDir();
    const whole = new ResultsWriter(probe, 'enospc', provenance('test', {}));
    whole.addAll(records);
    whole.finish();
    const total = statSync(whole.path).size;
    let refusedAtStart = 0;
    let short = 0;
    for (let budget = 0; budget <= total; budget++) {
      const dir = newDir();
      const disk = simulateDiskFull(dir, budget);
      let writer: ResultsWriter | null = null;
      let savedBeforeFailure = 0;
      try {
        try {
          writer = new ResultsWriter(dir, 'enospc', provenance('test', {}));
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          expect((err as Error).message).toMatch(/cannot write a results file in '.*': no space left on the device \(ENOSPC\)$/);
          refusedAtStart++;
        }
        if (writer) {
          for (const r of records) {
            writer.add(r);
            if (disk.failures === 0) savedBeforeFailure++;
          }
          writer.finish();
        }
      } finally {
        disk.restore();
      }
      const file = expectSound(dir);
      if (!writer) {
        expect(readdirSync(dir)).toEqual([]);
        expect(file).toBeNull();
      } else {
        expect(file).not.toBeNull();
        const kept = file!.records.map((r) => r.id);
        expect(kept).toEqual(records.slice(0, records.length - writer.unsaved).map((r) => r.id));
        expect(kept.length).toBeGreaterThanOrEqual(savedBeforeFailure);
        expect(file!.complete).toBe(writer.problem === null);
        if (writer.problem !== null) {
          short++;
          expect(writer.problem).toBe('no space left on the device (ENOSPC)');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
    // The header's bytes refuse the run; every later byte leaves a short, readable file; the
    // whole size is the one budget that holds it all.
    const header = statSync(new ResultsWriter(newDir(), 'enospc', provenance('test', {})).path).size;
    expect(refusedAtStart).toBe(header);
    expect(short).toBe(total - header);
  }, 120_000);

  it('when space comes back, the records held back are written with the next one', () => {
    const dir = newDir();
    const disk = simulateDiskFull(dir, 10 ** 6);
    const writer = new ResultsWriter(dir, 'recover', provenance('test', {}));
    disk.fill(10);
    try {
      writer.add(samples[0]);
      writer.add(samples[1]);
      expect(writer.unsaved).toBe(2);
      expect(readResults(writer.path).records).toHaveLength(0);
      disk.free(10 ** 7);
      writer.add(samples[2]);
      writer.finish();
    } finally {
      disk.restore();
    }
    expect(writer.unsaved).toBe(0);
    expect(writer.problem).toBeNull();
    const file = readResults(writer.path);
    expect(file.records.map((r) => r.id)).toEqual([samples[0].id, samples[1].id, samples[2].id]);
    expect(file.complete).toBe(true);
  });
});

describe('gclab bench on a full disk (in this process)', () => {
  const bench = (resultsDir: string, extra: Record<string, unknown> = {}) => {
    const lines: string[] = [];
    return capturingStderr(async () => {
      const status = await benchCommand({ suite: 'quick', timing: false, workers: '2', resultsDir, ...extra }, (l) => lines.push(l));
      return { status, lines };
    });
  };

  it('full at the start: one line, exit 2, before any task runs and before the header; nothing left behind', async () => {
    const dir = newDir();
    const disk = simulateDiskFull(dir, 0);
    let message = '';
    const lines: string[] = [];
    try {
      await benchCommand({ suite: 'quick', timing: false, resultsDir: dir }, (l) => lines.push(l));
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      message = (err as Error).message;
    } finally {
      disk.restore();
    }
    expect(message).toMatch(/^cannot write a results file in '.*': no space left on the device \(ENOSPC\)$/);
    expect(lines).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    expect(expectSound(dir)).toBeNull();
  }, 60_000);

  it('full part way: the summary shows every task, the file keeps all it could, one line says what is missing, exit 1', async () => {
    // How big the run's file is when there is room, to fill the disk part way through it.
    const roomy = newDir();
    const full = await bench(roomy);
    expect(full.value.status).toBe(0);
    const size = statSync(resolveResultsPath('latest', roomy)).size;
    const dir = newDir();
    const disk = simulateDiskFull(dir, Math.floor(size * 0.4));
    let run;
    try {
      run = await bench(dir, { saveBaseline: 'ci', html: true });
    } finally {
      disk.restore();
    }
    const { status, lines } = run.value;
    expect(status).toBe(1);
    // All seven tasks in the summary, though not all are in the file.
    const rows = lines.join('\n').split('\n').filter((l) => /^  \S+ @3\.1\S*\s/.test(l));
    expect(rows).toHaveLength(7);
    const file = expectSound(dir)!;
    expect(file.records.length).toBeGreaterThan(0);
    expect(file.records.length).toBeLessThan(7);
    expect(file.complete).toBe(false);
    const problems = run.stderr.split('\n').filter((l) => l.startsWith('gclab: '));
    expect(problems[0]).toMatch(new RegExp(`is short: ${7 - file.records.length} of 7 results could not be written \\(it holds the first ${file.records.length}\\): no space left on the device \\(ENOSPC\\)$`));
    // The report could not be written either: its own line, and no half report left behind.
    expect(problems[1]).toMatch(/^gclab: cannot write the report '.*\.html': no space left on the device \(ENOSPC\)$/);
    expect(readdirSync(dir).filter((n) => n.endsWith('.html') || n.endsWith('.tmp'))).toEqual([]);
    // A baseline is only ever a whole run.
    expect(lines.join('\n')).toMatch(/baseline 'ci' not saved: the results file is short/);
    expect(() => statSync(baselinePath(dir, 'ci'))).toThrow();
    // What is in the file reads everywhere 'latest' is read.
    expect(readResults(resolveResultsPath('latest', dir)).records.map((r) => r.id)).toEqual(file.records.map((r) => r.id));
  }, 120_000);
});

/** A tmpfs of `kib` KiB, or null where this process may not mount one (not root, no CAP_SYS_ADMIN). */
function mountTmpfs(kib: number): string | null {
  const mount = mkdtempSync(join(tmpdir(), 'gclab-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', mount], { encoding: 'utf8' });
  return r.status === 0 ? mount : null;
}
const mounts: string[] = [];
const canMount = (() => {
  const m = mountTmpfs(64);
  if (m === null) return false;
  mounts.push(m);
  return true;
})();
afterAll(() => {
  for (const m of mounts) spawnSync('umount', [m]);
});

describe('a real 200 KiB tmpfs as --results-dir (as the issue reproduced it)', () => {
  const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 120_000 });

  it.skipIf(!canMount)('full at the start: exit 2, one line, no file; then part way: exit 1, summary printed, latest readable', () => {
    const mount = mountTmpfs(200)!;
    mounts.push(mount);
    // Fill it.
    const filler = join(mount, 'filler');
    writeFileSync(filler, Buffer.alloc(200 * 1024));
    const atStart = gclab('bench', '--suite', 'quick', '--no-timing', '--results-dir', mount);
    expectOneLineError(atStart, /cannot write a results file in '.*': no space left on the device \(ENOSPC\)/);
    expect(atStart.stdout).toBe('');
    expect(readdirSync(mount)).toEqual(['filler']);

    // Leave about 12 KiB: the header and a few records fit, not the seven.
    rmSync(filler);
    writeFileSync(filler, Buffer.alloc(188 * 1024));
    const partWay = gclab('bench', '--suite', 'quick', '--no-timing', '--results-dir', mount);
    expect(partWay.status, partWay.stderr).toBe(1);
    expect(partWay.stdout).toMatch(/results: \S+\.msgpack/);
    expect(partWay.stderr).toMatch(/gclab: results file \S+ is short: \d of 7 results could not be written/);
    expect(partWay.stderr).not.toMatch(/\n\s+at /);
    const listing = listResults(mount);
    expect(listing).toHaveLength(1);
    expect(listing[0].problem).toBeNull();
    expect(readdirSync(mount).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const show = gclab('results', 'show', 'latest', '--results-dir', mount);
    expect(show.status, show.stderr).toBe(0);
    const kept = readResults(listing[0].path).records.length;
    expect(kept).toBeGreaterThan(0);
    expect(show.stdout).toContain(`${kept} results`);
    const compare = gclab('compare', listing[0].path, 'latest', '--results-dir', mount);
    expect(compare.status, compare.stderr).toBe(0);
  }, 240_000);
});
