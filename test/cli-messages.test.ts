/**
 * Messages that name the right thing: a version or a version prefix suggests its profile family,
 * a number too long for an integer is out of range (not "not an integer"), a swept range names
 * the value the user wrote, and `--no-timing` is an option of every command that times runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilesMeant } from '../src/heap/profiles.js';
import { expectOneLineError } from './support/one-line-error.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-messages-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 120_000 });

describe('messages', () => {
  it('a version maps to the profile that covers it, a prefix to its family', () => {
    expect(profilesMeant('3.13.0')).toEqual(['3.13']);
    expect(profilesMeant('3.12.4')).toEqual(['3.12']);
    expect(profilesMeant('3.14.3')).toEqual(['3.14.1']);
    expect(profilesMeant('3.14.9')).toEqual(['3.14.5']);
    expect(profilesMeant('3.14')).toEqual(['3.14.0', '3.14.1', '3.14.5']);
    expect(profilesMeant('3.9')).toEqual([]);
    expectOneLineError(gclab('run', 'container-churn', '--profile', '3.14'), /unknown profile '3.14'; did you mean one of '3.14.0', '3.14.1', '3.14.5'\?/);
    expectOneLineError(gclab('run', 'container-churn', '--profile', '3.13.0'), /unknown profile '3.13.0'; did you mean '3.13'\?/);
    expectOneLineError(gclab('bench', '--profile', '3.13,3.14.2'), /unknown profile '3.14.2'; did you mean '3.14.1'\?/);
    // Not a version at all: the closest name, as for any other unknown name.
    expectOneLineError(gclab('run', 'container-churn', '--profile', '3.1'), /unknown profile '3.1'; did you mean '3.11'\?/);
  });

  it('an integer too long to hold is out of range; a word is not an integer', () => {
    expectOneLineError(gclab('run', 'container-churn', '--seed', '99999999999999999999'), /--seed must be between 0 and 2147483647, got 99999999999999999999$/);
    expectOneLineError(gclab('run', 'container-churn', '--seed', 'abc'), /--seed must be an integer, got 'abc'/);
    expectOneLineError(gclab('run', 'container-churn', '--threshold', '700,10,99999999999999999999'), /between 0 and 2147483647, got 99999999999999999999/);
  });

  it("a swept range's end out of range is named as written", () => {
    expectOneLineError(gclab('tune', 'container-churn', '--threshold0', '1..4294967296:3'), /--threshold0: 4294967296 is out of range \(0\.\.2147483647\)/);
  });

  it('tips and tune know --no-timing: modelled CPython time needs none; without a model for the profile, time-judged tips are left out', () => {
    // A TypeScript body's work is not counted: tune needs its timing and says why.
    expectOneLineError(gclab('tune', 'workloads/examples/records.ts', '--threshold0', '100,200', '--no-timing'), /tune judges every point by its time and .*'s work is not counted.*--no-timing does not apply/);
    // The shipped model prices every profile: the time-judged tip is scored untimed, from modelled time.
    const modelled = gclab('tips', '--no-timing', '--tip', 'use __slots__', '--tip', 'disable GC, collect by hand', '--profile', '3.13', '--json');
    expect(modelled.status, modelled.stderr).toBe(0);
    const scored = JSON.parse(modelled.stdout) as { tips: { tip: string }[]; leftOut?: string[] };
    expect(scored.tips.map((t) => t.tip).sort()).toEqual(['disable GC, collect by hand', 'use __slots__']);
    expect(scored.leftOut).toBeUndefined();
    // A model without 3.13: that tip has no time to be judged by.
    const only311 = join(dir, 'only-3.11.json');
    const shipped = JSON.parse(readFileSync('cost-models/default.json', 'utf8')) as { profiles: Record<string, unknown> };
    writeFileSync(only311, JSON.stringify({ ...shipped, profiles: { '3.11': shipped.profiles['3.11'] } }));
    expectOneLineError(gclab('tips', '--no-timing', '--tip', 'disable GC, collect by hand', '--profile', '3.13', '--cost-model', only311), /--no-timing leaves no tip to score: 'disable GC, collect by hand' is judged by time/);
    const r = gclab('tips', '--no-timing', '--tip', 'use __slots__', '--tip', 'disable GC, collect by hand', '--profile', '3.13', '--json', '--cost-model', only311);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { tips: { tip: string }[]; leftOut: string[] };
    expect(out.tips.map((t) => t.tip)).toEqual(['use __slots__']);
    expect(out.leftOut).toEqual(['disable GC, collect by hand']);
  }, 120_000);
});
