/**
 * gcbench: the trees it builds have GCBench's node counts (2^(d+1) - 1, walked by the program);
 * the trees are acyclic, so the collector frees nothing; under the generational profiles the
 * number of collections is exactly what count0's arithmetic implies for this allocation pattern
 * (each Node +1, each freed Node -1 down to 0, a collection when count0 passes threshold0, which
 * resets it); and the bottom-up trees' Node(l, r) calls pack their arguments where CPython does.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../src/heap/profiles.js';
import { measureRun, prepareRun, TWIN_PREAMBLE_COUNT0 } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

/** GCBench's TreeSize(d) and NumIters(d), as workloads/python/gcbench.py computes them. */
const treeSize = (depth: number): number => 2 ** (depth + 1) - 1;
const numIters = (depth: number, stretch: number): number => Math.floor((2 * treeSize(stretch)) / treeSize(depth));

const PARAMS = { stretch: 11, long_lived: 8, array: 5000, min_depth: 4, max_depth: 10 };
const VARIANTS = ['full', 'top-down', 'bottom-up'] as const;
const GENERATIONAL: readonly ProfileName[] = ['3.11', '3.12', '3.13', '3.14.5'];

const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);

function spec(variant: string, profile: string, params: Record<string, number> = PARAMS) {
  return resolveRunSpec({ workload: 'gcbench', variant, profile, params, heapMiB: 64 });
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
  it('a tree of depth d built top-down has 2^(d+1) - 1 nodes (the program walks its long-lived tree)', () => {
    for (let d = 0; d <= 10; d++) {
      // No short-lived trees (min_depth above max_depth), a small stretch tree.
      const s = spec('top-down', '3.13', { stretch: 1, long_lived: d, array: 0, min_depth: 1, max_depth: 0 });
      expect(measureRun(prepareRun(s), s).reports, `depth ${d}`).toEqual({ long_lived_nodes: treeSize(d) });
    }
    expect(treeSize(18)).toBe(524_287); // GCBench's stretch tree ("about 16Mb" in Java)
    expect(numIters(4, 18)).toBe(33_824);
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

  it('top-down and bottom-up collect as often; bottom-up packs an argument tuple per inner node before 3.13', () => {
    const run = (variant: string, profile: ProfileName) => {
      const s = spec(variant, profile);
      return measureRun(prepareRun(s), s);
    };
    for (const profile of ['3.11', '3.13'] as const) {
      const [td, bu] = [run('top-down', profile), run('bottom-up', profile)];
      expect(td.gc.collections, profile).toEqual(bu.gc.collections);
      // make_tree's Node(l, r) packs its two arguments (a class call, _PyObject_MakeTpCall) at every
      // call on 3.11 and 3.12; populate's Node() passes none. From 3.13 both call sites specialise
      // after their first run (CALL_ALLOC_AND_ENTER_INIT), and both build the same objects.
      let innerNodes = 0;
      for (let d = PARAMS.min_depth; d <= PARAMS.max_depth; d += 2) innerNodes += numIters(d, PARAMS.stretch) * (2 ** d - 1);
      expect(bu.objects.allocated - td.objects.allocated, profile).toBe(profile === '3.11' ? innerNodes : 0);
    }
  });
});
