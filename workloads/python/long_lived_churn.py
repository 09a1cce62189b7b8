"""Built-in workload long-lived-churn: a tree of n long-lived lists, then m steps of churn that
each make a two-list cycle.

garbage  the tree, then churn whose cycles are all garbage
retain   the tree, then churn that keeps every 4th cycle in a list
notree   no tree, the retain churn
freeze   the tree, gc.freeze(), then the retain churn

Probe "tree": the traced bytes once the tree is built. Reports, for the churn phase only (a
gc.callbacks entry that stores into a preallocated array, so it allocates nothing that lasts):
"churn_full" the full collections, "churn_pause_max_ns" the longest collection pause. (The
simulation's pause log also gives the objects each collection examined, which CPython does not
expose: the tip "gc.freeze() long-lived data" is judged by the largest after probe "tree".)
See twin.py for options and output."""
import gc
import time
from array import array

import twin

KEEP_EVERY = 4

# [start of the current pause, watching?, longest pause while watching, full collections while watching]
_watch = array("q", [0, 0, 0, 0])


def on_gc(phase, info):
    """A gc.callbacks entry (the twin's main appends it): pauses and full collections while watching."""
    now = time.perf_counter_ns()
    if phase == "start":
        _watch[0] = now
    elif _watch[1]:
        if now - _watch[0] > _watch[2]:
            _watch[2] = now - _watch[0]
        if info["generation"] == 2:
            _watch[3] += 1


def watch(on):
    """Starts (resetting the figures) or stops watching collections."""
    if on:
        _watch[2] = 0
        _watch[3] = 0
    _watch[1] = on


def longest_pause_ns():
    return _watch[2]


def full_collections():
    return _watch[3]


def build_tree(n):
    # node k's parent is node (k - 1) >> 3: 8 children per inner node
    nodes = [[] for i in range(n)]
    for k in range(1, n):
        nodes[(k - 1) >> 3].append(nodes[k])
    return nodes[0]


def churn(m, keep_every):
    kept = []
    for i in range(m):
        a = []
        b = [a]
        a.append(b)
        if keep_every and i % keep_every == 0:
            kept.append(a)


def measured_churn(m, keep_every):
    """churn(m, keep_every) with the full collections and the longest pause it caused reported."""
    watch(1)
    churn(m, keep_every)
    watch(0)
    twin.report("churn_full", full_collections())
    twin.report("churn_pause_max_ns", longest_pause_ns())


def run_garbage(p):
    tree = build_tree(p["n"])
    twin.probe("tree")
    measured_churn(p["m"], 0)


def run_retain(p):
    tree = build_tree(p["n"])
    twin.probe("tree")
    measured_churn(p["m"], KEEP_EVERY)


def run_notree(p):
    twin.probe("tree")
    measured_churn(p["m"], KEEP_EVERY)


def run_freeze(p):
    tree = build_tree(p["n"])
    twin.probe("tree")
    gc.freeze()
    measured_churn(p["m"], KEEP_EVERY)


if __name__ == "__main__":
    gc.callbacks.append(on_gc)
    twin.main(
        "long-lived-churn",
        {"garbage": run_garbage, "retain": run_retain, "notree": run_notree, "freeze": run_freeze},
        {"n": 1000000, "m": 1000000},
        probes=("tree",),
        reports=("churn_full", "churn_pause_max_ns"),
    )
