/**
 * The cost model's drivers (src/lab/cost-model.ts prices them): what a run counted, by name, for
 * the mutator and for each collection. Pure functions of a run's metrics, so a worker, the
 * coordinator and the fit all read them alike (no Node APIs).
 */
import { OP_NAMES } from '../python/work-counts.js';
import type { RunMetrics } from './measure.js';

/**
 * The mutator's cost drivers: the operation classes, then the heap's allocation events (`alloc`:
 * objects made by the allocator; `freeListReuse`: objects taken from a free list, much cheaper).
 */
export const MUTATOR_FEATURES: readonly string[] = [...OP_NAMES, 'alloc', 'free', 'freeListReuse'];

/**
 * A collection's cost drivers: one base cost per generation, then per object examined (and again
 * per object of a full collection, whose heap is past the caches), per reference followed, per
 * object freed, per weakref callback or finalizer run (Python code inside the pause), and per
 * pymalloc pool in use at a full collection (`poolsFull`: its walk's memory spreads over them,
 * past the caches on a fragmented heap).
 */
export const PAUSE_FEATURES: readonly string[] = ['gen0', 'gen1', 'gen2', 'visited', 'visitedFull', 'references', 'collected', 'finalizers', 'poolsFull'];

/** The mutator's drivers of a run, by MUTATOR_FEATURES name (undefined: its work was not counted). */
export function mutatorDrivers(m: RunMetrics): Record<string, number> | undefined {
  if (m.work === undefined) return undefined;
  const d: Record<string, number> = {};
  for (const name of OP_NAMES) d[name] = m.work.ops[name] ?? 0;
  d.alloc = m.objects.allocated - m.work.freeListReuses;
  d.free = m.objects.freed;
  d.freeListReuse = m.work.freeListReuses;
  return d;
}

/** Each pause's drivers, by PAUSE_FEATURES name. */
export function pauseDrivers(m: Pick<RunMetrics, 'gc'>): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  const g = m.gc;
  for (let i = 0; i < g.pauseGeneration.length; i++) {
    const gen = g.pauseGeneration[i];
    const visited = g.pauseVisited[i];
    out.push({
      gen0: gen === 0 ? 1 : 0,
      gen1: gen === 1 ? 1 : 0,
      gen2: gen >= 2 ? 1 : 0,
      visited,
      visitedFull: gen >= 2 ? visited : 0,
      references: g.pauseReferences?.[i] ?? 0,
      collected: g.pauseCollected?.[i] ?? 0,
      finalizers: g.pauseFinalizers?.[i] ?? 0,
      poolsFull: gen >= 2 ? (g.pausePools?.[i] ?? 0) : 0,
    });
  }
  return out;
}

/** The pause drivers summed over a run's pauses (RunMetrics.work.pauseTotals). */
export function pauseDriverTotals(gc: RunMetrics['gc']): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(PAUSE_FEATURES.map((f) => [f, 0]));
  for (const p of pauseDrivers({ gc })) for (const f of PAUSE_FEATURES) totals[f] += p[f];
  return totals;
}

/** Σ count × price over the drivers (ns). */
export function priced(drivers: Readonly<Record<string, number>>, ns: Readonly<Record<string, number>>): number {
  let t = 0;
  for (const [name, count] of Object.entries(drivers)) t += count * (ns[name] ?? 0);
  return t;
}
