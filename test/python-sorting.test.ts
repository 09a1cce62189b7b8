/**
 * sorted() and list.sort() as timsort runs them (src/heap/list-sort.ts): test/fixtures/python/sorting.py
 * (ints, keyed floats, small keyed sorts, tuples, long runs, a class's __lt__) against every real
 * interpreter found: peak and current bytes exact, collections identical. The sorted values are
 * in the semantics fixture.
 */
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';

describe('sorting', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('sorting: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('makes what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/sorting.py', 5003, interpreters);
    expect(rows.length).toBe(6 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
});
