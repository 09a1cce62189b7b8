// Two-object cycles dropped one pair at a time: simulated collections and collected objects per
// generation against what gc.get_stats() reported on real CPython 3.11.7, 3.12.1 and 3.13.0
// (test/fixtures/gc-pairs-real.json, made by workloads/python/gc_pairs.py), to ±1 collection and
// ±1 % collected per generation. The 10⁶ rows are in `npm run bench:gc-pairs`. The twin is also
// run live on every interpreter found, for n = 10⁴.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type GcPairsRecord, simulateGcPairs } from '../src/calibrate/gc-pairs.js';
import { projectRoot } from '../src/sizes/real.js';
import { realInterpreters } from './support/gc-scenarios.js';

const fixture = JSON.parse(readFileSync(`${projectRoot()}/test/fixtures/gc-pairs-real.json`, 'utf8')) as GcPairsRecord[];
const setting = (r: GcPairsRecord): string => (r.disabled ? 'disabled + gc.collect()' : `threshold ${r.threshold.join(',')}`);

describe('gc: pairs of cycles against real interpreters', () => {
  for (const record of fixture.filter((r) => r.n <= 100000)) {
    it(`${record.python}, n = ${record.n}, ${setting(record)}`, () => {
      const { simulated, withinTolerance } = simulateGcPairs(record);
      expect(withinTolerance, JSON.stringify({ real: record.stats, simulated })).toBe(true);
    });
  }

  const reals = realInterpreters();
  if (reals.length === 0) console.log('gc-pairs-real: no CPython 3.11–3.13 found; the live comparison is skipped');
  const script = `${projectRoot()}/workloads/python/gc_pairs.py`;
  for (const real of reals) {
    for (const args of [[], ['--threshold', '100,10,10'], ['--disabled']]) {
      it(`live: ${real.version} ${args.join(' ') || 'default thresholds'}, n = 10⁴`, () => {
        const record = JSON.parse(execFileSync(real.python, [script, '--n', '10000', ...args], { encoding: 'utf8' })) as GcPairsRecord;
        const { simulated, withinTolerance } = simulateGcPairs(record);
        expect(withinTolerance, JSON.stringify({ real: record.stats, simulated })).toBe(true);
      });
    }
  }
});
