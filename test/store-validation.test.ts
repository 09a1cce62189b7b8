/**
 * Issue 20, defect 4: a results file with the right header but the wrong shape made `results
 * show`, `export`, `report`, `compare` and `bench --baseline` exit 1 with a raw JavaScript error
 * ("Cannot read properties of undefined (reading 'labVersion')"). Every file is now checked on
 * load against the one schema, and the first violation is one line with exit 2, for schema-1
 * and schema-2 files alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.js';
import { baselineRecord } from '../src/lab/baselines.js';
import { provenance, readResults, ResultsWriter } from '../src/lab/store.js';
import { benchCommand } from '../src/cli/commands/bench.js';
import { compareCommand } from '../src/cli/commands/compare.js';
import { reportCommand } from '../src/cli/commands/report.js';
import { resultsExportCommand, resultsShowCommand } from '../src/cli/commands/results.js';
import { encodeSchema1, encodeSchema2 } from './support/results-mutations.js';
import { expectOneLineError } from './support/one-line-error.js';
import { sampleRecords } from './support/sample-records.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-validation-'));
let good = '';
let base: Record<string, unknown> = {};

beforeAll(async () => {
  const w = new ResultsWriter(dir, 'good', provenance('bench', {}));
  w.addAll((await sampleRecords()).map(baselineRecord));
  w.finish();
  good = w.path;
  base = { ...readResults(good) };
}, 120_000);

type Edit = (file: Record<string, any>) => void;
/** The shapes the issue found, each with the violation the one line names. */
const CASES: [string, Edit, RegExp][] = [
  ['records: [{}]', (f) => (f.records = [{}]), /records\[0\]\.id: expected number/],
  ['provenance: null', (f) => (f.provenance = null), /provenance: expected object, received null/],
  ['gc.collections: "abc"', (f) => (f.records[0].metrics.gc.collections = 'abc'), /records\[0\]\.metrics\.gc\.collections: expected array, received string/],
  ['metrics: "oops"', (f) => (f.records[1].metrics = 'oops'), /records\[1\]\.metrics: expected object, received string/],
  ['spec.params: null', (f) => (f.records[0].spec.params = null), /records\[0\]\.spec\.params: expected record, received null/],
  ['schema: "1"', (f) => (f.schema = '1'), /schema: expected one of 1\|2/],
  ['an ok record without metrics', (f) => delete f.records[0].metrics, /records\[0\]\.metrics: an 'ok' result without metrics/],
  ['an unknown profile', (f) => (f.records[0].spec.profile = '2.7'), /records\[0\]\.spec\.profile: .*3\.11/],
];

function misshapen(name: string, edit: Edit, schema: 1 | 2): string {
  const file = structuredClone(base);
  edit(file);
  const path = join(dir, `${name.replace(/\W+/g, '_')}-s${schema}.msgpack`);
  writeFileSync(path, schema === 1 ? encodeSchema1(file) : encodeSchema2(file));
  return path;
}

async function usageError(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('a misshapen results file is one line and exit 2', () => {
  for (const [name, edit, violation] of CASES) {
    for (const schema of [1, 2] as const) {
      it(`${name} (schema ${schema}): show, export, report and compare name the violation`, async () => {
        const path = misshapen(name, edit, schema);
        const messages = [
          await usageError(() => resultsShowCommand(path, { resultsDir: dir }, () => {})),
          await usageError(() => resultsExportCommand(path, { resultsDir: dir, format: 'csv' }, () => {})),
          await usageError(() => reportCommand(path, { resultsDir: dir, out: join(dir, 'r.html') }, () => {})),
          await usageError(() => compareCommand(good, path, { resultsDir: dir }, () => {})),
        ];
        for (const m of messages) {
          expect(m).not.toContain('\n');
          expect(m).toMatch(new RegExp(`is not a valid gclab results file: ${violation.source}`));
        }
      });
    }
  }

  it('bench --baseline with a misshapen baseline stops before running anything', async () => {
    const resultsDir = join(dir, 'bench');
    mkdirSync(join(resultsDir, 'baselines'), { recursive: true });
    const file = structuredClone(base);
    file.provenance = null;
    writeFileSync(join(resultsDir, 'baselines', 'broken.msgpack'), encodeSchema2(file));
    const message = await usageError(() => benchCommand({ suite: 'quick', timing: false, baseline: 'broken', resultsDir }, () => {}));
    expect(message).toMatch(/broken\.msgpack' is not a valid gclab results file: provenance: expected object, received null/);
  });

  it('end to end: the real process exits 2 with one line and no stack trace', () => {
    const path = misshapen('provenance: null', (f) => (f.provenance = null), 1);
    for (const args of [['results', 'show', path], ['results', 'export', path], ['report', path], ['compare', good, path]]) {
      const r = spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 60_000 });
      expectOneLineError(r, /provenance: expected object, received null/);
      expect(r.stdout).toBe('');
    }
  });

  it('a schema this gclab does not know says which it reads', async () => {
    const path = misshapen('schema 7', (f) => (f.schema = 7), 2);
    expect(await usageError(() => resultsShowCommand(path, {}, () => {}))).toMatch(/has results schema 7; this gclab reads schemas 1 and 2$/);
  });
});
