/**
 * Every listed workload and variant runs under every profile at its test parameters, each
 * built-in's entry in workloads/index.ts says what its program declares, every suite resolves
 * (each entry a known workload, variant and parameter set), and every tip names a workload and
 * two of its variants.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec, resolveWorkload } from '../src/lab/options.js';
import { suites } from '../src/lab/suites.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { TIPS, WORKLOADS } from '../workloads/index.js';

describe('every workload on every profile', () => {
  for (const w of WORKLOADS) {
    it(`${w.name}: every variant, every profile`, () => {
      expect(w.twin, 'every built-in has a Python twin').toBeTruthy();
      for (const profile of PROFILE_NAMES) {
        for (const variant of Object.keys(w.variants)) {
          const spec = resolveRunSpec({ workload: w.name, variant, profile, params: { ...w.testParams }, heapMiB: 256 });
          const m = measureRun(prepareRun(spec), spec);
          expect(m.objects.allocated, `${variant}@${profile}`).toBeGreaterThan(0);
          for (const probe of w.probes) expect(m.memory.probes[probe], `probe ${probe} of ${variant}@${profile}`).toBeGreaterThanOrEqual(0);
        }
      }
    }, 120_000);
  }
});

describe("the registry's entries", () => {
  for (const w of WORKLOADS) {
    it(`${w.name}: variants, parameters with their defaults, probes and reports are its program's`, async () => {
      // The same file loaded as a user's program: what its twin.main declares, read from the source.
      const program = await loadUserWorkload(`workloads/python/${w.twin}`);
      expect(program.name).toBe(`${w.name}.py`);
      expect(Object.keys(w.variants)).toEqual(Object.keys(program.variants));
      const defaults = (x: typeof w) => Object.fromEntries(Object.entries(x.params).map(([k, p]) => [k, p.default]));
      expect(defaults(w)).toEqual(defaults(program));
      expect(w.probes).toEqual(program.probes);
      expect(w.reports ?? []).toEqual(program.reports ?? []);
      expect(w.module, 'a built-in is found by name, not loaded from a module').toBeUndefined();
    });
  }
});

describe('suites and tips', () => {
  it('every suite entry resolves on each of its profiles', () => {
    for (const suite of suites()) {
      expect(suite.entries.length, suite.name).toBeGreaterThan(0);
      for (const profile of suite.profiles) {
        for (const entry of suite.entries) {
          const w = resolveWorkload(entry.workload);
          for (const variant of entry.variants ?? Object.keys(w.variants)) {
            expect(() => resolveRunSpec({ workload: w.name, variant, profile, params: { ...entry.params } }), `${suite.name}: ${w.name}/${variant}`).not.toThrow();
          }
        }
      }
    }
  });

  it('the default suite is the three mission workloads; tips covers every tip', () => {
    const names = (suite: string): string[] => suites().find((s) => s.name === suite)!.entries.map((e) => e.workload);
    expect(names('default')).toEqual(['generators-vs-lists', 'slots-vs-dict', 'cyclic-graphs']);
    for (const tip of TIPS) expect(names('tips'), tip.name).toContain(tip.workload);
  });

  it('every tip names a workload, two different variants of it and valid parameters', () => {
    expect(new Set(TIPS.map((t) => t.name)).size).toBe(TIPS.length);
    for (const tip of TIPS) {
      const w = resolveWorkload(tip.workload);
      expect(Object.keys(w.variants), tip.name).toContain(tip.without);
      expect(Object.keys(w.variants), tip.name).toContain(tip.with);
      expect(tip.without).not.toBe(tip.with);
      expect(() => resolveRunSpec({ workload: w.name, variant: tip.with, params: { ...tip.params } })).not.toThrow();
      if (tip.metric.kind === 'bytes-per-item') {
        expect(w.probes, tip.name).toContain(tip.metric.probe);
        expect(Object.keys(w.params), tip.name).toContain(tip.metric.per);
      }
      if (tip.metric.kind === 'report') expect(w.reports ?? [], tip.name).toContain(tip.metric.report);
      if (tip.metric.kind === 'most-visited') expect(w.probes, tip.name).toContain(tip.metric.after);
    }
  });
});
