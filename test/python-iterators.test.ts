/**
 * C-level iterators and a program's own, as the real interpreters run them:
 * test/fixtures/python/lang/iterators.py (map, filter, iter, next with and without a default,
 * reversed of a list and of a tuple, str and set iteration with "Set changed size", sum with a
 * start, a class with __iter__/__next__, an early break out of each kind) at n=3000, simulated
 * and on every real CPython 3.11-3.13 found (skipped, with the reason printed, where none is).
 *
 * Collections, collected objects, the bytes left at the end and what each variant computed are
 * exact. The peak and the probe are within a few bytes, as measured and left (transients of 4-16
 * B in mapping, reversing, strings, summing, classes, breaking: not traced to their object).
 *
 * The variant `printed` prints a sample of each construct: its output must be python3's (its
 * figures are not compared: a real print keeps buffers of its own).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';

const FIXTURE = 'test/fixtures/python/lang/iterators.py';
const VARIANTS = ['mapping', 'filtering', 'nexting', 'reversing', 'strings', 'sets', 'summing', 'classes', 'breaking'];
/** The largest differences left (bytes; see above). */
const PEAK_RESIDUAL = 16;
const HELD_RESIDUAL = 4;

interface Figures {
  peak: number;
  current: number;
  collections: number[];
  collected: number[];
  probes: Record<string, number>;
  reports: Record<string, number | null>;
}
interface Row {
  python: string;
  variant: string;
  sim: Figures;
  real: Figures;
}

describe('iterators', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('iterators: no CPython 3.11-3.13 found, the comparison with a real one is skipped');

  it.skipIf(interpreters.length === 0)('cost what the real interpreters make for them', () => {
    const args = ['bin/gclab.js', 'calibrate', '--workload', FIXTURE, '--n', '3000', '--json'];
    for (const interp of interpreters) args.push('--python', interp.python);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as Row[]).filter((row) => row.variant !== 'printed');
    expect(rows.map((row) => row.variant).sort()).toEqual(interpreters.flatMap(() => VARIANTS).sort());
    for (const row of rows) {
      const label = `${row.variant} on ${row.python}`;
      expect(row.sim.collections, `${label} collections`).toEqual(row.real.collections);
      expect(row.sim.collected, `${label} collected`).toEqual(row.real.collected);
      expect(row.sim.current, `${label} current`).toBe(row.real.current);
      expect(Math.abs(row.sim.peak - row.real.peak), `${label} peak ${row.sim.peak} vs ${row.real.peak}`).toBeLessThanOrEqual(PEAK_RESIDUAL);
      expect(Math.abs(row.sim.probes.held - row.real.probes.held), `${label} held`).toBeLessThanOrEqual(HELD_RESIDUAL);
      // The figures each variant computed (unset ones are null on the simulated side, 0 on the real).
      for (const [name, value] of Object.entries(row.sim.reports)) if (value !== null) expect(value, `${label} ${name}`).toBe(row.real.reports[name]);
      expect(Object.values(row.sim.reports).some((v) => v !== null), `${label} reports something`).toBe(true);
    }
  }, 300_000);

  it.skipIf(interpreters.length === 0)('print what python3 prints', () => {
    for (const interp of interpreters) {
      const real = spawnSync(interp.python, [FIXTURE, '--variant', 'printed', '--no-tracemalloc'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PYTHONPATH: 'workloads/python' },
      });
      expect(real.status, real.stderr).toBe(0);
      const realLines = real.stdout.trimEnd().split('\n').slice(0, -1); // the last line is twin's JSON
      const dir = mkdtempSync(join(tmpdir(), 'gclab-iter-'));
      const sim = spawnSync(process.execPath, ['bin/gclab.js', 'run', FIXTURE, '--variant', 'printed', '--profile', interp.profile, '--no-timing', '--json', '--results-dir', dir], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(sim.status, sim.stderr).toBe(0);
      const summary = JSON.parse(sim.stdout) as { output?: string[] };
      expect(realLines.length).toBeGreaterThan(10);
      expect(summary.output, `output on ${interp.version}`).toEqual(realLines);
    }
  }, 120_000);
});
