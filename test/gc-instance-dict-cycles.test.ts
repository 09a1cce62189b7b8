// Cycles through a materialised instance __dict__ are collected (fact sheet §2.4, §2.5, §4.4).
// 3.11/3.12: the instance's traverse visits its dict, and the dict (split, viewing the values)
// visits the values; a store through the instance goes through that dict, so it is tracked again
// when it receives a GC object. 3.13+: while the dict views the inline values, the instance visits
// the values itself and the dict visits nothing, so its tracking does not matter.
//
// The shapes are the ones the gc fuzzer (`--instance-dicts`) failed on: a __dict__ untracked by a
// full collection, then a cycle stored through the instance or the dict (left alive), and a dict
// found unreachable after its instance died earlier in the same collection, run inside a
// deallocation (deallocated twice). Expected counts are what the script below prints on CPython
// 3.11.7, 3.12.1 and 3.13.0; 3.14 follows the 3.13 traverse (and tracks every dict).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { type Ref, Stat } from '../src/heap/layout.js';
import { PROFILE_NAMES, type ProfileName } from '../src/heap/profiles.js';
import type { ClassInfo } from '../src/heap/types.js';
import { checkAllocator } from '../bench/support/gc-fuzz.js';
import { realInterpreters } from './support/gc-scenarios.js';

type Outcome = Record<string, number | boolean[] | string>;

const PYTHON = `
import gc, json
class C: pass
inner = []
class F:
    def __del__(self):
        inner.append(gc.collect())
def self_cycle_after_untrack():
    a = C(); a.y = None; a.__dict__; gc.collect()
    a.x = a; del a
    return gc.collect()
def item_through_untracked_dict():
    a = C(); a.y = None; d = a.__dict__; gc.collect()
    d['x'] = a; del d, a
    return gc.collect()
def pair_with_empty_dicts():
    c = C(); e = C(); c.__dict__; e.__dict__
    c.other = e; e.other = c; del c, e
    return gc.collect()
def tracked_dict_and_list():
    a = C(); a.x = []; a.__dict__; a.y = a; del a
    return gc.collect()
def dict_in_list_inside_finalizer():
    l = []; a = C(); a.x = l; l.append(a); l.append(a.__dict__); del l, a
    f = F(); del f
    return inner.pop()
def dict_outlives_instance():
    a = C(); d = a.__dict__; d['me'] = d; del d, a
    return gc.collect()
def tracking():
    a = C(); a.y = None; b = C(); b.x = []
    empty, with_list = gc.is_tracked(a.__dict__), gc.is_tracked(b.__dict__)
    a.x = []
    return [empty, with_list, gc.is_tracked(a.__dict__)]
gc.collect(); gc.disable()
print(json.dumps({f.__name__: f() for f in [self_cycle_after_untrack, item_through_untracked_dict,
    pair_with_empty_dicts, tracked_dict_and_list, dict_in_list_inside_finalizer,
    dict_outlives_instance, tracking]}))
`;

/** The same shapes on the simulated heap; each returns what the Python function returns. */
const SHAPES: Record<string, (heap: Heap, C: ClassInfo, F: ClassInfo) => number | boolean[]> = {
  self_cycle_after_untrack(heap, C) {
    const a = heap.newInstance(C);
    heap.setAttr(a, 'y', heap.None);
    heap.decref(heap.instanceDict(a));
    heap.gc.collect();
    heap.setAttr(a, 'x', a);
    heap.decref(a);
    return heap.gc.collect();
  },
  item_through_untracked_dict(heap, C) {
    const a = heap.newInstance(C);
    heap.setAttr(a, 'y', heap.None);
    const d = heap.instanceDict(a);
    heap.gc.collect();
    const x = heap.intern('x');
    heap.dict.setItem(d, x, a);
    heap.decref(x);
    heap.decref(d);
    heap.decref(a);
    return heap.gc.collect();
  },
  pair_with_empty_dicts(heap, C) {
    const c = heap.newInstance(C);
    const e = heap.newInstance(C);
    heap.decref(heap.instanceDict(c));
    heap.decref(heap.instanceDict(e));
    heap.setAttr(c, 'other', e);
    heap.setAttr(e, 'other', c);
    heap.decref(c);
    heap.decref(e);
    return heap.gc.collect();
  },
  tracked_dict_and_list(heap, C) {
    const a = heap.newInstance(C);
    const l = heap.list.newList(0);
    heap.setAttr(a, 'x', l);
    heap.decref(l);
    heap.decref(heap.instanceDict(a));
    heap.setAttr(a, 'y', a);
    heap.decref(a);
    return heap.gc.collect();
  },
  dict_in_list_inside_finalizer(heap, C, F) {
    // The list is tracked first, so the collection clears it first: the instance dies (its
    // deallocation waits on the work list, since a deallocation is under way) while its dict is
    // still to be cleared.
    const l = heap.list.newList(0);
    const a = heap.newInstance(C);
    heap.setAttr(a, 'x', l);
    heap.list.append(l, a);
    const d = heap.instanceDict(a);
    heap.list.append(l, d);
    heap.decref(d);
    heap.decref(l);
    heap.decref(a);
    let inner = -1;
    heap.hooks.finalize = (h) => {
      inner = h.gc.collect();
    };
    heap.decref(heap.newInstance(F));
    heap.hooks = {};
    return inner;
  },
  dict_outlives_instance(heap, C) {
    const a = heap.newInstance(C);
    const d = heap.instanceDict(a);
    const me = heap.intern('me');
    heap.dict.setItem(d, me, d);
    heap.decref(me);
    heap.decref(d);
    heap.decref(a);
    return heap.gc.collect();
  },
  tracking(heap, C) {
    const a = heap.newInstance(C);
    heap.setAttr(a, 'y', heap.None);
    const b = heap.newInstance(C);
    const l = heap.list.newList(0);
    heap.setAttr(b, 'x', l);
    heap.decref(l);
    const da = heap.instanceDict(a);
    const db = heap.instanceDict(b);
    const out = [heap.isTracked(da), heap.isTracked(db)];
    const l2 = heap.list.newList(0);
    heap.setAttr(a, 'x', l2);
    heap.decref(l2);
    out.push(heap.isTracked(da));
    for (const r of [da, db, a, b]) heap.decref(r);
    heap.gc.collect();
    return out;
  },
};

const SHAPE_NAMES = Object.keys(SHAPES);

/** Objects alive by the heap's books (free lists emptied first, as the fuzzer counts them). */
function books(heap: Heap): { objects: number; blocks: number; bytes: number } {
  heap.clearFreeLists();
  const c = heap.counters;
  return { objects: c[Stat.ObjectsAllocated] - c[Stat.ObjectsFreed] - c[Stat.FreeListReuses], blocks: c[Stat.BlocksInUse], bytes: c[Stat.RequestedCurrent] };
}

interface Run {
  outcome: Outcome;
  /** Per shape: what is still allocated after it compared with before it (all zero when collected). */
  left: Record<string, { objects: number; blocks: number; bytes: number }>;
  allocator: Record<string, string | null>;
  /** Per shape: null when the heap tore down with no block left, else the leak it reports. */
  teardown: Record<string, string | null>;
}

function simulate(profile: ProfileName): Run {
  const run: Run = { outcome: {}, left: {}, allocator: {}, teardown: {} };
  for (const name of SHAPE_NAMES) {
    const heap = new Heap({ profile, heapBytes: 64 << 20 });
    heap.roots.init();
    const C = heap.defineClass({ name: 'C' });
    const F = heap.defineClass({ name: 'F', finalizer: 'del' });
    // The attribute and key names exist before the shape runs, as in the Python script.
    const names: Ref[] = ['x', 'y', 'other', 'me'].map((n) => heap.intern(n));
    heap.gc.collect();
    heap.gc.disable();
    const before = books(heap);
    try {
      run.outcome[name] = SHAPES[name](heap, C, F);
    } catch (err) {
      // A heap invariant broken by the shape (a double deallocation, say) names the shape.
      run.outcome[name] = `threw ${err instanceof Error ? err.message : String(err)}`;
      continue;
    }
    const after = books(heap);
    run.left[name] = { objects: after.objects - before.objects, blocks: after.blocks - before.blocks, bytes: after.bytes - before.bytes };
    run.allocator[name] = checkAllocator(heap, []);
    for (const r of names) heap.decref(r);
    try {
      heap.teardown();
      run.teardown[name] = null;
    } catch (err) {
      run.teardown[name] = err instanceof Error ? err.message : String(err);
    }
  }
  return run;
}

const SPLIT: Outcome = {
  self_cycle_after_untrack: 2,
  item_through_untracked_dict: 2,
  pair_with_empty_dicts: 4,
  tracked_dict_and_list: 3,
  dict_in_list_inside_finalizer: 3,
  dict_outlives_instance: 1,
  tracking: [false, true, true],
};
/** 3.13: the dict viewing inline values is no traverse path, so it is never counted as garbage. */
const INLINE: Outcome = {
  self_cycle_after_untrack: 1,
  item_through_untracked_dict: 1,
  pair_with_empty_dicts: 2,
  tracked_dict_and_list: 2,
  dict_in_list_inside_finalizer: 2,
  dict_outlives_instance: 1,
  tracking: [false, true, false],
};
/** 3.14 tracks every dict at creation. */
const INLINE_ALWAYS_TRACKED: Outcome = { ...INLINE, tracking: [true, true, true] };

const EXPECTED: Record<ProfileName, Outcome> = {
  '3.11': SPLIT,
  '3.12': SPLIT,
  '3.13': INLINE,
  '3.14.0': INLINE_ALWAYS_TRACKED,
  '3.14.1': INLINE_ALWAYS_TRACKED,
  '3.14.5': INLINE_ALWAYS_TRACKED,
};

const NOTHING_LEFT = Object.fromEntries(SHAPE_NAMES.map((n) => [n, { objects: 0, blocks: 0, bytes: 0 }]));
/** Every shape: no allocator problem, no block left at teardown. */
const ALLOCATOR_OK = Object.fromEntries(SHAPE_NAMES.map((n) => [n, null]));

describe('gc: cycles through a materialised instance __dict__', () => {
  for (const profile of PROFILE_NAMES) {
    it(`simulated ${profile}: collected, nothing left, allocator consistent`, () => {
      const run = simulate(profile);
      expect(run.outcome).toEqual(EXPECTED[profile]);
      expect(run.left).toEqual(NOTHING_LEFT);
      expect(run.allocator).toEqual(ALLOCATOR_OK);
      expect(run.teardown).toEqual(ALLOCATOR_OK);
    });
  }
  const reals = realInterpreters();
  if (reals.length === 0) console.log('gc-instance-dict-cycles: no CPython 3.11–3.13 found; the real comparison is skipped');
  for (const real of reals) {
    it(`matches real CPython ${real.version} (${real.python})`, () => {
      const outcome = JSON.parse(execFileSync(real.python, ['-c', PYTHON], { encoding: 'utf8' })) as Outcome;
      expect(outcome).toEqual(simulate(real.profile).outcome);
    });
  }
});
