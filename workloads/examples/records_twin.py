"""Twin of records.ts (the worked example of your own workload in docs/workloads.md): n three-field records
held in a list, as tuples or as lists. gclab puts the shared harness (workloads/python/twin.py)
on PYTHONPATH; see it for the options and the JSON printed."""
import twin


def run_tuple(p):
    records = [(i, i, i) for i in range(p["n"])]
    twin.probe("held")
    del records


def run_list(p):
    records = [[i, i, i] for i in range(p["n"])]
    twin.probe("held")
    del records


if __name__ == "__main__":
    twin.main("records", {"tuple": run_tuple, "list": run_list}, {"n": 100000}, probes=("held",))
