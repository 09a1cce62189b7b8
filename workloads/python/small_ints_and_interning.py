"""Built-in workload small-ints-and-interning: n values drawn from 256 distinct ones, kept in a
list: cached small ints or new ints, strings formatted afresh or passed through sys.intern. The
probe "held" is the traced bytes while the list holds them. See twin.py for options and output."""
import sys

import twin

# The interned vocabulary, made at module level (before the measured region) so the body's
# sys.intern calls find every string already interned and never grow the interned table.
KEYS = [sys.intern("key%d" % k) for k in range(256)]


def run_small_int(p):
    items = [i % 256 for i in range(p["n"])]
    twin.probe("held")
    del items


def run_large_int(p):
    items = [i % 256 + 1000 for i in range(p["n"])]
    twin.probe("held")
    del items


def run_interned_str(p):
    items = [sys.intern("key%d" % (i % 256)) for i in range(p["n"])]
    twin.probe("held")
    del items


def run_fresh_str(p):
    items = ["key%d" % (i % 256) for i in range(p["n"])]
    twin.probe("held")
    del items


if __name__ == "__main__":
    twin.main(
        "small-ints-and-interning",
        {
            "small_int": run_small_int,
            "large_int": run_large_int,
            "interned_str": run_interned_str,
            "fresh_str": run_fresh_str,
        },
        {"n": 100000},
        probes=("held",),
    )
