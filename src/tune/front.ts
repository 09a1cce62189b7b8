/**
 * What `gclab tune` concludes from its measured points: each point's figures, the Pareto front
 * over (time, pause p99, peak requested bytes), all three lower-is-better, and the point an
 * objective recommends. Pauses are compared by their work, the objects each collection visited:
 * deterministic and machine-independent, where one run's wall-clock pauses move with the JIT and
 * the machine's load by more than the settings do (their times are kept alongside, for reading).
 */
import { percentile } from '../heap/gc/pauses.js';
import { medianInterval } from '../core/median-interval.js';
import type { TaskRecord } from '../lab/coordinator.js';

export const OBJECTIVES = ['throughput', 'pause-p99', 'pause-max', 'peak', 'gc-share'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** The figures of one measured setting (times in ns, bytes as tracemalloc sees them). */
export interface PointFigures {
  /**
   * The body's time: modelled CPython time where the run has one (deterministic: the interval is
   * the point itself), else the simulator's median (tinybench) with a distribution-free ~95 %
   * interval.
   */
  readonly time: number;
  /** Whether `time` (and gcShare) are modelled CPython figures. */
  readonly modelled: boolean;
  readonly timeLow: number;
  readonly timeHigh: number;
  /** Objects visited by the 99th-percentile pause and by the largest one. */
  readonly pauseP99: number;
  readonly pauseMax: number;
  /** The same pauses' wall-clock times (ns), for reading, not for choosing. */
  readonly pauseP99Ns: number;
  readonly pauseMaxNs: number;
  readonly peak: number;
  /** Collection pauses' total over the body's time (modelled, else the deterministic run's wall clock). */
  readonly gcShare: number;
  readonly collections: readonly number[];
  readonly visited: number;
}

/** The figures of a finished task; undefined if it failed, or has neither a modelled time nor timing. */
export function pointFigures(record: TaskRecord): PointFigures | undefined {
  const m = record.metrics;
  if (record.status !== 'ok' || !m) return undefined;
  const work = Array.from(m.gc.pauseVisited ?? []).sort((a, b) => a - b);
  const common = {
    pauseP99: percentile(work, 0.99),
    pauseMax: work.length === 0 ? 0 : work[work.length - 1],
    peak: m.memory.requested.peak,
    collections: m.gc.collections,
    visited: m.gc.visited,
  };
  const c = record.cpythonTime;
  if (c !== undefined) {
    return { ...common, time: c.totalNs, modelled: true, timeLow: c.totalNs, timeHigh: c.totalNs, pauseP99Ns: c.pausesNs.p99, pauseMaxNs: c.pausesNs.max, gcShare: c.totalNs > 0 ? c.gcNs / c.totalNs : 0 };
  }
  const t = record.time;
  if (!t || t.values.length === 0) return undefined;
  const [low, high] = medianInterval(t.values);
  return {
    ...common,
    time: t.median,
    modelled: false,
    timeLow: low,
    timeHigh: high,
    pauseP99Ns: m.gc.pauses.p99,
    pauseMaxNs: m.gc.pauses.max,
    gcShare: m.bodyNs > 0 ? m.gc.pauses.total / m.bodyNs : 0,
  };
}

/** p is no worse than q on every front figure and better on at least one. */
function dominates(p: PointFigures, q: PointFigures): boolean {
  const noWorse = p.time <= q.time && p.pauseP99 <= q.pauseP99 && p.peak <= q.peak;
  const better = p.time < q.time || p.pauseP99 < q.pauseP99 || p.peak < q.peak;
  return noWorse && better;
}

/** Indices of the points no other point dominates, fastest first. */
export function paretoFront(points: readonly PointFigures[]): number[] {
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (!points.some((q, j) => j !== i && dominates(q, points[i]))) front.push(i);
  }
  return front.sort((a, b) => points[a].time - points[b].time);
}

/** The figure an objective minimises (throughput is maximised by minimising the time). */
export function objectiveValue(objective: Objective, p: PointFigures): number {
  switch (objective) {
    case 'throughput':
      return p.time;
    case 'pause-p99':
      return p.pauseP99;
    case 'pause-max':
      return p.pauseMax;
    case 'peak':
      return p.peak;
    case 'gc-share':
      return p.gcShare;
  }
}

/**
 * The index of the point that is best for the objective; ties go to the faster, then the smaller
 * p99, then the smaller peak, so the choice is always on the front.
 */
export function recommend(objective: Objective, points: readonly PointFigures[]): number {
  let best = -1;
  for (let i = 0; i < points.length; i++) {
    if (best < 0 || rank(objective, points[i], points[best]) < 0) best = i;
  }
  return best;
}

function rank(objective: Objective, a: PointFigures, b: PointFigures): number {
  return (
    objectiveValue(objective, a) - objectiveValue(objective, b) ||
    a.time - b.time ||
    a.pauseP99 - b.pauseP99 ||
    a.peak - b.peak
  );
}
