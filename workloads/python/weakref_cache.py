"""Built-in workload weakref-cache: a module-level cache of n objects, filled while a list
holds them, then the list (the outside references) is dropped.

dict       cache = {}: the cache keeps every object alive
weakvalue  cache = weakref.WeakValueDictionary(): each entry is a KeyedRef whose callback removes
           it when its object dies, so the cache empties (its dict keeps its grown table)

Probes: "held" while the list and the cache hold the objects, "retained" after the list is gone.
See twin.py for options and output."""
import weakref

import twin


class Item:
    def __init__(self, key):
        self.key = key


# Module level, as a cache usually is: built before the measured region, alive after it.
dict_cache = {}
weak_cache = weakref.WeakValueDictionary()


def fill(cache, n):
    items = []
    for i in range(n):
        item = Item(i)
        items.append(item)
        cache[i] = item
    twin.probe("held")
    del items, item
    twin.probe("retained")


def run_dict(p):
    fill(dict_cache, p["n"])


def run_weakvalue(p):
    fill(weak_cache, p["n"])


if __name__ == "__main__":
    twin.main(
        "weakref-cache",
        {"dict": run_dict, "weakvalue": run_weakvalue},
        {"n": 100000},
        probes=("held", "retained"),
    )
