/**
 * Messages that name the right thing: a version or a version prefix suggests its profile family,
 * a number too long for an integer is out of range (not "not an integer"), a swept range names
 * the value the user wrote, and `--no-timing` is an option of every command that times runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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

  it('tips and tune know --no-timing: tips leave out the tips judged by time, tune says why it needs time', () => {
    expectOneLineError(gclab('tune', 'container-churn', '--no-timing'), /tune judges every point by its time.*--no-timing does not apply/);
    expectOneLineError(gclab('tips', '--no-timing', '--tip', 'disable GC, collect by hand'), /--no-timing leaves no tip to score: 'disable GC, collect by hand' is judged by time/);
    const r = gclab('tips', '--no-timing', '--tip', 'use __slots__', '--tip', 'disable GC, collect by hand', '--profile', '3.13', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { tips: { tip: string }[]; leftOut: string[] };
    expect(out.tips.map((t) => t.tip)).toEqual(['use __slots__']);
    expect(out.leftOut).toEqual(['disable GC, collect by hand']);
  }, 120_000);
});
