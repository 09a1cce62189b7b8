/**
 * The methods of str (src/python/str-methods.ts) make what CPython makes: new strings, the string
 * itself, cached characters, split's preallocated lists (12 slots on 3.11, bounded by the
 * string's length on 3.12+), join's list of an iterator, partition's tuples.
 * test/fixtures/python/str_methods.py is compared with every real interpreter found: peak and
 * current bytes exact, collections identical. The values are in the semantics fixture.
 */
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';

describe('str methods', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('str methods: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('make what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/str_methods.py', 3000, interpreters);
    expect(rows.length).toBe(5 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
});
