"""Built-in workload slots-vs-dict: n instances of a three-attribute class, with a __dict__ or
with __slots__, kept in a list, then dropped. The probe "held" is the traced bytes while the list
holds them. See twin.py for options and output."""
import twin


class WithDict:
    def __init__(self, a, b, c):
        self.a = a
        self.b = b
        self.c = c


class WithSlots:
    __slots__ = ("a", "b", "c")

    def __init__(self, a, b, c):
        self.a = a
        self.b = b
        self.c = c


def run(cls, n):
    items = [cls(i, i, i) for i in range(n)]
    twin.probe("held")
    del items


def run_dict(p):
    run(WithDict, p["n"])


def run_slots(p):
    run(WithSlots, p["n"])


if __name__ == "__main__":
    twin.main("slots-vs-dict", {"dict": run_dict, "slots": run_slots}, {"n": 100000}, probes=("held",))
