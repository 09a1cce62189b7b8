/**
 * The space `gclab tune` searches: one axis per swept setting (threshold0, threshold1, threshold2,
 * the freeze point), each a sorted list of values parsed from the command line. A point of the
 * space is one index per axis; its setting is what a run applies (`gc.set_threshold(...)`, and
 * `gc.freeze()` at a probe).
 */
import { UsageError } from '../core/errors.js';
import type { Thresholds } from '../lab/options.js';

/** Values an axis takes when its range gives no step count (`A..B`). */
export const DEFAULT_STEPS = 8;
const MAX_VALUES_PER_AXIS = 1000;
const MAX_THRESHOLD = 2 ** 31 - 1;

export interface ThresholdAxis {
  readonly kind: 'threshold';
  /** 0, 1 or 2: which `gc.set_threshold` argument. */
  readonly index: number;
  readonly name: string;
  /** Sorted ascending, no repeats. */
  readonly values: readonly number[];
}

export interface FreezeAxis {
  readonly kind: 'freeze';
  readonly name: 'freeze-at';
  /** null: no `gc.freeze()`; otherwise a probe name. */
  readonly values: readonly (string | null)[];
}

export type Axis = ThresholdAxis | FreezeAxis;

/** What one point of the space applies to a run. */
export interface Setting {
  readonly threshold: Thresholds;
  readonly freezeAt: string | null;
}

/** A point: one value index per axis. */
export type Point = readonly number[];

/**
 * A threshold range: `V`, a list `V1,V2,…`, or `A..B` with `:N` values evenly spaced, or `:N:log`
 * log-spaced (`A..B` alone is `A..B:8:log`). Values are integers, rounded, repeats dropped.
 */
export function parseThresholdRange(text: string, option: string): number[] {
  const trimmed = text.trim().replace(/_/g, '');
  const range = /^(\d+)\.\.(\d+)(?::(\d+))?(?::(log|lin))?$/.exec(trimmed);
  let values: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    const steps = range[3] === undefined ? DEFAULT_STEPS : Number(range[3]);
    const log = range[4] === 'log' || (range[3] === undefined && range[4] === undefined);
    // The ends are checked as written: a value spaced between them would name a number the user never gave.
    for (const end of [a, b]) checkThreshold(end, option);
    if (b < a) throw new UsageError(`${option}: empty range '${text}' (the end is below the start)`);
    if (steps < 1) throw new UsageError(`${option}: empty range '${text}' (0 steps)`);
    if (steps > MAX_VALUES_PER_AXIS) throw new UsageError(`${option}: at most ${MAX_VALUES_PER_AXIS} steps, got ${steps}`);
    if (log && a === 0) throw new UsageError(`${option}: a log range must start above 0, got '${text}' (use A..B:N for even steps)`);
    values = spaced(a, b, steps, log);
  } else if (/^\d+(,\d+)*$/.test(trimmed)) {
    values = trimmed.split(',').map(Number);
  } else {
    throw new UsageError(`${option} takes V, V1,V2,… or A..B[:N[:log]], got '${text}'`);
  }
  for (const v of values) checkThreshold(v, option);
  return [...new Set(values)].sort((x, y) => x - y);
}

function checkThreshold(v: number, option: string): void {
  if (!Number.isSafeInteger(v) || v > MAX_THRESHOLD) throw new UsageError(`${option}: ${v} is out of range (0..${MAX_THRESHOLD})`);
}

function spaced(a: number, b: number, steps: number, log: boolean): number[] {
  if (steps === 1 || a === b) return [a];
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const f = i / (steps - 1);
    out.push(Math.round(log ? a * (b / a) ** f : a + (b - a) * f));
  }
  return out;
}

/** `--freeze-at none,tree`: 'none' and probe names of the workload. */
export function parseFreezeList(text: string, probes: readonly string[], workload: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === 'none') out.push(null);
    else if (probes.includes(item)) out.push(item);
    else if (probes.length === 0) throw new UsageError(`workload '${workload}' has no probe points, so --freeze-at takes only 'none'`);
    else throw new UsageError(`--freeze-at: '${item}' is not a probe of ${workload} (valid: none, ${probes.join(', ')})`);
  }
  return [...new Set(out)].sort((x, y) => (x === null ? -1 : y === null ? 1 : x.localeCompare(y)));
}

export class TuneSpace {
  constructor(
    readonly axes: readonly Axis[],
    /** The setting a run gets on an axis the user did not sweep: the profile's defaults, no freeze. */
    readonly base: Setting,
  ) {}

  /** Points in the whole grid. */
  get size(): number {
    return this.axes.reduce((n, a) => n * a.values.length, 1);
  }

  setting(point: Point): Setting {
    const threshold: [number, number, number] = [...this.base.threshold];
    let freezeAt = this.base.freezeAt;
    this.axes.forEach((axis, i) => {
      if (axis.kind === 'threshold') threshold[axis.index] = axis.values[point[i]];
      else freezeAt = axis.values[point[i]];
    });
    return { threshold, freezeAt };
  }

  /** Every point of the grid, the first axis slowest. */
  grid(): Point[] {
    return this.subgrid(this.axes.map(() => 1));
  }

  /** Points whose indices are multiples of each axis's stride (and the last index). */
  subgrid(strides: readonly number[]): Point[] {
    let points: number[][] = [[]];
    this.axes.forEach((axis, i) => {
      const picks: number[] = [];
      for (let k = 0; k < axis.values.length; k += strides[i]) picks.push(k);
      if (picks[picks.length - 1] !== axis.values.length - 1) picks.push(axis.values.length - 1);
      points = points.flatMap((p) => picks.map((k) => [...p, k]));
    });
    return points;
  }

  /** The point whose setting this is, if the lattice has one. */
  pointOf(setting: Setting): Point | undefined {
    const point: number[] = [];
    for (const axis of this.axes) {
      const k =
        axis.kind === 'threshold' ? axis.values.indexOf(setting.threshold[axis.index]) : axis.values.indexOf(setting.freezeAt);
      if (k < 0) return undefined;
      point.push(k);
    }
    return sameSetting(this.setting(point), setting) ? point : undefined;
  }

  key(point: Point): string {
    return point.join(',');
  }
}

/** Two settings are the same run configuration. */
export function sameSetting(a: Setting, b: Setting): boolean {
  return a.freezeAt === b.freezeAt && a.threshold.every((v, i) => v === b.threshold[i]);
}
