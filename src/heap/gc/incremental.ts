/**
 * The incremental plan of 3.14.0–3.14.4 (fact sheet §5.2). Young objects, and an old generation
 * split into a *visited* and a *pending* space (a bit in each object's GC head says which). A
 * full scavenge starts by marking everything reachable from the roots (sys dict, frames) into
 * visited; each later increment collects the young objects plus a slice of pending taken with
 * its transitive closure, sized by the `work_to_do` budget; when pending is empty the spaces swap.
 *
 * Not read in the 3.14 branch: the 3.14.1 budget (cap 2×new, early return when the budget is
 * negative, no extra heap share after an increment) is taken from the `main` snapshot, and the
 * double subtraction of marked objects (gh-141890) is applied in both variants. For 3.14.1–3.14.4
 * all four rules are MEAS Pyodide 3.14.2 (pyodide@314.0.7, gc_pairs.py with a gc.callbacks
 * recorder): every step resets young.count, a step on a negative budget leaves the young list
 * alone; the mark step costs the budget twice the objects marked (at 100,10,10 the first increment
 * comes ~2×marked/(3×new) steps later, not half that); a deficit after an increment is paid back at
 * 3×new per step when the heap share reaches its cap (2×new; nothing is added after the increment);
 * only collecting increments reach gc.get_stats(). Replacing any one rule (cap 1.5×new or none, no
 * early return, one subtraction, the extra heap share) breaks the per-step sequence. For 3.14.0
 * they stay UNCERTAIN.
 * What these rules do depends on what the mark step leaves in pending: in Pyodide ~5 % of the
 * start-up objects (1039 of ~21 500: weakrefs, dicts, tuples, slices; what holds them was not
 * established) are not reachable from the roots, so pending does not empty after the first
 * increment and no new mark step follows (MEAS Pyodide 3.14.2). The heap option
 * `startupUnrooted` gives a start-up population such objects (`Roots.unrooted`).
 */
import { GC, GCFLAG, GCLIST, type Ref, Stat } from '../layout.js';
import { IMMORTAL_REFCNT } from '../layout.js';
import type { Heap } from '../heap.js';
import type { Roots } from '../roots.js';
import type { CollectorPlan } from './plan.js';
import type { CollectionCounts, CollectionPhases } from './phases.js';
import type { Referents } from './referents.js';
import { listIsEmpty, listMerge, listMove, listSize } from './lists.js';

/** `SCAN_RATE_DIVISOR`: at threshold1 = 10 an increment scans about 1 % of the heap. */
const SCAN_RATE_DIVISOR = 10;

export const enum IncrementalPhase {
  MARK = 0,
  COLLECT = 1,
}

export class IncrementalPlan implements CollectorPlan {
  visitedSpace = 0;
  phase = IncrementalPhase.MARK;
  workToDo = 0;
  /** Full scavenges completed (pending emptied, spaces swapped or merged). */
  scavenges = 0;
  private readonly young: Ref;
  private readonly old: readonly [Ref, Ref];
  private readonly permanent: Ref;
  private readonly increment: Ref;
  private readonly reachable: Ref;
  /** 3.14.0: budget cap 1.5×new and an extra heap share after each increment; 3.14.1: 2×new. */
  private readonly variant: 'allocations' | 'tracked';

  constructor(
    private readonly heap: Heap,
    private readonly phases: CollectionPhases,
    private readonly referents: Referents,
    private readonly roots: Roots,
    private readonly thresholds: readonly number[],
  ) {
    this.young = heap.gcList(GCLIST.YOUNG);
    this.old = [heap.gcList(GCLIST.OLD1), heap.gcList(GCLIST.OLD2)];
    this.permanent = heap.gcList(GCLIST.PERMANENT);
    this.increment = heap.gcList(GCLIST.WORK);
    this.reachable = heap.gcList(GCLIST.SCRATCH);
    this.variant = heap.profile.gcCounts;
    this.setVisitedSpace(0);
  }

  private get visited(): Ref {
    return this.old[this.visitedSpace];
  }

  private get pending(): Ref {
    return this.old[this.visitedSpace ^ 1];
  }

  /** New objects are tracked into the space that is not visited. */
  private setVisitedSpace(space: number): void {
    this.visitedSpace = space;
    this.heap.youngSpaceFlag = space === 0 ? GCFLAG.OLD_SPACE_1 : 0;
  }

  /** An automatic collection is always one increment. */
  selectGeneration(): number {
    return 1;
  }

  collect(generation: number, counts: CollectionCounts): void {
    if (generation === 0) this.collectYoung(counts);
    else if (generation === 1) this.collectIncrement(counts);
    else this.collectFull(counts);
  }

  /** `gc.collect(0)`: the young objects only; survivors go to visited. */
  private collectYoung(counts: CollectionCounts): void {
    const c = this.heap.counters;
    this.phases.untrackTuples(this.young);
    this.setSpace(this.young, this.visitedSpace);
    this.phases.collectRegion(this.young, this.visited, counts);
    c[Stat.GcCount0] = 0;
    c[Stat.GcCount1]++;
  }

  /** `assess_work_to_do`: new objects plus a share of the heap, capped by the new objects. */
  private assessWorkToDo(): number {
    const c = this.heap.counters;
    const scale = Math.max(this.thresholds[1], 2);
    const fresh = c[Stat.GcCount0];
    const cap = this.variant === 'allocations' ? Math.floor((fresh * 3) / 2) : fresh * 2;
    const heapShare = Math.min(Math.floor(Math.floor(c[Stat.GcHeapSize] / SCAN_RATE_DIVISOR) / scale), cap);
    c[Stat.GcCount0] = 0;
    return fresh + heapShare;
  }

  /** `gc_collect_increment`: one step of the current full scavenge. */
  private collectIncrement(counts: CollectionCounts): void {
    const heap = this.heap;
    const i32 = heap.i32;
    this.workToDo += this.assessWorkToDo();
    // 3.14.1+: young.count is already reset and the young list is kept (MEAS Pyodide 3.14.2).
    if (this.variant === 'tracked' && this.workToDo < 0) {
      counts.inStats = false;
      return;
    }
    this.phases.untrackTuples(this.young);
    if (this.phase === IncrementalPhase.MARK) {
      const marked = this.markAtStart();
      this.workToDo -= marked; // a second time: gh-141890
      counts.marked += marked;
      counts.inStats = false;
      return;
    }
    const marked = this.markStacks(false);
    this.workToDo -= marked;
    counts.marked += marked;
    const increment = this.increment;
    this.setSpace(this.young, this.visitedSpace);
    listMerge(i32, this.young, increment);
    let size = listSize(i32, increment);
    const pending = this.pending;
    while (size < this.workToDo && !listIsEmpty(i32, pending)) {
      const gc = i32[pending + GC.NEXT];
      listMove(i32, gc, increment);
      this.setObjectSpace(gc, this.visitedSpace);
      size += 1 + this.expandTransitively(gc);
    }
    this.phases.collectRegion(increment, this.visited, counts);
    if (this.variant === 'allocations') {
      this.workToDo += Math.floor(Math.floor(heap.counters[Stat.GcHeapSize] / SCAN_RATE_DIVISOR) / Math.max(this.thresholds[1], 2));
    }
    this.workToDo -= size;
    if (listIsEmpty(i32, pending)) this.completedScavenge();
  }

  /** `gc.collect(2)`: everything at once, then a fresh scavenge and empty free lists. */
  private collectFull(counts: CollectionCounts): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const c = heap.counters;
    this.phases.untrackTuples(this.young);
    listMerge(i32, this.young, this.pending);
    this.setSpace(this.pending, this.visitedSpace);
    listMerge(i32, this.pending, this.visited);
    c[Stat.GcCount0] = 0;
    this.phases.collectRegion(this.visited, this.visited, counts);
    c[Stat.GcCount0] = 0;
    c[Stat.GcCount1] = 0;
    c[Stat.GcCount2] = 0;
    this.completedScavenge();
    heap.clearFreeLists();
  }

  private completedScavenge(): void {
    const i32 = this.heap.i32;
    if (listIsEmpty(i32, this.permanent)) {
      const notVisited = this.visitedSpace;
      this.setVisitedSpace(notVisited ^ 1);
      this.setSpace(this.young, notVisited);
    } else {
      // Frozen objects count as visited and must not be touched: move visited back to pending.
      const notVisited = this.visitedSpace ^ 1;
      listMerge(i32, this.visited, this.old[notVisited]);
      this.setSpace(this.old[notVisited], notVisited);
    }
    this.workToDo = 0;
    this.phase = IncrementalPhase.MARK;
    this.scavenges++;
  }

  // ---- marking ----------------------------------------------------------------------------------------------

  private markAtStart(): number {
    const marked = this.markGlobalRoots() + this.markStacks(true);
    this.workToDo -= marked;
    this.phase = IncrementalPhase.COLLECT;
    return marked;
  }

  /** Everything reachable from `sys.__dict__` (the modules, `__main__`'s globals). */
  private markGlobalRoots(): number {
    let marked = this.moveToReachable(this.roots.sysdict);
    marked += this.markAllReachable();
    return marked;
  }

  /**
   * Everything reachable from frames' locals. After the start of a scavenge, frames already
   * marked since they were pushed are skipped (below the first one found, nothing has changed).
   */
  private markStacks(start: boolean): number {
    let marked = 0;
    const frames = this.roots.frames;
    for (let f = this.roots.depth - 1; f >= 0; f--) {
      const frame = frames[f];
      const locals = frame.locals;
      for (let i = 0; i < frame.size; i++) marked += this.moveToReachable(locals[i]);
      if (!start && frame.visited) break;
      frame.visited = true;
    }
    return marked + this.markAllReachable();
  }

  private isMarkable(op: Ref): boolean {
    const i32 = this.heap.i32;
    return (
      op !== 0 &&
      i32[op] !== IMMORTAL_REFCNT &&
      this.heap.types.isGC[i32[op + 1]] !== 0 &&
      i32[op + GC.NEXT] !== 0 &&
      ((i32[op + GC.FLAGS] & GCFLAG.OLD_SPACE_1) !== 0 ? 1 : 0) !== this.visitedSpace
    );
  }

  private moveToReachable(op: Ref): number {
    if (!this.isMarkable(op)) return 0;
    this.setObjectSpace(op, this.visitedSpace);
    listMove(this.heap.i32, op, this.reachable);
    return 1;
  }

  /** Transitively moves what `reachable` holds, and what it reaches, into visited. */
  private markAllReachable(): number {
    const i32 = this.heap.i32;
    const reachable = this.reachable;
    const visited = this.visited;
    const referents = this.referents;
    let marked = 0;
    let traversed = 0;
    while (!listIsEmpty(i32, reachable)) {
      const gc = i32[reachable + GC.NEXT];
      listMove(i32, gc, visited);
      const n = referents.of(gc);
      const buf = referents.buf;
      traversed += n;
      for (let k = 0; k < n; k++) marked += this.moveToReachable(buf[k]);
    }
    // The marking follows references as subtract_refs does: the same cost driver.
    this.phases.referencesTraversed += traversed;
    return marked;
  }

  /** Adds to the increment what the objects from `gc` to its end reach and is not yet visited. */
  private expandTransitively(gc: Ref): number {
    const i32 = this.heap.i32;
    const increment = this.increment;
    const referents = this.referents;
    let added = 0;
    let traversed = 0;
    while (gc !== increment) {
      if (i32[gc] === IMMORTAL_REFCNT) {
        const next = i32[gc + GC.NEXT];
        listMove(i32, gc, this.permanent);
        gc = next;
        continue;
      }
      const n = referents.of(gc);
      const buf = referents.buf;
      traversed += n;
      for (let k = 0; k < n; k++) {
        const child = buf[k];
        if (this.isMarkable(child)) {
          this.setObjectSpace(child, this.visitedSpace);
          listMove(i32, child, increment);
          added++;
        }
      }
      gc = i32[gc + GC.NEXT];
    }
    this.phases.referencesTraversed += traversed;
    return added;
  }

  private setObjectSpace(gc: Ref, space: number): void {
    const i32 = this.heap.i32;
    i32[gc + GC.FLAGS] = space === 0 ? i32[gc + GC.FLAGS] & ~GCFLAG.OLD_SPACE_1 : i32[gc + GC.FLAGS] | GCFLAG.OLD_SPACE_1;
  }

  private setSpace(list: Ref, space: number): void {
    const i32 = this.heap.i32;
    for (let gc = i32[list + GC.NEXT]; gc !== list; gc = i32[gc + GC.NEXT]) this.setObjectSpace(gc, space);
  }

  // ---- the gc module's view ---------------------------------------------------------------------------------

  freeze(): void {
    const i32 = this.heap.i32;
    const c = this.heap.counters;
    this.setSpace(this.young, this.visitedSpace);
    listMerge(i32, this.young, this.permanent);
    this.setSpace(this.pending, this.visitedSpace);
    listMerge(i32, this.old[0], this.permanent);
    listMerge(i32, this.old[1], this.permanent);
    c[Stat.GcCount0] = 0;
    c[Stat.GcCount1] = 0;
    c[Stat.GcCount2] = 0;
  }

  unfreeze(): void {
    listMerge(this.heap.i32, this.permanent, this.visited);
  }

  /** `gc.get_objects(1)` is empty; generation 2 is both old spaces. */
  generationLists(): readonly (readonly Ref[])[] {
    return [[this.young], [], [this.old[0], this.old[1]]];
  }
}
