"""Built-in workload container-churn: a dict filled with n*n tuple keys, each value computed
from three earlier entries looked up through temporary tuples (the pattern of CPython gh-139951,
with the values kept below 1000). See twin.py for options and output."""
import twin


def run_tuple_keys(p):
    n = p["n"]
    d = {}
    for i in range(n):
        d[(i, i)] = d[(i, 0)] = d[(0, i)] = 0
    for i in range(1, n):
        for j in range(1, n):
            d[(i, j)] = (i + j + d[(i - 1, j)] + d[(i, j - 1)] + d[(i - 1, j - 1)]) % 1000


if __name__ == "__main__":
    twin.main("container-churn", {"tuple_keys": run_tuple_keys}, {"n": 200})
