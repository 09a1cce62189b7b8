// long-lived-churn: a big long-lived tree makes the 25 % rule hold full collections back, each
// full collection then walks the whole tree, and gc.freeze() after building takes the tree out of
// them. Scaled down for speed: a 20,000-list tree and thresholds (50, 10, 1) on 3.12, so that the
// full-collection cadence (threshold2) rarely binds and the 25 % rule decides.
import { describe, expect, it } from 'vitest';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const N = 20_000;

/** One run: its reports and the objects examined by each full collection during the churn. */
function churnRun(variant: string) {
  const spec = resolveRunSpec({ workload: 'long-lived-churn', variant, profile: '3.12', params: { n: N, m: 30_000 }, threshold: [50, 10, 1] });
  const run = prepareRun(spec);
  const metrics = measureRun(run, spec);
  const log = run.heap.gc.pauses;
  const full: number[] = [];
  for (let i = 0; i < log.count; i++) if (log.generation[i] === 2) full.push(log.visited[i]);
  // The churn's full collections are the last `churn_full` of them.
  const churnFull = full.slice(full.length - metrics.reports.churn_full);
  return { metrics, churnFull };
}

describe('long-lived-churn', () => {
  const retain = churnRun('retain');
  const notree = churnRun('notree');
  const freeze = churnRun('freeze');
  const garbage = churnRun('garbage');

  it('the probe sees the tree: one 56-byte list per node plus the inner nodes\' item arrays', () => {
    const tree = retain.metrics.memory.probes.tree;
    expect(tree).toBeGreaterThanOrEqual(56 * N);
    expect(tree).toBeLessThan(72 * N);
    expect(notree.metrics.memory.probes.tree).toBeLessThan(1000);
  });

  it('the 25 % rule: with the tree, the same churn gets fewer full collections than without it', () => {
    expect(retain.metrics.reports.churn_full).toBeGreaterThanOrEqual(1);
    expect(notree.metrics.reports.churn_full).toBeGreaterThanOrEqual(2 * retain.metrics.reports.churn_full);
  });

  it('churn that keeps nothing never makes long_lived_pending grow: no full collection with the tree', () => {
    expect(garbage.metrics.reports.churn_full).toBe(0);
  });

  it('every full collection of the churn walks the whole tree, unless it was frozen', () => {
    expect(retain.churnFull.length).toBeGreaterThan(0);
    for (const visited of retain.churnFull) expect(visited).toBeGreaterThan(N);
    expect(freeze.churnFull.length).toBeGreaterThan(0);
    for (const visited of freeze.churnFull) expect(visited).toBeLessThan(N);
    expect(freeze.metrics.gc.visited).toBeLessThan(retain.metrics.gc.visited);
  });
});
