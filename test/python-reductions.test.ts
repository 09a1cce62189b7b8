/**
 * max() and min() as CPython's min_max runs them: over an iterable only the best item so far is
 * held (each other item is dropped once compared), so `max(x * 1.5 for x in range(n))` peaks at a
 * few hundred bytes, not n floats. test/fixtures/python/reductions.py is compared with every real
 * interpreter found: peak and current bytes exact, collections identical.
 */
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';

describe('max and min', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('max and min: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('hold what the real interpreters hold', () => {
    const rows = calibrateRows('test/fixtures/python/reductions.py', 5000, interpreters);
    expect(rows.length).toBe(4 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
});
