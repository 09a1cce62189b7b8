"""Built-in workload cyclic-graphs: cyclic garbage that only the cycle collector frees.

pairs   n pairs of objects that reference each other, each pair dropped at once
rings   n objects in rings of k, each ring dropped as soon as it is closed
random  n objects, each with a list of `degree` references to objects drawn with a seeded LCG,
        all dropped at once, then one gc.collect()

See twin.py for options and output."""
import gc

import twin


class Node:
    pass


def run_pairs(p):
    for i in range(p["n"]):
        a = Node(); b = Node()
        a.other = b; b.other = a
        del a, b


def run_rings(p):
    k = p["k"]
    for r in range(p["n"] // k):
        first = Node()
        last = first
        for j in range(k - 1):
            node = Node()
            last.next = node
            last = node
        last.next = first
        del first, last, node


def run_random(p):
    n = p["n"]
    degree = p["degree"]
    x = p["seed"]
    nodes = [Node() for i in range(n)]
    for node in nodes:
        edges = []
        for j in range(degree):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            edges.append(nodes[x % n])
        node.edges = edges
    del nodes, node, edges
    gc.collect()


if __name__ == "__main__":
    twin.main(
        "cyclic-graphs",
        {"pairs": run_pairs, "rings": run_rings, "random": run_random},
        {"n": 100000, "k": 10, "degree": 4},
    )
