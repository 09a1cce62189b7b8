"""Built-in workload generators-vs-lists: the sum of i*i over range(n), through a list
comprehension or a generator expression. See twin.py for options and output."""
import twin


def run_list(p):
    n = p["n"]
    total = sum([i * i for i in range(n)])


def run_generator(p):
    n = p["n"]
    total = sum(i * i for i in range(n))


if __name__ == "__main__":
    twin.main("generators-vs-lists", {"list": run_list, "generator": run_generator}, {"n": 100000})
