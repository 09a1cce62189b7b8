/**
 * Annotations as each version evaluates them (Profile.annotations): the fixtures
 * test/fixtures/python/annotations*.py (annotations.py also under the future import) against every real interpreter found (peak and current
 * bytes exact, collections identical), the 3.14 rule (an `__annotate__` function per annotated
 * def, no tuple) on the simulated profiles, and `from __future__` checked as CPython checks it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES, PROFILE_NAMES } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { calibrateRows, expectExactRows } from './support/calibrate-rows.js';
import { realInterpreters } from './support/gc-scenarios.js';

/**
 * annotations.py under `from __future__ import annotations` (after its docstring, as CPython
 * requires): the same program, every annotation a str.
 */
function futureVariant(): string {
  const source = readFileSync('test/fixtures/python/annotations.py', 'utf8');
  const future = source.replace(/^import twin$/m, 'from __future__ import annotations\n\nimport twin').replace('twin.main("annotations"', 'twin.main("annotations-future"');
  expect(future).not.toBe(source);
  const file = join(mkdtempSync(join(tmpdir(), 'gclab-annotations-')), 'annotations_future.py');
  writeFileSync(file, future);
  return file;
}

describe('annotations against the real interpreters', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('annotations: no real CPython found, the comparison is skipped');
  const cases: [string, () => string, number | undefined, number][] = [
    ['annotations.py', () => 'test/fixtures/python/annotations.py', 3000, 4],
    ['annotations.py under the future import', futureVariant, 3000, 4],
    ['annotations_rule.py', () => 'test/fixtures/python/annotations_rule.py', 3000, 3],
    ["a plain script's module annotations and docstring (annotations_script.py)", () => 'test/fixtures/python/annotations_script.py', undefined, 1],
  ];
  for (const [label, file, n, variants] of cases) {
    it.skipIf(interpreters.length === 0)(`${label} makes what the real interpreters make`, () => {
      const rows = calibrateRows(file(), n, interpreters);
      expect(rows.length).toBe(variants * interpreters.length);
      expectExactRows(rows);
    }, 240_000);
  }
});

describe('the annotation rule of each profile', () => {
  const n = 1000;
  const figures = async (variant: string, profile: (typeof PROFILE_NAMES)[number]): Promise<{ peak: number }> => {
    const w = await loadUserWorkload('test/fixtures/python/annotations_rule.py');
    const spec = resolveRunSpec({ workload: w.name, variant, profile, params: { n } });
    const m = measureRun(prepareRun(spec), spec);
    return { peak: m.memory.requested.peak };
  };
  for (const profile of PROFILE_NAMES) {
    const p = PROFILES[profile];
    const perDef = p.annotations === 'eager' ? p.tupleBasicSize + 2 * 8 + 16 : p.functionBytes;
    it(`${profile}: an annotated def costs ${p.annotations === 'eager' ? "the tuple ('x', int)" : 'an __annotate__ function'} (${perDef} B) more`, async () => {
      const [annotated, plain] = [await figures('annotated', profile), await figures('plain', profile)];
      // 3.11-3.13 take one 2-tuple from the free list twin.py's preamble leaves (the real ones too: the live test).
      const fromFreeList = p.annotations === 'eager' ? 1 : 0;
      expect(annotated.peak - plain.peak).toBe((n - fromFreeList) * perDef);
    }, 60_000);
  }
});

describe('from __future__', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-future-'));
  const run = (name: string, source: string): { status: number | null; stderr: string } => {
    const file = join(dir, name);
    writeFileSync(file, source);
    const r = spawnSync(process.execPath, ['bin/gclab.js', 'run', file, '--no-timing'], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stderr: r.stderr };
  };
  it('after other statements is a syntax error, as in CPython', () => {
    const r = run('late.py', 'x = 1\nfrom __future__ import annotations\n');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`gclab: ${join(dir, 'late.py')}:2:1: SyntaxError: from __future__ imports must occur at the beginning of the file`);
  });
  it('an unknown feature is a syntax error', () => {
    const r = run('unknown.py', '"""doc"""\nfrom __future__ import flying\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('SyntaxError: future feature flying is not defined');
  });
  it('3.14: an annotation reading an enclosing function variable is refused (its closure is not simulated)', () => {
    const r = run('closure.py', 'def outer():\n    T = int\n    def inner(x: T):\n        return x\n    return inner\nouter()\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("closure.py:3:5: unsupported annotation reading the enclosing function's 'T'");
  });
});
