/**
 * The collection phases both collectors share (fact sheet §4.4; `gc_collect_region` in 3.14):
 * deduce the unreachable set by subtracting internal references, untrack tuples, set legacy
 * finalizers aside as uncollectable, clear weakrefs (calling back only reachable weakrefs), run
 * PEP 442 finalizers once, detect resurrection, and delete what is left by clearing it.
 *
 * Plans decide *what* to collect and where survivors go; they call these phases in order.
 * During a collection the GC head words hold CPython's `gc_refs` (REFS) and flags (FLAGS).
 */
import { GC, GC_REFS_UNREACHABLE, GCFLAG, GCLIST, FIELD, type Ref } from '../layout.js';
import { IMMORTAL_REFCNT } from '../layout.js';
import { Kind } from '../types.js';
import type { Heap } from '../heap.js';
import { listInit, listIsEmpty, listMerge, listMove, listSize } from './lists.js';
import { type Referents, tpClear } from './referents.js';

/** `gc.DEBUG_SAVEALL`: garbage goes to gc.garbage instead of being freed. */
export const DEBUG_SAVEALL = 32;

/** What `deduceUnreachable` also untracks among the survivors, as CPython does right after it. */
export const enum Untrack {
  Nothing = 0,
  /** `untrack_tuples` (every collection). */
  Tuples = 1,
  /** `untrack_tuples`, then `untrack_dicts` (full collections, 3.11–3.13). */
  TuplesThenDicts = 2,
}

/** Counts of one collection (`struct gc_collection_stats`). */
export class CollectionCounts {
  /** Objects in the set examined (`candidates`). */
  candidates = 0;
  /** Objects traversed while marking (incremental collector only). */
  marked = 0;
  collected = 0;
  uncollectable = 0;
  /**
   * Whether `gc.get_stats()` counts the collection. The incremental collector's steps that collect
   * nothing by design — the mark from the roots, and (3.14.1+) a step that returns at once on a
   * negative work budget — return before `add_stats`; the callbacks still see them.
   */
  inStats = true;

  reset(): void {
    this.candidates = 0;
    this.marked = 0;
    this.collected = 0;
    this.uncollectable = 0;
    this.inStats = true;
  }
}

/** What the phases need from the gc module: its debug flags and its `gc.garbage` list. */
export interface PhaseContext {
  readonly debug: number;
  /** `gc.garbage` (a list in the heap). */
  garbageList(): Ref;
}

export class CollectionPhases {
  readonly unreachable: Ref;
  readonly finalizers: Ref;
  readonly scratch: Ref;
  /** Objects the last `deduceUnreachable` moved to its unreachable list. */
  unreachableCount = 0;
  /**
   * References the collections have followed, ever: `subtract_refs`, and the incremental
   * collector's marking (the collector reads it before and after a collection): a pause's cost
   * grows with the edges it traverses, not only the objects.
   */
  referencesTraversed = 0;
  /** Weakref callbacks and finalizers the collections have run, ever: Python code inside the pause. */
  finalizersRun = 0;
  /** Tuples and dicts the last `deduceUnreachable` untracked among the survivors (when asked to). */
  untrackedTuples = 0;
  untrackedDicts = 0;
  /** The surviving dicts `untrack_dicts` will look at, in list order (see `moveUnreachable`). */
  private survivingDicts = new Int32Array(1024);
  private survivingDictCount = 0;
  /** Objects set aside as uncollectable by the current collection (legacy finalizers). */
  private finalizerCount = 0;
  private readonly i32: Int32Array;

  constructor(
    private readonly heap: Heap,
    private readonly referents: Referents,
    private readonly context: PhaseContext,
  ) {
    this.i32 = heap.i32;
    this.unreachable = heap.gcList(GCLIST.UNREACHABLE);
    this.finalizers = heap.gcList(GCLIST.FINALIZERS);
    this.scratch = heap.gcList(GCLIST.SCRATCH);
  }

  /**
   * `gc_collect_region`: collects the objects of `from`; survivors end up at the end of `to`
   * (which may be `from` itself).
   */
  collectRegion(from: Ref, to: Ref, counts: CollectionCounts): void {
    counts.candidates += this.deduceUnreachable(from, this.unreachable, Untrack.Tuples);
    listMerge(this.i32, from, to);
    this.finishRegion(to, counts);
  }

  /**
   * Everything after survivors are merged: legacy finalizers, weakrefs, finalizers, resurrection,
   * deletion. `this.unreachable` holds the candidates found unreachable.
   */
  finishRegion(to: Ref, counts: CollectionCounts): void {
    this.moveLegacyFinalizers();
    this.finalizerCount = this.moveLegacyFinalizerReachable();
    const callbacksRun = this.handleWeakrefs(to, counts);
    const finalizersRun = this.finalizeGarbage();
    this.finalizersRun += callbacksRun + finalizersRun;
    let stillUnreachable = this.unreachable;
    if (callbacksRun + finalizersRun > 0) {
      // Resurrection: run the reachability analysis again on what the finalizers saw. (When no
      // Python code ran, nothing can have been resurrected and CPython's second pass finds nothing.)
      stillUnreachable = this.scratch;
      this.clearCollecting(this.unreachable);
      this.deduceUnreachable(this.unreachable, stillUnreachable);
      listMerge(this.i32, this.unreachable, to);
    }
    counts.collected += stillUnreachable === this.unreachable ? this.unreachableCount - this.finalizerCount : listSize(this.i32, stillUnreachable);
    this.deleteGarbage(stillUnreachable, to);
    counts.uncollectable += this.handleLegacyFinalizers(to);
  }

  // ---- reachability ----------------------------------------------------------------------------------

  /**
   * `deduce_unreachable`: moves what `base` cannot reach from outside into `unreachable`. Then the
   * untracking CPython runs over the survivors (`untrack`), done from `moveUnreachable`'s scan
   * rather than by walking them again. Returns the number of candidates.
   */
  deduceUnreachable(base: Ref, unreachable: Ref, untrack = Untrack.Nothing): number {
    listInit(this.i32, unreachable);
    const candidates = this.updateRefs(base);
    this.subtractRefs(base);
    this.untrackedTuples = 0;
    this.untrackedDicts = 0;
    this.survivingDictCount = 0;
    this.unreachableCount = this.moveUnreachable(base, unreachable, untrack);
    if (untrack === Untrack.TuplesThenDicts) this.untrackSurvivingDicts();
    return candidates;
  }

  /** gc_refs = refcount, and COLLECTING, for every object of `base`. */
  private updateRefs(base: Ref): number {
    const i32 = this.i32;
    const heap = this.heap;
    const cow = heap.cowActive;
    let candidates = 0;
    for (let gc = i32[base + GC.NEXT]; gc !== base; ) {
      const next = i32[gc + GC.NEXT];
      const rc = i32[gc];
      if (rc === IMMORTAL_REFCNT) {
        // 3.12+: immortal objects leave the GC's lists.
        heap.untrack(gc);
      } else {
        i32[gc + GC.REFS] = rc;
        i32[gc + GC.FLAGS] |= GCFLAG.COLLECTING;
        if (cow) heap.cow.touch(gc);
        candidates++;
      }
      gc = next;
    }
    return candidates;
  }

  /** Every reference from inside the set to an object of the set is taken off its gc_refs. */
  private subtractRefs(base: Ref): void {
    const i32 = this.i32;
    const isGC = this.heap.types.isGC;
    const referents = this.referents;
    let traversed = 0;
    for (let gc = i32[base + GC.NEXT]; gc !== base; gc = i32[gc + GC.NEXT]) {
      const n = referents.of(gc);
      const buf = referents.buf;
      traversed += n;
      for (let k = 0; k < n; k++) {
        const child = buf[k];
        if (isGC[i32[child + 1]] !== 0 && (i32[child + GC.FLAGS] & GCFLAG.COLLECTING) !== 0) i32[child + GC.REFS]--;
      }
    }
    this.referencesTraversed += traversed;
  }

  /**
   * `move_unreachable`: objects with gc_refs > 0 are reachable, and so is everything they reach;
   * the rest move (tentatively) to `unreachable`, and come back if a reachable object reaches them.
   *
   * CPython then walks the survivors to untrack tuples, and in a full collection walks them again
   * for dicts. Here each reachable tuple gets `untrack_tuples`' test as it is scanned, from the
   * referents just listed, and each reachable dict is noted for `untrack_dicts`. The result is the
   * same: this scan meets the survivors in their final list order (one rescued comes back at the
   * end and is scanned there), so each tuple sees its items as CPython's walk would, and the dicts
   * are tested in that order once every tuple has been.
   */
  private moveUnreachable(young: Ref, unreachable: Ref, untrack: Untrack): number {
    const i32 = this.i32;
    const heap = this.heap;
    const isGC = heap.types.isGC;
    const kindOf = heap.types.kindOf;
    const referents = this.referents;
    let moved = 0;
    let gc = i32[young + GC.NEXT];
    while (gc !== young) {
      if (i32[gc + GC.REFS] > 0) {
        const n = referents.of(gc);
        const buf = referents.buf;
        for (let k = 0; k < n; k++) {
          const child = buf[k];
          if (isGC[i32[child + 1]] === 0) continue;
          if ((i32[child + GC.FLAGS] & GCFLAG.COLLECTING) === 0) continue;
          const refs = i32[child + GC.REFS];
          if (refs === GC_REFS_UNREACHABLE) {
            moved--;
            listMove(i32, child, young);
            i32[child + GC.REFS] = 1;
          } else if (refs === 0) {
            i32[child + GC.REFS] = 1;
          }
        }
        i32[gc + GC.FLAGS] &= ~GCFLAG.COLLECTING;
        const next = i32[gc + GC.NEXT];
        if (untrack !== Untrack.Nothing) {
          const kind = kindOf[i32[gc + 1]];
          // untrack_tuples: exact tuples only (PyTuple_CheckExact).
          if (i32[gc + 1] === Kind.Tuple && !this.anyMayBeTracked(buf, n)) {
            heap.untrack(gc);
            this.untrackedTuples++;
          } else if (i32[gc + 1] === Kind.Dict && untrack === Untrack.TuplesThenDicts) {
            // untrack_dicts: exact dicts only (PyDict_CheckExact).
            this.noteSurvivingDict(gc);
          }
        }
        gc = next;
      } else {
        const next = i32[gc + GC.NEXT];
        listMove(i32, gc, unreachable);
        i32[gc + GC.REFS] = GC_REFS_UNREACHABLE;
        moved++;
        gc = next;
      }
    }
    return moved;
  }

  private clearCollecting(list: Ref): void {
    const i32 = this.i32;
    for (let gc = i32[list + GC.NEXT]; gc !== list; gc = i32[gc + GC.NEXT]) i32[gc + GC.FLAGS] &= ~GCFLAG.COLLECTING;
  }

  // ---- lazy untracking (fact sheet §6) --------------------------------------------------------------------

  /** `untrack_tuples`: a tuple none of whose items may be tracked leaves the GC's lists. Returns how many. */
  untrackTuples(list: Ref): number {
    let untracked = 0;
    const heap = this.heap;
    const i32 = this.i32;
    const kindOf = heap.types.kindOf;
    const referents = this.referents;
    for (let gc = i32[list + GC.NEXT]; gc !== list; ) {
      const next = i32[gc + GC.NEXT];
      if (i32[gc + 1] === Kind.Tuple) {
        const n = referents.of(gc); // first: it may grow referents.buf
        if (!this.anyMayBeTracked(referents.buf, n)) {
          heap.untrack(gc);
          untracked++;
        }
      }
      gc = next;
    }
    return untracked;
  }

  /** Whether any of the first `n` references in `buf` may be tracked (`_PyObject_GC_MAY_BE_TRACKED`). */
  private anyMayBeTracked(buf: Int32Array, n: number): boolean {
    const heap = this.heap;
    for (let k = 0; k < n; k++) if (heap.mayBeTracked(buf[k])) return true;
    return false;
  }

  private noteSurvivingDict(dict: Ref): void {
    if (this.survivingDictCount === this.survivingDicts.length) {
      const bigger = new Int32Array(2 * this.survivingDicts.length);
      bigger.set(this.survivingDicts);
      this.survivingDicts = bigger;
    }
    this.survivingDicts[this.survivingDictCount++] = dict;
  }

  /** `untrack_dicts` (full collections, 3.11–3.13) over the noted survivors: a dict with no trackable key or value is untracked. */
  private untrackSurvivingDicts(): void {
    const heap = this.heap;
    const i32 = this.i32;
    const referents = this.referents;
    const dicts = this.survivingDicts;
    for (let d = 0; d < this.survivingDictCount; d++) {
      const dict = dicts[d];
      // A __dict__ viewing an instance's values looks at those values (3.13+ too, where its
      // traverse reports none of them).
      const owner = i32[dict + FIELD.DICT_VALUES];
      const n = owner !== 0 ? referents.instanceValues(owner) : referents.of(dict);
      if (!this.anyMayBeTracked(referents.buf, n)) {
        heap.untrack(dict);
        this.untrackedDicts++;
      }
    }
  }

  // ---- what cannot or must not be freed right away ------------------------------------------------------

  /** Unreachable objects with a legacy `tp_del` go to `finalizers`. */
  private moveLegacyFinalizers(): void {
    const i32 = this.i32;
    const unreachable = this.unreachable;
    const finalizers = this.finalizers;
    const types = this.heap.types;
    const tpDel = types.hasLegacyFinalizer;
    listInit(i32, finalizers);
    if (types.legacyFinalizerClasses === 0) return;
    for (let gc = i32[unreachable + GC.NEXT]; gc !== unreachable; ) {
      const next = i32[gc + GC.NEXT];
      if (tpDel[i32[gc + 1]] !== 0) {
        i32[gc + GC.FLAGS] &= ~GCFLAG.COLLECTING;
        listMove(i32, gc, finalizers);
      }
      gc = next;
    }
  }

  /** Everything reachable from a legacy finalizer is uncollectable too. Returns the list's size. */
  private moveLegacyFinalizerReachable(): number {
    const i32 = this.i32;
    const finalizers = this.finalizers;
    const isGC = this.heap.types.isGC;
    const referents = this.referents;
    let size = 0;
    for (let gc = i32[finalizers + GC.NEXT]; gc !== finalizers; gc = i32[gc + GC.NEXT]) {
      size++;
      const n = referents.of(gc);
      const buf = referents.buf;
      for (let k = 0; k < n; k++) {
        const child = buf[k];
        if (isGC[i32[child + 1]] !== 0 && (i32[child + GC.FLAGS] & GCFLAG.COLLECTING) !== 0) {
          i32[child + GC.FLAGS] &= ~GCFLAG.COLLECTING;
          listMove(i32, child, finalizers);
        }
      }
    }
    return size;
  }

  /**
   * `handle_weakrefs`: every weakref to an unreachable object is cleared, and so is every
   * unreachable weakref. A callback runs only if its weakref is itself reachable; such weakrefs
   * that die after their callback count as collected. Returns the number of callbacks run.
   */
  private handleWeakrefs(old: Ref, counts: CollectionCounts): number {
    const heap = this.heap;
    if (heap.linkedWeakrefs === 0) return 0; // no weakref points anywhere: nothing to clear or call
    const i32 = this.i32;
    const types = heap.types;
    const unreachable = this.unreachable;
    const callbacks = this.scratch;
    listInit(i32, callbacks);
    for (let gc = i32[unreachable + GC.NEXT]; gc !== unreachable; gc = i32[gc + GC.NEXT]) {
      const typeId = i32[gc + 1];
      if (types.kindOf[typeId] === Kind.WeakRef) heap.clearWeakrefReferent(gc);
      const wl = types.weaklistWord[typeId];
      if (wl === 0) continue;
      for (let wr = i32[gc + wl]; wr !== 0; ) {
        const next = i32[wr + FIELD.WEAKREF_NEXT];
        heap.clearWeakrefReferent(wr);
        if (i32[wr + FIELD.WEAKREF_CALLBACK] !== 0 && (i32[wr + GC.FLAGS] & GCFLAG.COLLECTING) === 0 && i32[wr + GC.NEXT] !== 0) {
          heap.incref(wr);
          listMove(i32, wr, callbacks);
        }
        wr = next;
      }
    }
    let run = 0;
    while (!listIsEmpty(i32, callbacks)) {
      const wr = i32[callbacks + GC.NEXT];
      heap.hooks.weakrefCallback?.(heap, i32[wr + FIELD.WEAKREF_CALLBACK], wr);
      run++;
      heap.decref(wr);
      if (i32[callbacks + GC.NEXT] === wr) listMove(i32, wr, old);
      else counts.collected++;
    }
    return run;
  }

  /**
   * `finalize_garbage`: PEP 442 `__del__` once per object, on objects kept alive for the call.
   * Returns the number of finalizers run.
   */
  private finalizeGarbage(): number {
    const heap = this.heap;
    if (heap.types.tpFinalizeClasses === 0) return 0;
    let run = 0;
    const i32 = this.i32;
    const finalize = heap.types.hasTpFinalize;
    const unreachable = this.unreachable;
    const seen = this.scratch;
    listInit(i32, seen);
    while (!listIsEmpty(i32, unreachable)) {
      const gc = i32[unreachable + GC.NEXT];
      listMove(i32, gc, seen);
      if (finalize[i32[gc + 1]] !== 0 && (i32[gc + GC.FLAGS] & GCFLAG.FINALIZED) === 0) {
        i32[gc + GC.FLAGS] |= GCFLAG.FINALIZED;
        if (heap.hooks.finalize) {
          heap.incref(gc);
          heap.hooks.finalize(heap, gc);
          run++;
          heap.decref(gc);
        }
      }
    }
    listMerge(i32, seen, unreachable);
    return run;
  }

  /** `delete_garbage`: tp_clear each object (or save it under DEBUG_SAVEALL); survivors go to `old`. */
  private deleteGarbage(collectable: Ref, old: Ref): void {
    const heap = this.heap;
    const i32 = this.i32;
    const saveAll = (this.context.debug & DEBUG_SAVEALL) !== 0;
    while (!listIsEmpty(i32, collectable)) {
      const gc = i32[collectable + GC.NEXT];
      if (saveAll) {
        heap.list.append(this.context.garbageList(), gc);
      } else {
        heap.incref(gc);
        tpClear(heap, gc);
        heap.decref(gc);
      }
      if (i32[collectable + GC.NEXT] === gc) {
        i32[gc + GC.FLAGS] &= ~GCFLAG.COLLECTING;
        listMove(i32, gc, old);
      }
    }
  }

  /** Legacy finalizers (every uncollectable object under DEBUG_SAVEALL) go to gc.garbage. */
  private handleLegacyFinalizers(old: Ref): number {
    const heap = this.heap;
    const i32 = this.i32;
    const finalizers = this.finalizers;
    const saveAll = (this.context.debug & DEBUG_SAVEALL) !== 0;
    const tpDel = heap.types.hasLegacyFinalizer;
    let n = 0;
    for (let gc = i32[finalizers + GC.NEXT]; gc !== finalizers; gc = i32[gc + GC.NEXT]) {
      n++;
      if (saveAll || tpDel[i32[gc + 1]] !== 0) heap.list.append(this.context.garbageList(), gc);
    }
    listMerge(i32, finalizers, old);
    return n;
  }
}
