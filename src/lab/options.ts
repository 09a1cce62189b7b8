/**
 * Every option of a lab run, typed and resolved once: the CLI, the worker and the tests all go
 * through `resolveRunSpec` / `resolveLabOptions`, so a bad value fails here with one clear line.
 */
import { isProfileName, PROFILE_NAMES, PROFILES, profilesMeant, type ProfileName } from '../heap/profiles.js';
import { MAX_HEAP_BYTES, MIN_HEAP_BYTES } from '../heap/layout.js';
import { UsageError, unknownName } from '../core/errors.js';
import type { Params, Workload } from './workload.js';
import { builtIns, findBuiltIn } from './registry.js';
import { findUserWorkload } from './user-workloads.js';

export type GcSetting = 'enabled' | 'disabled';
export type Thresholds = readonly [number, number, number];

/** One deterministic simulated run: everything that decides its counts. */
export interface RunSpec {
  readonly workload: string;
  /** A user workload's module (absolute path), which a worker loads before the run; null for a built-in. */
  readonly module: string | null;
  readonly variant: string;
  readonly params: Params;
  readonly profile: ProfileName;
  /** `gc.set_threshold(a, b, c)` before the run; null keeps the profile's defaults. */
  readonly threshold: Thresholds | null;
  /** `disabled`: `gc.disable()` during the body and one `gc.collect()` after it, as the twin does. */
  readonly gc: GcSetting;
  readonly seed: number;
  /** Simulated address space, MiB. */
  readonly heapMiB: number;
  /** Long-lived tracked objects at start-up; null takes the profile's measured figure. */
  readonly startupObjects: number | null;
  /**
   * `gc.freeze()` right after the body's probe of this name (one of the workload's `probes`), as
   * a service calls it once its long-lived state is built; null: no freeze.
   */
  readonly freezeAt: string | null;
}

/** tinybench settings for timing the body (each iteration on a fresh heap). */
export interface TimingOptions {
  readonly warmupIterations: number;
  readonly warmupMs: number;
  readonly iterations: number;
  readonly timeMs: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmupIterations: 1, warmupMs: 0, iterations: 5, timeMs: 200 };
export const DEFAULT_SEED = 1;
export const SEED_RANGE = [0, 2 ** 31 - 1] as const;
export const DEFAULT_HEAP_MIB = 1024;
export const HEAP_MIB_RANGE = [MIN_HEAP_BYTES / 2 ** 20, MAX_HEAP_BYTES / 2 ** 20] as const;
export const STARTUP_OBJECTS_RANGE = [0, 10_000_000] as const;
export const DEFAULT_GC: GcSetting = 'enabled';
export const DEFAULT_PROFILE: ProfileName = '3.13';

/** Raw values as a user gives them (strings from the command line, or already typed). */
export interface RunInput {
  readonly workload: string;
  readonly variant?: string;
  readonly params?: readonly string[] | Readonly<Record<string, number | string>>;
  readonly profile?: string;
  readonly threshold?: string | Thresholds;
  readonly gc?: string;
  readonly seed?: string | number;
  readonly heapMiB?: string | number;
  readonly startupObjects?: string | number;
  readonly freezeAt?: string | null;
}

/** A built-in workload, or a user workload this process has loaded (see user-workloads.ts). */
export function resolveWorkload(name: string): Workload {
  return findBuiltIn(name) ?? findUserWorkload(name) ?? unknownName('workload', name, builtIns().workloads.map((w) => w.name));
}

export function resolveProfile(name: string): ProfileName {
  return isProfileName(name) ? name : unknownProfile(name);
}

/** A profile name that is none: a version or a prefix names the profiles it means, else the closest name. */
export function unknownProfile(name: string): never {
  const meant = profilesMeant(name);
  if (meant.length === 0) unknownName('profile', name, PROFILE_NAMES);
  const choices = meant.map((p) => `'${p}'`).join(', ');
  throw new UsageError(
    `unknown profile '${name}'; did you mean ${meant.length === 1 ? choices : `one of ${choices}`}? (valid: ${PROFILE_NAMES.join(', ')})`,
  );
}

/** An integer option within [min, max]; `what` names it in the error. */
export function parseInteger(value: string | number, what: string, min: number, max: number): number {
  const digits = typeof value === 'string' ? value.trim().replace(/_/g, '') : '';
  const written = typeof value === 'string' && /^[+-]?\d+$/.test(digits);
  const n = typeof value === 'number' ? value : written ? Number(digits) : NaN;
  // An integer too long to hold exactly is out of range, not "not an integer".
  if (written && !Number.isSafeInteger(n)) throw new UsageError(`${what} must be between ${min} and ${max}, got ${value.trim()}`);
  if (!Number.isInteger(n)) throw new UsageError(`${what} must be an integer, got '${value}'`);
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** `--threshold a,b,c`: three non-negative integers. */
export function parseThreshold(value: string | Thresholds): Thresholds {
  const parts = typeof value === 'string' ? value.split(',') : value;
  if (parts.length !== 3) throw new UsageError(`--threshold takes three integers a,b,c (got '${String(value)}')`);
  const [a, b, c] = parts.map((p) => parseInteger(p, '--threshold values', 0, 2 ** 31 - 1));
  return [a, b, c];
}

function parseParams(workload: Workload, raw: RunInput['params']): Params {
  const out: Record<string, number> = {};
  for (const [name, spec] of Object.entries(workload.params)) out[name] = spec.default;
  const pairs: [string, string | number][] = [];
  if (Array.isArray(raw)) {
    for (const item of raw as readonly string[]) {
      const eq = item.indexOf('=');
      if (eq <= 0) throw new UsageError(`--param takes key=value, got '${item}'`);
      pairs.push([item.slice(0, eq).trim(), item.slice(eq + 1).trim()]);
    }
  } else if (raw) {
    pairs.push(...Object.entries(raw as Record<string, number | string>));
  }
  const names = Object.keys(workload.params);
  for (const [key, value] of pairs) {
    const spec = workload.params[key];
    if (!spec) {
      if (names.length === 0) throw new UsageError(`workload '${workload.name}' takes no parameters (got '${key}')`);
      unknownName(`parameter of ${workload.name}`, key, names);
    }
    out[key] = parseInteger(value, `parameter ${key} of ${workload.name}`, spec.min, spec.max);
  }
  return out;
}

export function resolveRunSpec(input: RunInput): RunSpec {
  const workload = resolveWorkload(input.workload);
  const variants = Object.keys(workload.variants);
  const variant = input.variant ?? variants[0];
  if (!workload.variants[variant]) unknownName(`variant of ${workload.name}`, variant, variants);
  const gc = input.gc ?? DEFAULT_GC;
  if (gc !== 'enabled' && gc !== 'disabled') throw new UsageError(`--gc takes 'enabled' or 'disabled', got '${gc}'`);
  return {
    workload: workload.name,
    module: workload.module ?? null,
    variant,
    params: parseParams(workload, input.params),
    profile: resolveProfile(input.profile ?? DEFAULT_PROFILE),
    threshold: input.threshold === undefined ? null : parseThreshold(input.threshold),
    gc,
    seed: input.seed === undefined ? DEFAULT_SEED : parseInteger(input.seed, '--seed', ...SEED_RANGE),
    heapMiB: input.heapMiB === undefined ? DEFAULT_HEAP_MIB : parseInteger(input.heapMiB, '--heap-mib', ...HEAP_MIB_RANGE),
    startupObjects: input.startupObjects === undefined ? null : parseInteger(input.startupObjects, '--startup-objects', ...STARTUP_OBJECTS_RANGE),
    freezeAt: parseFreezeAt(workload, input.freezeAt),
  };
}

/** `--freeze-at P`: one of the workload's probe names ('none' or nothing: no freeze). */
export function parseFreezeAt(workload: Workload, value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === 'none') return null;
  if (workload.probes.length === 0) throw new UsageError(`workload '${workload.name}' has no probe points, so --freeze-at does not apply`);
  return workload.probes.includes(value) ? value : unknownName(`freeze point (probe) of ${workload.name}`, value, [...workload.probes]);
}

/** The thresholds a run uses (its own, or the profile's defaults). */
export function effectiveThresholds(spec: RunSpec): Thresholds {
  return spec.threshold ?? PROFILES[spec.profile].thresholds;
}

/** A short label for progress lines and tables: `workload/variant n=… threshold=… freeze@… @profile`. */
export function specLabel(spec: RunSpec): string {
  const params = Object.entries(variantParams(spec))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const threshold = spec.threshold === null ? '' : ` threshold=${spec.threshold.join(',')}`;
  const freeze = spec.freezeAt === null ? '' : ` freeze@${spec.freezeAt}`;
  return `${spec.workload}/${spec.variant}${params ? ' ' + params : ''}${threshold}${freeze} @${spec.profile}`;
}

/**
 * The parameters a run's variant reads: a parameter whose `usedBy` leaves the variant out is not
 * shown beside it (cyclic-graphs' pairs take no k or degree). All of them for a workload this
 * process does not know (an old results file's user workload).
 */
export function variantParams(spec: Pick<RunSpec, 'workload' | 'variant' | 'params'>): Params {
  const workload = findBuiltIn(spec.workload) ?? findUserWorkload(spec.workload);
  if (!workload) return spec.params;
  return Object.fromEntries(Object.entries(spec.params).filter(([name]) => workload.params[name]?.usedBy?.includes(spec.variant) ?? true));
}
