/**
 * The distributed queue's cost, in one run, on a throwaway redis-server (127.0.0.1, a free port,
 * persistence off) with `gclab worker` processes around it and the run's queue coordinator in this
 * process:
 *
 * - overhead per task: small tasks one at a time through one worker process; for each, the time
 *   from submitting it to its outcome arriving, minus the task's own run time as its worker
 *   measured it (record.wallMs). Median and p99 (target: median <= 10 ms).
 * - throughput: a batch of medium tasks submitted at once, through one worker process, then two
 *   (a fresh run each, the same tasks), in alternation for a few rounds; each figure is the median
 *   round. Tasks/s and the ratio (target: two >= 1.7x one), with the
 *   CPU time of every process involved beside the wall time: on a 2-core machine two busy workers
 *   should take close to 2 s of CPU per second of wall, and what the coordinator and redis-server
 *   take comes out of the same two cores. The same batch on this process's own pool with one
 *   thread and two, in the same rounds, gives the machine's own scaling: the ceiling for the queue's.
 *
 * Each phase first runs untimed warm-up tasks on its own run: a worker's pool belongs to the run
 * it serves, so its threads (and their JIT) are new with each run, and a worker finds a new run
 * only at its next poll (every 0.5 s).
 *
 *   npm run build && node dist/bench/queue-overhead.js [--small 150 --tasks 24 --n 300000 --rounds 5]
 *
 * Without redis-server installed it says so and exits 0. On a shared machine read the ratios, not
 * the absolute times.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Coordinator, type CoordinatorOptions, type PlannedTask, type TaskPlan, type TaskRecord } from '../src/lab/coordinator.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { newRunQueueName, QueueCoordinator } from '../src/lab/queue/queue-coordinator.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';
import { GclabProcess } from './support/gclab-process.js';
import { redisMissing, RedisServer } from './support/redis-server.js';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '150' },
    tasks: { type: 'string', default: '24' },
    n: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '5' },
  },
});
const smallTasks = Number(values.small);
const mediumTasks = Number(values.tasks);
const rounds = Number(values.rounds);

const missing = redisMissing();
if (missing !== null) {
  console.log(`${missing}: nothing measured`);
  process.exit(0);
}

installBuiltIns(BUILT_INS);
// A few ms of simulation: what is left of the time is the queue's.
const small: TaskPlan = { spec: resolveRunSpec({ workload: 'slots-vs-dict', params: ['n=100'] }), repetition: 0 };
// About 120-140 ms of simulation at n=300000 (warm, on the 2-core machine this was written on):
// long enough that the queue's few ms per task are small beside it, short enough for quick rounds.
const medium: TaskPlan = { spec: resolveRunSpec({ workload: 'cyclic-graphs', variant: 'pairs', params: [`n=${values.n}`] }), repetition: 0 };
const options: CoordinatorOptions = { workers: 1, sampleIntervalMs: 0, taskTimeoutMs: 60_000, timing: null };

/** Every child started here, killed at the end whatever happens. */
const children: ChildProcess[] = [];
let redisServer: RedisServer | undefined;
const killAll = (): void => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // Its SIGKILL goes now; the promise only waits for the exit.
  void redisServer?.kill();
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** A `gclab worker` process, one task at a time; its log (stderr) says when it is ready and which tasks it took. */
function startWorker(name: string, url: string): GclabProcess {
  const worker = new GclabProcess(['worker', '--queue', url, '--workers', '1', '--name', name]);
  children.push(worker.child);
  return worker;
}


/** A process's CPU time so far (user + system, every thread), in seconds, from /proc/<pid>/stat. */
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces) start with the 3rd, `state`;
  // utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * Commands the server has run so far, from `INFO commandstats` (redis-cli, which Debian's
 * redis-server package brings): all of them, and the scripts among them (BullMQ's every step is a
 * Lua script; the commands a script runs are counted as well). null without redis-cli.
 */
function redisCalls(port: number): { all: number; scripts: number } | null {
  const info = spawnSync('redis-cli', ['-p', String(port), 'info', 'commandstats'], { encoding: 'utf8' });
  if (info.status !== 0) return null;
  let all = 0;
  let scripts = 0;
  for (const m of info.stdout.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    all += Number(m[2]);
    if (m[1] === 'evalsha' || m[1] === 'eval') scripts += Number(m[2]);
  }
  return { all, scripts };
}

let nextTaskId = 0;
const tasksOf = (plan: TaskPlan, count: number): PlannedTask[] => Array.from({ length: count }, () => ({ id: nextTaskId++, plan }));

function checkOk(records: readonly TaskRecord[]): void {
  const bad = records.find((r) => r.status !== 'ok');
  if (bad) throw new Error(`task ${bad.id} (${bad.spec.workload}) ended ${bad.status}: ${bad.error ?? ''}`);
}

async function openRun(url: string): Promise<{ run: string; coordinator: QueueCoordinator }> {
  const run = newRunQueueName();
  const coordinator = await QueueCoordinator.open(options, { url, run, lostAfterMs: 30_000, command: 'bench/queue-overhead', note: (line) => console.error(`queue: ${line}`) });
  return { run, coordinator };
}

/** Tasks of `run` a worker finished, from its log ('task N of RUN: ok (…)'). */
const finishedOf = (w: GclabProcess, run: string): number => w.stderr.split('\n').filter((l) => l.includes(`of ${run}: ok`)).length;

/**
 * Untimed batches of `plan` until every worker has finished three tasks of this run: a worker
 * started for the round has a cold JIT, and one cold worker takes fewer tasks of the timed batch.
 */
async function warmUp(coordinator: QueueCoordinator, run: string, workers: readonly GclabProcess[], plan: TaskPlan, perBatch: number): Promise<void> {
  for (let batch = 0; workers.some((w) => finishedOf(w, run) < 3); batch++) {
    if (batch === 20) throw new Error(`after ${batch} warm-up batches some worker has taken no task of ${run}`);
    checkOk(await coordinator.runTasks(tasksOf(plan, perBatch), () => {}));
  }
}

const ms = (v: number): string => `${v.toFixed(2)} ms`;
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

interface Overhead {
  readonly median: number;
  readonly p99: number;
  readonly medianWall: number;
}

/** One task at a time: submitted -> outcome arrived, minus the task's own run time. */
async function overhead(url: string, worker: GclabProcess): Promise<Overhead> {
  const { run, coordinator } = await openRun(url);
  try {
    await warmUp(coordinator, run, [worker], small, 10);
    const latencies: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i < smallTasks; i++) {
      let arrived = 0;
      const submitted = performance.now();
      // Taken in onRecord: the moment the coordinator has the outcome, before runTasks returns.
      const [record] = await coordinator.runTasks(tasksOf(small, 1), () => (arrived = performance.now()));
      checkOk([record]);
      latencies.push(arrived - submitted - record.wallMs);
      walls.push(record.wallMs);
    }
    latencies.sort((a, b) => a - b);
    walls.sort((a, b) => a - b);
    return { median: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), medianWall: quantile(walls, 0.5) };
  } finally {
    await coordinator.close(true);
  }
}

interface Throughput {
  readonly wallS: number;
  readonly tasksPerS: number;
  /** CPU seconds during the timed batch: each worker process, this process, redis-server. */
  readonly workerCpuS: number[];
  /** Tasks of the timed batch each worker process took. */
  readonly workerTasks: number[];
  readonly coordinatorCpuS: number;
  readonly redisCpuS: number;
  readonly medianTaskMs: number;
  /** The tasks' own run time over the workers' wall time: what is not busy went between tasks. */
  readonly busy: number;
  /** Redis commands per task during the timed batch (all, and the scripts among them), when redis-cli is there. */
  readonly callsPerTask: { all: number; scripts: number } | null;
}

/** The medium batch at once on a fresh run, with the workers given (all of them warm first). */
async function throughput(url: string, workers: readonly GclabProcess[], redis: RedisServer): Promise<Throughput> {
  const { run, coordinator } = await openRun(url);
  try {
    await warmUp(coordinator, run, workers, medium, 2 * workers.length);
    // A worker logs 'task N of RUN: ... started' as it takes a task.
    const taken = (w: GclabProcess): number => w.stderr.split('\n').filter((l) => l.includes(`of ${run}: `) && l.endsWith(' started')).length;
    const taken0 = workers.map(taken);
    const workerCpu0 = workers.map((w) => cpuSeconds(w.child.pid!));
    const redisCpu0 = cpuSeconds(redis.pid!);
    const calls0 = redisCalls(port);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const records = await coordinator.runTasks(tasksOf(medium, mediumTasks), () => {});
    const wallS = (performance.now() - t0) / 1000;
    const calls1 = redisCalls(port);
    const callsPerTask = calls0 && calls1 ? { all: (calls1.all - calls0.all) / mediumTasks, scripts: (calls1.scripts - calls0.scripts) / mediumTasks } : null;
    const cpu = process.cpuUsage(cpu0);
    const workerCpuS = workers.map((w, i) => cpuSeconds(w.child.pid!) - workerCpu0[i]);
    const redisCpuS = cpuSeconds(redis.pid!) - redisCpu0;
    const workerTasks = workers.map((w, i) => taken(w) - taken0[i]);
    checkOk(records);
    const walls = records.map((r) => r.wallMs).sort((a, b) => a - b);
    const busy = walls.reduce((a, b) => a + b, 0) / 1000 / (wallS * workers.length);
    return { wallS, tasksPerS: mediumTasks / wallS, workerCpuS, workerTasks, coordinatorCpuS: (cpu.user + cpu.system) / 1e6, redisCpuS, medianTaskMs: quantile(walls, 0.5), busy, callsPerTask };
  } finally {
    await coordinator.close(true);
  }
}

/**
 * The same batch on this process's own Piscina pool, no queue: how this machine scales from one
 * thread to two, the ceiling the queue's one-to-two workers can be held to.
 */
async function localTasksPerS(threads: number): Promise<number> {
  const pool = new Coordinator({ ...options, workers: threads });
  try {
    checkOk(await pool.runTasks(tasksOf(medium, 3 * threads), () => {})); // warm-up
    const t0 = performance.now();
    checkOk(await pool.runTasks(tasksOf(medium, mediumTasks), () => {}));
    return mediumTasks / ((performance.now() - t0) / 1000);
  } finally {
    await pool.close();
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The round of median wall time (its CPU figures with it). */
function medianRound(ts: readonly Throughput[]): Throughput {
  return [...ts].sort((a, b) => a.wallS - b.wallS)[Math.floor(ts.length / 2)];
}

function showThroughput(label: string, t: Throughput): void {
  const workersCpu = t.workerCpuS.reduce((a, b) => a + b, 0);
  const each = t.workerCpuS.map((s) => s.toFixed(2)).join(' + ');
  const split = t.workerTasks.join(' + ');
  const all = workersCpu + t.coordinatorCpuS + t.redisCpuS;
  console.log(
    `${label.padEnd(10)} wall ${t.wallS.toFixed(2)} s  ${t.tasksPerS.toFixed(2)} tasks/s  task median ${t.medianTaskMs.toFixed(0)} ms  tasks per worker ${split}  busy ${(t.busy * 100).toFixed(0)} %  ` +
      `cpu: workers ${each} s, coordinator ${t.coordinatorCpuS.toFixed(2)} s, redis ${t.redisCpuS.toFixed(2)} s  cpu/wall ${(all / t.wallS).toFixed(2)}`,
  );
}

const redis = await RedisServer.start();
redisServer = redis;
const { port, url } = redis;
try {
  const w1 = startWorker('w1', url);
  await w1.waitFor(/waiting for tasks/);
  console.log(`redis-server on ${url}; CPU time from /proc/<pid>/stat at ${ticksPerSecond} ticks/s`);

  console.log(`overhead: ${smallTasks} tasks of ${small.spec.workload}/${small.spec.variant} n=${small.spec.params.n}, one at a time, 1 worker process`);
  const o = await overhead(url, w1);
  console.log(`  enqueue -> outcome minus the task's run time: median ${ms(o.median)}, p99 ${ms(o.p99)}`);
  console.log(`  the task's own run time (record.wallMs): median ${ms(o.medianWall)}`);

  console.log(`throughput: ${mediumTasks} tasks of ${medium.spec.workload}/${medium.spec.variant} n=${medium.spec.params.n} at once, median of ${rounds} rounds`);
  // One worker, then two, in alternation: a burst of load from elsewhere on a shared machine hits
  // one round, not every figure of one configuration. The second worker process is started for
  // its rounds and killed after, so the one-worker rounds have the queue to w1 alone.
  const ones: Throughput[] = [];
  const twos: Throughput[] = [];
  const localOnes: number[] = [];
  const localTwos: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ones.push(await throughput(url, [w1], redis));
    const w2 = startWorker('w2', url);
    await w2.waitFor(/waiting for tasks/);
    twos.push(await throughput(url, [w1, w2], redis));
    await w2.stop();
    // The local pool in the same round, while the workers idle.
    localOnes.push(await localTasksPerS(1));
    localTwos.push(await localTasksPerS(2));
    process.stderr.write(`round ${round + 1}/${rounds}: queue ${ones[round].tasksPerS.toFixed(2)} vs ${twos[round].tasksPerS.toFixed(2)} tasks/s, local pool ${localOnes[round].toFixed(2)} vs ${localTwos[round].toFixed(2)}\n`);
  }
  const one = medianRound(ones);
  const two = medianRound(twos);
  showThroughput('1 worker', one);
  showThroughput('2 workers', two);
  const perRound = (ts: Throughput[]): string => ts.map((t) => t.tasksPerS.toFixed(2)).join(' ');
  console.log(`  tasks/s by round: 1 worker ${perRound(ones)}; 2 workers ${perRound(twos)}`);
  if (two.callsPerTask) {
    // Includes the workers' polling and the coordinator's watch while the batch ran, spread over its tasks.
    console.log(`  redis commands per task (2 workers, ${(two.medianTaskMs / 1000).toFixed(2)} s tasks): ${two.callsPerTask.all.toFixed(1)}, of them ${two.callsPerTask.scripts.toFixed(1)} scripts`);
  }

  const localRatio = median(localTwos) / median(localOnes);
  console.log(`  the local pool (no queue), same tasks, median round: 1 thread ${median(localOnes).toFixed(2)} tasks/s, 2 threads ${median(localTwos).toFixed(2)} tasks/s, ${localRatio.toFixed(2)}x`);

  const ratio = two.tasksPerS / one.tasksPerS;
  console.log('summary:');
  console.log(`  overhead per task: median ${ms(o.median)} (target <= 10 ms: ${o.median <= 10 ? 'PASS' : 'MISS'}), p99 ${ms(o.p99)}`);
  console.log(`  two workers vs one: ${ratio.toFixed(2)}x the tasks/s (target >= 1.7x: ${ratio >= 1.7 ? 'PASS' : 'MISS'})`);
  console.log(`  the machine's own one-to-two scaling (local pool): ${localRatio.toFixed(2)}x; the queue keeps ${((100 * ratio) / localRatio).toFixed(0)} % of it`);
} finally {
  killAll();
}
