// The behaviours of workloads/python/gc_conformance.py, played on the simulated heap statement by
// statement. Each returns the same JSON the Python scenario prints, so tests can compare the two.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Heap } from '../../src/heap/heap.js';
import { DEBUG_SAVEALL } from '../../src/heap/gc/collector.js';
import { PROFILE_NAMES, type ProfileName } from '../../src/heap/profiles.js';
import type { Ref } from '../../src/heap/layout.js';
import { discoverInterpreters } from '../../src/calibrate/interpreters.js';
import { projectRoot } from '../../src/sizes/real.js';
import type { ClassInfo } from '../../src/heap/types.js';
import { linkedPair } from '../../src/calibrate/gc-pairs.js';

export type Outcome = Record<string, unknown>;

/**
 * A heap that starts like a script: a start-up population, settled as after `gc.collect()`.
 * 2,000 objects rather than the measured ~8,000–12,000 keeps tests fast; no outcome compared
 * here depends on its size.
 */
export function programHeap(profile: ProfileName): Heap {
  return new Heap({ profile, heapBytes: 64 << 20, startupObjects: 2000 });
}

/** Runs `body` with `n` fresh locals in a frame, then pops it. */
function inFrame(heap: Heap, n: number, body: (set: (i: number, v: Ref) => void, get: (i: number) => Ref, del: (i: number) => void) => void): void {
  const f = heap.roots.pushFrame(n);
  body(
    (i, v) => {
      heap.roots.setLocalSteal(f, i, v);
      heap.evalBreaker();
    },
    (i) => f.locals[i],
    (i) => {
      heap.roots.setLocalSteal(f, i, 0);
      heap.evalBreaker();
    },
  );
  heap.roots.popFrame();
}

/** `a.x = b` then `b.x = a` on two new instances: returns both (new references). */
const pair = (heap: Heap, cls: ClassInfo): [Ref, Ref] => linkedPair(heap, cls, 'x');

/** `a = cls(); b = cls(); a.x = b; b.x = a; del a; del b` in a frame: one cycle of garbage. */
function dropPair(heap: Heap, cls: ClassInfo): void {
  inFrame(heap, 2, (set, _get, del) => {
    const [a, b] = pair(heap, cls);
    set(0, a);
    set(1, b);
    del(0);
    del(1);
  });
}

export const SCENARIOS: Record<string, (heap: Heap) => Outcome> = {
  cycles(heap) {
    const gc = heap.gc;
    const C = heap.defineClass({ name: 'C' });
    gc.collect();
    gc.disable();
    inFrame(heap, 4, (set, _get, del) => {
      const [a, b] = pair(heap, C);
      set(0, a);
      set(1, b);
      const lst = heap.list.newList(0);
      heap.list.append(lst, lst);
      set(2, lst);
      const d = heap.dict.newDict();
      const k = heap.intern('self');
      heap.dict.setItem(d, k, d);
      heap.decref(k);
      set(3, d);
      for (let i = 0; i < 4; i++) del(i);
    });
    const first = gc.collect();
    const second = gc.collect();
    gc.enable();
    return { collected: first, again: second };
  },

  pep442(heap) {
    const gc = heap.gc;
    let calls = 0;
    heap.hooks.finalize = () => void calls++;
    const D = heap.defineClass({ name: 'D', finalizer: 'del' });
    gc.collect();
    gc.disable();
    dropPair(heap, D);
    const first = gc.collect();
    const afterFirst = calls;
    const second = gc.collect();
    gc.enable();
    return { collected: first, finalized: afterFirst, again: second, finalizedTotal: calls, garbage: gc.garbageLength() };
  },

  resurrect(heap) {
    const gc = heap.gc;
    const saved = heap.list.newList(0);
    heap.roots.setGlobal('saved', saved);
    heap.decref(saved);
    let calls = 0;
    heap.hooks.finalize = (h, self) => {
      calls++;
      h.list.append(saved, self);
    };
    const R = heap.defineClass({ name: 'R', finalizer: 'del' });
    gc.collect();
    gc.disable();
    inFrame(heap, 1, (set, get, del) => {
      set(0, heap.newInstance(R));
      heap.setAttr(get(0), 'me', get(0));
      del(0);
    });
    const first = gc.collect();
    const alive = heap.list.length(saved);
    while (heap.list.length(saved) > 0) heap.decref(heap.list.pop(saved));
    const second = gc.collect();
    gc.enable();
    return { collected: first, alive, finalized: calls, again: second };
  },

  weakrefs(heap) {
    const gc = heap.gc;
    let calls = 0;
    heap.hooks.weakrefCallback = () => void calls++;
    const C = heap.defineClass({ name: 'C' });
    const cb = heap.func();
    gc.collect();
    gc.disable();
    let keptIsDead = false;
    inFrame(heap, 3, (set, get, del) => {
      set(0, heap.newInstance(C));
      heap.setAttr(get(0), 'me', get(0));
      set(2, heap.weakref(get(0), cb));
      set(1, heap.newInstance(C));
      heap.setAttr(get(1), 'me', get(1));
      const wr = heap.weakref(get(1), cb);
      heap.setAttr(get(1), 'wr', wr);
      heap.decref(wr);
      del(0);
      del(1);
      const collected = gc.collect();
      keptIsDead = heap.weakrefGet(get(2)) === heap.None;
      set(0, heap.int(collected));
    });
    gc.enable();
    heap.decref(cb);
    return { collected: gc.getStats()[2].collected, callbacks: calls, keptIsDead };
  },

  saveall(heap) {
    const gc = heap.gc;
    const C = heap.defineClass({ name: 'C' });
    gc.collect();
    gc.disable();
    gc.debug = DEBUG_SAVEALL;
    dropPair(heap, C);
    const first = gc.collect();
    const saved = gc.garbageLength();
    gc.debug = 0;
    while (heap.list.length(gc.garbageList()) > 0) heap.decref(heap.list.pop(gc.garbageList()));
    const second = gc.collect();
    gc.enable();
    return { collected: first, saved, afterClear: second };
  },

  freeze(heap) {
    const gc = heap.gc;
    const C = heap.defineClass({ name: 'C' });
    gc.collect();
    gc.disable();
    dropPair(heap, C);
    gc.freeze();
    const count = gc.getCount();
    const frozen = gc.getFreezeCount() > 0;
    const whileFrozen = gc.collect();
    gc.unfreeze();
    const after = gc.collect();
    gc.enable();
    return { countAfterFreeze: count, frozen, whileFrozen, afterUnfreeze: after };
  },

  sequence(heap) {
    const gc = heap.gc;
    const seen: number[] = [];
    gc.collect();
    const keep = heap.list.newList(0);
    heap.roots.setGlobal('keep', keep);
    heap.decref(keep);
    gc.callbacks.push((phase, info) => {
      if (phase === 'start' && seen.length < 24) seen.push(info.generation);
    });
    while (seen.length < 24) {
      const l = heap.list.newList(0);
      heap.list.append(keep, l);
      heap.decref(l);
      heap.evalBreaker();
    }
    gc.callbacks.length = 0;
    return { generations: seen };
  },

  threshold0(heap) {
    const gc = heap.gc;
    gc.collect();
    const old = gc.getThreshold();
    const total = (): number => gc.getStats().reduce((n, s) => n + s.collections, 0);
    const before = total();
    gc.setThreshold(0);
    const keep = heap.list.newList(0);
    for (let i = 0; i < 20000; i++) {
      const l = heap.list.newList(0);
      heap.list.append(keep, l);
      heap.decref(l);
    }
    heap.evalBreaker();
    const after = total();
    gc.setThreshold(...old);
    heap.decref(keep);
    return { collections: after - before };
  },

  tracking(heap) {
    const gc = heap.gc;
    gc.collect();
    const out: Outcome = {};
    const one = heap.int(1);
    const two = heap.int(2);
    const t = heap.tupleOf(one, two);
    out.tupleCreated = gc.isTracked(t);
    gc.collect(0);
    out.tupleAfterCollect0 = gc.isTracked(t);
    const emptyList = heap.list.newList(0);
    const tList = heap.tupleOf(one, emptyList);
    gc.collect(0);
    out.tupleWithListAfterCollect0 = gc.isTracked(tList);
    const empty = heap.dict.newDict();
    const ints = heap.dict.newDict();
    const a = heap.intern('a');
    heap.dict.setItem(ints, a, one);
    const holder = heap.dict.newDict();
    heap.dict.setItem(holder, a, emptyList);
    out.emptyDict = gc.isTracked(empty);
    out.intDict = gc.isTracked(ints);
    out.listDictCreated = gc.isTracked(holder);
    heap.dict.setItem(holder, a, one);
    gc.collect(1);
    out.listDictAfterCollect1 = gc.isTracked(holder);
    gc.collect(2);
    out.listDictAfterCollect2 = gc.isTracked(holder);
    // Order within one collection: a tuple of untracked tuples goes too, and a dict tracked before
    // the tuple it holds is tested after the tuple was untracked (tuples first, then dicts).
    const inner = heap.tupleOf(one, two);
    const outer = heap.tupleOf(inner);
    heap.decref(inner);
    const earlier = heap.dict.newDict();
    const list = heap.list.newList(0);
    heap.dict.setItem(earlier, a, list);
    heap.decref(list);
    const later = heap.tupleOf(one, two);
    heap.dict.setItem(earlier, a, later);
    heap.decref(later);
    gc.collect(2);
    out.nestedTupleAfterCollect = gc.isTracked(outer);
    out.dictBeforeItsTupleAfterCollect2 = gc.isTracked(earlier);
    for (const r of [t, tList, emptyList, empty, ints, holder, a, outer, earlier]) heap.decref(r);
    return out;
  },

  callbacks(heap) {
    const gc = heap.gc;
    const calls: string[] = [];
    const cb = (phase: string): void => {
      calls.push(phase);
    };
    gc.collect();
    gc.callbacks.push(cb);
    gc.collect();
    const afterFull = gc.getCount()[0];
    gc.collect(0);
    const afterYoung = gc.getCount()[0];
    gc.callbacks.splice(gc.callbacks.indexOf(cb), 1);
    gc.collect();
    const without = gc.getCount()[0];
    return { phases: calls, count0AfterFullWithCallback: afterFull, count0AfterYoungWithCallback: afterYoung, count0AfterFullWithout: without };
  },
};

/** Plays a scenario on a fresh simulated heap and checks the heap is left without leaks. */
export function simScenario(profile: ProfileName, name: string): Outcome {
  const heap = programHeap(profile);
  const outcome = SCENARIOS[name](heap);
  heap.hooks = {};
  heap.teardown();
  return outcome;
}

/** The real interpreters on this machine that map to a generational profile we can compare with. */
export interface RealInterpreter {
  python: string;
  version: string;
  profile: ProfileName;
}

export function realInterpreters(): RealInterpreter[] {
  return discoverInterpreters()
    .filter((i) => ['3.11', '3.12', '3.13'].includes(i.profile ?? ''))
    .map((i) => ({ python: i.path, version: i.version, profile: i.profile as ProfileName }));
}

export function realScenario(python: string, name: string): Outcome {
  const script = `${projectRoot()}/workloads/python/gc_conformance.py`;
  return JSON.parse(execFileSync(python, [script, name], { encoding: 'utf8' })) as Outcome;
}

/**
 * The suite of one conformance test file: the scenario on every profile against the outcome it
 * should have there, then on every real CPython 3.11–3.13 found against its simulated profile (a
 * printed reason instead when there is none).
 */
export function describeScenario(title: string, scenario: string, expected: (profile: ProfileName) => Outcome): void {
  describe(title, () => {
    for (const profile of PROFILE_NAMES) {
      it(`simulated ${profile}`, () => {
        expect(simScenario(profile, scenario)).toEqual(expected(profile));
      });
    }
    const reals = realInterpreters();
    if (reals.length === 0) console.log(`${scenario}: no CPython 3.11–3.13 interpreter found; the comparison with a real one is skipped`);
    for (const real of reals) {
      it(`matches real CPython ${real.version} (${real.python})`, () => {
        expect(realScenario(real.python, scenario)).toEqual(simScenario(real.profile, scenario));
      });
    }
  });
}
