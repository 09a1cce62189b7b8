"""Times one full collection (gc.collect()) over N tracked objects.

Usage: gc_full_collect.py [--n N] [--shape live|garbage]

live:    a chain of N instances of a plain class, each holding the previous one in `ref`, all
         reachable from a local, so the collection visits N live objects and frees nothing.
garbage: N/2 two-object cycles of the same class (a.ref = b; b.ref = a), dropped, so the
         collection finds and frees them.
The collector is cleaned with gc.collect() first and disabled while the objects are built; the
timed gc.collect() is measured with time.perf_counter_ns(). Prints one JSON object on stdout.
"""
import argparse
import gc
import json
import sys
import time


class Node:
    pass


def build_live(n):
    head = None
    for i in range(n):
        node = Node()
        node.ref = head
        head = node
    return head


def build_garbage(n):
    for i in range(n // 2):
        a = Node(); b = Node()
        a.ref = b; b.ref = a
        del a, b


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000000, help="number of objects (default 1000000)")
    parser.add_argument("--shape", choices=("live", "garbage"), default="live")
    args = parser.parse_args(argv)
    if args.n <= 0:
        parser.error("--n must be > 0")

    gc.collect()
    gc.disable()
    if args.shape == "live":
        head = build_live(args.n)
    else:
        head = None
        build_garbage(args.n)
    t0 = time.perf_counter_ns()
    collected = gc.collect()
    t1 = time.perf_counter_ns()
    gc.enable()
    del head

    collect_ns = t1 - t0
    json.dump({
        "python": "%d.%d.%d" % sys.version_info[:3],
        "shape": args.shape,
        "n": args.n,
        "collect_ns": collect_ns,
        "collected": collected,
        "ns_per_object": collect_ns / args.n,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
