"""Built-in workload pyperf-btree: pyperformance's btree benchmark (bm_btree), whose B-tree of
order 16 holds `nodes` records in a large, interconnected graph for the collector to scan.

gc-only  build the records, build the tree from shuffled keys, delete and re-insert the lowest
         `recreate` percent of the keys, gc.collect() (pyperformance's btree_gc_only)
all      the same, then iterate over every key looking each record up, then look up
         max(200, nodes // 20) random keys (pyperformance's btree)

Differences from pyperformance, each so that the simulation can follow: the lab's LCG (seeded by
--seed) stands in for `random` (records, shuffle, lookups); a record's bytes are `bytes(n)`
rather than `randbytes(n)`; `choice([None, True, False])` is an index into a constant tuple;
lookups draw keys below `nodes` (randint(0, NUM_NODES) sometimes draws the missing key, whose
KeyError allocates a traceback); the asserts and the methods the benchmark never calls are left
out (they allocate nothing). Everything is built inside the measured region.

See twin.py for options and output."""
import gc
import sys

import twin

# The strings `sys.intern(str(n))` returns, interned before the measured region (as the first
# records of a real run would intern them once).
DIGITS = [sys.intern(str(n)) for n in range(31)]


class BNode:
    __slots__ = ["items", "nodes"]

    minimum_degree = 16  # a.k.a. t

    def __init__(self):
        self.items = []
        self.nodes = None

    def is_leaf(self):
        return self.nodes is None

    def __iter__(self):
        if self.is_leaf():
            yield from self.items
        else:
            for position, item in enumerate(self.items):
                yield from self.nodes[position]
                yield item
            yield from self.nodes[-1]

    def is_full(self):
        return len(self.items) == 2 * self.minimum_degree - 1

    def get_position(self, key):
        for position, item in enumerate(self.items):
            if item[0] >= key:
                return position
        return len(self.items)

    def search(self, key):
        position = self.get_position(key)
        if position < len(self.items) and self.items[position][0] == key:
            return self.items[position]
        elif self.is_leaf():
            return None
        else:
            return self.nodes[position].search(key)

    def insert_item(self, item):
        key = item[0]
        position = self.get_position(key)
        if position < len(self.items) and self.items[position][0] == key:
            self.items[position] = item
        elif self.is_leaf():
            self.items.insert(position, item)
        else:
            child = self.nodes[position]
            if child.is_full():
                self.split_child(position, child)
                if key == self.items[position][0]:
                    self.items[position] = item
                else:
                    if key > self.items[position][0]:
                        position += 1
                    self.nodes[position].insert_item(item)
            else:
                self.nodes[position].insert_item(item)

    def split_child(self, position, child):
        bigger = self.__class__()
        middle = self.minimum_degree - 1
        splitting_key = child.items[middle]
        bigger.items = child.items[middle + 1 :]
        child.items = child.items[:middle]
        if not child.is_leaf():
            bigger.nodes = child.nodes[middle + 1 :]
            child.nodes = child.nodes[: middle + 1]
        self.items.insert(position, splitting_key)
        self.nodes.insert(position + 1, bigger)

    def get_min_item(self):
        if self.is_leaf():
            return self.items[0]
        else:
            return self.nodes[0].get_min_item()

    def get_max_item(self):
        if self.is_leaf():
            return self.items[-1]
        else:
            return self.nodes[-1].get_max_item()

    def delete(self, key):
        def is_big(node):
            return node and len(node.items) >= node.minimum_degree

        p = self.get_position(key)
        matches = p < len(self.items) and self.items[p][0] == key
        if self.is_leaf():
            if matches:
                del self.items[p]
            else:
                raise KeyError(key)
        else:
            node = self.nodes[p]
            lower_sibling = p > 0 and self.nodes[p - 1]
            upper_sibling = p < len(self.nodes) - 1 and self.nodes[p + 1]
            if matches:
                if is_big(node):
                    extreme = node.get_max_item()
                    node.delete(extreme[0])
                    self.items[p] = extreme
                elif is_big(upper_sibling):
                    extreme = upper_sibling.get_min_item()
                    upper_sibling.delete(extreme[0])
                    self.items[p] = extreme
                else:
                    extreme = upper_sibling.get_min_item()
                    upper_sibling.delete(extreme[0])
                    node.items = node.items + [extreme] + upper_sibling.items
                    if not node.is_leaf():
                        node.nodes = node.nodes + upper_sibling.nodes
                    del self.items[p]
                    del self.nodes[p + 1]
            else:
                if not is_big(node):
                    if is_big(lower_sibling):
                        node.items.insert(0, self.items[p - 1])
                        self.items[p - 1] = lower_sibling.items[-1]
                        del lower_sibling.items[-1]
                        if not node.is_leaf():
                            node.nodes.insert(0, lower_sibling.nodes[-1])
                            del lower_sibling.nodes[-1]
                    elif is_big(upper_sibling):
                        node.items.append(self.items[p])
                        self.items[p] = upper_sibling.items[0]
                        del upper_sibling.items[0]
                        if not node.is_leaf():
                            node.nodes.append(upper_sibling.nodes[0])
                            del upper_sibling.nodes[0]
                    elif lower_sibling:
                        node.items = lower_sibling.items + [self.items[p - 1]] + node.items
                        if not node.is_leaf():
                            node.nodes = lower_sibling.nodes + node.nodes
                        del self.items[p - 1]
                        del self.nodes[p - 1]
                    else:
                        node.items = node.items + [self.items[p]] + upper_sibling.items
                        if not node.is_leaf():
                            node.nodes = node.nodes + upper_sibling.nodes
                        del self.items[p]
                        del self.nodes[p + 1]
                node.delete(key)
            if not self.items:
                self.items = self.nodes[0].items
                self.nodes = self.nodes[0].nodes


class BTree:
    __slots__ = ["root"]

    def __init__(self):
        self.root = BNode()

    def iterkeys(self):
        for item in self.root:
            yield item[0]

    def __iter__(self):
        yield from self.iterkeys()

    def __setitem__(self, key, value):
        self.add(key, value)

    def __getitem__(self, key):
        item = self.root.search(key)
        if item is None:
            raise KeyError(key)
        return item[1]

    def __delitem__(self, key):
        self.root.delete(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def add(self, key, value=True):
        if self.root.is_full():
            node = self.root.__class__()
            node.nodes = [self.root]
            node.split_child(0, node.nodes[0])
            self.root = node
        self.root.insert_item((key, value))


class Record:
    def __init__(self, a, b, c, d, e, f):
        self.a = a
        self.b = b
        self.c = c
        self.d = d
        self.e = e
        self.f = f


def make_records(num_nodes, x):
    for node_id in range(num_nodes):
        a = node_id
        b = f"node {node_id}"
        c = bytes(node_id % 100)
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        d = x / 2147483648.0
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        e = sys.intern(str(x % 31))
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        f = (None, True, False)[x % 3]
        yield Record(a, b, c, d, e, f)


def make_tree(num_nodes, records, recreate, x):
    ids = list(range(num_nodes))
    # random.shuffle(ids) with the LCG: Fisher-Yates from the end
    for i in range(num_nodes - 1, 0, -1):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        j = x % (i + 1)
        ids[i], ids[j] = ids[j], ids[i]

    tree = BTree()
    for node_id in ids:
        tree[node_id] = records[node_id]

    remake_ids = range(num_nodes * recreate // 100)
    for node_id in remake_ids:
        del tree[node_id]
    for node_id in remake_ids:
        tree[node_id] = records[node_id]

    return tree


def run(p, gc_only):
    num_nodes = p["nodes"]
    records = list(make_records(num_nodes, p["seed"]))
    obj = make_tree(num_nodes, records, p["recreate"], p["seed"])
    gc.collect()
    twin.probe("tree")
    twin.report("root_items", len(obj.root.items))

    if not gc_only:
        d_total = 0.0
        for key in obj:
            node = obj[key]
            d_total += node.d

        num_lookup = max(200, num_nodes // 20)
        d_total = 0
        x = p["seed"]
        for i in range(num_lookup):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            node_id = x % num_nodes
            node = obj.get(node_id)
            if node is not None:
                d_total += node.d


if __name__ == "__main__":
    twin.main(
        "pyperf-btree",
        {"gc-only": lambda p: run(p, True), "all": lambda p: run(p, False)},
        {"nodes": 50000, "recreate": 20},
        probes=("tree",),
        reports=("root_items",),
    )
