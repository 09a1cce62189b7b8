/**
 * Real task records for the store's tests: a few small runs of built-in workloads through the
 * coordinator (telemetry, pauses and size-class snapshots included), one of them failed.
 */
import { Coordinator, type TaskRecord } from '../../src/lab/coordinator.js';
import { resolveRunSpec } from '../../src/lab/options.js';

export async function sampleRecords(): Promise<TaskRecord[]> {
  const specs = [
    resolveRunSpec({ workload: 'slots-vs-dict', variant: 'dict', params: ['n=2000'], profile: '3.13' }),
    resolveRunSpec({ workload: 'slots-vs-dict', variant: 'slots', params: ['n=2000'], profile: '3.13' }),
    resolveRunSpec({ workload: 'cyclic-graphs', variant: 'pairs', params: ['n=2000'], profile: '3.12' }),
    // 4 MiB of address space is too little: a heap-exhausted record.
    resolveRunSpec({ workload: 'slots-vs-dict', variant: 'dict', params: ['n=500000'], profile: '3.11', heapMiB: 4 }),
  ];
  const coordinator = new Coordinator({ workers: 2, sampleIntervalMs: 2, taskTimeoutMs: 60_000, timing: null });
  try {
    const records = await coordinator.run(specs.map((spec) => ({ spec, repetition: 0 })), () => {});
    return [...records].sort((a, b) => a.id - b.id);
  } finally {
    await coordinator.close();
  }
}
