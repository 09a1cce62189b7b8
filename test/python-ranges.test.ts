/**
 * range objects hold their start, stop, step and length ints (src/heap/iter.ts newRange):
 * test/fixtures/python/ranges.py against every real interpreter found, peak and current bytes
 * exact, collections identical, the same totals.
 */
import { describe, expect, it } from 'vitest';
import { calibrateRows, expectExactRows, expectSameReports } from './support/calibrate-rows.js';
import { realInterpreters } from './support/gc-scenarios.js';

describe('range objects', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('ranges: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('make what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/ranges.py', 2000, interpreters);
    expect(rows.length).toBe(3 * interpreters.length);
    expectExactRows(rows);
    expectSameReports(rows);
  }, 240_000);
});
