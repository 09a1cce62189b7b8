// The allocation and free fast paths of `__slots__` instances (newInstance, decref of a leaf GC
// object) and the free fast path of ints and floats (decref of a number) change nothing a program
// can see: the same seeded program, run once with them and once with copy-on-write accounting on
// (which sends every free down the general paths), leaves the same bytes in simulated memory and
// the same counters, collections and counts, on every profile.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/compare/stats.js';
import { Heap } from '../src/heap/heap.js';
import { HEADER_LAYOUT, Stat, STAT_NAMES } from '../src/heap/layout.js';
import { PROFILE_NAMES, type ProfileName } from '../src/heap/profiles.js';

interface Outcome {
  readonly memory: Uint8Array;
  readonly counters: Record<string, number>;
  readonly stats: unknown;
  readonly count: [number, number, number];
}

function run(profile: ProfileName, generalPaths: boolean): Outcome {
  const heap = new Heap({ profile, heapBytes: 16 << 20 });
  // Copy-on-write accounting only counts pages, and the fast paths step aside while it is on.
  if (generalPaths) heap.countPageWrites();
  const leaf = heap.defineClass({ name: 'S', slots: [] });
  const pair = heap.defineClass({ name: 'T', slots: ['a', 'b'] });
  const weak = heap.defineClass({ name: 'W', slots: [], weakrefSlot: true });
  const classes = [leaf, leaf, leaf, pair, weak];
  // The compare module's seeded PRNG, so both runs make the same choices.
  const rnd = seededRandom(20240611);
  const live: number[] = [];
  for (let step = 0; step < 30000; step++) {
    const r = rnd();
    if (r < 0.3 || live.length === 0) {
      live.push(heap.newInstance(classes[Math.floor(rnd() * classes.length)]));
    } else if (r < 0.4) {
      // A number: a float, a one-digit int (medium, or small and shared), or a two-digit one.
      const kind = rnd();
      const v = Math.floor(rnd() * 2000) - 1000;
      if (kind < 0.4) live.push(heap.float(v / 7));
      else if (kind < 0.8) live.push(heap.int(v, 'arith'));
      else live.push(heap.int(v * 1e7, 'arith'));
    } else if (r < 0.6) {
      // A T instance takes a reference to any live object: chains, and cycles for the collector.
      const holder = live[Math.floor(rnd() * live.length)];
      if (heap.typeOf(holder) === pair.id) heap.setSlot(holder, rnd() < 0.5 ? 0 : 1, live[Math.floor(rnd() * live.length)]);
    } else if (r < 0.9) {
      const i = Math.floor(rnd() * live.length);
      const ref = live[i];
      live[i] = live[live.length - 1];
      live.pop();
      heap.decref(ref);
    } else if (r < 0.995) {
      const ref = live[Math.floor(rnd() * live.length)];
      heap.incref(ref);
      heap.decref(ref);
    } else {
      heap.gc.collect(Math.floor(rnd() * 3));
    }
    if (step % 40 === 0) heap.evalBreaker();
  }
  for (const ref of live) heap.decref(ref);
  heap.gc.collect();
  const counters: Record<string, number> = {};
  for (let i = 0; i < Stat.COUNT; i++) {
    // Pages written and pause times differ by design (the one counts copy-on-write, the other is a clock).
    if (i !== Stat.CowPagesWritten && i !== Stat.GcPauseMicros) counters[STAT_NAMES[i]] = heap.counters[i];
  }
  // Everything after the published counter snapshot: pools' sentinels, GC lists, arenas, objects.
  const memory = new Uint8Array(heap.mem.sab, HEADER_LAYOUT.usedpools * 4, heap.mem.regions.sabBytes - HEADER_LAYOUT.usedpools * 4);
  return { memory, counters, stats: heap.gc.getStats(), count: heap.gc.getCount() };
}

describe('slots instance fast paths', () => {
  for (const profile of PROFILE_NAMES) {
    it(`leave memory, counters and collections as the general paths do (${profile})`, () => {
      const fast = run(profile, false);
      const general = run(profile, true);
      expect(fast.counters).toEqual(general.counters);
      expect(fast.stats).toEqual(general.stats);
      expect(fast.count).toEqual(general.count);
      expect(fast.counters.gcCollections0).toBeGreaterThan(0);
      expect(Buffer.compare(fast.memory, general.memory)).toBe(0);
    });
  }
});
