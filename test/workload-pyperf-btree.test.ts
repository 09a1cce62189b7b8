/**
 * pyperf-btree: the B-tree is acyclic, so under every profile the collections (automatic and the
 * explicit gc.collect()) free nothing while refcounting frees everything; the tree's shape does not
 * depend on the interpreter; the iteration and lookups of `all` run after the tree is built and
 * leave the peak where building put it; more records mean proportionally more gen-0 collections.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const PARAMS = { nodes: 1500, recreate: 20 };

function measure(variant: string, profile: string, params: Record<string, number> = PARAMS) {
  const s = resolveRunSpec({ workload: 'pyperf-btree', variant, profile, params, heapMiB: 64 });
  return measureRun(prepareRun(s), s);
}

describe('pyperf-btree', () => {
  const rootItems = new Set<number>();
  for (const profile of PROFILE_NAMES) {
    it(`@${profile}: nothing for the collector to free; gc.collect() ran; the tree outlives it`, () => {
      for (const variant of ['gc-only', 'all']) {
        const m = measure(variant, profile);
        expect(m.gc.collected).toEqual([0, 0, 0]);
        expect(m.gc.uncollectable).toEqual([0, 0, 0]);
        expect(m.gc.collections[2]).toBeGreaterThanOrEqual(1);
        // 1500 records of ~200 B each, their tuples and the nodes' arrays: far above 300 KB
        expect(m.memory.probes.tree).toBeGreaterThan(300_000);
        // everything freed by refcounting at the end but the free lists' blocks
        expect(m.memory.requested.current).toBeLessThan(m.memory.probes.tree / 2);
        rootItems.add(m.reports.root_items);
      }
    });
  }

  it('the tree has the same shape under every profile (same keys, same order of operations)', () => {
    expect(rootItems.size).toBe(1);
    const [n] = [...rootItems];
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(31);
  });

  it('iterating and looking up adds nothing at the peak: it is reached while building', () => {
    const gcOnly = measure('gc-only', '3.12');
    const all = measure('all', '3.12');
    expect(all.memory.probes.tree).toBe(gcOnly.memory.probes.tree);
    expect(all.memory.requested.peak).toBe(gcOnly.memory.requested.peak);
  });

  it('twice the records, about twice the gen-0 collections and twice the tree', () => {
    // 3.11's threshold of 700 gives enough collections at 6000 records to see the proportion
    const one = measure('gc-only', '3.11', { ...PARAMS, nodes: 6000 });
    const two = measure('gc-only', '3.11', { ...PARAMS, nodes: 12_000 });
    const ratio = two.gc.collections[0] / one.gc.collections[0];
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
    expect(two.memory.probes.tree / one.memory.probes.tree).toBeGreaterThan(1.9);
  });
});
