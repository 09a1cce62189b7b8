/**
 * The one module that imports BullMQ and ioredis (both pinned exactly in package.json). The rest of
 * the lab speaks of a queue server, a run's queue of task jobs and a worker taking them; how they
 * sit in Redis is decided here.
 *
 * Keys: BullMQ's own under `bull:<queue>:*` (one queue per run, jobs keyed by task id), and gclab's
 * registry of the runs on the server, `gclab:runs` (a hash: queue name -> the run's meta as JSON),
 * which `gclab worker` reads to find work.
 */
import { Queue, QueueEvents, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { isIP } from 'node:net';
import { UsageError } from '../../core/errors.js';

/** A queue server's address as the user gave it, the form shown (no password), and ioredis's options. */
export interface QueueAddress {
  readonly url: string;
  readonly shown: string;
  readonly options: RedisOptions;
}

/** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS); anything else is a UsageError. */
export function queueAddress(url: string): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue '${url}' is not a URL: give redis://HOST:PORT[/DB] (or rediss:// for TLS)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--queue '${url}': the scheme must be redis:// or rediss://, not ${parsed.protocol}//`);
  }
  if (parsed.hostname === '') throw new UsageError(`--queue '${url}' names no host`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) throw new UsageError(`--queue '${url}': the database '/${dbText}' must be a number`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const options: RedisOptions = {
    host,
    port,
    db: dbText === '' ? 0 : Number(dbText),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    // TLS checks the server's certificate against the host (a name, or an IP address in its SAN).
    ...(parsed.protocol === 'rediss:' ? { tls: isIP(host) ? {} : { servername: host } } : {}),
    // BullMQ's blocking commands need this; a command waits for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    // Reconnect for ever, at most a second apart: the callers decide when an outage is too long.
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
  const shown = `${parsed.protocol}//${parsed.hostname}:${port}${dbText === '' ? '' : `/${dbText}`}`;
  return { url, shown, options };
}

const RUNS_KEY = 'gclab:runs';

/** Redis's answers to a missing or wrong password (or an ACL user without the rights). */
const AUTH_ERROR = /WRONGPASS|NOAUTH|NOPERM|invalid password/i;

/** What a worker reads of a run before it serves it. */
export interface RunMeta {
  readonly labVersion: string;
  readonly command: string;
  readonly host: string;
  readonly createdAt: string;
}

/** gclab's own keys on a queue server, over one plain connection whose state the owner watches. */
export class QueueServer {
  private readonly redis: Redis;
  private up = false;
  private closing = false;
  private lastError = '';
  private readonly queues = new Map<string, Queue>();

  constructor(
    readonly address: QueueAddress,
    events: { readonly down?: (why: string) => void; readonly up?: () => void } = {},
  ) {
    this.redis = new Redis({ ...address.options, lazyConnect: true });
    this.redis.on('ready', () => {
      this.up = true;
      events.up?.();
    });
    this.redis.on('close', () => {
      if (!this.up || this.closing) return;
      this.up = false;
      events.down?.('connection closed');
    });
    // ioredis reports each failed attempt here; the state callbacks say what matters.
    this.redis.on('error', (err: Error) => (this.lastError = err.message));
  }

  get connected(): boolean {
    return this.up;
  }

  /** Starts connecting (once; ioredis then reconnects for ever) and waits up to `timeoutMs`: whether it is connected. */
  async waitUntilUp(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'wait') this.redis.connect().catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    // A refused password will not get better by waiting.
    while (!this.up && Date.now() < deadline && !this.refused) await sleep(50);
    return this.up;
  }

  /** The server refused the password (or the ACL user): waiting will not help. */
  get refused(): boolean {
    return AUTH_ERROR.test(this.lastError);
  }

  /** Why it is not connected, as one line: "cannot reach the queue at URL: why (…)". */
  get problem(): string {
    return `cannot reach the queue at ${this.address.shown}${this.lastError ? `: ${this.lastError}` : ''} (${this.refused ? 'check the password in the URL' : 'is redis-server running there?'})`;
  }

  /** Connects, or fails with one line (a UsageError) after `timeoutMs`. */
  async connect(timeoutMs: number): Promise<void> {
    if (await this.waitUntilUp(timeoutMs)) return;
    this.closing = true;
    this.redis.disconnect();
    throw new UsageError(this.problem);
  }

  async registerRun(queue: string, meta: RunMeta): Promise<void> {
    await this.redis.hset(RUNS_KEY, queue, JSON.stringify(meta));
  }

  async unregisterRun(queue: string): Promise<void> {
    await this.redis.hdel(RUNS_KEY, queue);
  }

  /** The runs on the server, oldest first (queue names start with their start time). */
  async runs(): Promise<{ readonly queue: string; readonly meta: RunMeta }[]> {
    const all = await this.redis.hgetall(RUNS_KEY);
    return Object.entries(all)
      .map(([queue, meta]) => ({ queue, meta: JSON.parse(meta) as RunMeta }))
      .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
  }

  /** Jobs waiting on a run's queue (none while it is paused). */
  async waitingJobs(queue: string): Promise<number> {
    let q = this.queues.get(queue);
    if (!q) {
      q = new Queue(queue, { connection: this.address.options });
      q.on('error', () => {});
      this.queues.set(queue, q);
    }
    const counts = await q.getJobCounts('waiting', 'prioritized');
    return (counts.waiting ?? 0) + (counts.prioritized ?? 0);
  }

  /** Drops what `waitingJobs` keeps of a run gone from the server. */
  async forget(queue: string): Promise<void> {
    const q = this.queues.get(queue);
    this.queues.delete(queue);
    await q?.close();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    this.closing = true;
    this.redis.disconnect();
  }
}

/** A job's state as the run's coordinator reads it back. */
export type JobState =
  | { readonly state: 'missing' }
  | { readonly state: 'pending' }
  | { readonly state: 'completed'; readonly value: string }
  | { readonly state: 'failed'; readonly failure: JobFailure };

/** Why a job failed: a worker refused it (the task's own problem: `JobRefused`), or something else (its workers died). */
export interface JobFailure {
  readonly refused: boolean;
  readonly reason: string;
}

/** How a refusal is told apart in the reason BullMQ keeps. */
const REFUSED = 'refused: ';

const failureOf = (reason: string): JobFailure =>
  reason.startsWith(REFUSED) ? { refused: true, reason: reason.slice(REFUSED.length) } : { refused: false, reason };

export interface RunQueueEvents {
  readonly completed: (jobId: string, value: string) => void;
  readonly failed: (jobId: string, failure: JobFailure) => void;
  readonly progress: (jobId: string, data: unknown) => void;
}

/** Job options every task job gets: kept when done (a resumed coordinator reads them), retried only after a stall. */
const JOB_OPTIONS = { attempts: 1, removeOnComplete: false, removeOnFail: false } as const;

/** The producer's side of one run's queue: add task jobs, hear their outcomes, read them back. */
export class RunQueue {
  private readonly queue: Queue;
  private readonly events: QueueEvents;

  constructor(address: QueueAddress, readonly name: string, handlers: RunQueueEvents) {
    this.queue = new Queue(name, { connection: address.options });
    this.events = new QueueEvents(name, { connection: address.options });
    this.queue.on('error', () => {});
    this.events.on('error', () => {});
    this.events.on('completed', ({ jobId, returnvalue }) => handlers.completed(jobId, String(returnvalue)));
    this.events.on('failed', ({ jobId, failedReason }) => handlers.failed(jobId, failureOf(failedReason)));
    this.events.on('progress', ({ jobId, data }) => handlers.progress(jobId, data));
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  /** Adds jobs; a job whose id is already on the queue is left as it is (nothing runs twice). */
  async add(jobs: readonly { readonly id: string; readonly data: unknown }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map((j) => ({ name: 'task', data: j.data, opts: { ...JOB_OPTIONS, jobId: j.id } })));
  }

  async job(id: string): Promise<JobState> {
    // The state first: BullMQ stores a job's outcome and moves it to completed in one step, so a
    // job read as completed has its outcome; read the other way round, a job finishing between
    // the two reads would look completed without one.
    const state = await this.queue.getJobState(id);
    if (state === 'unknown') return { state: 'missing' };
    if (state !== 'completed' && state !== 'failed') return { state: 'pending' };
    const job = await this.queue.getJob(id);
    if (!job) return { state: 'missing' };
    if (state === 'failed') return { state: 'failed', failure: failureOf(job.failedReason) };
    return job.returnvalue === null || job.returnvalue === undefined ? { state: 'pending' } : { state: 'completed', value: String(job.returnvalue) };
  }

  /** Removes a job whose outcome is kept elsewhere (the results file), so the server holds only work in flight. */
  async removeJob(id: string): Promise<void> {
    await this.queue.remove(id);
  }

  /** Workers connected to this run's queue now. */
  async workerCount(): Promise<number> {
    return this.queue.getWorkersCount();
  }

  /** No worker takes a new job until `resume` (Ctrl-C: the running ones finish, their outcomes stay). */
  async pause(): Promise<void> {
    await this.queue.pause();
  }

  async resume(): Promise<void> {
    await this.queue.resume();
  }

  /** Removes the run's queue and every job of it. */
  async remove(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

/** A job as a worker's processor sees it. */
export interface TaskJob {
  readonly id: string;
  readonly data: unknown;
  /** Publishes progress (the coordinator hears it as a progress event). */
  progress(data: object): Promise<void>;
}

/** Thrown by a processor: the job fails for good (not retried), with this message, heard as `refused`. */
export class JobRefused extends Error {}

/** Thrown by a processor after `handBack`: the job is on the queue again, for any worker. */
export class JobHandedBack extends Error {}

export interface RunQueueWorkerOptions {
  readonly concurrency: number;
  /** A job whose worker stops renewing its lock for this long is stalled: the next stall check puts it back. */
  readonly stallMs: number;
  readonly workerName: string;
}

/** The consumer's side of one run's queue: takes jobs, `concurrency` at a time. */
export class RunQueueWorker {
  private readonly worker: Worker;
  private running = 0;

  constructor(address: QueueAddress, readonly name: string, processor: (job: TaskJob) => Promise<string>, options: RunQueueWorkerOptions) {
    this.worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        this.running++;
        try {
          return await processor({ id: job.id!, data: job.data, progress: (data) => job.updateProgress(data) });
        } catch (err) {
          if (err instanceof JobRefused) throw new UnrecoverableError(`${REFUSED}${err.message}`);
          if (err instanceof JobHandedBack) {
            await job.moveToWait(token);
            throw new WaitingError();
          }
          throw err;
        } finally {
          this.running--;
        }
      },
      {
        connection: address.options,
        concurrency: options.concurrency,
        lockDuration: options.stallMs,
        stalledInterval: options.stallMs,
        // A task whose worker died is retried; one that stalls more than three times fails (it kills its workers).
        maxStalledCount: 3,
        name: options.workerName,
      },
    );
    this.worker.on('error', () => {});
  }

  /** Jobs this worker is running. */
  get active(): number {
    return this.running;
  }

  /** Stops taking jobs; `force`: without waiting for the running ones (they must be handed back first). */
  async close(force = false): Promise<void> {
    await this.worker.close(force);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
