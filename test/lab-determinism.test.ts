/**
 * Determinism: every simulated count of a run is the same with one worker or two, and across runs.
 * Times and pauses are not counts and may differ.
 */
import { describe, expect, it } from 'vitest';
import { Coordinator, type TaskRecord } from '../src/lab/coordinator.js';
import { resolveRunSpec } from '../src/lab/options.js';
import type { RunMetrics } from '../src/lab/measure.js';

const specs = [
  ['generators-vs-lists', 'list', '3.11'],
  ['slots-vs-dict', 'dict', '3.13'],
  ['cyclic-graphs', 'random', '3.14.0'],
  ['cyclic-graphs', 'rings', '3.14.1'],
  ['cyclic-graphs', 'pairs', '3.12'],
].map(([workload, variant, profile]) => resolveRunSpec({ workload, variant, profile, params: ['n=20000'], seed: 7 }));

function counts(m: RunMetrics | undefined): unknown {
  if (!m) return undefined;
  return {
    requested: m.memory.requested,
    probes: m.memory.probes,
    arenas: m.memory.arenas,
    pools: m.memory.pools,
    blocks: m.memory.blocks,
    collections: m.gc.collections,
    collected: m.gc.collected,
    uncollectable: m.gc.uncollectable,
    visited: m.gc.visited,
    pauses: m.gc.pauses.count,
    objects: m.objects,
  };
}

async function runWith(workers: number): Promise<TaskRecord[]> {
  const c = new Coordinator({ workers, sampleIntervalMs: 0, taskTimeoutMs: 60_000, timing: null });
  try {
    return await c.run(specs.map((spec) => ({ spec, repetition: 0 })), () => {});
  } finally {
    await c.close();
  }
}

describe('determinism', () => {
  it('the same counts with 1 worker, with 2 workers, and again', async () => {
    const one = await runWith(1);
    const two = await runWith(2);
    const again = await runWith(2);
    expect(one.every((r) => r.status === 'ok')).toBe(true);
    const c1 = one.map((r) => counts(r.metrics));
    expect(two.map((r) => counts(r.metrics))).toEqual(c1);
    expect(again.map((r) => counts(r.metrics))).toEqual(c1);
    // The random graph depends on the seed: another seed draws another graph.
    const other = resolveRunSpec({ workload: 'cyclic-graphs', variant: 'random', profile: '3.14.0', params: ['n=20000'], seed: 8 });
    const c = new Coordinator({ workers: 1, sampleIntervalMs: 0, taskTimeoutMs: 60_000, timing: null });
    const [r] = await c.run([{ spec: other, repetition: 0 }], () => {}).finally(() => c.close());
    expect(r.metrics!.gc.collected).not.toEqual(one[2].metrics!.gc.collected);
  }, 120_000);
});
