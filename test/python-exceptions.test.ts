/**
 * Handled exceptions cost what CPython makes for them: the exception object and its args tuple,
 * a traceback object per frame it passes through, the frame objects of those frames (which take
 * their locals over when they return, so an exception kept in a local of its own frame makes a
 * cycle the collector frees). test/fixtures/python/handled_exceptions.py keeps n of them, raised
 * two frames below the handler and in the handler's own frame; the simulated figures are compared
 * with every real interpreter found (skipped, with the reason printed, where there is none).
 *
 * Also: programs the front-end cannot run faithfully are refused before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';

const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 240_000 });
const FIXTURE = 'test/fixtures/python/handled_exceptions.py';
const dir = mkdtempSync(join(tmpdir(), 'gclab-exc-'));

interface Row {
  python: string;
  variant: string;
  sim: { peak: number; current: number; collections: number[]; collected: number[]; probes: Record<string, number> };
  real: { peak: number; current: number; collections: number[]; collected: number[]; probes: Record<string, number> };
}

describe('handled exceptions', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('handled exceptions: no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('cost what the real interpreters make for them', () => {
    const args = ['calibrate', '--workload', FIXTURE, '--n', '5000', '--json'];
    for (const interp of interpreters) args.push('--python', interp.python);
    const r = gclab(...args);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.length).toBe(2 * interpreters.length);
    for (const row of rows) {
      const label = `${row.variant} on ${row.python}`;
      // Each kept exception is hundreds of bytes (5,000 of them): exact to the byte but for the
      // frame object's value-stack estimate (co_stacksize is estimated, 8 B a slot).
      expect(Math.abs(row.sim.probes.held - row.real.probes.held), `${label} held`).toBeLessThanOrEqual(row.real.probes.held / 1000);
      expect(Math.abs(row.sim.peak - row.real.peak), `${label} peak`).toBeLessThanOrEqual(row.real.peak / 1000);
      expect(Math.abs(row.sim.current - row.real.current), `${label} current`).toBeLessThanOrEqual(1024);
      expect(row.sim.collections, `${label} collections`).toEqual(row.real.collections);
      expect(row.sim.collected, `${label} collected`).toEqual(row.real.collected);
    }
  }, 240_000);
});

describe('refused before anything runs', () => {
  const cases: [string, string, RegExp][] = [
    ['double-star-super-call.py', 'class A:\n    def m(self, **k):\n        return k\nclass B(A):\n    def m(self, **k):\n        return super().m(**k)\nB().m()\n', /double-star-super-call\.py:6:26: unsupported '\*\*kwargs' in a super\(\) method call/],
    ['staticmethod-outside.py', '@staticmethod\ndef f():\n    return 1\n', /staticmethod-outside\.py:1:2: unsupported @staticmethod with other decorators, or outside a class body/],
    ['star-super-call.py', 'class A:\n    def m(self, *a):\n        return a\nclass B(A):\n    def m(self, *a):\n        return super().m(*a)\nB().m(1)\n', /star-super-call\.py:6:26: unsupported '\*args' in a super\(\) method call/],
    ['method.py', 'd = {1: 2}\nfor k in d.popitem():\n    pass\n', /method\.py:2:10: unsupported method 'popitem'/],
    ['module-attr.py', 'from sys import getsizeof\n', /module-attr\.py:1:1: unsupported name 'getsizeof' of module 'sys'/],
    [
      'probe.py',
      'import twin\ndef run(p):\n    twin.probe("hld")\nif __name__ == "__main__":\n    twin.main("p", {"main": run}, {}, probes=("held",))\n',
      /probe\.py:3:5: unsupported twin\.probe\('hld'\): not declared in twin\.main\(\.\.\., probes=\('held',\)\)/,
    ],
  ];
  for (const [name, source, pattern] of cases) {
    it(name, () => {
      const file = join(dir, name);
      writeFileSync(file, source);
      const r = gclab('run', file, '--no-timing', '--results-dir', dir);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(pattern);
    });
  }
});
