/**
 * Pause benchmark: a heap of ≥ 10⁶ long-lived tracked objects (a list of lists, reachable from
 * the globals) with steady cyclic churn (pairs dropped one at a time), under the generational
 * plan (3.13) and the incremental plan (3.14.0). Prints, from one run, each plan's largest
 * automatic pause in objects visited and in time, and the generational full collection of the same
 * heap, with their ratios. Acceptance: the incremental plan's largest pause ≥ 10× smaller than
 * the generational full collection. `npm run bench:gc-pauses-real` runs the same program on the
 * real interpreters and compares their collections with the simulation's one by one.
 *
 *   npm run bench:gc-pauses [-- --objects 1000000 --churn 2000000]
 */
import { parseArgs } from 'node:util';
import { Heap } from '../src/heap/heap.js';
import type { ProfileName } from '../src/heap/profiles.js';
import { PROFILES } from '../src/heap/profiles.js';
import { dropPairs } from '../src/calibrate/gc-pairs.js';
import { buildLongLivedTree } from '../src/calibrate/gc-pauses.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '1000000' },
    churn: { type: 'string', default: '2000000' },
  },
});
const objects = Number(values.objects);
const churn = Number(values.churn);
if (!Number.isInteger(objects) || objects < 1000) fail('--objects must be an integer ≥ 1000');
if (!Number.isInteger(churn) || churn < 0) fail('--churn must be a non-negative integer');

function fail(message: string): never {
  console.error(`bench:gc-pauses: ${message}`);
  process.exit(2);
}

export interface PauseRun {
  readonly profile: ProfileName;
  /** The largest automatic pause during the churn (after the long-lived heap is built). */
  readonly churnMaxVisited: number;
  readonly churnMaxMs: number;
  readonly churnCollections: number;
  /**
   * The largest automatic pause that collected something, leaving out marking-only steps (the
   * incremental collector's mark from the roots at the start of each scavenge, a pause of its own).
   */
  readonly collectingMaxVisited: number;
  readonly collectingMaxMs: number;
  /** An explicit full collection of the final heap. */
  readonly fullVisited: number;
  readonly fullMs: number;
}

export function pauseRun(profile: ProfileName, longLived: number, pairs: number): PauseRun {
  const heap = new Heap({ profile, heapBytes: 1024 * 1048576, startupObjects: PROFILES[profile].startupTrackedObjects });
  const gc = heap.gc;
  // The long-lived heap: sqrt(n) lists of sqrt(n) empty lists, bound to a global, built as
  // gc_pauses.py builds it (bench:gc-pauses-real runs that program on the real interpreters).
  buildLongLivedTree(heap, Math.ceil(Math.sqrt(longLived)));
  const C = heap.defineClass({ name: 'C' });
  const from = gc.pauses.count;
  dropPairs(heap, C, pairs);
  let churnMaxVisited = 0;
  let churnMaxMs = 0;
  let collectingMaxVisited = 0;
  let collectingMaxMs = 0;
  const p = gc.pauses;
  for (let i = from; i < p.count; i++) {
    churnMaxVisited = Math.max(churnMaxVisited, p.visited[i]);
    churnMaxMs = Math.max(churnMaxMs, p.durationMs[i]);
    if (p.visited[i] > p.marked[i]) {
      collectingMaxVisited = Math.max(collectingMaxVisited, p.visited[i]);
      collectingMaxMs = Math.max(collectingMaxMs, p.durationMs[i]);
    }
  }
  const churnCollections = gc.pauses.count - from;
  gc.collect(2);
  const last = gc.pauses.count - 1;
  return {
    profile,
    churnMaxVisited,
    churnMaxMs,
    churnCollections,
    collectingMaxVisited,
    collectingMaxMs,
    fullVisited: gc.pauses.visited[last],
    fullMs: gc.pauses.durationMs[last],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`long-lived tracked objects ≈ ${objects.toLocaleString('en')}, churn ${churn.toLocaleString('en')} pairs`);
  const gen = pauseRun('3.13', objects, churn);
  const inc = pauseRun('3.14.0', objects, churn);
  const inc1 = pauseRun('3.14.1', objects, churn);
  for (const r of [gen, inc, inc1]) {
    console.log(
      `${r.profile.padEnd(7)} churn: ${r.churnCollections} collections, largest pause ${r.churnMaxVisited.toLocaleString('en')} objects, ${r.churnMaxMs.toFixed(2)} ms | gc.collect(): ${r.fullVisited.toLocaleString('en')} objects, ${r.fullMs.toFixed(1)} ms`,
    );
  }
  for (const r of [inc, inc1]) {
    console.log(
      `3.13 full collection / ${r.profile} largest pause: ${(gen.fullVisited / r.churnMaxVisited).toFixed(1)}× in objects visited, ${(gen.fullMs / r.churnMaxMs).toFixed(1)}× in time (target ≥ 10×)`,
    );
  }
  // CPython 3.14.0-3.14.4 mark everything reachable from the roots in one step at the start of each
  // scavenge (`mark_at_start`, "TO DO -- Make this incremental"), so that step is as long as a full
  // collection's marking; the increments that collect are the small pauses.
  for (const r of [inc, inc1]) {
    console.log(
      `3.13 full collection / ${r.profile} largest collecting increment (marking-only steps left out): ${r.collectingMaxVisited.toLocaleString('en')} objects, ${r.collectingMaxMs.toFixed(2)} ms: ${(gen.fullVisited / r.collectingMaxVisited).toFixed(1)}× in objects visited, ${(gen.fullMs / r.collectingMaxMs).toFixed(1)}× in time`,
    );
  }
}
