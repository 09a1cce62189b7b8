/**
 * What the deterministic run records for the report beyond the twin's figures: generation sizes
 * over time and pymalloc's occupancy per size class near the peak and at the end. Read-only walks
 * of the heap, so they change no simulated figure; their time is kept apart from the body's.
 */
import type { Heap } from '../heap/heap.js';
import { Stat } from '../heap/layout.js';
import type { SizeClassUsage } from '../heap/obmalloc.js';

/** pymalloc's occupancy at one moment (its `usage()` walk); the arrays are indexed by size class. */
export interface SizeClassSnapshot {
  /** tracemalloc's current bytes when it was taken, and when: ns since the body started. */
  readonly requested: number;
  readonly atNs: number;
  readonly arenasInUse: number;
  readonly poolsInUse: number;
  readonly blockSize: Int32Array;
  readonly pools: Int32Array;
  readonly blocksInUse: Int32Array;
  readonly blocksAvailable: Int32Array;
}

/**
 * The instruments' time budget: they walk only while their total time stays within 5 % of the
 * run's time so far, plus a grace of 1 ms (so a short body is still walked several times; a heap
 * of a million tracked objects takes about 5 ms to walk). Their time is taken off the body's.
 */
const WALK_BUDGET_SHARE = 0.05;
const WALK_BUDGET_GRACE_MS = 1;

/**
 * What the deterministic run records for the report beyond the twin's figures: the size of each
 * generation, published with the live counters (the coordinator samples them), and pymalloc's
 * occupancy per size class near the body's peak. Both walk the heap (the GC lists; arenas and
 * pools), so they run when the heap publishes its counters (every few thousand allocations, and
 * after each collection), never during a collection, and within a time budget. They only read.
 */
export class RunInstruments {
  /** Time spent walking during the body, ms (taken off the body's time). */
  spentMs = 0;
  /** The snapshot with the most requested bytes so far; its time on performance.now()'s clock, less the walks before it. */
  private peak: SizeClassSnapshot | null = null;
  private readonly startedMs = performance.now();

  constructor(private readonly heap: Heap) {
    // One walk before the body: its values start the series, and the walks are compiled code
    // before the budget counts them.
    this.countGenerations();
    this.heap.allocator.pymalloc.usage();
    this.heap.stats.publish();
  }

  readonly onPublish = (): void => {
    if (this.heap.gc.isCollecting) return;
    const t0 = performance.now();
    if (this.spentMs > WALK_BUDGET_SHARE * (t0 - this.startedMs) + WALK_BUDGET_GRACE_MS) return;
    // The occupancy first: a pool walk is cheaper than a walk of the GC lists.
    if (this.peak === null || this.heap.tracedCurrent > this.peak.requested) this.peak = this.snapshot(t0 - this.spentMs);
    this.countGenerations();
    this.spentMs += performance.now() - t0;
  };

  /**
   * After the body (which started at `bodyStartMs`): exact generation sizes published once more,
   * and the two snapshots with their times made relative to the body's start.
   */
  finish(bodyStartMs: number): { peak: SizeClassSnapshot; end: SizeClassSnapshot } {
    const end = this.snapshot(performance.now() - this.spentMs);
    this.countGenerations();
    this.heap.stats.publish();
    const relative = (s: SizeClassSnapshot): SizeClassSnapshot => ({ ...s, atNs: Math.max(0, Math.round((s.atNs / 1e6 - bodyStartMs) * 1e6)) });
    const peak = this.peak === null || end.requested >= this.peak.requested ? end : this.peak;
    return { peak: relative(peak), end: relative(end) };
  }

  private countGenerations(): void {
    const c = this.heap.counters;
    const [g0, g1, g2] = this.heap.gc.generationSizes();
    c[Stat.GcGen0Size] = g0;
    c[Stat.GcGen1Size] = g1;
    c[Stat.GcGen2Size] = g2;
    c[Stat.GcPermanentSize] = this.heap.gc.getFreezeCount();
  }

  /** pymalloc's occupancy now; `atMs` (on performance.now()'s clock) is kept in atNs until finish. */
  private snapshot(atMs: number): SizeClassSnapshot {
    const u = this.heap.allocator.pymalloc.usage();
    const column = (f: (k: SizeClassUsage) => number): Int32Array => Int32Array.from(u.classes, f);
    return {
      requested: this.heap.tracedCurrent,
      atNs: atMs * 1e6,
      arenasInUse: u.arenasInUse,
      poolsInUse: u.poolsInUse,
      blockSize: column((k) => k.blockSize),
      pools: column((k) => k.pools),
      blocksInUse: column((k) => k.blocksInUse),
      blocksAvailable: column((k) => k.blocksAvailable),
    };
  }
}
