/**
 * itertools.count and itertools.islice (src/python/c-iterators.ts):
 * test/fixtures/python/itertools_uses.py against every real interpreter found (peak and current
 * bytes exact, collections identical, the same checksums), and their errors as CPython words them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrateRows, expectExactRows, expectSameReports } from './support/calibrate-rows.js';
import { realInterpreters } from './support/gc-scenarios.js';

describe('itertools', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('itertools: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('count (fast and slow mode) and islice make what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/itertools_uses.py', 2000, interpreters);
    expect(rows.length).toBe(2 * interpreters.length);
    expectExactRows(rows);
    expectSameReports(rows);
  }, 240_000);

  it('a bad islice argument is the ValueError CPython raises', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-itertools-'));
    const file = join(dir, 'bad_islice.py');
    writeFileSync(file, 'import itertools\nitertools.islice([1, 2], 0, 2, -1)\n');
    const r = spawnSync(process.execPath, ['bin/gclab.js', 'run', file, '--no-timing', '--results-dir', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\s*ValueError: Step for islice\(\) must be a positive integer or None\.$/m);
  }, 60_000);
});
