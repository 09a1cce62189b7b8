"""Built-in workload globals-and-del: a bytes(n) bound to a module global, to a local, or to a
local del-ed as soon as it is done with, while later work (the sum of a list of m squares) runs.
The measured region ends when the variant's call has returned (see twin.py): a local has died by
then, the global has not. See twin.py for options and output."""
import twin

# Bound at module level, so the body rebinds an existing key and never grows the module dict.
big = None


def later_work(m):
    return sum([i * i for i in range(m)])


def run_global(p):
    global big
    big = bytes(p["n"])
    first = big[0]
    later_work(p["m"])


def run_local(p):
    big = bytes(p["n"])
    first = big[0]
    later_work(p["m"])


def run_del(p):
    big = bytes(p["n"])
    first = big[0]
    del big
    later_work(p["m"])


if __name__ == "__main__":
    twin.main(
        "globals-and-del",
        {"global": run_global, "local": run_local, "del": run_del},
        {"n": 8000000, "m": 100000},
    )
