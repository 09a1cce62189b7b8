/**
 * Time in CPython's seconds: the deterministic counts of a run (operations executed by class,
 * allocations and frees, and per collection its generation, objects examined and objects freed)
 * priced by coefficients fitted on the real interpreters (`gclab calibrate --fit`,
 * src/calibrate/cost-fit.ts). The same counts give the same time on any machine and under any
 * load, so tune and compare judge modelled work, not the simulator's noisy clock.
 *
 * A model file holds one coefficient set per profile, each fitted on one interpreter (with its
 * provenance and leave-one-out errors) or taken from another profile by a stated rule (the 3.14
 * profiles: no native 3.14 here).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { percentile } from '../heap/gc/pauses.js';
import { PROFILE_NAMES, type ProfileName } from '../heap/profiles.js';
import { MUTATOR_FEATURES, mutatorDrivers, PAUSE_FEATURES, pauseDrivers, priced } from './cost-drivers.js';
import type { RunMetrics } from './measure.js';

/** What one fit reached on its corpus (leave-one-out: each program predicted by a fit without it). */
export interface FitAccuracy {
  readonly programs: number;
  /** Modelled total time vs real wall time, |error| in %. */
  readonly totalMedianAbsPct: number;
  readonly totalMaxAbsPct: number;
  /** Modelled vs real GC share of time, |difference| in percentage points. */
  readonly gcShareMaxAbsPp: number;
  /** Modelled vs real largest pause where the real one is ≥ 1 ms, |error| in % (null: none that long). */
  readonly largestPauseMaxAbsPct: number | null;
}

export interface CoefficientSet {
  /** Nanoseconds per unit of each MUTATOR_FEATURES driver. */
  readonly mutatorNs: Readonly<Record<string, number>>;
  /** Nanoseconds per unit of each PAUSE_FEATURES driver. */
  readonly pauseNs: Readonly<Record<string, number>>;
  /** Fitted on this interpreter (its version and path), or taken by a rule from another profile. */
  readonly source: { readonly fitted: string; readonly path: string; readonly accuracy: FitAccuracy } | { readonly rule: string };
}

export interface CostModel {
  readonly format: 'gclab-cost-model';
  readonly version: 1;
  readonly createdAt: string;
  /** Where it was fitted: host, CPU model, cores. */
  readonly machine: string;
  /** The corpus: workload/variant names. */
  readonly corpus: readonly string[];
  readonly profiles: Readonly<Partial<Record<ProfileName, CoefficientSet>>>;
}

/** Modelled CPython time of one run (ns), as `--json` shows it. */
export interface CpythonTime {
  readonly totalNs: number;
  readonly mutatorNs: number;
  readonly gcNs: number;
  readonly pausesNs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Which coefficients priced it: "fitted on 3.11.7, leave-one-out error median 6 %, worst 19 %", or the rule. */
  readonly model: string;
}

/**
 * The run's modelled total CPython time (ns), from its drivers' totals: what compare prices on
 * both sides, a baseline's records included (they keep the totals, not the per-pause arrays).
 */
export function modelledTotalNs(m: RunMetrics, profile: ProfileName, model: CostModel): number | undefined {
  const set = model.profiles[profile];
  const drivers = mutatorDrivers(m);
  if (set === undefined || drivers === undefined || m.work?.pauseTotals === undefined) return undefined;
  return Math.round(priced(drivers, set.mutatorNs)) + Math.round(priced(m.work.pauseTotals, set.pauseNs));
}

/** What the model says of a set's origin, in a few words. */
export function sourceText(set: CoefficientSet): string {
  if ('rule' in set.source) return set.source.rule;
  const a = set.source.accuracy;
  return `fitted on ${set.source.fitted}, leave-one-out error median ${a.totalMedianAbsPct.toFixed(0)} %, worst ${a.totalMaxAbsPct.toFixed(0)} %`;
}

/**
 * The run's modelled CPython time, or undefined where the model has no set for its profile or its
 * work was not counted. The totals are modelledTotalNs's (what compare prices); the pauses'
 * percentiles come from each pause priced alone.
 */
export function modelledTime(m: RunMetrics, profile: ProfileName, model: CostModel): CpythonTime | undefined {
  const set = model.profiles[profile];
  const drivers = mutatorDrivers(m);
  const totalNs = modelledTotalNs(m, profile, model);
  if (set === undefined || drivers === undefined || totalNs === undefined) return undefined;
  const mutatorNs = Math.round(priced(drivers, set.mutatorNs));
  const sorted = pauseDrivers(m)
    .map((p) => Math.round(priced(p, set.pauseNs)))
    .sort((a, b) => a - b);
  return {
    totalNs,
    mutatorNs,
    gcNs: totalNs - mutatorNs,
    pausesNs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length === 0 ? 0 : sorted[sorted.length - 1] },
    model: sourceText(set),
  };
}

/** The model the repository ships: fitted on this machine kind (cost-models/default.json). */
export function defaultCostModelPath(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../cost-models/default.json' : '../../../cost-models/default.json', import.meta.url));
}

/** Reads a model file; a file that is not one is a usage error naming it (`what`: how the user named it). */
export function readCostModel(path: string, what = '--cost-model'): CostModel {
  if (!existsSync(path)) throw new UsageError(`${what} ${path}: no such file`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${what} ${path}: not JSON (${(err as Error).message})`);
  }
  const problem = costModelProblem(value);
  if (problem !== undefined) throw new UsageError(`${what} ${path}: ${problem}`);
  return value as CostModel;
}

/** Why a value is not a cost model, or undefined when it is one. */
export function costModelProblem(value: unknown): string | undefined {
  const v = value as CostModel;
  if (typeof v !== 'object' || v === null || v.format !== 'gclab-cost-model') return "not a gclab cost model (no format 'gclab-cost-model')";
  if (v.version !== 1) return `cost model version ${String(v.version)} (this gclab reads version 1)`;
  if (typeof v.profiles !== 'object' || v.profiles === null) return 'no profiles';
  for (const [profile, set] of Object.entries(v.profiles)) {
    if (!(PROFILE_NAMES as readonly string[]).includes(profile)) return `unknown profile '${profile}'`;
    for (const [group, names] of [['mutatorNs', MUTATOR_FEATURES], ['pauseNs', PAUSE_FEATURES]] as const) {
      const table = (set as CoefficientSet)[group];
      if (typeof table !== 'object' || table === null) return `profiles.${profile}.${group} missing`;
      for (const name of names) {
        const c = table[name];
        if (c === undefined) return `profiles.${profile}.${group}.${name} missing (a model from before that driver: refit it with 'gclab calibrate --fit')`;
        if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) return `profiles.${profile}.${group}.${name}: not a non-negative number`;
      }
    }
  }
  return undefined;
}

let shipped: CostModel | undefined;

/** The model a run uses: the file named, else the shipped default (read once). */
export function costModel(path?: string): CostModel {
  if (path !== undefined) return readCostModel(path);
  shipped ??= readCostModel(defaultCostModelPath(), 'the shipped cost model');
  return shipped;
}
