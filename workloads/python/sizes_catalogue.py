"""Measures gclab's size catalogue on a real interpreter.

Reads a JSON array of rows {"expr", "setup", "create"} on stdin and prints a JSON array of
{"expr", "getsizeof", "requested"}: sys.getsizeof of one object, and the tracemalloc bytes
requested per fresh object while N of them are created and held, with the GC disabled.
Each row runs in its own namespace after the prelude given as argv[1] (a file path).
"""
import gc
import json
import sys
import tracemalloc

N = 2000


def measure(prelude, row):
    ns = {"N": N}
    exec(prelude, ns)
    exec(row["setup"], ns)
    create = compile(row["create"], "<create>", "eval")
    # Index objects and the result lists exist before tracing, so the loop allocates only the objects.
    # The warm-up objects stay alive: freeing them would stock the free lists, and a fresh object
    # is one that comes from the allocator.
    ns["indices"] = list(range(N))
    ns["warm"] = [None] * N
    ns["held"] = [None] * N
    warm_up = compile("for i in indices:\n    warm[i] = " + row["create"], "<warm-up>", "exec")
    loop = compile("for i in indices:\n    held[i] = " + row["create"], "<loop>", "exec")
    exec(warm_up, ns)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    exec(loop, ns)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    one = eval(create, ns)
    return {
        "expr": row["expr"],
        "getsizeof": sys.getsizeof(one),
        "requested": round((after - before) / N),
    }


def main():
    with open(sys.argv[1]) as f:
        prelude = f.read()
    rows = json.load(sys.stdin)
    gc.disable()
    out = [measure(prelude, row) for row in rows]
    json.dump({"version": "%d.%d.%d" % sys.version_info[:3], "rows": out}, sys.stdout)


if __name__ == "__main__":
    main()
