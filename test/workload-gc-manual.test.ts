// gc-manual: the automatic collector vs gc.disable() with gc.collect(gen) every k steps vs a tuned
// threshold0, after the same long-lived tree. Each step drops a two-list cycle of 152 requested
// bytes (two 56-byte lists, a 4-slot and a 1-slot item array).
import { describe, expect, it } from 'vitest';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import type { Params } from '../src/lab/workload.js';

const N = 10_000;
const M = 40_000;
const K = 10_000;
const STEP_BYTES = 152;

function run(variant: string, params: Params = {}): RunMetrics {
  const spec = resolveRunSpec({ workload: 'gc-manual', variant, profile: '3.13', params: { n: N, m: M, k: K, ...params } });
  return measureRun(prepareRun(spec), spec);
}

const minus = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x - b[i]);

describe('gc-manual', () => {
  // The tree alone (no steps): the collections every variant makes before its loop.
  const buildOnly = run('auto', { m: 0 });
  const auto = run('auto');
  const manual = run('manual');
  const manualYoung = run('manual', { gen: 0 });
  const tuned = run('tuned', { t0: 20_000 });

  it('by hand, the loop makes exactly m / k collections, of the generation asked, and no automatic one', () => {
    expect(minus(manual.gc.collections, buildOnly.gc.collections)).toEqual([0, 0, M / K]);
    expect(minus(manualYoung.gc.collections, buildOnly.gc.collections)).toEqual([M / K, 0, 0]);
    // Every cycle is found by the hand collections (the last pair is still bound at the last one).
    expect(manual.gc.collected[2]).toBeGreaterThanOrEqual(2 * M - 2);
  });

  it('a hand collection of generation 2 walks the whole tree every time; one of generation 0 does not', () => {
    expect(manual.gc.visited - buildOnly.gc.visited).toBeGreaterThan((M / K) * N);
    expect(manualYoung.gc.visited).toBeLessThan(manual.gc.visited);
  });

  it('garbage waits for the next collection: k steps of it by hand, a threshold0 worth automatically', () => {
    const tree = auto.memory.probes.tree;
    expect(manual.memory.requested.peak - tree).toBeGreaterThanOrEqual(K * STEP_BYTES);
    // 3.13's threshold0 is 2000 allocations, i.e. 1000 steps
    expect(auto.memory.requested.peak - tree).toBeLessThan(K * STEP_BYTES / 4);
    expect(tuned.memory.requested.peak).toBeGreaterThan(auto.memory.requested.peak);
  });

  it('a larger threshold0 means fewer young collections', () => {
    const autoLoop = minus(auto.gc.collections, buildOnly.gc.collections);
    const tunedLoop = minus(tuned.gc.collections, buildOnly.gc.collections);
    // 2 GC allocations per step: about one collection per 2000 automatically, per 20 000 tuned
    const autoYoung = autoLoop[0] + autoLoop[1];
    const tunedYoung = tunedLoop[0] + tunedLoop[1];
    expect(autoYoung).toBeGreaterThan((2 * M) / 2001 - 3);
    expect(tunedYoung).toBeGreaterThan(0);
    expect(tunedYoung).toBeLessThan(autoYoung / 5);
  });
});
