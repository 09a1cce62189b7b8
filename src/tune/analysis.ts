/**
 * A tune's conclusions from its records, as `gclab tune` prints them and a report draws them:
 * each point's setting and figures, the Pareto front, the default's point and the recommended
 * one (a change that gains nothing on the objective is not recommended), and how to apply it.
 */
import type { TaskRecord } from '../lab/coordinator.js';
import type { RunSpec, Thresholds } from '../lab/options.js';
import { objectiveValue, paretoFront, pointFigures, recommend, type Objective, type PointFigures } from './front.js';
import { sameSetting, type Setting } from './space.js';

export interface TunePoint {
  readonly record: TaskRecord;
  readonly setting: Setting;
  /** undefined when the run failed. */
  readonly figures: PointFigures | undefined;
  readonly front: boolean;
  readonly isDefault: boolean;
}

export interface TuneAnalysis {
  readonly objective: Objective;
  readonly defaults: Thresholds;
  readonly points: readonly TunePoint[];
  readonly recommended: TunePoint | undefined;
  readonly defaultPoint: TunePoint | undefined;
}

/** The setting a record ran with (a spec without thresholds ran with the profile's defaults). */
export function settingOf(spec: RunSpec, defaults: Thresholds): Setting {
  return { threshold: spec.threshold ?? defaults, freezeAt: spec.freezeAt };
}

export function analyseTune(records: readonly TaskRecord[], objective: Objective, defaults: Thresholds): TuneAnalysis {
  const defaultSetting: Setting = { threshold: defaults, freezeAt: null };
  // In task order, not the order the tasks finished in (the workers' race): a tie on every figure
  // goes to the first point planned, so the same sweep recommends the same point however it ran.
  const base = [...records].sort((a, b) => a.id - b.id).map((record) => {
    const setting = settingOf(record.spec, defaults);
    return { record, setting, figures: pointFigures(record), isDefault: sameSetting(setting, defaultSetting) };
  });
  const measured = base.filter((p) => p.figures !== undefined);
  const onFront = new Set(paretoFront(measured.map((p) => p.figures!)).map((i) => measured[i]));
  const points: TunePoint[] = base.map((p) => ({ ...p, front: onFront.has(p) }));
  const defaultPoint = points.find((p) => p.isDefault);
  const candidates = points.filter((p) => p.figures !== undefined);
  let recommended = candidates.length > 0 ? candidates[recommend(objective, candidates.map((p) => p.figures!))] : undefined;
  // A tie on the objective goes to the default: a change that gains nothing is not recommended.
  if (recommended?.figures && defaultPoint?.figures && objectiveValue(objective, defaultPoint.figures) <= objectiveValue(objective, recommended.figures)) {
    recommended = defaultPoint;
  }
  return { objective, defaults, points, recommended, defaultPoint };
}

/** The Python a service adds to apply a setting (nothing when it is the default). */
export function pythonLines(setting: Setting, defaults: Thresholds, workload: string): string[] {
  const lines: string[] = [];
  if (setting.threshold.some((v, i) => v !== defaults[i])) lines.push(`gc.set_threshold(${setting.threshold.join(', ')})`);
  if (setting.freezeAt !== null) {
    lines.push(`# once the long-lived state is built (where ${workload} probes '${setting.freezeAt}'):`);
    lines.push('gc.freeze()');
  }
  return lines.length === 0 ? [] : ['import gc', ...lines];
}

/** The `gclab run` command line that reproduces a run, as its words. */
export function reproduceCommand(spec: RunSpec): string[] {
  const words = ['gclab', 'run', spec.module ?? spec.workload, '--variant', spec.variant, '--profile', spec.profile];
  for (const [k, v] of Object.entries(spec.params)) words.push('--param', `${k}=${v}`);
  if (spec.threshold !== null) words.push('--threshold', spec.threshold.join(','));
  if (spec.freezeAt !== null) words.push('--freeze-at', spec.freezeAt);
  if (spec.seed !== 1) words.push('--seed', String(spec.seed));
  return words;
}
