/**
 * `gclab calibrate` prints each row as it finishes, each simulated figure with the real one beside
 * it (so an interrupted calibration shows what it measured), and each workload runs at its own
 * sizes: --n sizes out of a workload's range give way to its own when every workload is calibrated.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sizesFor } from '../src/cli/commands/calibrate.js';
import { resolveWorkload } from '../src/lab/options.js';
import { realInterpreters } from './support/gc-scenarios.js';

const python = realInterpreters()[0];
if (!python) console.log('cli-calibrate-stream: no CPython 3.11-3.13 found (python3, pythonX.Y, pyenv); skipping');

describe('calibrate sizes per workload', () => {
  it('its own sizes without --n; --n for the workloads named; out-of-range sizes give way when all are calibrated', () => {
    const notes: string[] = [];
    const note = (line: string) => void notes.push(line);
    const churn = resolveWorkload('container-churn');
    const slots = resolveWorkload('slots-vs-dict');
    expect(sizesFor(churn, undefined, false, note)).toEqual([200]);
    expect(sizesFor(slots, undefined, false, note)).toEqual([100_000]);
    // Named with --workload: as given (resolving the run refuses an out-of-range n, before anything runs).
    expect(sizesFor(churn, [100_000], true, note)).toEqual([100_000]);
    expect(notes).toEqual([]);
    // Every workload: the sizes in range, else its own, and a note says so.
    expect(sizesFor(slots, [1000, 1_000_000], false, note)).toEqual([1000, 1_000_000]);
    expect(sizesFor(churn, [1000, 1_000_000], false, note)).toEqual([1000]);
    expect(sizesFor(churn, [1_000_000], false, note)).toEqual([200]);
    expect(notes).toEqual(['  container-churn: n in 1..5000, so it runs at n = 1000', '  container-churn: n in 1..5000, so it runs at n = 200']);
  });
});

describe.skipIf(!python)('calibrate streams its rows', () => {
  it('the first row is printed, real figures beside the simulated ones, before the rest have run', async () => {
    const child = spawn(process.execPath, ['bin/gclab.js', 'calibrate', '--workload', 'workloads/examples/records.py', '--n', '20000', '--python', python.python]);
    let stdout = '';
    const firstRow = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no row within 60 s: ${stdout}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const row = stdout.split('\n').findIndex((l) => l.startsWith('  records/tuple n=20000: '));
        // The row and its continuation lines (the next row's start, or the end, closes it).
        if (row >= 0 && /\n {2}\S|\n\n/.test(stdout.split('\n').slice(row).join('\n').slice(1))) {
          clearTimeout(timer);
          resolve(stdout);
        }
      });
      child.on('exit', () => resolve(stdout));
    });
    child.kill('SIGINT');
    // Nothing of the final tables yet: the row came as it finished.
    expect(firstRow).not.toMatch(/^workload\/variant/m);
    expect(firstRow).toMatch(/^ {2}records\/tuple n=20000: peak [\d.]+ [KM]iB \(real [\d.]+ [KM]iB, (=|[+-][\d.]+%)\)/m);
    expect(firstRow).toMatch(/collections \d+\/\d+\/\d+ \(real \d+\/\d+\/\d+, (=|differ)\)/);
    expect(firstRow).toMatch(/CPython time [\d.]+ .?s modelled \(real [\d.]+ .?s, [+-][\d.]+%\)/);
    expect(firstRow).toMatch(/sim time [\d.]+ .?s \([\d.]+x real\)/);
  }, 90_000);
});
