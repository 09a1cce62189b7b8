/**
 * The shape of a results file, declared once, and the check every loaded file goes through.
 * This is the one module that imports the validation library (zod, pinned exactly): the store
 * calls `checkResultsFile` and gets either the file or the first violation as one line.
 *
 * The schema follows the TypeScript types (TaskRecord, RunSpec, RunMetrics, …); the two type
 * checks at the end fail to compile when they drift apart. Fields that older files lack are
 * optional here exactly where the types say so.
 */
import { z } from 'zod';
import { PROFILE_NAMES, type ProfileName } from '../heap/profiles.js';
import type { TaskRecord } from './coordinator.js';
import { TELEMETRY_COLUMNS } from './coordinator.js';

/** A finite number: counts, bytes, ids. */
const finite = z.number();
/** A measured figure that may be NaN or infinite (an unreported figure, a ratio over nothing). */
const measured = z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });
const integer = z.number().int();
const typedArrays = { Float64Array, Int32Array, Int8Array } as const;
type TypedArrays = { Float64Array: Float64Array; Int32Array: Int32Array; Int8Array: Int8Array };
const typed = <K extends keyof TypedArrays>(name: K) => z.custom<TypedArrays[K]>((v) => v instanceof typedArrays[name], { message: `expected ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` });

const thresholds = z.tuple([finite, finite, finite]);

const runSpec = z.object({
  workload: z.string(),
  module: z.string().nullable(),
  variant: z.string(),
  params: z.record(z.string(), finite),
  profile: z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]),
  threshold: thresholds.nullable(),
  gc: z.enum(['enabled', 'disabled']),
  seed: integer,
  heapMiB: finite,
  startupObjects: finite.nullable(),
  freezeAt: z.string().nullable(),
});

const peakCurrent = z.object({ peak: finite, current: finite });

const sizeClassSnapshot = z.object({
  requested: finite,
  atNs: measured,
  arenasInUse: finite,
  poolsInUse: finite,
  blockSize: typed('Int32Array'),
  pools: typed('Int32Array'),
  blocksInUse: typed('Int32Array'),
  blocksAvailable: typed('Int32Array'),
});

const pauseFigures = z.object({ count: finite, p50: measured, p90: measured, p99: measured, max: measured, total: measured });

const runMetrics = z.object({
  memory: z.object({
    requested: z.object({ current: finite, peak: finite }),
    probes: z.record(z.string(), finite),
    arenas: peakCurrent,
    pools: peakCurrent,
    blocks: finite,
    pagesDirtied: finite,
    sizeClasses: z.object({ peak: sizeClassSnapshot, end: sizeClassSnapshot }).optional(),
  }),
  gc: z.object({
    thresholds,
    enabled: z.boolean(),
    startupTracked: finite,
    collections: z.array(finite),
    collected: z.array(finite),
    uncollectable: z.array(finite),
    visited: finite,
    pauses: pauseFigures,
    pauseNs: typed('Float64Array'),
    pauseGeneration: typed('Int8Array'),
    pauseVisited: typed('Int32Array'),
    pauseCollected: typed('Int32Array').optional(),
    pauseReferences: typed('Float64Array').optional(),
    pauseFinalizers: typed('Float64Array').optional(),
    pausePools: typed('Float64Array').optional(),
    pauseStartNs: typed('Float64Array').optional(),
    pausesBeforeProbe: z.record(z.string(), finite).optional(),
  }),
  objects: z.object({ allocated: finite, freed: finite }),
  work: z.object({ ops: z.record(z.string(), finite), freeListReuses: finite, pauseTotals: z.record(z.string(), finite) }).optional(),
  reports: z.record(z.string(), measured),
  bodyNs: measured,
  output: z.array(z.string()).optional(),
});

const timeStats = z.object({
  samples: finite,
  mean: measured,
  median: measured,
  p99: measured,
  min: measured,
  max: measured,
  sd: measured,
  rme: measured,
  values: typed('Float64Array'),
});

const telemetry = z.object({
  intervalMs: finite,
  t: typed('Float64Array'),
  columns: z.partialRecord(z.enum(TELEMETRY_COLUMNS), typed('Float64Array')),
});

const STATUSES = ['ok', 'heap-exhausted', 'workload-error', 'timeout', 'worker-died', 'cancelled'] as const;

export const taskRecordSchema = z
  .object({
    id: integer,
    spec: runSpec,
    repetition: integer,
    status: z.enum(STATUSES),
    error: z.string().optional(),
    /** A failed Python program's output before it failed (an ok record's is in its metrics). */
    output: z.array(z.string()).optional(),
    metrics: runMetrics.optional(),
    time: timeStats.nullable().optional(),
    telemetry: telemetry.optional(),
    wallMs: measured,
    cpythonTime: z
      .object({ totalNs: finite, mutatorNs: finite, gcNs: finite, pausesNs: z.object({ p50: finite, p99: finite, max: finite }), model: z.string() })
      .optional(),
  })
  // Everything that reads an ok record reads its figures.
  .refine((r) => r.status !== 'ok' || r.metrics !== undefined, { message: "an 'ok' result without metrics", path: ['metrics'] });

const provenanceSchema = z.object({
  labVersion: z.string(),
  node: z.string(),
  host: z.string(),
  platform: z.string(),
  cpus: finite,
  cpuModel: z.string(),
  command: z.string(),
  options: z.record(z.string(), z.unknown()),
});

/** What a results file holds once read, whichever format it came in. */
export const resultsFileSchema = z.object({
  magic: z.literal('gclab-results'),
  schema: z.literal([1, 2]),
  name: z.string(),
  createdAt: z.string(),
  provenance: provenanceSchema,
  complete: z.boolean(),
  records: z.array(taskRecordSchema),
});

/** The header of a schema-2 file: the file's fields before its records. */
export const resultsHeaderSchema = resultsFileSchema.omit({ records: true, complete: true });

export type CheckedResultsFile = z.infer<typeof resultsFileSchema>;
export type CheckedHeader = z.infer<typeof resultsHeaderSchema>;

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** `records[3].metrics.gc.collections` */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text;
}

function check<T>(schema: z.ZodType<T>, value: unknown): Checked<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: value as T };
  const issue = result.error.issues[0];
  const where = pathText(issue.path);
  const message = issue.message.replace(/^Invalid (input|option): /, '').replace(/, received undefined$/, ', found nothing');
  return { ok: false, problem: where === '' ? message : `${where}: ${message}` };
}

/** The whole file (a schema-1 file as read, or a schema-2 file's frames assembled). */
export const checkResultsFile = (value: unknown): Checked<CheckedResultsFile> => check(resultsFileSchema, value);

// The schema and the types say the same: a file that passes is what the code reads, and what
// the code writes passes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const recordsAgree: Same<z.infer<typeof taskRecordSchema>, DeepMutable<TaskRecord>> = true;
void recordsAgree;

type DeepMutable<T> = T extends ArrayBufferView
  ? T
  : T extends readonly (infer U)[]
    ? T extends readonly [unknown, ...unknown[]]
      ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
      : DeepMutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
      : T;
