/**
 * gcbench: the trees it builds have GCBench's node counts (2^(d+1) - 1, walked in the simulated
 * heap), top-down and bottom-up alike; a run builds NumIters(d) trees per depth and reports the
 * long-lived tree's walk; the trees are acyclic, so the collector frees nothing; and under the
 * generational profiles the number of collections is exactly what count0's arithmetic implies for
 * this allocation pattern (each Node +1, each freed Node -1 down to 0, a collection when count0
 * passes threshold0, which resets it).
 */
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../src/heap/profiles.js';
import { measureRun, prepareRun, TWIN_PREAMBLE_COUNT0 } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import type { WorkloadContext } from '../src/lab/workload.js';
import { countTreeNodes, gcbenchNodeClass, makeTree, numIters, populate, runGcBench, treeSize } from '../workloads/gcbench.js';

const PARAMS = { stretch: 11, long_lived: 8, array: 5000, min_depth: 4, max_depth: 10 };
const VARIANTS = ['full', 'top-down', 'bottom-up'] as const;
const GENERATIONAL: readonly ProfileName[] = ['3.11', '3.12', '3.13', '3.14.5'];

const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);

function spec(variant: string, profile: string) {
  return resolveRunSpec({ workload: 'gcbench', variant, profile, params: PARAMS, heapMiB: 64 });
}

/**
 * Collections implied by count0 for a run: the Node allocations and frees in program order, on a
 * count0 that starts where the twin's preamble leaves it. The long-lived array is a list taken from
 * the free list the preamble filled, so it does not count.
 */
function expectedCollections(threshold0: number, topDown: boolean, bottomUp: boolean): number {
  let count0 = TWIN_PREAMBLE_COUNT0;
  let collections = 0;
  const alloc = (n: number): void => {
    for (let i = 0; i < n; i++) {
      count0++;
      if (count0 > threshold0) {
        collections++;
        count0 = 0;
      }
    }
  };
  const free = (n: number): void => {
    count0 = Math.max(0, count0 - n);
  };
  alloc(treeSize(PARAMS.stretch));
  free(treeSize(PARAMS.stretch));
  alloc(treeSize(PARAMS.long_lived));
  for (let d = PARAMS.min_depth; d <= PARAMS.max_depth; d += 2) {
    const passes = (topDown ? 1 : 0) + (bottomUp ? 1 : 0);
    for (let i = 0; i < numIters(d, PARAMS.stretch) * passes; i++) {
      alloc(treeSize(d));
      free(treeSize(d));
    }
  }
  return collections;
}

describe('gcbench', () => {
  it('top-down and bottom-up trees of depth d have 2^(d+1) - 1 nodes', () => {
    const heap = new Heap({ profile: '3.13', heapBytes: 64 * 2 ** 20 });
    const cls = gcbenchNodeClass(heap);
    for (let d = 0; d <= 10; d++) {
      const bottomUp = makeTree(heap, cls, d);
      expect(countTreeNodes(heap, bottomUp), `bottom-up depth ${d}`).toBe(treeSize(d));
      heap.decref(bottomUp);
      const root = heap.newInstance(cls);
      heap.setAttr(root, 'left', heap.None);
      heap.setAttr(root, 'right', heap.None);
      populate(heap, cls, d, root);
      expect(countTreeNodes(heap, root), `top-down depth ${d}`).toBe(treeSize(d));
      heap.decref(root);
    }
    expect(treeSize(18)).toBe(524_287); // GCBench's stretch tree ("about 16Mb" in Java)
    expect(numIters(4, 18)).toBe(33_824);
  });

  it('a run builds NumIters(d) trees per depth and method, and the long-lived tree is intact', () => {
    const { heap, module } = prepareRun(spec('full', '3.12'));
    const reports: Record<string, number> = {};
    const ctx: WorkloadContext = { heap, params: PARAMS, seed: 1, probe: () => {}, report: (k, v) => (reports[k] = v), progress: () => {} };
    const r = runGcBench(ctx, module as ReturnType<typeof gcbenchNodeClass>, true, true);
    let perMethod = 0;
    let trees = 0;
    for (let d = PARAMS.min_depth; d <= PARAMS.max_depth; d += 2) {
      perMethod += numIters(d, PARAMS.stretch) * treeSize(d);
      trees += 2 * numIters(d, PARAMS.stretch);
    }
    expect(r).toEqual({ stretchNodes: 4095, longLivedNodes: 511, topDownNodes: perMethod, bottomUpNodes: perMethod, trees });
    expect(reports).toEqual({ long_lived_nodes: 511 });
  });

  for (const variant of VARIANTS) {
    // The whole benchmark under every profile; each half alone under a few.
    for (const profile of variant === 'full' ? PROFILE_NAMES : (['3.11', '3.13', '3.14.0'] as const)) {
      it(`${variant} @${profile}: runs, reports the long-lived tree, frees everything by refcount`, () => {
        const s = spec(variant, profile);
        const m = measureRun(prepareRun(s), s);
        expect(m.reports).toEqual({ long_lived_nodes: treeSize(PARAMS.long_lived) });
        expect(m.gc.collected).toEqual([0, 0, 0]);
        expect(m.gc.uncollectable).toEqual([0, 0, 0]);
        if (GENERATIONAL.includes(profile)) {
          const t0 = PROFILES[profile].thresholds[0];
          expect(sum(m.gc.collections)).toBe(expectedCollections(t0, variant !== 'bottom-up', variant !== 'top-down'));
        } else {
          expect(sum(m.gc.collections)).toBeGreaterThan(0);
        }
      });
    }
  }

  it('top-down and bottom-up build the same number of objects and collect as often', () => {
    const [td, bu] = (['top-down', 'bottom-up'] as const).map((v) => {
      const s = spec(v, '3.11');
      return measureRun(prepareRun(s), s);
    });
    expect(td.objects.allocated).toBe(bu.objects.allocated);
    expect(td.gc.collections).toEqual(bu.gc.collections);
  });
});
