"""What does a record of three fields cost? n records held in a list: as tuples, as dicts, as
instances of a plain class (with a __dict__) and of a class with __slots__. The probe "held" is
the bytes requested while the list holds them; held / n is the cost of one record.

    gclab run workloads/examples/records.py --profile 3.11,3.13 --variant all
    gclab calibrate --workload workloads/examples/records.py --n 20000
    PYTHONPATH=workloads/python python3 workloads/examples/records.py --variant slots
"""
import twin


class Plain:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class Slotted:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def as_tuples(p):
    records = [(i, i, i) for i in range(p["n"])]
    twin.probe("held")
    del records


def as_dicts(p):
    records = [{"x": i, "y": i, "z": i} for i in range(p["n"])]
    twin.probe("held")
    del records


def as_plain_objects(p):
    records = [Plain(i, i, i) for i in range(p["n"])]
    twin.probe("held")
    del records


def as_slotted_objects(p):
    records = [Slotted(i, i, i) for i in range(p["n"])]
    twin.probe("held")
    del records


if __name__ == "__main__":
    twin.main(
        "records",
        {"tuple": as_tuples, "dict": as_dicts, "plain": as_plain_objects, "slots": as_slotted_objects},
        {"n": 100000},
        probes=("held",),
    )
