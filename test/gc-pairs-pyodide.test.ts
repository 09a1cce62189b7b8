/**
 * The incremental collector of 3.14.1–3.14.4 against a real CPython 3.14.2: the gc_pairs records
 * that `npm run bench:gc-pairs-pyodide -- --save test/fixtures/gc-pairs-pyodide.json` measured in
 * Pyodide 314.0.7 (n = 10⁴ and 10⁵; default, 100,10,10 and 10000,10,10 thresholds, and disabled),
 * replayed on the simulated 3.14.1 profile with Pyodide's start-up population (its share out of
 * the roots' reach included): collections and collected per generation, exactly. Pyodide is a
 * 32-bit build without pymalloc, so no byte figure is compared.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type GcPairsRecord, simulateGcPairs, withPyodideStartup } from '../src/calibrate/gc-pairs.js';
import { projectRoot } from '../src/sizes/real.js';

const records = JSON.parse(readFileSync(`${projectRoot()}/test/fixtures/gc-pairs-pyodide.json`, 'utf8')) as GcPairsRecord[];

describe('gc_pairs on CPython 3.14.2 (Pyodide) vs the 3.14.1 profile', () => {
  it('holds the eight measured runs', () => {
    expect(records).toHaveLength(8);
    expect(new Set(records.map((r) => r.python))).toEqual(new Set(['3.14.2']));
  });
  for (const record of records) {
    const setting = record.disabled ? 'disabled' : record.threshold.join(',');
    it(`n = ${record.n}, ${setting}`, () => {
      const { simulated } = simulateGcPairs(withPyodideStartup(record));
      expect(simulated).toEqual(record.stats);
    });
  }
});
