/**
 * binary-trees: at N = 10 the checks the program finds by walking its trees are the Benchmarks
 * Game's reference ones, in both node shapes and under every profile; the trees are acyclic, so
 * the collector frees nothing; the nodes shape allocates every leaf, the tuples shape shares one;
 * and the program on each real CPython here reports the same checks.
 */
import { describe, expect, it } from 'vitest';
import { runTwin } from '../src/calibrate/twins.js';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { realInterpreters } from './support/gc-scenarios.js';

/**
 * The Benchmarks Game's reference output for N = 10, the file its contributors diff against:
 * https://benchmarksgame-team.pages.debian.net/benchmarksgame/download/binarytrees-output.txt
 *
 *   stretch tree of depth 11	 check: 4095
 *   1024	 trees of depth 4	 check: 31744
 *   256	 trees of depth 6	 check: 32512
 *   64	 trees of depth 8	 check: 32704
 *   16	 trees of depth 10	 check: 32752
 *   long lived tree of depth 10	 check: 2047
 *
 * The program reports the stretch and long-lived checks and the sum of the four depth lines.
 */
const REFERENCE_CHECKS_N10 = { stretch_check: 4095, trees_check: 31744 + 32512 + 32704 + 32752, long_lived_check: 2047 };

const VARIANTS = ['tuples', 'nodes'] as const;

function spec(variant: string, profile: string, n: number) {
  return resolveRunSpec({ workload: 'binary-trees', variant, profile, params: { n }, heapMiB: 64 });
}

describe('binary-trees', () => {
  for (const variant of VARIANTS) {
    // The checks do not depend on the profile: every profile for one shape, two for the other.
    for (const profile of variant === 'tuples' ? PROFILE_NAMES : (['3.13', '3.14.0'] as const)) {
      it(`${variant} @${profile}: N = 10 finds the reference checks, by walks of the simulated trees`, () => {
        const s = spec(variant, profile, 10);
        expect(measureRun(prepareRun(s), s).reports).toEqual(REFERENCE_CHECKS_N10);
      });
    }
    for (const profile of PROFILE_NAMES) {
      it(`${variant} @${profile}: a run reports the checks and the collector frees nothing`, () => {
        const s = spec(variant, profile, 6);
        const m = measureRun(prepareRun(s), s);
        // N = 6: a stretch tree of depth 7, then 2^6 trees of depth 4 and 2^4 of depth 6.
        expect(m.reports).toEqual({ stretch_check: 255, trees_check: 64 * 31 + 16 * 127, long_lived_check: 127 });
        expect(m.gc.collected).toEqual([0, 0, 0]);
        expect(m.gc.uncollectable).toEqual([0, 0, 0]);
        // Everything built is dropped by the end (the tuple free list keeps its blocks: < 2001 tuples).
        expect(m.memory.requested.current).toBeLessThan(2001 * 64);
      });
    }
  }

  it('nodes allocate every leaf; tuples share the one constant leaf; Node(l, r) packs its arguments until 3.14', () => {
    // N = 8: the stretch tree (depth 9), the long-lived one (8), then 2^8 trees of depth 4, 2^6 of 6, 2^4 of 8.
    const depths = [9, 8, 4, 6, 8];
    const iterations = [1, 1, 2 ** 8, 2 ** 6, 2 ** 4];
    // A depth-d tree has 2^d leaves and 2^d - 1 inner nodes. Ints and iterators are the same in
    // both shapes but for one: check_tuple_tree's `left, right = node` unpacks through a tuple
    // iterator until the site specialises (at its second run from 3.12).
    const leaves = depths.reduce((a, d, i) => a + 2 ** d * iterations[i], 0);
    const nodes = depths.reduce((a, d, i) => a + (2 ** (d + 1) - 1) * iterations[i], 0);
    const extra = (profile: string): number => {
      const [tuples, instances] = VARIANTS.map((variant) => {
        const s = spec(variant, profile, 8);
        return measureRun(prepareRun(s), s).objects.allocated;
      });
      return instances - tuples;
    };
    // A __slots__ class's call site does not specialise before 3.14: every Node(l, r) makes its
    // argument tuple (nodes of them); from 3.14 each of make_node_tree's two sites only at its first run.
    expect(extra('3.13')).toBe(leaves + nodes - 1);
    expect(extra('3.14.5')).toBe(leaves + 2 - 1);
  });

  // One interpreter per profile is enough for the checks.
  const interpreters = realInterpreters().filter((x, i, all) => all.findIndex((y) => y.profile === x.profile) === i);
  describe.skipIf(interpreters.length === 0)('the program on real CPython', () => {
    for (const interp of interpreters) {
      for (const variant of VARIANTS) {
        it(`${interp.version} ${variant}: reports the same checks as the simulation at N = 10`, async () => {
          const s = spec(variant, interp.profile, 10);
          const sim = measureRun(prepareRun(s), s);
          const real = await runTwin(interp.python, s, { tracemalloc: false });
          expect(real.reports).toEqual(sim.reports);
          expect(sim.reports).toEqual(REFERENCE_CHECKS_N10);
        }, 30_000);
      }
    }
  });
});
