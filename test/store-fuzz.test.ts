/**
 * Fuzz (issue 20): 10,000 seeded damaged results files, each fed to `results show`, `results
 * export`, `report` and `compare` (against a good file) through the commands' in-process entry
 * points: every call ends as exit 0 or as a one-line UsageError (exit 2), never with another
 * error (a JavaScript TypeError is exit 1 and a stack trace), and nothing else reaches stderr.
 * A handful of the same files through the real `gclab` process prove the exit codes end to end.
 *
 * The damage: fields set to wrong types, deleted, arrays emptied or grown (in schema 1 and 2),
 * and byte-level cuts, flips, insertions and drops on top, or alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.js';
import { seededRandom } from '../src/compare/stats.js';
import { baselineRecord } from '../src/lab/baselines.js';
import type { TaskRecord } from '../src/lab/coordinator.js';
import { provenance, readResults, ResultsWriter } from '../src/lab/store.js';
import { compareCommand } from '../src/cli/commands/compare.js';
import { reportCommand } from '../src/cli/commands/report.js';
import { resultsExportCommand, resultsShowCommand } from '../src/cli/commands/results.js';
import { encodeSchema1, encodeSchema2, mutateBytes, mutateFields } from './support/results-mutations.js';
import { sampleRecords } from './support/sample-records.js';
import { withStderrInto } from './support/stderr-sink.js';

const FILES = 10_000;
/** Files made from the base with telemetry and pauses (its report draws every chart, ~60 ms each). */
const FULL_FILES = 300;
const SEED = 20;

const dir = mkdtempSync(join(tmpdir(), 'gclab-fuzz-'));
let good = '';
let trimmedBase: Record<string, unknown> = {};
let fullBase: Record<string, unknown> = {};

beforeAll(async () => {
  const records: TaskRecord[] = await sampleRecords();
  const write = (name: string, rs: readonly TaskRecord[]): string => {
    const w = new ResultsWriter(dir, name, provenance('bench', { suite: 'fuzz' }));
    w.addAll(rs);
    w.finish();
    return w.path;
  };
  good = write('good', records.map(baselineRecord));
  trimmedBase = { ...readResults(good) };
  fullBase = { ...readResults(write('full', [records[0], records[3]])) };
}, 120_000);

const messages = new Set<string>();
type Outcome = { status: 0 | 2; stderrLines: number } | { status: 1; error: string };

/** Runs one command's entry point as main() would: a UsageError is exit 2, any other error exit 1. */
async function outcome(run: () => unknown): Promise<Outcome> {
  const stderr: string[] = [];
  try {
    await withStderrInto(stderr, run);
    return { status: 0, stderrLines: stderr.join('').split('\n').filter((l) => l !== '').length };
  } catch (err) {
    if (err instanceof UsageError) {
      if (process.env.GCLAB_FUZZ_SHOW) messages.add(err.message.replace(/'[^']*'/g, 'Q').slice(0, 90));
      if (err.message.includes('\n')) return { status: 1, error: `a UsageError of several lines: ${err.message}` };
      // main() prints the message as one line.
      return { status: 2, stderrLines: stderr.join('').split('\n').filter((l) => l !== '').length + 1 };
    }
    return { status: 1, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

/** The i-th damaged file's bytes: a field mutation in either schema, then maybe byte damage, or byte damage alone. */
function damaged(i: number, random: () => number): Buffer {
  const base = i < FULL_FILES ? fullBase : trimmedBase;
  const how = random();
  const schema2 = random() < 0.7;
  const encode = (f: Record<string, unknown>): Buffer => (schema2 ? encodeSchema2(f) : encodeSchema1(f));
  if (how < 0.55) return encode(mutateFields(base, random));
  if (how < 0.75) return mutateBytes(encode(mutateFields(base, random)), random);
  return mutateBytes(encode(base), random);
}

describe('fuzz: damaged results files', () => {
  it(`${FILES} seeded damaged files: show, export, report and compare each exit 0 or 2 with at most one line on stderr`, async () => {
    const random = seededRandom(SEED);
    const problems: string[] = [];
    const tally = { 0: 0, 2: 0 };
    const path = join(dir, 'damaged.msgpack');
    const html = join(dir, 'damaged.html');
    const formats = ['json', 'csv', 'md'];
    for (let i = 0; i < FILES; i++) {
      writeFileSync(path, damaged(i, random));
      const runs: [string, () => unknown][] = [
        ['show', () => resultsShowCommand(path, { resultsDir: dir }, () => {})],
        ['export', () => resultsExportCommand(path, { resultsDir: dir, format: formats[i % 3] }, () => {})],
        ['report', () => reportCommand(path, { resultsDir: dir, out: html }, () => {})],
        ['compare', () => (i % 2 === 0 ? compareCommand(good, path, { resultsDir: dir }, () => {}) : compareCommand(path, good, { resultsDir: dir, json: true }, () => {}))],
      ];
      for (const [command, run] of runs) {
        const o = await outcome(run);
        if (o.status === 1) problems.push(`file ${i} (seed ${SEED}), ${command}: ${o.error}`);
        else {
          tally[o.status]++;
          if (o.stderrLines > 1) problems.push(`file ${i} (seed ${SEED}), ${command}: ${o.stderrLines} lines on stderr`);
        }
      }
      if (problems.length >= 5) break;
    }
    if (process.env.GCLAB_FUZZ_SHOW) console.log([...messages].sort().join('\n'));
    expect(problems.slice(0, 5)).toEqual([]);
    // Both outcomes are common: the damage is neither all caught at the door nor all let through
    // (seed 20: 4,414 calls exit 0, 35,586 exit 2).
    expect(tally[0]).toBeGreaterThan(0.05 * 4 * FILES);
    expect(tally[2]).toBeGreaterThan(0.05 * 4 * FILES);
    expect(tally[0] + tally[2]).toBe(4 * FILES);
  }, 600_000);

  it('the same damage through the real gclab process: exit 0 or 2, one line on stderr at most, no stack trace', () => {
    const random = seededRandom(SEED + 1);
    const statuses = new Set<number | null>();
    // Files until both outcomes have been seen end to end (about one call in nine exits 0, so six
    // files, 24 calls, missed it one time in sixteen), at most 40.
    for (let i = 0; i < 40 && !(i >= 6 && statuses.has(0) && statuses.has(2)); i++) {
      const path = join(dir, `spawned-${i}.msgpack`);
      writeFileSync(path, damaged(FULL_FILES + i, random));
      const commands = [
        ['results', 'show', path],
        ['results', 'export', path, '--format', 'csv'],
        ['report', path, '--out', join(dir, `spawned-${i}.html`)],
        ['compare', good, path],
      ];
      for (const args of commands) {
        const r = spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 60_000 });
        expect([0, 2], `${args.join(' ')}: ${r.stderr}`).toContain(r.status);
        expect(r.stderr.split('\n').filter((l) => l !== '').length, r.stderr).toBeLessThanOrEqual(1);
        expect(r.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
        statuses.add(r.status);
      }
    }
    expect([...statuses].sort()).toEqual([0, 2]);
  }, 240_000);
});
