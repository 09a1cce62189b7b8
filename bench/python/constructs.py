"""One construct per variant, each in a loop of n iterations (`loop`: the loop alone), for
bench/constructs.ts: the simulation's time per construct next to CPython's, the loop's own time
taken off both. Not a workload: a ruler."""
import twin


class O:
    def __init__(self):
        self.x = 1
        self.y = 2
    def m(self, a):
        return a

def f1(a):
    return a

def loop(p):
    for i in range(p["n"]):
        pass

def call(p):
    for i in range(p["n"]):
        f1(i)

def method(p):
    o = O()
    for i in range(p["n"]):
        o.m(i)

def attr_load(p):
    o = O()
    for i in range(p["n"]):
        o.x

def attr_store(p):
    o = O()
    for i in range(p["n"]):
        o.x = i

def int_add(p):
    a = 1000
    for i in range(p["n"]):
        a + i

def float_mul(p):
    a = 1.5
    b = 2.5
    for i in range(p["n"]):
        a * b

def list2(p):
    a = 1
    for i in range(p["n"]):
        [a, i]

def tuple2(p):
    a = 1
    for i in range(p["n"]):
        (a, i)

def unpack3(p):
    t = (1, 2, 3)
    for i in range(p["n"]):
        a, b, c = t

def length(p):
    l = [1, 2, 3]
    for i in range(p["n"]):
        len(l)

def subscr(p):
    l = [1, 2, 3]
    for i in range(p["n"]):
        l[1]

def store_subscr(p):
    l = [1, 2, 3]
    for i in range(p["n"]):
        l[1] = i

def append_pop(p):
    l = []
    for i in range(p["n"]):
        l.append(i)
        l.pop()

def dict_get(p):
    d = {"a": 1, "b": 2}
    for i in range(p["n"]):
        d["a"]

def compare(p):
    a = 5
    for i in range(p["n"]):
        if i < a:
            pass

def new_inst(p):
    for i in range(p["n"]):
        O()

def glob(p):
    for i in range(p["n"]):
        f1


if __name__ == "__main__":
    twin.main(
        "constructs",
        {
            "loop": loop,
            "call": call,
            "method": method,
            "attr_load": attr_load,
            "attr_store": attr_store,
            "int_add": int_add,
            "float_mul": float_mul,
            "list2": list2,
            "tuple2": tuple2,
            "unpack3": unpack3,
            "length": length,
            "subscr": subscr,
            "store_subscr": store_subscr,
            "append_pop": append_pop,
            "dict_get": dict_get,
            "compare": compare,
            "new_inst": new_inst,
            "glob": glob,
        },
        {"n": 1000000},
    )
