/**
 * The `gc` module of the simulated interpreter: triggering (thresholds, the 3.11 synchronous
 * collection inside an allocation, the 3.12+ evaluation-breaker collection), the Python API
 * (`enable`, `collect`, `get_count`, `set_threshold`, `get_stats`, `freeze`, `callbacks`,
 * `DEBUG_SAVEALL`, `garbage`, `is_tracked`…), and the record of every pause.
 *
 * The lab's evaluation boundary is between workload statements: a statement calls
 * `evalBreaker()` when it is done, and a collection scheduled by any allocation inside it runs
 * there. A bulk operation CPython performs inside one C call is one statement.
 */
import { GC, GCLIST, type Ref, Stat } from '../layout.js';
import type { Heap } from '../heap.js';
import { CollectionCounts, CollectionPhases, type PhaseContext } from './phases.js';
import { GenerationalPlan, NUM_GENERATIONS } from './generational.js';
import { IncrementalPlan } from './incremental.js';
import type { CollectorPlan } from './plan.js';
import { Referents } from './referents.js';
import { PauseLog } from './pauses.js';
import { listSize } from './lists.js';

export type GcCallbackPhase = 'start' | 'stop';
export interface GcCallbackInfo {
  readonly generation: number;
  readonly collected: number;
  readonly uncollectable: number;
}
/**
 * An entry of `gc.callbacks`. `phaseStr` and `infoDict` are the objects CPython passes (the phase
 * string and the info dict the collector built in the heap; borrowed), for a simulated Python
 * callback to receive.
 */
export type GcCallback = (phase: GcCallbackPhase, info: GcCallbackInfo, phaseStr: Ref, infoDict: Ref) => void;

/** One entry of `gc.get_stats()`. */
export interface GenerationStats {
  collections: number;
  collected: number;
  uncollectable: number;
}

export const DEBUG_STATS = 1;
export const DEBUG_COLLECTABLE = 2;
export const DEBUG_UNCOLLECTABLE = 4;
export { DEBUG_SAVEALL } from './phases.js';
export const DEBUG_LEAK = 38;

export class GarbageCollector implements PhaseContext {
  private enabled = true;
  debug = 0;
  readonly thresholds: [number, number, number];
  readonly callbacks: GcCallback[] = [];
  readonly pauses = new PauseLog();
  readonly plan: CollectorPlan;
  readonly referents: Referents;
  readonly phases: CollectionPhases;
  private readonly generationStats: GenerationStats[] = [];
  private garbage: Ref = 0;
  private collecting = false;
  /** 3.12+: a collection is scheduled for the next evaluation boundary. */
  private scheduled = false;
  private readonly counts = new CollectionCounts();
  /** Start of the pause log's clock (performance.now() milliseconds). */
  readonly originMs = performance.now();

  constructor(private readonly heap: Heap) {
    this.thresholds = [...heap.profile.thresholds];
    this.referents = new Referents(heap);
    this.phases = new CollectionPhases(heap, this.referents, this);
    this.plan =
      heap.profile.collector === 'incremental'
        ? new IncrementalPlan(heap, this.phases, this.referents, heap.roots, this.thresholds)
        : new GenerationalPlan(heap, this.phases, this.thresholds);
    for (let g = 0; g < NUM_GENERATIONS; g++) this.generationStats.push({ collections: 0, collected: 0, uncollectable: 0 });
    this.updateTrigger();
  }

  // ---- triggering ----------------------------------------------------------------------------------------

  /** The heap calls this when count0 passes threshold0 (it only checks when a collection may run). */
  thresholdReached(): void {
    if (this.heap.profile.gcRunsAt === 'allocation') {
      this.collectAutomatically();
    } else {
      this.scheduled = true;
      this.updateTrigger();
    }
  }

  /** The evaluation boundary: runs a collection scheduled since the last one (3.12+). */
  evalBreaker(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    this.updateTrigger();
    if (this.enabled) this.collectAutomatically();
  }

  /** Whether a collection is running (its lists are in flux: the lab's instruments wait). */
  get isCollecting(): boolean {
    return this.collecting;
  }

  /** Whether a collection waits for the next evaluation boundary. */
  get isScheduled(): boolean {
    return this.scheduled;
  }

  private collectAutomatically(): void {
    const g = this.plan.selectGeneration();
    if (g >= 0) this.run(g, true);
  }

  /** The count at which the heap calls `thresholdReached`: never while a collection cannot start. */
  private updateTrigger(): void {
    const t0 = this.thresholds[0];
    this.heap.gcTriggerAt = this.enabled && t0 !== 0 && !this.collecting && !this.scheduled ? t0 : Infinity;
  }

  /**
   * One collection with callbacks, statistics and its pause recorded. Returns collected +
   * uncollectable. As in CPython, the collector counts as running during both callbacks.
   */
  private run(generation: number, notify: boolean): number {
    if (this.collecting) return 0;
    this.collecting = true;
    this.updateTrigger();
    try {
      if (notify) this.notify('start', generation, 0, 0);
      const counts = this.counts;
      counts.reset();
      const phases = this.phases;
      const traversedBefore = phases.referencesTraversed;
      const finalizersBefore = phases.finalizersRun;
      const t0 = performance.now();
      this.plan.collect(generation, counts);
      const dt = performance.now() - t0;
      this.record(generation, t0, dt, counts, phases.referencesTraversed - traversedBefore, phases.finalizersRun - finalizersBefore);
      if (notify) this.notify('stop', generation, counts.collected, counts.uncollectable);
      return counts.collected + counts.uncollectable;
    } finally {
      this.collecting = false;
      this.updateTrigger();
    }
  }

  /** Statistics, live counters and the pause log of one collection. */
  private record(generation: number, t0: number, dt: number, counts: CollectionCounts, references: number, finalizers: number): void {
    const c = this.heap.counters;
    if (counts.inStats) {
      const s = this.generationStats[generation];
      s.collections++;
      s.collected += counts.collected;
      s.uncollectable += counts.uncollectable;
      c[Stat.GcCollections0 + generation]++;
      c[Stat.GcCollected] += counts.collected;
      c[Stat.GcUncollectable] += counts.uncollectable;
    }
    c[Stat.GcVisited] += counts.candidates + counts.marked;
    c[Stat.GcPauseMicros] += Math.round(dt * 1000);
    this.pauses.record(generation, t0 - this.originMs, dt, counts.candidates, counts.marked, counts.collected, counts.uncollectable, references, finalizers, c[Stat.PoolsInUse]);
    this.heap.stats.publish();
  }

  /**
   * `invoke_gc_callback`. With callbacks registered, CPython builds the info dict in the heap
   * (`Py_BuildValue("{sisnsn}", ...)`: a dict, then each key as a new str and each value as an
   * int); the phase string it makes in any case, callbacks or not; it calls each callback, then
   * drops both. So does the simulation. The dict comes from the dict free list when it can and goes
   * back to it: after a full collection has emptied that list, the "stop" dict is a new GC object,
   * which then stays on the list, and count0 (counting allocations, 3.11–3.14.0) keeps it.
   */
  private notify(phase: GcCallbackPhase, generation: number, collected: number, uncollectable: number): void {
    const heap = this.heap;
    const called = this.callbacks.length > 0;
    let infoDict: Ref = 0;
    if (called) {
      infoDict = heap.dict.newDict();
      this.setInfoItem(infoDict, 'generation', generation);
      this.setInfoItem(infoDict, 'collected', collected);
      this.setInfoItem(infoDict, 'uncollectable', uncollectable);
    }
    const phaseStr = heap.newStr(phase);
    if (called) {
      const info: GcCallbackInfo = { generation, collected, uncollectable };
      for (const cb of [...this.callbacks]) cb(phase, info, phaseStr, infoDict);
    }
    heap.decref(phaseStr);
    if (infoDict !== 0) heap.decref(infoDict);
  }

  private setInfoItem(infoDict: Ref, key: string, value: number): void {
    const heap = this.heap;
    const k = heap.newStr(key);
    const v = heap.int(value);
    heap.dict.setItem(infoDict, k, v);
    heap.decref(k);
    heap.decref(v);
  }

  // ---- the gc module's API -----------------------------------------------------------------------------

  enable(): void {
    this.enabled = true;
    this.updateTrigger();
  }

  disable(): void {
    this.enabled = false;
    this.updateTrigger();
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  /** `gc.collect(generation)`: returns unreachable objects found (collected + uncollectable). */
  collect(generation = 2): number {
    if (!Number.isInteger(generation) || generation < 0 || generation >= NUM_GENERATIONS) {
      throw new RangeError('invalid generation');
    }
    return this.run(generation, true);
  }

  /** `gc.get_count()`: both plans keep count0..2 in the heap's counters. */
  getCount(): [number, number, number] {
    const c = this.heap.counters;
    return [c[Stat.GcCount0], c[Stat.GcCount1], c[Stat.GcCount2]];
  }

  getThreshold(): [number, number, number] {
    const [a, b, c] = this.thresholds;
    // The incremental collector reports its third threshold as 0 whatever is set.
    return [a, b, this.heap.profile.collector === 'incremental' ? 0 : c];
  }

  /** `gc.set_threshold(threshold0[, threshold1[, threshold2]])`. */
  setThreshold(threshold0: number, threshold1?: number, threshold2?: number): void {
    for (const t of [threshold0, threshold1, threshold2]) {
      if (t !== undefined && (!Number.isInteger(t) || t < 0)) throw new RangeError(`threshold must be a non-negative integer (got ${t})`);
    }
    this.thresholds[0] = threshold0;
    if (threshold1 !== undefined) this.thresholds[1] = threshold1;
    if (threshold2 !== undefined) this.thresholds[2] = threshold2;
    this.updateTrigger();
  }

  getStats(): GenerationStats[] {
    return this.generationStats.map((s) => ({ ...s }));
  }

  freeze(): void {
    this.plan.freeze();
  }

  unfreeze(): void {
    this.plan.unfreeze();
  }

  getFreezeCount(): number {
    return listSize(this.heap.i32, this.heap.gcList(GCLIST.PERMANENT));
  }

  isTracked(ref: Ref): boolean {
    return this.heap.isTracked(ref);
  }

  /** Objects in each generation (`len(gc.get_objects(g))`). */
  generationSizes(): [number, number, number] {
    const i32 = this.heap.i32;
    const lists = this.plan.generationLists();
    const size = (g: number): number => lists[g].reduce((n, l) => n + listSize(i32, l), 0);
    return [size(0), size(1), size(2)];
  }

  /** Refs of the objects `gc.get_objects(generation)` would list (all generations if omitted). */
  getObjects(generation?: number): Ref[] {
    const i32 = this.heap.i32;
    const out: Ref[] = [];
    const lists = this.plan.generationLists();
    for (let g = 0; g < NUM_GENERATIONS; g++) {
      if (generation !== undefined && g !== generation) continue;
      for (const l of lists[g]) for (let gc = i32[l + GC.NEXT]; gc !== l; gc = i32[gc + GC.NEXT]) out.push(gc);
    }
    return out;
  }

  /** `gc.garbage`: a list in the heap, made on first use. Borrowed reference. */
  garbageList(): Ref {
    if (this.garbage === 0) this.garbage = this.heap.list.newList(0);
    return this.garbage;
  }

  /** Number of objects in `gc.garbage`. */
  garbageLength(): number {
    return this.garbage === 0 ? 0 : this.heap.list.length(this.garbage);
  }

  /**
   * Puts the collector in the state a real interpreter is in right after `gc.collect()`: one
   * full collection that is not recorded (no callbacks, statistics or pause), counts at zero.
   */
  settle(): void {
    this.counts.reset();
    this.collecting = true;
    this.updateTrigger();
    try {
      this.plan.collect(NUM_GENERATIONS - 1, this.counts);
    } finally {
      this.collecting = false;
      this.scheduled = false;
      this.updateTrigger();
    }
    const c = this.heap.counters;
    c[Stat.GcCount0] = 0;
    c[Stat.GcCount1] = 0;
    c[Stat.GcCount2] = 0;
  }

  /**
   * Interpreter shutdown: gc.garbage is dropped and a last full collection runs, unrecorded.
   * Frozen objects are unfrozen first so the heap's leak check can see every block freed.
   */
  shutdown(): void {
    this.plan.unfreeze();
    if (this.garbage !== 0) {
      const g = this.garbage;
      this.garbage = 0;
      this.heap.decref(g);
    }
    this.scheduled = false;
    this.settle();
  }
}
