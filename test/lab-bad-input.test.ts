/** Bad input to the lab's commands: one line on stderr, exit status 2, no stack trace, no results file. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { expectOneLineError } from './support/one-line-error.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-bad-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 60_000 });

function expectUsageError(args: string[], pattern: RegExp): void {
  expectOneLineError(gclab(...args), pattern);
}

describe('bad input', () => {
  it('unknown workload, variant, profile and parameter name the closest valid one', () => {
    expectUsageError(['run', 'cyclic-graph'], /unknown workload 'cyclic-graph'; did you mean 'cyclic-graphs'/);
    expectUsageError(['run', 'cyclic-graphs', '--variant', 'ring'], /did you mean 'rings'/);
    expectUsageError(['run', 'cyclic-graphs', '--profile', '3.14'], /unknown profile '3.14'; did you mean/);
    expectUsageError(['run', 'cyclic-graphs', '--param', 'degre=3'], /did you mean 'degree'/);
    expectUsageError(['bench', '--suite', 'defualt'], /did you mean 'default'/);
  });

  it('a malformed threshold, a negative or absurd size, a bad seed or worker count', () => {
    expectUsageError(['run', 'cyclic-graphs', '--threshold', '700,10'], /three integers/);
    expectUsageError(['run', 'cyclic-graphs', '--threshold', '700,x,10'], /integer/);
    expectUsageError(['run', 'cyclic-graphs', '--param', 'n=-1'], /between 0 and/);
    expectUsageError(['run', 'cyclic-graphs', '--param', 'n=1e99'], /must be an integer/);
    expectUsageError(['run', 'slots-vs-dict', '--param', 'n=999999999999'], /between 0 and/);
    expectUsageError(['run', 'cyclic-graphs', '--param', 'n'], /key=value/);
    expectUsageError(['run', 'cyclic-graphs', '--heap-mib', '3'], /--heap-mib must be between/);
    expectUsageError(['bench', '--workers', '0'], /--workers must be between 1/);
    expectUsageError(['run', 'cyclic-graphs', '--gc', 'off'], /'enabled' or 'disabled'/);
  });

  it('calibrate names why an interpreter given with --python cannot be used', () => {
    const calibrate = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/gclab.js', 'calibrate', '--n', '1000', ...args], { encoding: 'utf8', timeout: 60_000 });
    for (const [python, pattern] of [
      ['/no/such/python3', /^gclab: --python \/no\/such\/python3: not found$/],
      ['no-such-python-9.9', /^gclab: --python no-such-python-9.9: not found on PATH$/],
      [process.execPath, /^gclab: --python .*: did not run as a Python interpreter$/],
    ] as const) {
      const r = calibrate('--python', python);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(pattern);
    }
  });

  it('bad input writes no results file', () => {
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a corrupt, foreign or newer-schema results file is one line and exit 2', () => {
    const corrupt = join(dir, 'corrupt.msgpack');
    writeFileSync(corrupt, Buffer.from([0xc1, 0xff, 0x00]));
    expectUsageError(['results', 'show', corrupt], /not a gclab results file/);
    const foreign = join(dir, 'foreign.msgpack');
    writeFileSync(foreign, new Packr().pack({ hello: 'world' }));
    expectUsageError(['results', 'show', foreign], /not a gclab results file/);
    const newer = join(dir, 'newer.msgpack');
    writeFileSync(newer, new Packr().pack({ magic: 'gclab-results', schema: 99, records: [] }));
    expectUsageError(['results', 'export', newer], /schema 99/);
    expectUsageError(['results', 'show', join(dir, 'missing.msgpack')], /no results file/);
    expectUsageError(['results', 'export', corrupt, '--format', 'xml'], /--format takes json, csv, md/);
  });
});
