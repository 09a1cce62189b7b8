/**
 * max() and min() as CPython's min_max runs them: over an iterable only the best item so far is
 * held (each other item is dropped once compared), so `max(x * 1.5 for x in range(n))` peaks at a
 * few hundred bytes, not n floats. test/fixtures/python/reductions.py is compared with every real
 * interpreter found: peak and current bytes exact, collections identical.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';

const FIXTURE = 'test/fixtures/python/reductions.py';

interface Row {
  python: string;
  variant: string;
  sim: { peak: number; current: number; collections: number[] };
  real: { peak: number; current: number; collections: number[] };
}

describe('max and min', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('max and min: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('hold what the real interpreters hold', () => {
    const args = ['bin/gclab.js', 'calibrate', '--workload', FIXTURE, '--n', '5000', '--json'];
    for (const interp of interpreters) args.push('--python', interp.python);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.length).toBe(4 * interpreters.length);
    for (const row of rows) {
      const label = `${row.variant} on ${row.python}`;
      expect(row.sim.peak, `${label} peak`).toBe(row.real.peak);
      expect(row.sim.current, `${label} current`).toBe(row.real.current);
      expect(row.sim.collections, `${label} collections`).toEqual(row.real.collections);
    }
  }, 240_000);
});
