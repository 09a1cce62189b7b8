/**
 * pyperf-gc: gc_collect's rings are freed by its explicit gc.collect()s, every node of them and
 * nothing else (loops × cycles × (links + 1)), under every profile; gc_traversal's web of lists is
 * all reachable, so its collections free nothing, yet each one examines every list.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const PARAMS = { loops: 3, cycles: 40, links: 12, levels: 200 };
const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);

function measure(variant: string, profile: string, params: Record<string, number> = PARAMS) {
  const s = resolveRunSpec({ workload: 'pyperf-gc', variant, profile, params, heapMiB: 64 });
  return measureRun(prepareRun(s), s);
}

describe('pyperf-gc', () => {
  for (const profile of PROFILE_NAMES) {
    it(`collect @${profile}: the explicit full collections free exactly the rings' nodes`, () => {
      const m = measure('collect', profile);
      // Nodes have no separate dict objects (managed dicts), so a ring of links + 1 nodes is that many objects.
      expect(m.gc.collected).toEqual([0, 0, PARAMS.loops * PARAMS.cycles * (PARAMS.links + 1)]);
      expect(m.gc.uncollectable).toEqual([0, 0, 0]);
      // Two gc.collect() per loop; too few objects for an automatic full collection.
      expect(m.gc.collections[2]).toBe(2 * PARAMS.loops);
      expect(m.memory.requested.current).toBeLessThan(1024);
    });

    it(`traversal @${profile}: nothing to free, every list examined by each gc.collect()`, () => {
      const m = measure('traversal', profile);
      expect(m.gc.collected).toEqual([0, 0, 0]);
      expect(m.gc.collections[2]).toBe(2 * PARAMS.loops);
      // levels + 1 lists, each a candidate in each explicit full collection (start-up objects too).
      expect(m.gc.visited).toBeGreaterThanOrEqual(2 * PARAMS.loops * (PARAMS.levels + 1));
      // The lists' arrays hold levels * (levels - 1) / 2 references: 8 bytes each while alive.
      expect(m.memory.requested.peak).toBeGreaterThan((8 * PARAMS.levels * (PARAMS.levels - 1)) / 2);
    });
  }

  it('collect: twice the rings, twice the collected; the explicit collections stay two per loop', () => {
    const one = measure('collect', '3.12');
    const two = measure('collect', '3.12', { ...PARAMS, cycles: 2 * PARAMS.cycles });
    expect(sum(two.gc.collected)).toBe(2 * sum(one.gc.collected));
    expect(two.gc.collections[2]).toBe(one.gc.collections[2]);
  });

  it('traversal: each full collection examines the whole web, so visits grow with the loops', () => {
    const a = measure('traversal', '3.13', { ...PARAMS, loops: 1 });
    const b = measure('traversal', '3.13', { ...PARAMS, loops: 3 });
    // The two extra loops add four full collections over the same heap.
    expect(b.gc.visited - a.gc.visited).toBe(2 * a.gc.visited);
  });
});
