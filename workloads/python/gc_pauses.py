"""Records every collection of a long-lived heap under steady cyclic churn.

Usage: gc_pauses.py --side S --pairs N

build(S) binds to the global `tree` a list of S lists of S empty lists (S*S + S + 1 long-lived
tracked objects); run(N) then makes two instances of a plain class that point at each other and
drops them, N times (gc_pairs.py's loop); one gc.collect() follows. A gc.callbacks callback
records each collection: its generation, the objects it collected and its pause on
time.perf_counter(). The records are kept in arrays, which are not tracked, so that recording
changes the collector's counts as little as possible. Prints one JSON object on stdout: the
interpreter version, S, N, the objects tracked at the start (after a full collection),
gc.get_count() then, and the collections of build and run, then the final gc.collect().
"""
import argparse
import gc
import json
import sys
import time
from array import array


class C:
    pass


tree = None


def build(side):
    global tree
    tree = []
    for i in range(side):
        inner = []
        for j in range(side):
            inner.append([])
        tree.append(inner)


def run(n):
    for i in range(n):
        a = C(); b = C()
        a.other = b; b.other = a
        del a, b


generations = array("b")
collected = array("q")
pauses = array("d")
started = array("d", [0.0])


def record(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        pauses.append(time.perf_counter() - started[0])
        generations.append(info["generation"])
        collected.append(info["collected"])


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, required=True, help="the long-lived tree is SIDE lists of SIDE lists")
    parser.add_argument("--pairs", type=int, required=True, help="number of pairs made and dropped")
    args = parser.parse_args(argv)
    if args.side < 1 or args.pairs < 0:
        parser.error("--side must be >= 1 and --pairs >= 0")
    return args


def main(argv):
    args = parse_args(argv)
    gc.collect()
    startup_tracked = len(gc.get_objects())
    count_before = gc.get_count()
    gc.callbacks.append(record)
    build(args.side)
    run(args.pairs)
    gc.collect()
    gc.callbacks.remove(record)
    out = {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "side": args.side,
        "pairs": args.pairs,
        "startup_tracked": startup_tracked,
        "count_before": list(count_before),
        "generation": list(generations),
        "collected": list(collected),
        "pause_ms": [round(p * 1e3, 4) for p in pauses],
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
