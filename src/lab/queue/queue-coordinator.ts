/**
 * A session's tasks on a shared queue instead of the local pool: each task is a job on the run's own
 * queue (keyed by task id, so nothing runs twice), taken by `gclab worker` processes anywhere, which
 * run it on their own Piscina pools exactly as a local run does and send back its record.
 *
 * What it survives: a worker that dies (its job stalls and is retried elsewhere), a worker that never
 * comes (the others take the work; with none, it waits and says so), its own restart (`--resume`
 * re-attaches to the run's queue and takes the outcomes that finished meanwhile), and the queue
 * server restarting (it reconnects and adds again what the server lost; gone for longer than
 * `lostAfterMs`, the run stops as Ctrl-C stops it, keeping everything finished). It never trusts an
 * event alone: every few seconds it reads back the state of each job still outstanding.
 */
import { hostname } from 'node:os';
import { priced, type CoordinatorOptions, type PlannedTask, type RunningTask, type TaskRecord, type TaskRunner } from '../coordinator.js';
import { TaskPhase } from '../protocol.js';
import { UsageError } from '../../core/errors.js';
import { LAB_VERSION } from '../../version.js';
import { queueAddress, QueueServer, RunQueue, type JobFailure, type QueueAddress } from './bullmq-adapter.js';
import { decodeRecord, jobId, shippedProgram, taskIdOf, type PoolSettings, type TaskJobData, type TaskProgress } from './task-jobs.js';

export interface QueueRunOptions {
  /** `redis://HOST:PORT[/DB]` or `rediss://…`. */
  readonly url: string;
  /** The run's queue (a resumed run passes the one its results file names). */
  readonly run: string;
  /** How long the queue server may be unreachable before the run stops. */
  readonly lostAfterMs: number;
  readonly command: string;
  /** A line about the queue for the user (a worker missing, the connection lost and back). */
  readonly note: (line: string) => void;
}

/** A new run's queue name: its start time first (workers serve the oldest run first), then a random tag. */
export function newRunQueueName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `gclab-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * How often every outstanding job is read back besides the start and each reconnect (the events
 * stream misses nothing while connected; this is the net under it), and the worker count refreshed.
 */
const RECONCILE_MS = 30_000;
const WATCH_MS = 1000;
/** With no worker on the queue this long, the user is told how to start one. */
const NO_WORKER_NOTE_MS = 3000;

interface Outstanding {
  readonly plan: PlannedTask['plan'];
  readonly done: (record: TaskRecord) => void;
}

interface RemoteTask extends RunningTask {
  latest: TaskProgress;
}

export class QueueCoordinator implements TaskRunner {
  readonly running = new Map<number, RemoteTask>();
  private readonly outstanding = new Map<number, Outstanding>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopReason: string | null = null;
  private lostSince: number | null = null;
  private workers = -1;
  private noWorkerSince = Date.now();
  private toldNoWorker = false;
  private reconciling = false;
  private reconcileAgain = false;
  private readonly pool: PoolSettings;

  private constructor(
    private readonly options: CoordinatorOptions,
    private readonly q: QueueRunOptions,
    private readonly address: QueueAddress,
    private readonly server: QueueServer,
    private readonly queue: RunQueue,
  ) {
    this.pool = { timing: options.timing, sampleIntervalMs: options.sampleIntervalMs, taskTimeoutMs: options.taskTimeoutMs };
  }

  /** Connects (a one-line UsageError when the server cannot be reached) and registers the run. */
  static async open(options: CoordinatorOptions, q: QueueRunOptions): Promise<QueueCoordinator> {
    const address = queueAddress(q.url);
    let self: QueueCoordinator | undefined;
    const server = new QueueServer(address, { down: (why) => self?.lost(why), up: () => self?.back() });
    await server.connect(5000);
    const queue = new RunQueue(address, q.run, {
      completed: (id, value) => self?.completed(taskIdOf(id), value),
      failed: (id, failure) => self?.failed(taskIdOf(id), failure),
      progress: (id, data) => self?.progressed(taskIdOf(id), data as TaskProgress),
    });
    try {
      await queue.ready();
      self = new QueueCoordinator(options, q, address, server, queue);
      await self.register();
      // A run stopped by Ctrl-C paused its queue; its resumption opens it again.
      await queue.resume();
    } catch (err) {
      // The server went (or refused a command) just after answering: nothing is left open.
      await bounded(queue.close(), 500);
      await server.close();
      throw new UsageError(`the queue at ${address.shown} failed as the run started: ${err instanceof Error ? err.message : String(err)}`);
    }
    self.timers.push(setInterval(() => void self!.reconcile(), RECONCILE_MS));
    self.timers.push(setInterval(() => void self!.watch(), WATCH_MS));
    return self;
  }

  /** Puts the run in the server's registry, where workers look for work (again after the server lost it). */
  private async register(): Promise<void> {
    await this.server.registerRun(this.q.run, { labVersion: LAB_VERSION, command: this.q.command, host: hostname(), createdAt: this.createdAt });
  }

  private readonly createdAt = new Date().toISOString();

  /** Why the run stopped on its own (the queue lost for too long), or null. */
  get stopped(): string | null {
    return this.stopReason !== null && this.stopReason !== 'cancelled' ? this.stopReason : null;
  }

  async runTasks(tasks: readonly PlannedTask[], onRecord: (record: TaskRecord) => void): Promise<TaskRecord[]> {
    const records: TaskRecord[] = [];
    const finished = tasks.map(
      ({ id, plan }) =>
        new Promise<void>((resolve) => {
          this.outstanding.set(id, {
            plan,
            done: (record) => {
              records.push(record);
              onRecord(record);
              resolve();
            },
          });
        }),
    );
    if (this.stopReason !== null) this.stopAll();
    else {
      // Not awaited alone: with the server gone the add waits for it, and the run may stop meanwhile.
      // Outcomes that finished before this coordinator listened (a resumed run) are read back after it.
      this.enqueue(tasks.map((t) => t.id))
        .then(() => this.reconcile())
        .catch(() => undefined);
    }
    await Promise.all(finished);
    return records.sort((a, b) => a.id - b.id);
  }

  cancel(): void {
    if (this.stopReason === null) this.stopReason = 'cancelled';
    this.stopAll();
  }

  status(): string | null {
    if (this.lostSince !== null) return `queue ${this.address.shown}: connection lost ${Math.round((Date.now() - this.lostSince) / 1000)} s ago, reconnecting`;
    if (this.workers === 0) return `queue ${this.address.shown}: no worker yet (start one: gclab worker --queue ${this.address.shown})`;
    return this.workers < 0 ? null : `queue ${this.address.shown}: ${this.workers} worker${this.workers === 1 ? '' : 's'}`;
  }

  async close(completed = false): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    // With the server gone, nothing below could finish: the run's queue stays for --resume.
    if (this.server.connected) {
      if (completed) await bounded(Promise.all([this.queue.remove(), this.server.unregisterRun(this.q.run)]));
      // Stopped: workers finish what they run (their outcomes stay for --resume) and take nothing new.
      else await bounded(this.queue.pause());
    }
    await bounded(this.queue.close(), this.server.connected ? 3000 : 500);
    await this.server.close();
  }

  private async enqueue(ids: readonly number[]): Promise<void> {
    const jobs = ids.flatMap((id) => {
      const o = this.outstanding.get(id);
      if (!o) return [];
      const data: TaskJobData = { labVersion: LAB_VERSION, taskId: id, plan: o.plan, pool: this.pool, program: shippedProgram(o.plan.spec.module) };
      return [{ id: jobId(id), data }];
    });
    await this.queue.add(jobs);
  }

  private completed(taskId: number, value: string): void {
    const o = this.outstanding.get(taskId);
    if (!o) return;
    let record: TaskRecord;
    try {
      record = decodeRecord(value);
    } catch {
      this.finish(taskId, { status: 'worker-died', error: 'its outcome came back unreadable from the queue' });
      return;
    }
    // The worker ran its own copy of the spec (a program's path is its own): the record keeps ours.
    const { spec, repetition } = o.plan;
    this.outstanding.delete(taskId);
    this.running.delete(taskId);
    o.done(priced({ ...record, id: taskId, spec, repetition }, this.options.costModel));
    // The record is in the results file now: the server need not keep it (a run of thousands of
    // tasks would hold them all). A coordinator killed before this line finds it on --resume.
    this.queue.removeJob(jobId(taskId)).catch(() => undefined);
  }

  private failed(taskId: number, { refused, reason }: JobFailure): void {
    if (!this.outstanding.has(taskId)) return;
    // A worker refuses what it must not run (a JavaScript workload without --allow-js, another gclab's task).
    this.finish(taskId, refused ? { status: 'workload-error', error: reason } : { status: 'worker-died', error: `on the queue: ${reason}` });
    this.queue.removeJob(jobId(taskId)).catch(() => undefined);
  }

  private finish(taskId: number, failure: { status: TaskRecord['status']; error: string }): void {
    const o = this.outstanding.get(taskId);
    if (!o) return;
    this.outstanding.delete(taskId);
    const task = this.running.get(taskId);
    this.running.delete(taskId);
    const wallMs = task ? performance.now() - task.startedAt : 0;
    o.done({ id: taskId, spec: o.plan.spec, repetition: o.plan.repetition, status: failure.status, error: failure.error, wallMs });
  }

  private progressed(taskId: number, data: TaskProgress): void {
    const o = this.outstanding.get(taskId);
    if (!o || typeof data !== 'object' || data === null) return;
    const known = this.running.get(taskId);
    if (known && known.where === data.worker) {
      known.latest = data;
      return;
    }
    const task: RemoteTask = {
      id: taskId,
      spec: o.plan.spec,
      startedAt: performance.now(),
      where: data.worker,
      latest: data,
      phase: () => task.latest.phase as TaskPhase,
      progress: () => task.latest.progress,
      iterations: () => task.latest.iterations,
      requested: () => task.latest.counters?.requestedCurrent,
    };
    this.running.set(taskId, task);
  }

  /** Reads back every outstanding job: takes finished outcomes, adds again what the server lost. */
  private async reconcile(): Promise<void> {
    // Asked while a reading is under way (a batch added meanwhile): that one reads again after.
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    if (this.stopReason !== null || !this.server.connected || this.outstanding.size === 0) return;
    this.reconciling = true;
    this.reconcileAgain = false;
    try {
      const ids = [...this.outstanding.keys()];
      const states = await Promise.all(ids.map((id) => this.queue.job(jobId(id))));
      const missing: number[] = [];
      states.forEach((s, i) => {
        if (s.state === 'completed') this.completed(ids[i], s.value);
        else if (s.state === 'failed') this.failed(ids[i], s.failure);
        else if (s.state === 'missing') missing.push(ids[i]);
      });
      // A job can vanish only with the server's data (a restart without persistence): it runs again,
      // and the run is registered again for the workers to find.
      if (missing.length > 0) await Promise.all([this.register(), this.enqueue(missing)]);
    } catch {
      // the connection went while reading: the next round tries again
    } finally {
      this.reconciling = false;
    }
    if (this.reconcileAgain) await this.reconcile();
  }

  private async watch(): Promise<void> {
    if (this.lostSince !== null && Date.now() - this.lostSince > this.q.lostAfterMs) {
      this.stopReason = `lost the queue at ${this.address.shown} for more than ${Math.round(this.q.lostAfterMs / 1000)} s`;
      this.stopAll();
      return;
    }
    if (!this.server.connected || this.stopReason !== null) return;
    try {
      this.workers = await this.queue.workerCount();
    } catch {
      return;
    }
    if (this.workers > 0 || this.outstanding.size === 0) {
      if (this.toldNoWorker && this.workers > 0) this.q.note(`${this.workers} worker${this.workers === 1 ? '' : 's'} on the queue now`);
      this.toldNoWorker = false;
      this.noWorkerSince = Date.now();
    } else if (!this.toldNoWorker && Date.now() - this.noWorkerSince > NO_WORKER_NOTE_MS) {
      this.toldNoWorker = true;
      this.q.note(`no worker on the queue ${this.address.shown} yet; the tasks wait for one: gclab worker --queue ${this.address.shown}`);
    }
  }

  private lost(why: string): void {
    if (this.lostSince !== null) return;
    this.lostSince = Date.now();
    this.q.note(`lost the queue at ${this.address.shown} (${why}); reconnecting, for up to ${Math.round(this.q.lostAfterMs / 1000)} s`);
  }

  private back(): void {
    if (this.lostSince === null) return;
    this.lostSince = null;
    this.q.note(`the queue at ${this.address.shown} is back`);
    void this.reconcile();
  }

  /** Every outstanding task is recorded as cancelled (the stop's reason in its message). */
  private stopAll(): void {
    const why = this.stopReason === 'cancelled' || this.stopReason === null ? 'cancelled' : `stopped: ${this.stopReason}`;
    for (const id of [...this.outstanding.keys()]) {
      this.finish(id, { status: 'cancelled', error: this.running.has(id) ? `${why} while running` : `${why} before it started` });
    }
  }
}

/** A queue operation given at most a few seconds (the server may be gone). */
async function bounded(p: Promise<unknown>, ms = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
