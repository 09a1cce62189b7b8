/**
 * The heap's counters. The heap writes them as plain Float64 (its own books, exact to 2^53) and
 * publishes a snapshot as uint32 pairs under a sequence word, so another thread can read a
 * consistent set with `Atomics.load` while the heap runs (Float64 reads are not tear-free).
 */
import { HEADER_LAYOUT, LIVE_FIRST_WORD, LIVE_SEQ_WORD, Stat, STAT_NAMES } from './layout.js';

const TWO_32 = 4294967296;
/** Publish after this many counted events, so a sampler sees progress inside long bulk operations. */
export const PUBLISH_EVERY = 4096;

export type LiveCounters = Record<string, number>;

export class HeapStats {
  /** The counters: index with `Stat`. */
  readonly values: Float64Array;
  private readonly live: Int32Array;
  /**
   * Called at the start of every publish, so its counters go out in the same snapshot: the lab's
   * instruments of a deterministic run (never set for timed runs). Publishing is periodic, not per
   * allocation, so this costs the hot paths nothing.
   */
  beforePublish: (() => void) | null = null;

  constructor(sab: SharedArrayBuffer) {
    // The books are thread-local (a plain ArrayBuffer is faster to update than shared memory);
    // other threads read the published snapshot.
    this.values = new Float64Array(Stat.COUNT);
    this.live = new Int32Array(sab, HEADER_LAYOUT.live * 4, LIVE_FIRST_WORD + 2 * Stat.COUNT);
  }

  /** Copies the counters into the snapshot region (seqlock: odd sequence while writing). */
  publish(): void {
    if (this.beforePublish !== null) this.beforePublish();
    const live = this.live;
    const values = this.values;
    const seq = Atomics.load(live, LIVE_SEQ_WORD);
    Atomics.store(live, LIVE_SEQ_WORD, seq + 1);
    for (let i = 0; i < Stat.COUNT; i++) {
      const v = values[i];
      Atomics.store(live, LIVE_FIRST_WORD + 2 * i, v % TWO_32 | 0);
      Atomics.store(live, LIVE_FIRST_WORD + 2 * i + 1, Math.floor(v / TWO_32) | 0);
    }
    Atomics.store(live, LIVE_SEQ_WORD, seq + 2);
  }

  snapshot(): LiveCounters {
    const out: LiveCounters = {};
    for (let i = 0; i < Stat.COUNT; i++) out[STAT_NAMES[i]] = this.values[i];
    return out;
  }
}

/**
 * Reads the last published snapshot of a heap's counters from its SAB, from any thread.
 * Retries while the writer is mid-publish; returns undefined if it never settles.
 */
export function readLiveCounters(sab: SharedArrayBuffer): LiveCounters | undefined {
  const live = new Int32Array(sab, HEADER_LAYOUT.live * 4, LIVE_FIRST_WORD + 2 * Stat.COUNT);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const before = Atomics.load(live, LIVE_SEQ_WORD);
    if (before & 1) continue;
    const out: LiveCounters = {};
    for (let i = 0; i < Stat.COUNT; i++) {
      const lo = Atomics.load(live, LIVE_FIRST_WORD + 2 * i) >>> 0;
      const hi = Atomics.load(live, LIVE_FIRST_WORD + 2 * i + 1);
      out[STAT_NAMES[i]] = hi * TWO_32 + lo;
    }
    if (Atomics.load(live, LIVE_SEQ_WORD) === before) return out;
  }
  return undefined;
}
