/**
 * Times a workload's body with tinybench: each iteration on a fresh heap built (untimed) in
 * `beforeEach`, so every sample measures the same work.
 */
import { Bench } from 'tinybench';
import { prepareRun, runBody, type PreparedRun } from './measure.js';
import type { RunSpec, TimingOptions } from './options.js';
import type { TimeStats } from './protocol.js';

export async function timeBody(spec: RunSpec, timing: TimingOptions, onIteration?: (n: number) => void): Promise<TimeStats> {
  let prepared: PreparedRun | undefined;
  let iterations = 0;
  const bench = new Bench({
    iterations: timing.iterations,
    time: timing.timeMs,
    warmup: timing.warmupIterations > 0,
    warmupIterations: timing.warmupIterations,
    warmupTime: timing.warmupMs,
    retainSamples: true,
    throws: true,
  });
  bench.add(
    spec.workload,
    () => {
      runBody(prepared!, spec);
    },
    {
      beforeEach: () => {
        prepared = prepareRun(spec);
      },
      afterEach: () => {
        prepared = undefined;
        onIteration?.(++iterations);
      },
    },
  );
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error(`timing did not complete (${result.state})`);
  const lat = result.latency;
  const ms = (v: number): number => Math.round(v * 1e6);
  return {
    samples: lat.samplesCount,
    mean: ms(lat.mean),
    median: ms(lat.p50),
    p99: ms(lat.p99),
    min: ms(lat.min),
    max: ms(lat.max),
    sd: ms(lat.sd),
    rme: lat.rme,
    values: Float64Array.from(lat.samples ?? [], ms),
  };
}
