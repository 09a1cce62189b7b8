// weakref-cache on every profile (the twin comparison on real interpreters is
// test/lab-twins-real.test.ts): a dict cache keeps its objects alive after the outside references
// go; a WeakValueDictionary's entries go with their objects, through the KeyedRef callbacks, and
// only its grown (never shrunk) table stays.
import { describe, expect, it } from 'vitest';
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { PROFILE_NAMES, type ProfileName } from '../src/heap/profiles.js';
import { measureRun, prepareRun, type RunMetrics } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { programGlobal } from '../src/python/program.js';

const N = 3000;
/** The bytes a dict object takes itself (GC head included); sizeof adds its keys table. */
const DICT_OBJECT_BYTES = 64;

interface Outcome {
  readonly metrics: RunMetrics;
  readonly heap: Heap;
  /** The dict that holds the entries: the cache itself, or the WeakValueDictionary's `data`. */
  readonly entries: Ref;
}

const runs = new Map<string, Outcome>();

function runVariant(profile: ProfileName, variant: 'dict' | 'weakvalue'): Outcome {
  const key = `${profile}/${variant}`;
  const done = runs.get(key);
  if (done) return done;
  const spec = resolveRunSpec({ workload: 'weakref-cache', variant, profile, params: { n: N }, heapMiB: 64 });
  const run = prepareRun(spec);
  const metrics = measureRun(run, spec);
  // The program's module-level caches: dict_cache, and weak_cache, whose `data` dict holds the entries.
  const entries = variant === 'dict' ? programGlobal(run.module, 'dict_cache') : run.heap.getAttr(programGlobal(run.module, 'weak_cache'), 'data');
  const outcome = { metrics, heap: run.heap, entries };
  runs.set(key, outcome);
  return outcome;
}

describe('workload weakref-cache', () => {
  for (const profile of PROFILE_NAMES) {
    it(`${profile}: a dict cache keeps every object after the outside references go`, () => {
      const { metrics, heap, entries } = runVariant(profile, 'dict');
      expect(heap.dict.length(entries)).toBe(N);
      const { held, retained } = metrics.memory.probes;
      // Only the list goes: its 56-byte object and its array of 8-byte slots (over-allocated).
      expect(held - retained).toBeGreaterThanOrEqual(56 + 8 * N);
      expect(held - retained).toBeLessThan(56 + 8 * N * 1.25);
      expect(metrics.memory.requested.current).toBe(retained);
    });

    it(`${profile}: a WeakValueDictionary empties when the outside references go, keeping its table`, () => {
      const { metrics, heap, entries } = runVariant(profile, 'weakvalue');
      expect(heap.dict.length(entries)).toBe(0);
      const table = heap.dict.sizeof(entries) - DICT_OBJECT_BYTES;
      const { retained } = metrics.memory.probes;
      // What stays is the table of the `data` dict, plus the loop's last int and a few objects
      // left on free lists (3.14 also keeps up to 100 of the freed keys on its int free list).
      const intFreeList = 32 * heap.profile.freeLists.int;
      expect(retained).toBeGreaterThanOrEqual(table);
      expect(retained - table).toBeLessThan(256 + intFreeList);
      // Returning from fill() frees that last int (32 bytes: N - 1 is not a cached small int).
      expect(retained - metrics.memory.requested.current).toBe(32);
      // No collection was needed: the objects went by reference counting.
      expect(metrics.gc.collected.reduce((a, b) => a + b, 0)).toBe(0);
    });

    it(`${profile}: each WeakValueDictionary entry costs one 88-byte KeyedRef more while held`, () => {
      const dict = runVariant(profile, 'dict');
      const weak = runVariant(profile, 'weakvalue');
      // ... and the first KeyedRef(...) call leaves two 3-tuples on the tuple free list (its own
      // argument tuple and ref.__new__'s). MEAS at N = 3000: held differs by 88 * N + 128 on
      // 3.11.7, 3.12.1 and 3.13.0.
      const triple = 16 + weak.heap.profile.tupleBasicSize + 3 * 8;
      expect(weak.metrics.memory.probes.held - dict.metrics.memory.probes.held).toBe(88 * N + 2 * triple);
      expect(weak.metrics.memory.probes.retained).toBeLessThan(dict.metrics.memory.probes.retained / 2);
    });
  }
});
