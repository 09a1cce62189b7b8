/**
 * How `gclab tune` chooses the points it runs. Grid: every point of the space. Adaptive (a budget
 * of runs): a coarse subgrid first, then rounds of pattern search around the current Pareto
 * front, each step halving the distance to the neighbours tried, until the budget is spent or
 * the front's neighbourhood is exhausted at the finest step.
 */
import { paretoFront, objectiveValue, type Objective, type PointFigures } from './front.js';
import type { Point, TuneSpace } from './space.js';

export interface MeasuredPoint {
  readonly point: Point;
  /** undefined when the run failed (it still counts against the budget). */
  readonly figures: PointFigures | undefined;
}

export class AdaptiveSearch {
  /** The neighbour distance on each axis, in lattice steps; halved when a round finds nothing new. */
  private readonly steps: number[];
  private readonly tried = new Set<string>();
  private spent = 0;

  constructor(
    private readonly space: TuneSpace,
    private readonly budget: number,
    private readonly objective: Objective,
  ) {
    // Start with about three values per axis (a quarter of the budget at most), then refine.
    this.steps = space.axes.map((a) => Math.max(1, Math.floor((a.values.length - 1) / 2)));
    const last = (i: number): number => space.axes[i].values.length - 1;
    const picks = (i: number): number => Math.ceil(last(i) / this.steps[i]) + 1;
    while (this.space.subgrid(this.steps).length > Math.max(1, Math.floor(budget / 4))) {
      // Coarsen the axis with the most picks that can still be coarsened.
      let widest = -1;
      for (let i = 0; i < this.steps.length; i++) {
        if (this.steps[i] < last(i) && (widest < 0 || picks(i) > picks(widest))) widest = i;
      }
      if (widest < 0) break;
      this.steps[widest] = Math.min(last(widest), this.steps[widest] * 2);
    }
  }

  /** The first batch: the coarse subgrid (cut to the budget), without points already run. */
  initial(alreadyRun: readonly Point[] = []): Point[] {
    for (const p of alreadyRun) this.tried.add(this.space.key(p));
    return this.take(this.space.subgrid(this.steps));
  }

  /**
   * The next batch, at most `width` points: untried lattice neighbours of front points at the
   * current step, best front points first. Empty when the budget is spent or nothing is left.
   */
  next(measured: readonly MeasuredPoint[], width: number): Point[] {
    const ok = measured.filter((m): m is { point: Point; figures: PointFigures } => m.figures !== undefined);
    const front = paretoFront(ok.map((m) => m.figures))
      .map((i) => ok[i])
      .sort((a, b) => objectiveValue(this.objective, a.figures) - objectiveValue(this.objective, b.figures));
    while (this.spent < this.budget) {
      const candidates: Point[] = [];
      const seen = new Set<string>();
      for (const { point } of front) {
        for (let axis = 0; axis < point.length; axis++) {
          for (const dir of [-1, 1]) {
            const k = point[axis] + dir * this.steps[axis];
            if (k < 0 || k >= this.space.axes[axis].values.length) continue;
            const neighbour = point.map((v, i) => (i === axis ? k : v));
            const key = this.space.key(neighbour);
            if (this.tried.has(key) || seen.has(key)) continue;
            seen.add(key);
            candidates.push(neighbour);
          }
        }
      }
      if (candidates.length > 0) return this.take(candidates.slice(0, Math.max(1, width)));
      if (this.steps.every((s) => s === 1)) return [];
      for (let i = 0; i < this.steps.length; i++) this.steps[i] = Math.max(1, Math.floor(this.steps[i] / 2));
    }
    return [];
  }

  private take(points: Point[]): Point[] {
    const out: Point[] = [];
    for (const p of points) {
      if (this.spent >= this.budget) break;
      const key = this.space.key(p);
      if (this.tried.has(key)) continue;
      this.tried.add(key);
      this.spent++;
      out.push(p);
    }
    return out;
  }
}
