/**
 * Values are real Python values: a program computes what CPython computes. The program of
 * test/fixtures/python/semantics.py (equality of containers and of instances with __eq__,
 * enumerate with a start, weakref calls, isinstance of exceptions, int arithmetic past 2^64,
 * floor division and modulo signs, f-string format specs, %-formatting, slices of lists, strs and
 * bytes, list methods, reprs) prints through `gclab run` exactly what python3 prints; so does
 * test/fixtures/python/unbound_locals.py (UnboundLocalError where a way through leaves a local unbound).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';

const FIXTURE = 'test/fixtures/python/semantics.py';

describe('program semantics', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('program semantics: no real CPython found, skipped');
  it.skipIf(interpreters.length === 0)('a program prints what the real interpreter prints', () => {
    const real = spawnSync(interpreters[0].python, [FIXTURE], { encoding: 'utf8', timeout: 60_000 });
    expect(real.status, real.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'gclab-sem-'));
    const sim = spawnSync(process.execPath, ['bin/gclab.js', 'run', FIXTURE, '--no-timing', '--json', '--results-dir', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(sim.status, sim.stderr).toBe(0);
    const summary = JSON.parse(sim.stdout) as { output?: string[] };
    expect(summary.output).toEqual(real.stdout.trimEnd().split('\n'));
  }, 60_000);

  // The compiled code checks a local only where some way in leaves it unbound (definite
  // assignment): a wrong "certainly bound" would read a missing value instead of raising.
  it.skipIf(interpreters.length === 0)('UnboundLocalError exactly where the real interpreter raises it, on every profile', () => {
    const fixture = 'test/fixtures/python/unbound_locals.py';
    const real = spawnSync(interpreters[0].python, [fixture], { encoding: 'utf8', timeout: 60_000 });
    expect(real.status, real.stderr).toBe(0);
    for (const profile of ['3.11', '3.12', '3.13', '3.14.0']) {
      const dir = mkdtempSync(join(tmpdir(), 'gclab-unbound-'));
      const sim = spawnSync(process.execPath, ['bin/gclab.js', 'run', fixture, '--profile', profile, '--no-timing', '--json', '--results-dir', dir], { encoding: 'utf8', timeout: 60_000 });
      expect(sim.status, sim.stderr).toBe(0);
      const summary = JSON.parse(sim.stdout) as { output?: string[] };
      expect(summary.output, profile).toEqual(real.stdout.trimEnd().split('\n'));
    }
  }, 120_000);
});
