"""Runs one cycle-collector behaviour on a real interpreter and prints its outcome as JSON.

Usage: gc_conformance.py SCENARIO

The same scenarios are played on the simulated heap by test/support/gc-scenarios.ts; a test
compares the two outcomes key by key. Every scenario starts from a full collection.
"""
import gc
import json
import sys
import weakref


class C:
    pass


def cycles():
    gc.collect()
    gc.disable()
    a = C(); b = C(); a.x = b; b.x = a
    lst = []; lst.append(lst)
    d = {}; d["self"] = d
    del a, b, lst, d
    first = gc.collect()
    second = gc.collect()
    gc.enable()
    return {"collected": first, "again": second}


def pep442():
    calls = []

    class D:
        def __del__(self):
            calls.append(1)

    gc.collect()
    gc.disable()
    a = D(); b = D(); a.x = b; b.x = a
    del a, b
    first = gc.collect()
    after_first = len(calls)
    second = gc.collect()
    gc.enable()
    return {"collected": first, "finalized": after_first, "again": second,
            "finalizedTotal": len(calls), "garbage": len(gc.garbage)}


def resurrect():
    saved = []
    calls = []

    class R:
        def __del__(self):
            calls.append(1)
            saved.append(self)

    gc.collect()
    gc.disable()
    r = R(); r.me = r
    del r
    first = gc.collect()
    alive = len(saved)
    saved.clear()
    second = gc.collect()
    gc.enable()
    return {"collected": first, "alive": alive, "finalized": len(calls), "again": second}


def weakrefs():
    calls = []

    def cb(wr):
        calls.append(1)

    gc.collect()
    gc.disable()
    x = C(); x.me = x
    wr_kept = weakref.ref(x, cb)
    y = C(); y.me = y
    y.wr = weakref.ref(y, cb)  # reachable only from the garbage itself
    del x, y
    collected = gc.collect()
    gc.enable()
    return {"collected": collected, "callbacks": len(calls), "keptIsDead": wr_kept() is None}


def saveall():
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    a = C(); b = C(); a.x = b; b.x = a
    del a, b
    first = gc.collect()
    saved = len(gc.garbage)
    gc.set_debug(0)
    gc.garbage.clear()
    second = gc.collect()
    gc.enable()
    return {"collected": first, "saved": saved, "afterClear": second}


def freeze():
    gc.collect()
    gc.disable()
    a = C(); b = C(); a.x = b; b.x = a
    del a, b
    gc.freeze()
    count = gc.get_count()
    frozen = gc.get_freeze_count() > 0
    while_frozen = gc.collect()
    gc.unfreeze()
    after = gc.collect()
    gc.enable()
    return {"countAfterFreeze": list(count), "frozen": frozen, "whileFrozen": while_frozen,
            "afterUnfreeze": after}


def sequence():
    seen = []

    def cb(phase, info):
        if phase == "start" and len(seen) < 24:
            seen.append(info["generation"])

    gc.collect()
    keep = []
    gc.callbacks.append(cb)
    try:
        i = 0
        while len(seen) < 24:
            keep.append([])
            i += 1
    finally:
        gc.callbacks.remove(cb)
    return {"generations": seen}


def threshold0():
    gc.collect()
    old = gc.get_threshold()
    before = sum(s["collections"] for s in gc.get_stats())
    gc.set_threshold(0)
    keep = [[] for _ in range(20000)]
    after = sum(s["collections"] for s in gc.get_stats())
    gc.set_threshold(*old)
    del keep
    return {"collections": after - before}


def tracking():
    gc.collect()
    t = tuple([1, 2])
    t_created = gc.is_tracked(t)
    gc.collect(0)
    t_after = gc.is_tracked(t)
    t_list = (1, [])
    t_list_after = (gc.collect(0), gc.is_tracked(t_list))[1]
    empty = {}
    ints = {"a": 1}
    holder = {"a": []}
    holder_created = gc.is_tracked(holder)
    holder["a"] = 1
    gc.collect(1)
    holder_after_1 = gc.is_tracked(holder)
    gc.collect(2)
    holder_after_2 = gc.is_tracked(holder)
    # Order within one collection: a tuple of untracked tuples goes too, and a dict tracked before
    # the tuple it holds is tested after the tuple was untracked (tuples first, then dicts).
    outer = tuple([tuple([1, 2])])
    earlier = {"a": []}
    earlier["a"] = tuple([1, 2])
    gc.collect(2)
    return {"tupleCreated": t_created, "tupleAfterCollect0": t_after, "tupleWithListAfterCollect0": t_list_after,
            "emptyDict": gc.is_tracked(empty), "intDict": gc.is_tracked(ints), "listDictCreated": holder_created,
            "listDictAfterCollect1": holder_after_1, "listDictAfterCollect2": holder_after_2,
            "nestedTupleAfterCollect": gc.is_tracked(outer), "dictBeforeItsTupleAfterCollect2": gc.is_tracked(earlier)}


def callbacks():
    # The info dict CPython builds for the callbacks comes from the dict free list and goes back to
    # it; a full collection empties that list, so the "stop" dict is a new object count0 keeps.
    calls = []

    def cb(phase, info):
        calls.append(phase)

    gc.collect()
    gc.callbacks.append(cb)
    gc.collect()
    after_full = gc.get_count()[0]
    gc.collect(0)
    after_young = gc.get_count()[0]
    gc.callbacks.remove(cb)
    gc.collect()
    without = gc.get_count()[0]
    return {"phases": calls, "count0AfterFullWithCallback": after_full, "count0AfterYoungWithCallback": after_young,
            "count0AfterFullWithout": without}


SCENARIOS = {f.__name__: f for f in (cycles, pep442, resurrect, weakrefs, saveall, freeze, sequence, threshold0, tracking, callbacks)}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print("usage: gc_conformance.py {" + "|".join(SCENARIOS) + "}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(SCENARIOS[sys.argv[1]]()))
