"""Measures the real cycle collector on two-object cycles dropped one pair at a time.

Usage: gc_pairs.py --n N [--threshold A,B,C | --disabled]

Each iteration makes two instances of a plain class that point at each other and drops them, so
every pair is garbage that only the cycle collector can free. Prints one JSON object on stdout:
the interpreter version, n, the thresholds in effect (gc.get_threshold(), also when the defaults
are kept or the collector is disabled), whether it was disabled, the number of objects the
collector tracks at the start (after a full collection), gc.get_count() before and after, and per
generation the change in collections, collected and uncollectable over the run. With --disabled
the collector is off during the loop and one gc.collect() follows it; that collection is included
in the changes.
"""
import argparse
import gc
import json
import sys
import time  # imported before measuring, like every module the script uses


class C:
    pass


def run(n):
    for i in range(n):
        a = C(); b = C()
        a.other = b; b.other = a
        del a, b


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of pairs")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--threshold", help="A,B,C passed to gc.set_threshold")
    group.add_argument("--disabled", action="store_true", help="gc.disable() during the loop, one gc.collect() after it")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    if args.threshold is not None:
        try:
            args.threshold = [int(x) for x in args.threshold.split(",")]
        except ValueError:
            parser.error("--threshold takes three integers A,B,C")
        if len(args.threshold) != 3 or min(args.threshold) < 0:
            parser.error("--threshold takes three non-negative integers A,B,C")
    return args


def stat_delta(before, after):
    keys = ("collections", "collected", "uncollectable")
    return [{k: a[k] - b[k] for k in keys} for b, a in zip(before, after)]


def main(argv):
    args = parse_args(argv)
    if args.threshold is not None:
        gc.set_threshold(*args.threshold)
    if args.disabled:
        gc.disable()
    gc.collect()
    startup_tracked = len(gc.get_objects())
    stats_before = gc.get_stats()
    count_before = gc.get_count()

    run(args.n)
    if args.disabled:
        gc.collect()

    count_after = gc.get_count()
    stats_after = gc.get_stats()
    out = {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "n": args.n,
        "threshold": list(gc.get_threshold()),
        "disabled": args.disabled,
        "startup_tracked": startup_tracked,
        "count_before": list(count_before),
        "count_after": list(count_after),
        "stats": stat_delta(stats_before, stats_after),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
