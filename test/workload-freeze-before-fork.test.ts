// freeze-before-fork: the pages a forked child dirties. Without gc.freeze() the child's full
// collection writes the GC header of every long-lived record; frozen, they are never examined.
// gc.collect() before freezing frees the loader's garbage, and the child's allocations then fill
// those holes in shared pages. The real twin forks for real and reads the child's Private_Dirty:
// its figure also counts pages the simulation does not model, so it is compared in direction.
import { describe, expect, it } from 'vitest';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { runTwin } from '../src/calibrate/twins.js';
import { realInterpreters } from './support/gc-scenarios.js';

const PARAMS = { n: 10_000, m: 20_000 };
const VARIANTS = ['nofreeze', 'freeze', 'collect-freeze', 'disable-freeze'] as const;

function run(variant: string, profile: '3.11' | '3.13'): RunMetrics {
  const spec = resolveRunSpec({ workload: 'freeze-before-fork', variant, profile, params: PARAMS });
  return measureRun(prepareRun(spec), spec);
}

describe('freeze-before-fork (simulated)', () => {
  for (const profile of ['3.11', '3.13'] as const) {
    const r = Object.fromEntries(VARIANTS.map((v) => [v, run(v, profile)])) as Record<(typeof VARIANTS)[number], RunMetrics>;
    const pages = (v: (typeof VARIANTS)[number]): number => r[v].memory.pagesDirtied;

    it(`${profile}: without freeze the child's full collection dirties every page of records; frozen, a fifth or less`, () => {
      // 10,000 records of 64-byte blocks fill about 160 pages
      expect(pages('nofreeze')).toBeGreaterThan((PARAMS.n * 64) / 4096);
      expect(pages('freeze') * 5).toBeLessThan(pages('nofreeze'));
      expect(r.nofreeze.reports.pages_dirtied).toBeLessThanOrEqual(pages('nofreeze'));
    });

    it(`${profile}: gc.collect() before freezing leaves holes the child's allocations dirty`, () => {
      expect(pages('collect-freeze')).toBeGreaterThan(pages('freeze'));
      expect(pages('collect-freeze')).toBeLessThan(pages('nofreeze'));
    });

    it(`${profile}: the docs' recipe (disable early, freeze, enable in the child) dirties least but freezes the loader's garbage`, () => {
      expect(pages('disable-freeze')).toBeLessThanOrEqual(pages('freeze'));
      // one self-referencing list (56 + 64 bytes) per record stays, frozen
      expect(r['disable-freeze'].memory.requested.current - r.freeze.memory.requested.current).toBeGreaterThan(PARAMS.n * 100);
    });
  }
});

const interpreters = realInterpreters();

describe.skipIf(interpreters.length === 0)('freeze-before-fork on real interpreters (fork, Private_Dirty)', () => {
  for (const interp of interpreters) {
    it(`${interp.version}: the same direction as the simulation, nofreeze within a factor of 2`, async () => {
      // Without tracemalloc, whose tables the child would write too.
      const real: Record<string, number> = {};
      for (const variant of ['nofreeze', 'freeze', 'collect-freeze']) {
        const spec = resolveRunSpec({ workload: 'freeze-before-fork', variant, profile: interp.profile, params: PARAMS });
        real[variant] = (await runTwin(interp.python, spec, { tracemalloc: false })).reports.pages_dirtied;
      }
      const sim = run('nofreeze', interp.profile === '3.11' ? '3.11' : '3.13').reports.pages_dirtied;
      expect(real.freeze * 4).toBeLessThan(real.nofreeze);
      expect(real['collect-freeze']).toBeGreaterThan(real.freeze);
      expect(sim).toBeGreaterThan(real.nofreeze / 2);
      expect(sim).toBeLessThan(real.nofreeze * 2);
    }, 60_000);
  }
});
