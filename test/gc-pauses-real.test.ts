/**
 * Collections one by one on a long-lived heap under cyclic churn (`workloads/python/gc_pauses.py`):
 * the simulation against every real CPython 3.11–3.13 found, run live, and against CPython 3.14.2
 * (Pyodide 314.0.7, the incremental collector of 3.14.1–3.14.4) from the record that
 * `npm run bench:gc-pauses-real -- --side 300 --pairs 200000 --save-pyodide F` saved in
 * test/fixtures/gc-pauses-pyodide.json. Compared: the automatic collections, those that collected
 * nothing, objects collected in all and by the six largest collections (see compareGcPauses);
 * on 3.11–3.13, also every collection's collected objects, which the replay reproduces exactly.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withPyodideStartup } from '../src/calibrate/gc-pairs.js';
import { compareGcPauses, type GcPausesRecord, pauseFigures } from '../src/calibrate/gc-pauses.js';
import { projectRoot } from '../src/sizes/real.js';
import { realInterpreters } from './support/gc-scenarios.js';

describe('gc pauses: collections one by one against real interpreters', () => {
  it('summarises a series: the final gc.collect() is the full collection, the rest are automatic', () => {
    const figures = pauseFigures({ collected: [0, 30, 5, 7], pauseMs: [1, 4, 2, 9] });
    expect(figures).toEqual({
      collections: 3,
      collectedNothing: 1,
      collectedTotal: 35,
      largestCollected: [30, 5, 0],
      longestPauseMs: 4,
      fullCollectionMs: 9,
    });
  });

  it('CPython 3.14.2 (Pyodide): the 3.14.1 profile makes the same increments', () => {
    const record = JSON.parse(readFileSync(`${projectRoot()}/test/fixtures/gc-pauses-pyodide.json`, 'utf8')) as GcPausesRecord;
    expect(record.python).toBe('3.14.2');
    const comparison = compareGcPauses(withPyodideStartup(record));
    expect(comparison.withinTolerance, JSON.stringify(comparison)).toBe(true);
    // The increments that collect the churn grow with the heap: the largest is a sizeable part of
    // the whole heap, not a slice of it.
    expect(comparison.simulated.largestCollected[0]).toBeGreaterThan(0.9 * (record.side * record.side));
  });

  const reals = realInterpreters();
  if (reals.length === 0) console.log('gc-pauses-real: no CPython 3.11–3.13 found; the live comparison is skipped');
  for (const real of reals) {
    it(`live: ${real.version}, side 100, 20,000 pairs`, () => {
      const script = `${projectRoot()}/workloads/python/gc_pauses.py`;
      const record = JSON.parse(execFileSync(real.python, [script, '--side', '100', '--pairs', '20000'], { encoding: 'utf8' })) as GcPausesRecord;
      const comparison = compareGcPauses(record);
      expect(comparison.withinTolerance, JSON.stringify(comparison)).toBe(true);
      // On the generational versions the replay is exact: every collection collects what the
      // real one did (the measurement's dropped list included, which build()'s first [] reuses).
      expect(comparison.identicalCollections).toBe(record.collected.length);
      expect(comparison.simulated.collections).toBe(comparison.real.collections);
    });
  }
});
