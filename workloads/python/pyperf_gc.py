"""Built-in workload pyperf-gc: pyperformance's gc_collect and gc_traversal.

collect    per loop: gc.collect(); build `cycles` rings of `links` + 1 linked nodes in a list;
           drop the list; gc.collect() frees every node
traversal  `levels` + 1 lists, list k holding k references to list k - 1; two gc.collect()s per
           loop, which find nothing

See twin.py for options and output."""
import gc

import twin


class Node:
    def __init__(self):
        self.next = None
        self.prev = None

    def link_next(self, next):
        self.next = next
        self.next.prev = self


def create_cycle(node, n_links):
    if n_links == 0:
        return
    current = node
    for i in range(n_links):
        next_node = Node()
        current.link_next(next_node)
        current = next_node
    current.link_next(node)


def create_gc_cycles(n_cycles, n_links):
    cycles = []
    for _ in range(n_cycles):
        node = Node()
        cycles.append(node)
        create_cycle(node, n_links)
    return cycles


def run_collect(p):
    for _ in range(p["loops"]):
        gc.collect()
        all_cycles = create_gc_cycles(p["cycles"], p["links"])
        del all_cycles
        gc.collect()


def create_recursive_containers(n_levels):
    current_list = []
    for n in range(n_levels):
        new_list = [None] * n
        for index in range(n):
            new_list[index] = current_list
        current_list = new_list
    return current_list


def run_traversal(p):
    all_cycles = create_recursive_containers(p["levels"])
    for _ in range(p["loops"]):
        gc.collect()
        gc.collect()
    del all_cycles


if __name__ == "__main__":
    twin.main(
        "pyperf-gc",
        {"collect": run_collect, "traversal": run_traversal},
        {"loops": 40, "cycles": 100, "links": 20, "levels": 1000},
    )
