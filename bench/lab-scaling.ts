/**
 * The worker pool's scaling and the cost of live sampling, in one run: a fixed batch of tasks
 * with 1 worker, then 2 workers (wall time, process CPU time, ratio), then 2 workers with
 * sampling off vs on every 10 ms. CPU time next to wall time shows a contended machine: with
 * two busy workers CPU/wall should be near 2.
 *
 *   npm run bench:lab [-- --tasks 8 --n 200000]
 */
import { parseArgs } from 'node:util';
import { Coordinator, type CoordinatorOptions } from '../src/lab/coordinator.js';
import { resolveRunSpec } from '../src/lab/options.js';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '8' }, n: { type: 'string', default: '200000' } } });
const tasks = Number(values.tasks);
const spec = resolveRunSpec({ workload: 'cyclic-graphs', variant: 'pairs', profile: '3.13', params: [`n=${values.n}`] });
const plans = Array.from({ length: tasks }, (_, repetition) => ({ spec, repetition }));

async function batch(options: CoordinatorOptions): Promise<{ wallMs: number; cpuMs: number }> {
  const c = new Coordinator(options);
  try {
    // Warm the workers up (module loading, JIT) before the clock starts.
    await c.run(plans.slice(0, options.workers), () => {});
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const records = await c.run(plans, () => {});
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (records.some((r) => r.status !== 'ok')) throw new Error(`a task failed: ${records.find((r) => r.status !== 'ok')?.error}`);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await c.close();
  }
}

const base = { sampleIntervalMs: 0, taskTimeoutMs: 600_000, timing: null };
const show = (label: string, r: { wallMs: number; cpuMs: number }): void =>
  console.log(`${label.padEnd(28)} wall ${(r.wallMs / 1000).toFixed(2)} s  cpu ${(r.cpuMs / 1000).toFixed(2)} s  cpu/wall ${(r.cpuMs / r.wallMs).toFixed(2)}`);

console.log(`${tasks} tasks of ${spec.workload}/${spec.variant} n=${spec.params.n} @${spec.profile}`);
const one = await batch({ ...base, workers: 1 });
show('1 worker', one);
const two = await batch({ ...base, workers: 2 });
show('2 workers', two);
console.log(`scaling: 2 workers are ${(one.wallMs / two.wallMs).toFixed(2)}x faster than 1 (target >= 1.7)`);
const off = await batch({ ...base, workers: 2, sampleIntervalMs: 0 });
const on = await batch({ ...base, workers: 2, sampleIntervalMs: 10 });
show('2 workers, sampling off', off);
show('2 workers, sampling 10 ms', on);
console.log(`sampling cost: ${(((on.wallMs - off.wallMs) / off.wallMs) * 100).toFixed(1)} % (target <= 5 %)`);
