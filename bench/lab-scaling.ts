/**
 * The worker pool's scaling and the cost of live sampling, in one run: a fixed batch of tasks
 * with 1 worker, then 2 workers (wall time, process CPU time, ratio), then 2 workers with
 * sampling off vs on every 10 ms. CPU time next to wall time shows a contended machine: with
 * two busy workers CPU/wall should be near 2.
 *
 * The configurations are run in alternation for several rounds and each figure is the median
 * round, so one burst of load from elsewhere on a shared machine does not decide a ratio.
 *
 *   npm run bench:lab [-- --tasks 12 --n 200000 --rounds 5]
 */
import { parseArgs } from 'node:util';
import { Coordinator, type CoordinatorOptions } from '../src/lab/coordinator.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '12' },
    n: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
  },
});
const tasks = Number(values.tasks);
const rounds = Number(values.rounds);
installBuiltIns(BUILT_INS);
const spec = resolveRunSpec({ workload: 'cyclic-graphs', variant: 'pairs', profile: '3.13', params: [`n=${values.n}`] });
const plans = Array.from({ length: tasks }, (_, repetition) => ({ spec, repetition }));

interface BatchTime {
  wallMs: number;
  cpuMs: number;
  /** Time the coordinator's thread spent taking samples during the batch. */
  samplingMs: number;
}

/** A pool kept open across rounds, warmed up (module loading, JIT) before any clock starts. */
async function openPool(options: CoordinatorOptions): Promise<Coordinator> {
  const c = new Coordinator(options);
  await c.run(plans.slice(0, options.workers), () => {});
  return c;
}

async function batch(c: Coordinator): Promise<BatchTime> {
  const cpu0 = process.cpuUsage();
  const sampling0 = c.samplingMs;
  const t0 = performance.now();
  const records = await c.run(plans, () => {});
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const failed = records.find((r) => r.status !== 'ok');
  if (failed) throw new Error(`a task failed: ${failed.error}`);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, samplingMs: c.samplingMs - sampling0 };
}

function median(times: BatchTime[]): BatchTime {
  const sorted = [...times].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs each named configuration once per round, in alternation; returns each one's median round. */
async function compare(configs: Record<string, CoordinatorOptions>): Promise<Record<string, BatchTime>> {
  const names = Object.keys(configs);
  const pools = await Promise.all(names.map((name) => openPool(configs[name])));
  const times: BatchTime[][] = names.map(() => []);
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < names.length; i++) times[i].push(await batch(pools[i]));
      // On a terminal the line is rewritten in place; in a log, one line per round.
      process.stderr.write(`round ${round + 1}/${rounds}${process.stderr.isTTY ? '\r' : '\n'}`);
    }
    if (process.stderr.isTTY) process.stderr.write(' '.repeat(20) + '\r');
  } finally {
    await Promise.all(pools.map((c) => c.close()));
  }
  return Object.fromEntries(names.map((name, i) => [name, median(times[i])]));
}

const base = { sampleIntervalMs: 0, taskTimeoutMs: 600_000, timing: null };
const show = (label: string, r: BatchTime): void =>
  console.log(`${label.padEnd(28)} wall ${(r.wallMs / 1000).toFixed(2)} s  cpu ${(r.cpuMs / 1000).toFixed(2)} s  cpu/wall ${(r.cpuMs / r.wallMs).toFixed(2)}`);

console.log(`${tasks} tasks of ${spec.workload}/${spec.variant} n=${spec.params.n} @${spec.profile}, median of ${rounds} rounds`);
const scaling = await compare({ one: { ...base, workers: 1 }, two: { ...base, workers: 2 } });
show('1 worker', scaling.one);
show('2 workers', scaling.two);
console.log(`scaling: 2 workers are ${(scaling.one.wallMs / scaling.two.wallMs).toFixed(2)}x faster than 1 (target >= 1.7)`);
const sampling = await compare({ off: { ...base, workers: 2 }, on: { ...base, workers: 2, sampleIntervalMs: 10 } });
show('2 workers, sampling off', sampling.off);
show('2 workers, sampling 10 ms', sampling.on);
const cost = ((sampling.on.wallMs - sampling.off.wallMs) / sampling.off.wallMs) * 100;
console.log(`sampling cost: ${cost.toFixed(1)} % of wall time, on vs off (target <= 5 %)`);
// The wall-time difference is within a shared machine's noise; the sampler's own busy time is the
// direct figure: the CPU it takes away from the workers.
const busy = (sampling.on.samplingMs / sampling.on.wallMs) * 100;
console.log(`sampler busy: ${sampling.on.samplingMs.toFixed(1)} ms of ${sampling.on.wallMs.toFixed(0)} ms wall (${busy.toFixed(2)} %)`);
