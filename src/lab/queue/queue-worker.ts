/**
 * `gclab worker`: a long-running process that takes task jobs from the runs on a queue server and
 * runs each on a local Piscina pool, exactly as a local run does (the same Coordinator, protocol and
 * deterministic run), then sends the task's record back as the job's outcome.
 *
 * It serves one run at a time, the oldest with work waiting, and moves on when that run has none
 * left; a run made by another gclab version is skipped (its figures could differ). Stopping: the
 * first SIGINT/SIGTERM finishes the running tasks and takes no new ones; `handBack` (the second)
 * puts them back on the queue at once, for another worker.
 */
import { hostname } from 'node:os';
import { UsageError } from '../../core/errors.js';
import { Coordinator, type TaskRecord } from '../coordinator.js';
import { specLabel } from '../options.js';
import { LAB_VERSION } from '../../version.js';
import { JobHandedBack, JobRefused, queueAddress, QueueServer, RunQueueWorker, type QueueAddress, type TaskJob } from './bullmq-adapter.js';
import { encodeRecord, materialise, type PoolSettings, type TaskJobData, type TaskProgress } from './task-jobs.js';

export interface QueueWorkerOptions {
  readonly url: string;
  /** Tasks at once (the local pool's threads). */
  readonly workers: number;
  readonly name: string;
  /** Runs JavaScript/TypeScript workloads too (code with this process's rights). */
  readonly allowJs: boolean;
  /** A task whose worker stops renewing its lock this long is given to another. */
  readonly stallMs: number;
  /** Where shipped programs are written. */
  readonly cacheDir: string;
  readonly log: (line: string) => void;
}

export const defaultWorkerName = (): string => `${hostname()}-${process.pid}`;

/** How often the runs on the server are looked at, and a running task's progress published. */
const POLL_MS = 500;
const PROGRESS_MS = 250;

interface Serving {
  readonly queue: string;
  readonly consumer: RunQueueWorker;
  /** The run's local pool, made with its first job's settings. */
  pool: Coordinator | null;
}

export class QueueWorker {
  private readonly address: QueueAddress;
  private readonly server: QueueServer;
  private serving: Serving | null = null;
  private readonly skipped = new Set<string>();
  private stopping = false;
  private handingBack = false;
  private localIds = 0;
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private stoppedResolve!: () => void;
  /** Resolves once the worker has stopped (after `stop`). */
  readonly stopped = new Promise<void>((r) => (this.stoppedResolve = r));
  tasksDone = 0;

  constructor(private readonly options: QueueWorkerOptions) {
    this.address = queueAddress(options.url);
    this.server = new QueueServer(this.address, {
      down: (why) => options.log(`lost the queue at ${this.address.shown} (${why}); reconnecting`),
      up: () => this.serving !== null && options.log(`the queue at ${this.address.shown} is back`),
    });
  }

  /** Connects (retrying until the server answers) and starts serving. */
  async start(): Promise<void> {
    // A worker may start before its server: it waits, saying so once; a refused password ends it.
    for (let told = false; !(await this.server.waitUntilUp(told ? 1000 : 5000)); told = true) {
      if (this.server.refused) {
        await this.server.close();
        throw new UsageError(this.server.problem);
      }
      if (this.stopping) return;
      if (!told) this.options.log(`${this.server.problem}; waiting for it`);
    }
    this.options.log(`worker ${this.options.name}: ${this.options.workers} at once, waiting for tasks on ${this.address.shown}${this.options.allowJs ? ' (JavaScript workloads allowed)' : ''}`);
    this.poller = setInterval(() => void this.poll(), POLL_MS);
    await this.poll();
  }

  /** Stops taking tasks; the running ones finish first, or (`handBack`) go back on the queue now. */
  async stop(handBack: boolean): Promise<void> {
    if (handBack && !this.handingBack) {
      this.handingBack = true;
      this.serving?.pool?.cancel();
    }
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.poller);
    const serving = this.serving;
    this.serving = null;
    if (serving) await this.retire(serving);
    await this.server.close();
    this.stoppedResolve();
  }

  /** Running tasks now (for the stop message). */
  get active(): number {
    return this.serving?.consumer.active ?? 0;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopping || !this.server.connected) return;
    this.polling = true;
    try {
      const runs = (await this.server.runs()).filter((r) => {
        if (r.meta.labVersion === LAB_VERSION) return true;
        if (!this.skipped.has(r.queue)) {
          this.skipped.add(r.queue);
          this.options.log(`skipping run ${r.queue}: made by gclab ${r.meta.labVersion}, this worker is gclab ${LAB_VERSION}`);
        }
        return false;
      });
      const current = this.serving;
      const listed = current !== null && runs.some((r) => r.queue === current.queue);
      if (current && listed && (current.consumer.active > 0 || (await this.server.waitingJobs(current.queue)) > 0)) return;
      // The oldest run with work waiting; else stay on the current one (its next batch may come).
      let next: string | null = null;
      for (const r of runs) {
        if (r.queue !== current?.queue && (await this.server.waitingJobs(r.queue)) > 0) {
          next = r.queue;
          break;
        }
      }
      if (next === null && listed) return;
      if (current) {
        this.serving = null;
        await this.retire(current);
      }
      if (next !== null && !this.stopping) this.serve(next);
    } catch {
      // the connection went while looking: the next poll tries again
    } finally {
      this.polling = false;
    }
  }

  private serve(queue: string): void {
    const serving: Serving = {
      queue,
      consumer: new RunQueueWorker(this.address, queue, (job) => this.runJob(serving, job), {
        concurrency: this.options.workers,
        stallMs: this.options.stallMs,
        workerName: this.options.name,
      }),
      pool: null,
    };
    this.serving = serving;
    this.options.log(`serving run ${queue}`);
  }

  private async retire(serving: Serving): Promise<void> {
    // Without the server BullMQ cannot finish its goodbyes: the running jobs are lost to it anyway
    // (the coordinator adds them again), so it is not waited for.
    if (this.server.connected) await serving.consumer.close();
    else await Promise.race([serving.consumer.close(true).catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
    await serving.pool?.close();
    await this.server.forget(serving.queue);
  }

  /** The run's pool, made with its first job's settings (every job of a run carries the same: its coordinator's). */
  private poolFor(serving: Serving, settings: PoolSettings): Coordinator {
    serving.pool ??= new Coordinator({ workers: this.options.workers, ...settings });
    return serving.pool;
  }

  private async runJob(serving: Serving, job: TaskJob): Promise<string> {
    const data = job.data as TaskJobData;
    if (data.labVersion !== LAB_VERSION) throw new JobRefused(`worker ${this.options.name} runs gclab ${LAB_VERSION}; the task is gclab ${data.labVersion}'s`);
    if (this.handingBack) throw new JobHandedBack();
    let spec = data.plan.spec;
    if (data.program) {
      if (data.program.kind === 'javascript' && !this.options.allowJs) {
        throw new JobRefused(`worker ${this.options.name} does not run JavaScript/TypeScript workloads; start it with --allow-js to let it (such a workload runs with the worker's full rights)`);
      }
      spec = { ...spec, module: materialise(data.program, this.options.cacheDir) };
    }
    const pool = this.poolFor(serving, data.pool);
    this.options.log(`task ${data.taskId} of ${serving.queue}: ${specLabel(data.plan.spec)} started`);
    const localId = this.localIds++;
    const publish = (): void => {
      const task = pool.running.get(localId);
      if (!task) return;
      const counters = pool.latestCounters(localId);
      const progress: TaskProgress = { worker: this.options.name, phase: task.phase(), progress: task.progress(), iterations: task.iterations(), ...(counters ? { counters } : {}) };
      job.progress(progress).catch(() => undefined);
    };
    const timer = setInterval(publish, PROGRESS_MS);
    let record: TaskRecord;
    try {
      [record] = await pool.runTasks([{ id: localId, plan: { ...data.plan, spec } }], () => undefined);
    } finally {
      clearInterval(timer);
    }
    if (this.handingBack || record.status === 'cancelled') throw new JobHandedBack();
    this.tasksDone++;
    const how = record.status === 'ok' ? 'ok' : `${record.status}: ${(record.error ?? '').trim().split('\n').pop()}`;
    this.options.log(`task ${data.taskId} of ${serving.queue}: ${how} (${(record.wallMs / 1000).toFixed(1)} s)`);
    return encodeRecord(record);
  }
}
