/**
 * One program's figures on the simulated heap and on a real interpreter, side by side: what the
 * pyperformance development set is held to (issue "programs no one here wrote"): the same stdout,
 * the requested-bytes peak within 1 %, and the collections of each generation within ±1. Used by
 * bench/pyperformance.ts (which records the real figures as a fixture) and by the tests (which
 * replay that fixture, and compare live where the interpreters are present). Programs that check
 * the collector's semantics (test_gc.py's scenarios) are held to their outcomes instead, every
 * figure equal: bench/test-gc-outcomes.ts and test/python-test-gc.test.ts.
 */
import { prepareRun, measureRun } from '../lab/measure.js';
import { resolveRunSpec } from '../lab/options.js';
import { runTwin } from './twins.js';
import type { ProfileName } from '../heap/profiles.js';

/** The figures compared, for one program variant on one side. */
export interface ProgramFigures {
  readonly peak: number;
  readonly current: number;
  readonly collections: readonly number[];
  readonly output: readonly string[];
}

/** How close the simulation must be. */
export const PEAK_TOLERANCE_PCT = 1;
export const COLLECTIONS_TOLERANCE = 1;

/** The simulated figures of `workload/variant` (a loaded program) on `profile`, in this process. */
export function simulatedFigures(workload: string, variant: string, profile: ProfileName): ProgramFigures {
  const spec = resolveRunSpec({ workload, variant, profile });
  const metrics = measureRun(prepareRun(spec), spec);
  return {
    peak: metrics.memory.requested.peak,
    current: metrics.memory.requested.current,
    collections: metrics.gc.collections,
    output: metrics.output ?? [],
  };
}

/** The real interpreter's figures (tracemalloc on) of the same variant. */
export async function realFigures(python: string, workload: string, variant: string, profile: ProfileName): Promise<ProgramFigures> {
  const spec = resolveRunSpec({ workload, variant, profile });
  const r = await runTwin(python, spec, { tracemalloc: true });
  return {
    peak: r.tracemalloc?.peak ?? Number.NaN,
    current: r.tracemalloc?.current ?? Number.NaN,
    collections: r.gc.collections,
    output: r.output ?? [],
  };
}

/** What is out of tolerance, one phrase each (empty: the simulation holds). */
export function fidelityProblems(sim: ProgramFigures, real: ProgramFigures): string[] {
  const problems: string[] = [];
  const peakPct = (100 * (sim.peak - real.peak)) / real.peak;
  if (!(Math.abs(peakPct) <= PEAK_TOLERANCE_PCT)) problems.push(`peak ${sim.peak} B vs ${real.peak} B (${peakPct.toFixed(2)} %)`);
  sim.collections.forEach((n, g) => {
    if (Math.abs(n - real.collections[g]) > COLLECTIONS_TOLERANCE) problems.push(`generation ${g} collections ${n} vs ${real.collections[g]}`);
  });
  if (sim.output.join('\n') !== real.output.join('\n')) problems.push(`stdout differs (${sim.output.length} vs ${real.output.length} lines)`);
  return problems;
}

/**
 * What a program's run came to, for programs that check the collector's semantics rather than
 * its memory (test/fixtures/python/test_gc/): the figures it reported with `twin.report`
 * (collected counts, finalizer calls, len(gc.garbage), weakref callbacks, get_count() values),
 * and the measured region's collections, collected and uncollectable per generation.
 */
export interface ProgramOutcome {
  readonly reports: Readonly<Record<string, number>>;
  readonly collections: readonly number[];
  readonly collected: readonly number[];
  readonly uncollectable: readonly number[];
}

/** The simulated outcome of `workload/variant` (a loaded program) on `profile`, in this process. */
export function simulatedOutcome(workload: string, variant: string, profile: ProfileName, heapMiB = 64): ProgramOutcome {
  const spec = resolveRunSpec({ workload, variant, profile, heapMiB });
  const m = measureRun(prepareRun(spec), spec);
  return { reports: { ...m.reports }, collections: m.gc.collections, collected: m.gc.collected, uncollectable: m.gc.uncollectable };
}

/** The real interpreter's outcome of the same variant (tracemalloc off: no figure here needs it). */
export async function realOutcome(python: string, workload: string, variant: string, profile: ProfileName): Promise<ProgramOutcome> {
  const spec = resolveRunSpec({ workload, variant, profile });
  const r = await runTwin(python, spec, { tracemalloc: false });
  return { reports: { ...r.reports }, collections: r.gc.collections, collected: r.gc.collected, uncollectable: r.gc.uncollectable };
}

/** Where two outcomes differ, one phrase each (empty: the same). Every figure must be equal. */
export function outcomeDifferences(sim: ProgramOutcome, real: ProgramOutcome): string[] {
  const problems: string[] = [];
  for (const key of new Set([...Object.keys(real.reports), ...Object.keys(sim.reports)])) {
    if (sim.reports[key] !== real.reports[key]) problems.push(`${key}: ${sim.reports[key]} simulated, ${real.reports[key]} real`);
  }
  for (const field of ['collections', 'collected', 'uncollectable'] as const) {
    if (sim[field].join('/') !== real[field].join('/')) problems.push(`${field} per generation: ${sim[field].join('/')} simulated, ${real[field].join('/')} real`);
  }
  return problems;
}
