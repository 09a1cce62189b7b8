/**
 * The generational plan (3.11–3.13, 3.14.5+; fact sheet §4): three generations, count-based
 * triggers, the long-lived 25 % rule for full collections, dict untracking in full collections
 * where the profile has lazy dicts, and free lists cleared by full collections.
 */
import { GCLIST, type Ref, Stat } from '../layout.js';
import type { Heap } from '../heap.js';
import type { CollectorPlan } from './plan.js';
import { type CollectionCounts, type CollectionPhases, Untrack } from './phases.js';
import { listMerge } from './lists.js';

export const NUM_GENERATIONS = 3;

export class GenerationalPlan implements CollectorPlan {
  /** Objects that survived the last full collection (`long_lived_total`). */
  longLivedTotal = 0;
  /** Objects that survived gen-1 collections since then (`long_lived_pending`). */
  longLivedPending = 0;
  private readonly gens: readonly Ref[];
  private readonly permanent: Ref;

  constructor(
    private readonly heap: Heap,
    private readonly phases: CollectionPhases,
    private readonly thresholds: readonly number[],
  ) {
    this.gens = [heap.gcList(GCLIST.YOUNG), heap.gcList(GCLIST.OLD1), heap.gcList(GCLIST.OLD2)];
    this.permanent = heap.gcList(GCLIST.PERMANENT);
  }

  selectGeneration(): number {
    const c = this.heap.counters;
    const counts = [c[Stat.GcCount0], c[Stat.GcCount1], c[Stat.GcCount2]];
    for (let g = NUM_GENERATIONS - 1; g >= 0; g--) {
      if (counts[g] > this.thresholds[g]) {
        // A full collection waits until the survivors pending since the last one are at least
        // 25 % of the long-lived population (issue #4074: avoids quadratic behaviour).
        if (g === NUM_GENERATIONS - 1 && this.longLivedPending < Math.floor(this.longLivedTotal / 4)) continue;
        return g;
      }
    }
    return -1;
  }

  collect(generation: number, counts: CollectionCounts): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const c = heap.counters;
    if (generation === 0) c[Stat.GcCount1]++;
    if (generation === 1) c[Stat.GcCount2]++;
    c[Stat.GcCount0] = 0;
    if (generation >= 1) c[Stat.GcCount1] = 0;
    if (generation >= 2) c[Stat.GcCount2] = 0;
    for (let g = 0; g < generation; g++) listMerge(i32, this.gens[g], this.gens[generation]);
    const young = this.gens[generation];
    const old = generation < NUM_GENERATIONS - 1 ? this.gens[generation + 1] : young;
    const phases = this.phases;

    // A full collection of 3.11–3.13 also untracks dicts (issue #14775: only there, to avoid
    // quadratic dict build-up).
    const untrackDicts = young === old && heap.profile.dictTracking === 'lazy';
    const candidates = phases.deduceUnreachable(young, phases.unreachable, untrackDicts ? Untrack.TuplesThenDicts : Untrack.Tuples);
    counts.candidates += candidates;
    // Survivors are counted, not walked: candidates less the unreachable and the untracked.
    const survivors = candidates - phases.unreachableCount - phases.untrackedTuples - phases.untrackedDicts;
    if (young !== old) {
      if (generation === NUM_GENERATIONS - 2) this.longLivedPending += survivors;
      listMerge(i32, young, old);
    } else {
      this.longLivedPending = 0;
      this.longLivedTotal = survivors;
    }
    phases.finishRegion(old, counts);
    if (generation === NUM_GENERATIONS - 1) heap.clearFreeLists();
  }

  freeze(): void {
    const i32 = this.heap.i32;
    const c = this.heap.counters;
    for (const g of this.gens) listMerge(i32, g, this.permanent);
    c[Stat.GcCount0] = 0;
    c[Stat.GcCount1] = 0;
    c[Stat.GcCount2] = 0;
  }

  unfreeze(): void {
    listMerge(this.heap.i32, this.permanent, this.gens[NUM_GENERATIONS - 1]);
  }

  generationLists(): readonly (readonly Ref[])[] {
    return this.gens.map((g) => [g]);
  }
}
