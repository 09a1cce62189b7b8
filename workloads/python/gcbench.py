"""Built-in workload gcbench: GCBench (Ellis, Kovac, Boehm) in its usual Python shape.

full       a stretch tree, a long-lived tree and float array, then at each depth trees built
           top-down (populate) and bottom-up (make_tree), each dropped at once
top-down   the same with only the top-down trees
bottom-up  the same with only the bottom-up trees

See twin.py for options and output."""
import twin


class Node:
    def __init__(self, left=None, right=None):
        self.left = left
        self.right = right
        self.i = 0
        self.j = 0


def tree_size(depth):
    return (1 << (depth + 1)) - 1


def populate(depth, node):
    if depth <= 0:
        return
    depth -= 1
    node.left = Node()
    node.right = Node()
    populate(depth, node.left)
    populate(depth, node.right)


def make_tree(depth):
    if depth <= 0:
        return Node()
    return Node(make_tree(depth - 1), make_tree(depth - 1))


def count_nodes(node):
    if node is None:
        return 0
    return 1 + count_nodes(node.left) + count_nodes(node.right)


def time_construction(depth, stretch, top_down, bottom_up):
    iters = 2 * tree_size(stretch) // tree_size(depth)
    if top_down:
        for i in range(iters):
            temp = Node()
            populate(depth, temp)
            temp = None
    if bottom_up:
        for i in range(iters):
            temp = make_tree(depth)
            temp = None


def run(p, top_down, bottom_up):
    temp = make_tree(p["stretch"])
    temp = None
    long_lived = Node()
    populate(p["long_lived"], long_lived)
    array = [0.0] * p["array"]
    for i in range(1, p["array"] // 2):
        array[i] = 1.0 / i
    for depth in range(p["min_depth"], p["max_depth"] + 1, 2):
        time_construction(depth, p["stretch"], top_down, bottom_up)
    twin.report("long_lived_nodes", count_nodes(long_lived))


if __name__ == "__main__":
    twin.main(
        "gcbench",
        {
            "full": lambda p: run(p, True, True),
            "top-down": lambda p: run(p, True, False),
            "bottom-up": lambda p: run(p, False, True),
        },
        {"stretch": 14, "long_lived": 12, "array": 50000, "min_depth": 4, "max_depth": 12},
        reports=("long_lived_nodes",),
    )
