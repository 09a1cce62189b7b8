"""Built-in workload cycles-with-finalizers: n rings of k objects, each dropped as soon as it
is closed, then gc.collect().

plain      class Plain: no finalizer (the baseline)
del        class WithDel: __del__ (PEP 442): finalized once by the collector, then collected
legacy     a class with a C-level tp_del (a "legacy" finalizer, as C extensions may still have):
           cycles through it are uncollectable and land in gc.garbage. Pure Python cannot define
           tp_del; CPython's own test_gc uses _testcapi.with_tp_del, and so does this twin.
resurrect  class Resurrecting: __del__ stores self in a module-level list, so the collection
           finalizes the ring but cannot free it; the list is then cleared and a second
           gc.collect() frees the rings without finalizing them again

Reports: "finalized" (__del__ calls), "garbage" (len(gc.garbage)), "survivors" (resurrected
objects after the first gc.collect()).

See twin.py for options and output."""
import gc
import sys
from array import array

import twin

try:
    from _testcapi import with_tp_del
except ImportError:  # a build without the test modules
    with_tp_del = None

# A counter that keeps no int object alive (only the two temporaries of `+= 1`).
_finalized = array("q", [0])
survivors = []


class Plain:
    pass


class WithDel:
    def __del__(self):
        _finalized[0] += 1


class Resurrecting:
    def __del__(self):
        _finalized[0] += 1
        survivors.append(self)


if with_tp_del is not None:

    @with_tp_del
    class Legacy:
        def __tp_del__(self):
            _finalized[0] += 1


def make_rings(cls, n, k):
    for r in range(n):
        first = cls()
        last = first
        for j in range(k - 1):
            node = cls()
            last.next = node
            last = node
        last.next = first
        del first, last, node


def run(cls, p):
    make_rings(cls, p["n"], p["k"])
    gc.collect()
    twin.report("finalized", _finalized[0])
    twin.report("garbage", len(gc.garbage))


def run_plain(p):
    run(Plain, p)


def run_del(p):
    run(WithDel, p)


def run_legacy(p):
    if with_tp_del is None:
        sys.exit("cycles-with-finalizers: the legacy variant needs _testcapi.with_tp_del, which this interpreter lacks")
    run(Legacy, p)


def run_resurrect(p):
    make_rings(Resurrecting, p["n"], p["k"])
    gc.collect()
    twin.report("survivors", len(survivors))
    survivors.clear()
    gc.collect()
    twin.report("finalized", _finalized[0])
    twin.report("garbage", len(gc.garbage))


if __name__ == "__main__":
    twin.main(
        "cycles-with-finalizers",
        {"plain": run_plain, "del": run_del, "legacy": run_legacy, "resurrect": run_resurrect},
        {"n": 50000, "k": 2},
        reports=("finalized", "garbage", "survivors"),
    )
