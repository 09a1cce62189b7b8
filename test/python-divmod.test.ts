/**
 * divmod() and round(). divmod as long_divmod and float_divmod make it: the quotient, the remainder (one-digit ints
 * by the `//` and `%` fast paths) and the 2-tuple holding both. test/fixtures/python/divmod.py
 * (kept results, results dropped at once, ints of one and of several digits, floats) is compared
 * with every real interpreter found: peak and current bytes exact, collections identical. Its
 * values and errors are in the semantics fixture.
 */
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';

describe('divmod', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('divmod: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('makes what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/divmod.py', 5000, interpreters);
    expect(rows.length).toBe(4 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
  it.skipIf(interpreters.length === 0)('round() makes what the real interpreters make (test/fixtures/python/rounding.py)', () => {
    const rows = calibrateRows('test/fixtures/python/rounding.py', 5000, interpreters);
    expect(rows.length).toBe(3 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
});
