"""Built-in workload freeze-before-fork: a pre-fork server in miniature. The parent loads n
long-lived records into a global (each load step also drops a one-list cycle, as loaders do), forks,
and the child does m steps of work that each drop a two-list cycle (long_lived_churn.churn), then
one gc.collect(), standing for the full collection a long-running worker meets sooner or later.

nofreeze        load, fork, work
freeze          load, gc.freeze(), fork, work
collect-freeze  load, gc.collect(), gc.freeze(), fork, work
disable-freeze  gc.disable() before loading, gc.freeze() before fork, gc.enable() first thing in
                the child (the recipe of the gc module's documentation)

The fork is real: the parent waits for the child and exits with its status without printing; the
child carries on with the run, so every figure twin.py prints (collections, tracemalloc, probes)
is the child's, the parent's history before the fork included, as the simulation sees one timeline.
Report "pages_dirtied": the growth of the child's Private_Dirty (/proc/self/smaps_rollup) over
its work, in 4 KiB pages. It counts every page the child process wrote, also those the simulation
does not model: the interpreter's own state, stacks, malloc's bookkeeping, inline caches, and
tracemalloc's tables when tracing (run with --no-tracemalloc for the cleanest figure). Compare the
direction and rough size with the simulation's, not the value.
Probe "loaded": the traced bytes once the records are loaded. See twin.py for options and output."""
import gc
import os

import twin
from long_lived_churn import churn


def load(n):
    data = []
    for i in range(n):
        record = [i]
        scratch = [record]
        scratch.append(scratch)
        data.append(record)
    return data


def private_dirty_kib():
    # os.read, not open(): no file object, one 4 KiB bytes buffer
    fd = os.open("/proc/self/smaps_rollup", os.O_RDONLY)
    text = os.read(fd, 4096)
    os.close(fd)
    at = text.index(b"Private_Dirty:") + 14
    return int(text[at:text.index(b"kB", at)])


def fork_and_work(m, enable):
    pid = os.fork()
    if pid:
        # The parent: wait for the child, which finishes the run and prints its figures.
        status = os.waitpid(pid, 0)[1]
        os._exit(os.waitstatus_to_exitcode(status))
    before = private_dirty_kib()
    if enable:
        gc.enable()
    churn(m, 0)
    gc.collect()
    twin.report("pages_dirtied", (private_dirty_kib() - before) // 4)


def run(p, collect, freeze, disable):
    global data
    if disable:
        gc.disable()
    data = load(p["n"])
    twin.probe("loaded")
    if collect:
        gc.collect()
    if freeze:
        gc.freeze()
    fork_and_work(p["m"], disable)


if __name__ == "__main__":
    twin.main(
        "freeze-before-fork",
        {
            "nofreeze": lambda p: run(p, False, False, False),
            "freeze": lambda p: run(p, False, True, False),
            "collect-freeze": lambda p: run(p, True, True, False),
            "disable-freeze": lambda p: run(p, False, True, True),
        },
        {"n": 200000, "m": 100000},
        probes=("loaded",),
        reports=("pages_dirtied",),
    )
