"""Built-in workload gc-manual: a tree of n long-lived lists (long_lived_churn.build_tree), then
m steps that each drop a two-list cycle, under three ways of running the collector:

auto    the automatic collector at the interpreter's thresholds
manual  gc.disable(), gc.collect(gen) every k steps, gc.enable() after the loop
tuned   gc.set_threshold(t0, t1, t2) before the loop (kept: put back, the old thresholds would
        start a collection at the next allocation, after the measured body)

Probe "tree": the traced bytes once the tree is built. Report "churn_pause_max_ns": the longest
collection pause during the loop. See twin.py for options and output."""
import gc

import twin
from long_lived_churn import build_tree, churn, longest_pause_ns, on_gc, watch


def churn_by_hand(m, k, gen):
    last = k - 1
    for i in range(m):
        a = []
        b = [a]
        a.append(b)
        if i % k == last:
            gc.collect(gen)


def run_auto(p):
    tree = build_tree(p["n"])
    twin.probe("tree")
    watch(1)
    churn(p["m"], 0)
    watch(0)
    twin.report("churn_pause_max_ns", longest_pause_ns())


def run_manual(p):
    tree = build_tree(p["n"])
    twin.probe("tree")
    watch(1)
    gc.disable()
    churn_by_hand(p["m"], p["k"], p["gen"])
    gc.enable()
    watch(0)
    twin.report("churn_pause_max_ns", longest_pause_ns())


def run_tuned(p):
    tree = build_tree(p["n"])
    twin.probe("tree")
    watch(1)
    gc.set_threshold(p["t0"], p["t1"], p["t2"])
    churn(p["m"], 0)
    watch(0)
    twin.report("churn_pause_max_ns", longest_pause_ns())


if __name__ == "__main__":
    gc.callbacks.append(on_gc)
    twin.main(
        "gc-manual",
        {"auto": run_auto, "manual": run_manual, "tuned": run_tuned},
        {"n": 100000, "m": 1000000, "k": 100000, "gen": 2, "t0": 50000, "t1": 10, "t2": 10},
        probes=("tree",),
        reports=("churn_pause_max_ns",),
    )
