/**
 * The simulated `collections` module (src/python/collections-module.ts, src/heap/deque.ts) makes
 * CPython's objects and allocations, and gives CPython's values.
 *
 *   memory    test/fixtures/python/lang/collections_uses.py's variants (a FIFO past several
 *             blocks, both ends, deques built from iterables and dropped with their items,
 *             bounded deques made with maxlen=, nodes and deques in garbage cycles; defaultdicts
 *             counting with int, grouping into lists, made and dropped and in cycles;
 *             namedtuples made by position and keyword, read by name, kept, in cycles) on every real
 *             CPython 3.11-3.13 found: peak and current bytes exact, collections and collected
 *             per generation identical
 *   values    test/fixtures/python/lang/collections_semantics.py prints through `gclab run` what
 *             each real interpreter prints
 *   refusals  what is not simulated is said in one line before anything runs
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';
import { expectOneLineError } from './support/one-line-error.js';

const USES = 'test/fixtures/python/lang/collections_uses.py';
const SEMANTICS = 'test/fixtures/python/lang/collections_semantics.py';
const VARIANTS = 11;

interface Row {
  python: string;
  variant: string;
  sim: { peak: number; current: number; collections: number[]; collected: number[] };
  real: { peak: number; current: number; collections: number[]; collected: number[] };
}

const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 300_000 });
const interpreters = realInterpreters();

describe('collections: memory against the real interpreters', () => {
  if (interpreters.length === 0) console.log('collections memory: no real CPython 3.11-3.13 found, the comparison is skipped');
  for (const py of interpreters) {
    it(`collections_uses.py's variants on ${py.version}: exact`, () => {
      const r = gclab('calibrate', '--workload', USES, '--n', '3000', '--json', '--python', py.python);
      expect(r.status, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as Row[];
      expect(rows).toHaveLength(VARIANTS);
      for (const row of rows) {
        const label = `${row.variant} on ${row.python}`;
        expect(row.sim.peak, `${label} peak`).toBe(row.real.peak);
        expect(row.sim.current, `${label} current`).toBe(row.real.current);
        expect(row.sim.collections, `${label} collections`).toEqual(row.real.collections);
        expect(row.sim.collected, `${label} collected`).toEqual(row.real.collected);
      }
    }, 300_000);
  }
});

describe('collections: values', () => {
  if (interpreters.length === 0) console.log('collections values: no real CPython 3.11-3.13 found, the comparison is skipped');
  for (const py of interpreters) {
    it(`the simulation on ${py.profile} prints what CPython ${py.version} prints`, () => {
      const real = spawnSync(py.python, [SEMANTICS], { encoding: 'utf8', timeout: 60_000 });
      expect(real.status, real.stderr).toBe(0);
      const dir = mkdtempSync(join(tmpdir(), 'gclab-collections-'));
      const sim = gclab('run', SEMANTICS, '--profile', py.profile, '--no-timing', '--json', '--results-dir', dir);
      expect(sim.status, sim.stderr).toBe(0);
      expect((JSON.parse(sim.stdout) as { output: string[] }).output).toEqual(real.stdout.trimEnd().split('\n'));
    }, 60_000);
  }
});

describe('collections: what is not simulated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-collections-'));
  const refused = (name: string, source: string, pattern: RegExp) => {
    it(`${name} is refused before anything runs`, () => {
      const file = join(dir, `${name}.py`);
      writeFileSync(file, source);
      const r = gclab('run', file, '--no-timing', '--results-dir', dir);
      expectOneLineError(r, pattern);
      expect(r.stdout).not.toContain('ran');
    });
  };
  refused('counter', 'import collections\nprint("ran")\nc = collections.Counter()\n', /counter\.py:3:5: unsupported name 'Counter' of module 'collections'/);
  refused('ordereddict', 'from collections import deque, OrderedDict\n', /ordereddict\.py:1:1: unsupported name 'OrderedDict' of module 'collections'/);
  refused('rotate', 'from collections import deque\nd = deque()\nd.rotate(1)\n', /rotate\.py:3:1: unsupported method 'rotate'/);
});
