/**
 * Runs one seeded gc fuzz program (bench/support/gc-fuzz.ts) of any length and prints its summary.
 *
 *   npm run fuzz:gc -- --seed 7 --ops 200000 --profile 3.14.1
 *     [--resurrect]        finalizers of one class resurrect their object half of the time
 *     [--instance-dicts]   materialise instances' __dict__ and store attributes through it
 *     [--no-hook-work]     finalizers and weakref callbacks do nothing but get checked
 *     [--paranoid]         check weakref lists and pymalloc after every operation (slow)
 *     [--trace N]          name the last N operations in a discrepancy's message
 *     [--sabotage K@OP]    break the heap on purpose at operation OP (K: leak, double-decref)
 *     [--heap-mib M] [--json]
 *
 * Exit status: 0 when the heap agreed with the model throughout, 1 on a discrepancy (one line on
 * stderr), 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { isProfileName, PROFILE_NAMES } from '../src/heap/profiles.js';
import { FuzzDiscrepancy, runFuzz, type SabotageKind } from './support/gc-fuzz.js';

function usage(message: string): never {
  process.stderr.write(`gc-fuzz: ${message}\n`);
  process.exit(2);
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) usage(`--${name} must be a whole number (got '${text}')`);
  const n = Number(text);
  if (n < min || n > max) usage(`--${name} must be between ${min} and ${max} (got ${n})`);
  return n;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string' },
      ops: { type: 'string' },
      profile: { type: 'string' },
      resurrect: { type: 'boolean' },
      'instance-dicts': { type: 'boolean' },
      'no-hook-work': { type: 'boolean' },
      paranoid: { type: 'boolean' },
      sabotage: { type: 'string' },
      trace: { type: 'string' },
      'heap-mib': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  usage(err instanceof Error ? err.message : String(err));
}

const seed = integer('seed', values.seed as string | undefined, 1, 0, 2 ** 32 - 1);
const operations = integer('ops', values.ops as string | undefined, 100_000, 0, 1e9);
const profile = (values.profile as string | undefined) ?? '3.13';
if (!isProfileName(profile)) usage(`unknown profile '${profile}' (one of ${PROFILE_NAMES.join(', ')})`);
const trace = integer('trace', values.trace as string | undefined, 0, 0, 10_000);
const heapMiB = integer('heap-mib', values['heap-mib'] as string | undefined, 64, 4, 4096);
let sabotage: { atOperation: number; kind: SabotageKind } | undefined;
if (values.sabotage !== undefined) {
  const m = /^(leak|double-decref)@(\d+)$/.exec(values.sabotage as string);
  if (!m) usage(`--sabotage must be leak@OP or double-decref@OP (got '${values.sabotage}')`);
  sabotage = { kind: m[1] as SabotageKind, atOperation: Number(m[2]) };
}

try {
  const summary = runFuzz({
    seed,
    operations,
    profile,
    heapBytes: heapMiB * 1024 * 1024,
    resurrect: values.resurrect === true,
    instanceDicts: values['instance-dicts'] === true,
    hookWork: values['no-hook-work'] !== true,
    paranoid: values.paranoid === true,
    sabotage,
    trace,
  });
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const width = Math.max(...Object.keys(summary).map((k) => k.length));
    for (const [k, v] of Object.entries(summary)) process.stdout.write(`${k.padEnd(width)}  ${Array.isArray(v) ? v.join(' ') : v}\n`);
  }
} catch (err) {
  if (err instanceof FuzzDiscrepancy) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
