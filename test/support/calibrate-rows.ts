/**
 * `gclab calibrate --json` of a fixture against every real interpreter found: the rows it prints
 * (simulated and real figures per variant and interpreter). For tests that compare a fixture's
 * memory figures with the real interpreters.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import type { RealInterpreter } from './gc-scenarios.js';

export interface CalibrateRow {
  python: string;
  variant: string;
  sim: { peak: number; current: number; collections: number[]; reports?: Record<string, number> };
  real: { peak: number; current: number; collections: number[]; reports?: Record<string, number> };
}

/** `n` undefined: the program's own sizes (a plain script has none). */
export function calibrateRows(fixture: string, n: number | undefined, interpreters: readonly RealInterpreter[]): CalibrateRow[] {
  const args = ['bin/gclab.js', 'calibrate', '--workload', fixture, ...(n === undefined ? [] : ['--n', String(n)]), '--json'];
  for (const interp of interpreters) args.push('--python', interp.python);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 240_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CalibrateRow[];
}

/** Every row's reports (a checksum, a total) equal the real ones. */
export function expectSameReports(rows: readonly CalibrateRow[]): void {
  for (const row of rows) expect(row.sim.reports, `${row.variant} on ${row.python} reports`).toEqual(row.real.reports);
}

/** Every row's peak and current bytes equal the real ones, and its collections per generation. */
export function expectExactRows(rows: readonly CalibrateRow[]): void {
  for (const row of rows) {
    const label = `${row.variant} on ${row.python}`;
    expect(row.sim.peak, `${label} peak`).toBe(row.real.peak);
    expect(row.sim.current, `${label} current`).toBe(row.real.current);
    expect(row.sim.collections, `${label} collections`).toEqual(row.real.collections);
  }
}
