/**
 * dict.setdefault and dict.pop (test/fixtures/python/dict_methods.py) against every real
 * interpreter found: peak and current bytes exact, collections identical.
 */
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';

describe('dict methods', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('dict methods: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('make what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/dict_methods.py', 3000, interpreters);
    expect(rows.length).toBe(2 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
});
