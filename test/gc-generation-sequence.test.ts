// Under default thresholds the generational collector runs 11 gen-0 collections, then one gen-1
// collection, repeating (fact sheet §4.3, measured on every version); the incremental collector
// (3.14.0–3.14.4) runs an increment (reported as generation 1) every time instead.
import { describe, expect, it } from 'vitest';
import { realInterpreters, realScenario, simScenario } from './support/gc-scenarios.js';

const GENERATIONAL = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

describe('gc: the generation sequence under default thresholds', () => {
  for (const profile of ['3.11', '3.12', '3.13', '3.14.5'] as const) {
    it(`${profile}: 0×11 then 1`, () => {
      expect(simScenario(profile, 'sequence')).toEqual({ generations: GENERATIONAL });
    });
  }
  for (const profile of ['3.14.0', '3.14.1'] as const) {
    it(`${profile}: every automatic collection is an increment`, () => {
      expect(simScenario(profile, 'sequence')).toEqual({ generations: new Array(24).fill(1) });
    });
  }
  const reals = realInterpreters();
  if (reals.length === 0) console.log('gc-generation-sequence: no CPython 3.11–3.13 found; the real comparison is skipped');
  for (const real of reals) {
    it(`matches real CPython ${real.version}`, () => {
      expect(realScenario(real.python, 'sequence')).toEqual(simScenario(real.profile, 'sequence'));
    });
  }
});
