/**
 * binary-trees: at N = 10 the program prints exactly the Benchmarks Game's reference output, with
 * every check found by walking the simulated trees, in both node shapes and under every profile;
 * the run reports those checks; the trees are acyclic, so the collector frees nothing; and the
 * twin on each real CPython here reports the same checks.
 */
import { describe, expect, it } from 'vitest';
import { runTwin } from '../src/calibrate/twins.js';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { binaryTreesLines, runBinaryTrees, type TreeModule } from '../workloads/binary-trees.js';
import { realInterpreters } from './support/gc-scenarios.js';

/**
 * The Benchmarks Game's reference output for N = 10, the file its contributors diff against:
 * https://benchmarksgame-team.pages.debian.net/benchmarksgame/download/binarytrees-output.txt
 * (tabs as in the file).
 */
const REFERENCE_OUTPUT_N10 = [
  'stretch tree of depth 11\t check: 4095',
  '1024\t trees of depth 4\t check: 31744',
  '256\t trees of depth 6\t check: 32512',
  '64\t trees of depth 8\t check: 32704',
  '16\t trees of depth 10\t check: 32752',
  'long lived tree of depth 10\t check: 2047',
].join('\n');

const VARIANTS = ['tuples', 'nodes'] as const;

function spec(variant: string, profile: string, n: number) {
  return resolveRunSpec({ workload: 'binary-trees', variant, profile, params: { n }, heapMiB: 64 });
}

describe('binary-trees', () => {
  for (const variant of VARIANTS) {
    // The output does not depend on the profile: every profile for one shape, two for the other.
    for (const profile of variant === 'tuples' ? PROFILE_NAMES : (['3.13', '3.14.0'] as const)) {
      it(`${variant} @${profile}: N = 10 prints the reference output, from walks of the simulated trees`, () => {
        const run = prepareRun(spec(variant, profile, 10));
        const result = runBinaryTrees(run.heap, run.module as TreeModule, 10);
        expect(binaryTreesLines(result).join('\n')).toBe(REFERENCE_OUTPUT_N10);
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

  it('nodes allocate every leaf; tuples share the one constant leaf, so build half the objects', () => {
    const counts = VARIANTS.map((variant) => {
      const s = spec(variant, '3.13', 8);
      return measureRun(prepareRun(s), s).objects.allocated;
    });
    // Internal nodes of a depth-d tree: 2^d - 1; all nodes: 2^(d+1) - 1. Ints and iterators are the same in both.
    const trees = [9, 8, 4, 6, 8].map((d) => 2 ** d - 1); // stretch, long-lived, one tree per depth line
    const iterations = [1, 1, 2 ** 8, 2 ** 6, 2 ** 4];
    const leaves = trees.reduce((a, t, i) => a + (t + 1) * iterations[i], 0);
    expect(counts[1] - counts[0]).toBe(leaves);
  });

  // One interpreter per profile is enough for the checks.
  const interpreters = realInterpreters().filter((x, i, all) => all.findIndex((y) => y.profile === x.profile) === i);
  describe.skipIf(interpreters.length === 0)('the twin on real CPython', () => {
    for (const interp of interpreters) {
      for (const variant of VARIANTS) {
        it(`${interp.version} ${variant}: reports the same checks as the simulation at N = 10`, async () => {
          const s = spec(variant, interp.profile, 10);
          const sim = measureRun(prepareRun(s), s);
          const real = await runTwin(interp.python, s, { tracemalloc: false });
          expect(real.reports).toEqual(sim.reports);
          expect(sim.reports).toEqual({ stretch_check: 4095, trees_check: 31744 + 32512 + 32704 + 32752, long_lived_check: 2047 });
        }, 30_000);
      }
    }
  });
});
