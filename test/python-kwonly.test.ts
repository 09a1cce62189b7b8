/**
 * Keyword-only parameter defaults (func_kwdefaults, a dict made by each def) and calls that use
 * them, calls with *args (starcalls.py), and **kwargs parameters, f(**d) calls and function
 * decorators (kwargs_decorators.py): test/fixtures/python/kwonly.py against every real interpreter found,
 * peak and current bytes exact, collections identical. Values in the semantics fixture.
 */
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';

describe('keyword-only parameter defaults', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('keyword-only defaults: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('make what the real interpreters make', () => {
    const rows = calibrateRows('test/fixtures/python/kwonly.py', 3000, interpreters);
    expect(rows.length).toBe(2 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
  it.skipIf(interpreters.length === 0)('calls with *args make what the real interpreters make (test/fixtures/python/starcalls.py)', () => {
    const rows = calibrateRows('test/fixtures/python/starcalls.py', 3000, interpreters);
    expect(rows.length).toBe(5 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
  it.skipIf(interpreters.length === 0)('**kwargs parameters, f(**d) calls and decorators make what the real interpreters make (test/fixtures/python/kwargs_decorators.py)', () => {
    const rows = calibrateRows('test/fixtures/python/kwargs_decorators.py', 2000, interpreters);
    expect(rows.length).toBe(3 * interpreters.length);
    expectExactRows(rows);
  }, 240_000);
});
