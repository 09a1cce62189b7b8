"""Built-in workload binary-trees: the Benchmarks Game's binary-trees, sequential.

tuples  a node is a tuple (left, right); a leaf is the constant (None, None)
nodes   a node is an instance of a __slots__ class Node(left, right), leaves included

The checks (node counts found by walking the trees) are reported, not printed: stdout carries
the measurement. See twin.py for options and output."""
import twin

MIN_DEPTH = 4


def make_tuple_tree(depth):
    if depth == 0:
        return (None, None)
    depth -= 1
    return (make_tuple_tree(depth), make_tuple_tree(depth))


def check_tuple_tree(node):
    left, right = node
    if left is None:
        return 1
    return 1 + check_tuple_tree(left) + check_tuple_tree(right)


class Node:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left = left
        self.right = right


def make_node_tree(depth):
    if depth == 0:
        return Node(None, None)
    depth -= 1
    return Node(make_node_tree(depth), make_node_tree(depth))


def check_node_tree(node):
    left = node.left
    if left is None:
        return 1
    return 1 + check_node_tree(left) + check_node_tree(node.right)


def run(p, make_tree, check_tree):
    n = p["n"]
    max_depth = max(MIN_DEPTH + 2, n)
    stretch_depth = max_depth + 1
    twin.report("stretch_check", check_tree(make_tree(stretch_depth)))
    long_lived_tree = make_tree(max_depth)
    total = 0
    for depth in range(MIN_DEPTH, stretch_depth, 2):
        iterations = 2 ** (max_depth - depth + MIN_DEPTH)
        check = 0
        for i in range(iterations):
            check += check_tree(make_tree(depth))
        total += check
    twin.report("trees_check", total)
    twin.report("long_lived_check", check_tree(long_lived_tree))


def run_tuples(p):
    run(p, make_tuple_tree, check_tuple_tree)


def run_nodes(p):
    run(p, make_node_tree, check_node_tree)


if __name__ == "__main__":
    twin.main(
        "binary-trees",
        {"tuples": run_tuples, "nodes": run_nodes},
        {"n": 13},
        reports=("stretch_check", "trees_check", "long_lived_check"),
    )
