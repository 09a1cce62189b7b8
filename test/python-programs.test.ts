/**
 * Python programs through the CLI: a bad program is one line and exit 2 before anything runs (a
 * syntax error, an unsupported statement, builtin or import), a failing one is exit 1 with what
 * went wrong (a Python traceback, a timeout, an exhausted heap) and leaves the earlier results
 * alone; a program's output is shown. A plain script calibrates against a real interpreter,
 * whose side is `twin.py --script`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../src/lab/store.js';
import { realInterpreters } from './support/gc-scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-python-'));
const resultsDir = join(dir, 'results');
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 120_000 });

/** Writes a fixture program into the temp dir; returns its path. */
function program(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

const run = (file: string, ...args: string[]) => gclab('run', file, '--no-timing', '--results-dir', resultsDir, ...args);

/** A bad program: exit 2, and stderr is exactly one line matching `pattern`. */
function expectOneLine(file: string, pattern: RegExp): void {
  const r = run(file);
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

/** The results file a run printed (`results: PATH`). */
function resultsPath(stdout: string): string {
  const m = /^results: (.+\.msgpack)$/m.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return m![1];
}

const JS_STACK_LINE = /\s+at .*\.(js|ts):\d+/;

describe('Python programs: bad and failing programs', () => {
  // A good program's results, made first: nothing a bad one does may touch them.
  let earlierFiles: string[];
  let earlierFile: string;
  let earlierBytes: Buffer;
  beforeAll(() => {
    const r = run(program('good.py', 'xs = [(i, i) for i in range(100)]\n'));
    expect(r.status, r.stderr).toBe(0);
    earlierFiles = readdirSync(resultsDir).sort();
    expect(earlierFiles).toHaveLength(1);
    earlierFile = join(resultsDir, earlierFiles[0]);
    earlierBytes = readFileSync(earlierFile);
  }, 60_000);

  it('a syntax error is one line with its place, exit 2', () => {
    expectOneLine(program('bad.py', 'def f(:\n    pass\n'), /^gclab: .*bad\.py:1:7: SyntaxError: /);
  }, 30_000);

  it('an unsupported statement is one line, exit 2', () => {
    expectOneLine(program('async_def.py', 'async def f(): pass\n'), /^gclab: .*async_def\.py:1:1: unsupported 'async def'$/);
  }, 30_000);

  it('an unsupported builtin is one line, exit 2', () => {
    expectOneLine(program('use_eval.py', 'x = eval("1")\n'), /^gclab: .*use_eval\.py:1:\d+: unsupported builtin 'eval'$/);
  }, 30_000);

  it('an unsupported import is one line, exit 2', () => {
    expectOneLine(program('use_socket.py', 'import socket\n'), /^gclab: .*use_socket\.py:1:1: unsupported import of module 'socket'/);
  }, 30_000);

  it('an uncaught exception three calls deep is a Python traceback, exit 1, no JS stack', () => {
    const file = program(
      'deep.py',
      [
        'import twin',
        '',
        '',
        'def c():',
        '    return {}["missing"]',
        '',
        '',
        'def b():',
        '    return c()',
        '',
        '',
        'def a(p):',
        '    return b()',
        '',
        '',
        'if __name__ == "__main__":',
        '    twin.main("deep", {"only": a}, {})',
        '',
      ].join('\n'),
    );
    const r = run(file);
    expect(r.status, r.stderr).toBe(1);
    const out = r.stdout;
    expect(out).toContain('Traceback (most recent call last):');
    // The three frames, outermost first, each with its source line.
    const frames = [...out.matchAll(/^\s*File "(.*)", line (\d+), in (\w+)\n\s*(.*)$/gm)].map((m) => ({ file: m[1], line: Number(m[2]), fn: m[3], source: m[4] }));
    expect(frames.map((f) => f.fn)).toEqual(['a', 'b', 'c']);
    expect(frames.map((f) => f.line)).toEqual([13, 9, 5]);
    expect(frames.map((f) => f.source)).toEqual(['return b()', 'return c()', 'return {}["missing"]']);
    for (const f of frames) expect(f.file).toMatch(/deep\.py$/);
    expect(out.indexOf('Traceback (most recent call last):')).toBeLessThan(out.indexOf('File "'));
    expect(out).toMatch(/^\s*KeyError: 'missing'$/m);
    expect(out.indexOf("KeyError: 'missing'\n")).toBeGreaterThan(out.lastIndexOf('File "'));
    for (const text of [r.stdout, r.stderr]) expect(text.split('\n').filter((l) => JS_STACK_LINE.test(l))).toEqual([]);
  }, 30_000);

  it('what a failing program printed comes before its traceback, as CPython shows them, and is kept in its record', () => {
    const file = program('prints_then_fails.py', 'print("first")\nprint("second", 2)\nraise ValueError("late")\n');
    // Without timing, and with it (the timed runs fail first; the deterministic run keeps the output).
    for (const timing of [['--no-timing'], ['--time', '1']]) {
      const r = gclab('run', file, '--results-dir', resultsDir, ...timing);
      expect(r.status, r.stderr).toBe(1);
      const out = r.stdout;
      expect(out).toMatch(/output {4}what the program printed before it failed \(2 lines\):\n {4}first\n {4}second 2\n {2}FAILED \(workload-error\): Traceback/);
      expect(out).toMatch(/^\s*ValueError: late$/m);
      const [record] = readResults(resultsPath(out)).records;
      expect(record.output).toEqual(['first', 'second 2']);
    }
  }, 60_000);

  it('a program that never ends stops at --timeout, exit 1, recorded as a timeout', () => {
    const r = run(program('forever.py', 'while True:\n    pass\n'), '--timeout', '2');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/timeout/);
    const [record] = readResults(resultsPath(r.stdout)).records;
    expect(record.status).toBe('timeout');
    expect(record.error).toMatch(/stopped after 2000 ms/);
  }, 30_000);

  it('a program that exhausts the simulated heap fails with that, exit 1', () => {
    const r = run(program('hog.py', 'keep = []\nwhile True:\n    keep.append([0] * 100000)\n'), '--heap-mib', '64');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/heap exhausted/);
    const [record] = readResults(resultsPath(r.stdout)).records;
    expect(record.status).toBe('heap-exhausted');
    expect(record.error).toMatch(/64 MiB heap/);
  }, 30_000);

  it("a program's output is shown under 'output', exit 0", () => {
    const r = run(program('printer.py', 'print("total", sum([1, 2, 3]))\nprint("done")\n'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+output\b.*\n\s+total 6\n\s+done$/m);
  }, 30_000);

  it('the earlier results are intact', () => {
    const now = readdirSync(resultsDir).sort();
    for (const name of earlierFiles) expect(now).toContain(name);
    expect(readFileSync(earlierFile).equals(earlierBytes)).toBe(true);
  });
});

describe('Python programs: a plain script against a real interpreter', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('python-programs: no CPython 3.11–3.13 interpreter found; the plain script is not compared with a real one');
  const script = program(
    'plain_script.py',
    [
      '"""5000 small tuples in a list, dropped; then a dict of 2000 str keys."""',
      'items = []',
      'for i in range(5000):',
      '    items.append((i, i + 1))',
      'del items',
      'table = {}',
      'for i in range(2000):',
      '    table["k%d" % i] = i',
      '',
    ].join('\n'),
  );

  it.skipIf(interpreters.length === 0)('calibrate: the simulated peak is within 1 % of the real one, collections within 1', () => {
    const interp = interpreters[0];
    const r = gclab('calibrate', '--workload', script, '--python', interp.python, '--json');
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { workload: string; variant: string; sim: { peak: number; collections: number[] }; real: { peak: number; collections: number[] } }[];
    expect(rows.map((row) => [row.workload, row.variant])).toEqual([['plain-script', 'main']]);
    const [row] = rows;
    console.log(`plain script on ${interp.version}: sim peak ${row.sim.peak}, real peak ${row.real.peak}; collections sim ${row.sim.collections}, real ${row.real.collections}`);
    expect(row.real.peak).toBeGreaterThan(0);
    expect(Math.abs(row.sim.peak - row.real.peak), 'peak').toBeLessThanOrEqual(row.real.peak / 100);
    row.sim.collections.forEach((c, g) => expect(Math.abs(c - row.real.collections[g]), `generation ${g} collections`).toBeLessThanOrEqual(1));
  }, 60_000);

  it.skipIf(interpreters.length === 0)('twin.py --script prints the JSON line of variant main', () => {
    const r = spawnSync(interpreters[0].python, ['workloads/python/twin.py', '--script', script, '--variant', 'main', '--no-tracemalloc'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ workload: 'plain-script', variant: 'main', params: { seed: 1 }, tracemalloc: null, reports: {} });
  }, 60_000);

  it.skipIf(interpreters.length === 0)('twin.py --script: a plain script has no probes, and says so', () => {
    const probing = program('probing.py', 'import twin\nx = [1, 2]\ntwin.probe("held")\n');
    const r = spawnSync(interpreters[0].python, ['workloads/python/twin.py', '--script', probing, '--variant', 'main'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/RuntimeError: twin\.probe\('held'\): .*probing\.py is a plain script \(twin\.py --script\): it has no probes/);
    const freeze = spawnSync(interpreters[0].python, ['workloads/python/twin.py', '--script', script, '--freeze-at', 'held'], { encoding: 'utf8', timeout: 60_000 });
    expect(freeze.status).toBe(2);
    expect(freeze.stderr).toMatch(/--freeze-at: a plain script has no probes/);
  }, 60_000);
});
