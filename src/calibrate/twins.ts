/**
 * Runs a workload's Python twin on a real interpreter and reads its JSON (workloads/python/twin.py).
 */
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunSpec } from '../lab/options.js';
import { resolveWorkload } from '../lab/options.js';
import { userTwinPath } from '../lab/user-workloads.js';
import type { Workload } from '../lab/workload.js';
import { UsageError } from '../core/errors.js';

const run = promisify(execFile);

export interface TwinResult {
  readonly python: string;
  readonly params: Readonly<Record<string, number>>;
  readonly gc: {
    readonly threshold: readonly number[];
    readonly startup_tracked: number;
    readonly collections: readonly number[];
    readonly collected: readonly number[];
    readonly uncollectable: readonly number[];
    /** Every pause in ns and its generation, in order (the first 65 536). */
    readonly pauses: { readonly count: number; readonly total_ns: number; readonly max_ns: number; readonly ns: readonly number[]; readonly generation: readonly number[] };
  };
  readonly tracemalloc: { readonly current: number; readonly peak: number; readonly probes: Readonly<Record<string, number>> } | null;
  /** Figures the twin recorded with `twin.report` (empty for twins that report none). */
  readonly reports: Readonly<Record<string, number>>;
  readonly wall_ns: number;
  /** What the program printed (the lines before the measurement's). */
  readonly output?: readonly string[];
}

/** The directory of the twins (works from sources and from dist/). */
export function twinsDir(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../workloads/python/' : '../../../workloads/python/', import.meta.url));
}

/** pyperformance's development set in the repository (test/fixtures/pyperformance/; absent from a package install). */
export function developmentSetDir(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../test/fixtures/pyperformance/' : '../../../test/fixtures/pyperformance/', import.meta.url));
}

/** The twin's file: in workloads/python/ for a built-in, next to its module for a user workload. */
export function twinPath(workload: Workload): string {
  if (!workload.twin) throw new UsageError(`workload '${workload.name}' has no Python twin`);
  return userTwinPath(workload) ?? `${twinsDir()}${workload.twin}`;
}

export async function runTwin(python: string, spec: RunSpec, options: { tracemalloc: boolean; timeoutMs?: number }): Promise<TwinResult> {
  const workload = resolveWorkload(spec.workload);
  // A plain script or a pyperf benchmark is measured by the shared harness (twin.py --script,
  // --pyperf), a twin runs itself.
  const harness = workload.twinMode === 'script' ? '--script' : workload.twinMode === 'pyperf' ? '--pyperf' : undefined;
  const file = harness !== undefined ? [`${twinsDir()}twin.py`, harness, twinPath(workload)] : [twinPath(workload)];
  const args = [...file, '--variant', spec.variant, '--gc', spec.gc, '--seed', String(spec.seed)];
  for (const [k, v] of Object.entries(spec.params)) args.push('--param', `${k}=${v}`);
  if (spec.threshold) args.push('--threshold', spec.threshold.join(','));
  if (spec.freezeAt !== null) args.push('--freeze-at', spec.freezeAt);
  if (!options.tracemalloc) args.push('--no-tracemalloc');
  // The shared harness (`import twin`) is found from any twin's directory, a user's included.
  const pythonPath = [twinsDir(), process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  const { stdout } = await run(python, args, {
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, PYTHONPATH: pythonPath },
  });
  // The program may print: its measurement is the last line, what it printed the lines before.
  const lines = stdout.trimEnd().split('\n');
  return { ...(JSON.parse(lines[lines.length - 1]) as TwinResult), output: lines.slice(0, -1) };
}

/**
 * The real pauses of the measured body, in ns with their generations: twin.py's callback also
 * sees the gc.collect() it runs before the body starts, so the body's are the last Σ collections
 * of its list.
 */
export function bodyPauses(r: TwinResult): { ns: number[]; generation: number[] } {
  const inBody = r.gc.collections.reduce((a, b) => a + b, 0);
  const from = Math.max(0, r.gc.pauses.ns.length - inBody);
  return { ns: r.gc.pauses.ns.slice(from), generation: r.gc.pauses.generation.slice(from) };
}
