/**
 * What travels on a run's queue: a task job (the plan, the pool settings a worker runs it with, and
 * a user program's source text) and its outcome (the task's record, as msgpack). Built-in workloads
 * travel by name. A `.py` program travels as its files' text with a content hash: the worker compiles
 * it, and the simulated program cannot touch the host. A JavaScript or TypeScript workload is code
 * with the worker's full rights, so a worker runs one only when started with `--allow-js`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { CoordinatorOptions, TaskPlan, TaskRecord, TelemetryColumn } from '../coordinator.js';
import { packMsgpack, unpackMsgpack } from '../store.js';
import { programFiles } from '../user-workloads.js';

/** A user workload's source, shipped with its tasks. */
export interface ShippedProgram {
  readonly kind: 'python' | 'javascript';
  /** sha256 of the files (paths and text): the worker's cache key. */
  readonly hash: string;
  /** The main file's path among `files`. */
  readonly entry: string;
  /** Paths relative to the main file's directory. */
  readonly files: readonly { readonly path: string; readonly source: string }[];
}

/** The settings a worker's pool runs a run's tasks with (the coordinator's, minus the pool size). */
export type PoolSettings = Pick<CoordinatorOptions, 'timing' | 'sampleIntervalMs' | 'taskTimeoutMs'>;

export interface TaskJobData {
  readonly labVersion: string;
  readonly taskId: number;
  readonly plan: TaskPlan;
  readonly pool: PoolSettings;
  readonly program: ShippedProgram | null;
}

/** What a worker publishes about a running task, a few times a second. */
export interface TaskProgress {
  readonly worker: string;
  readonly phase: number;
  readonly progress: number;
  readonly iterations: number;
  /** The deterministic run's latest sampled live counters (none before its first sample, or with sampling off). */
  readonly counters?: Partial<Record<TelemetryColumn, number>>;
}

/** A task's job id on its run's queue (BullMQ refuses bare integers as custom ids). */
export const jobId = (taskId: number): string => `t${taskId}`;
export const taskIdOf = (id: string): number => Number(id.slice(1));

/** A record as a job's outcome: msgpack as in results files, in base64 (BullMQ keeps outcomes as JSON strings). */
export function encodeRecord(record: TaskRecord): string {
  return packMsgpack(record).toString('base64');
}

export function decodeRecord(value: string): TaskRecord {
  return unpackMsgpack(Buffer.from(value, 'base64')) as TaskRecord;
}

/** The program a user workload module ships as (null for a built-in), read once per module. */
export function shippedProgram(module: string | null): ShippedProgram | null {
  if (module === null) return null;
  const known = shipped.get(module);
  if (known) return known;
  const root = dirname(module);
  const files = module.endsWith('.py')
    ? programFiles(module).map((f) => ({ path: relative(root, f.file), source: f.source }))
    : [{ path: basename(module), source: readFileSync(module, 'utf8') }];
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.source}\0`);
  const program: ShippedProgram = { kind: module.endsWith('.py') ? 'python' : 'javascript', hash: hash.digest('hex'), entry: basename(module), files };
  shipped.set(module, program);
  return program;
}

const shipped = new Map<string, ShippedProgram>();

/**
 * Writes a shipped program under `cacheDir/<hash>/` (once) and returns its main file's path there.
 * A path that would leave that directory is refused.
 */
export function materialise(program: ShippedProgram, cacheDir: string): string {
  const dir = join(cacheDir, program.hash.slice(0, 32));
  const main = join(dir, program.entry);
  if (written.has(main)) return main;
  for (const f of program.files) {
    const path = normalize(f.path);
    if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) throw new Error(`a shipped file's path leaves its program's directory: ${f.path}`);
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.source);
  }
  written.add(main);
  return main;
}

const written = new Set<string>();
