/**
 * `gclab calibrate`'s sizes: without --n a workload with an `n` runs at 100 000, or at its own
 * default where 100 000 is outside its range (container-churn's n is rows of an n*n dict); an
 * --n outside a workload's range is refused before the first run, as one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { expectOneLineError } from './support/one-line-error.js';

const calibrate = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', 'calibrate', ...args], { encoding: 'utf8', timeout: 120_000 });

const python = realInterpreters()[0];
if (!python) console.log('cli-calibrate-sizes: no CPython 3.11-3.13 found (python3, pythonX.Y, pyenv); skipping');

describe.skipIf(!python)("calibrate's sizes", () => {
  it('an --n outside a workload’s range is one line before anything runs', () => {
    const r = calibrate('--python', python.python, '--workload', 'slots-vs-dict', '--workload', 'container-churn', '--n', '100000');
    // Not one progress line on stderr: slots-vs-dict, first in the plan, did not run either.
    expectOneLineError(r, /^gclab: parameter n of container-churn must be between 1 and 5000, got 100000$/);
  });

  it("without --n, a workload whose range excludes 100 000 runs at its own default n", () => {
    const r = calibrate('--python', python.python, '--workload', 'container-churn', '--json');
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { workload: string; n: number }[];
    expect(rows.map((row) => [row.workload, row.n])).toEqual([['container-churn', 200]]);
  }, 120_000);
});
