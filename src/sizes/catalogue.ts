/**
 * The size catalogue behind `gclab sizes`: one row per Python expression, built on a fresh
 * simulated heap, with `sys.getsizeof`, the bytes requested to create a fresh one (tracemalloc's
 * view), and the pymalloc blocks that holds. Each row also says how to measure the same thing on
 * a real interpreter (`workloads/python/sizes_catalogue.py` runs those).
 */
import { Heap } from '../heap/heap.js';
import { type Ref, Stat } from '../heap/layout.js';
import { PROFILES, type ProfileName } from '../heap/profiles.js';
import { getsizeof } from '../heap/sizeof.js';
import type { ClassInfo } from '../heap/types.js';

/** The classes the catalogue's expressions use, defined once per heap. */
interface Classes {
  readonly C: ClassInfo;
  readonly C3: ClassInfo;
  readonly S3: ClassInfo;
}

export interface CatalogueRow {
  /** The Python expression, as users read it. */
  readonly expr: string;
  /** How a real interpreter creates a fresh one: statements run once, then `create` per object. */
  readonly python: { readonly setup: string; readonly create: string };
  /** Builds the object on the heap after `prepare`; returns a new reference. */
  readonly build: (heap: Heap, classes: Classes, prepared: Ref) => Ref;
  /** Objects the row needs before the measured creation (a new reference, or 0). */
  readonly prepare?: (heap: Heap, classes: Classes) => Ref;
  readonly note?: string;
}

export interface SizeRow {
  readonly profile: ProfileName;
  readonly expr: string;
  readonly getsizeof: number;
  /** Bytes requested from the allocator to create a fresh one (tracemalloc's delta). */
  readonly requested: number;
  /** Bytes of the pymalloc blocks (and raw blocks) those requests hold; 0 for static objects. */
  readonly block: number;
  readonly note?: string;
}

/** Python source the measuring script runs before every row. */
export const PYTHON_PRELUDE = `
import weakref
class C:
    pass
class C3:
    def __init__(self):
        self.a = 1
        self.b = 2
        self.c = 3
    def method(self):
        pass
class S3:
    __slots__ = ('a', 'b', 'c')
def gen():
    yield 1
`;

/** `C3()` runs `__init__`, which sets three attributes. */
function newC3(heap: Heap, classes: Classes): Ref {
  const obj = heap.newInstance(classes.C3);
  heap.setAttr(obj, 'a', heap.int(1));
  heap.setAttr(obj, 'b', heap.int(2));
  heap.setAttr(obj, 'c', heap.int(3));
  return obj;
}

const str = (s: string) => (heap: Heap) => heap.newStr(s);
const ints = (heap: Heap, values: number[]) => values.map((v) => heap.int(v));

export const CATALOGUE: readonly CatalogueRow[] = [
  { expr: '0', python: { setup: '', create: '0' }, build: (h) => h.int(0), note: 'small-int cache: no allocation' },
  { expr: '1000', python: { setup: "s = '1000'", create: 'int(s)' }, build: (h) => h.int(1000, 'exact'), note: 'built exactly' },
  { expr: '1000+1', python: { setup: 'x = 1000', create: 'x + 1' }, build: (h) => h.int(1001, 'arith'), note: '_PyLong_FromMedium' },
  { expr: '2**30+1', python: { setup: 'x = 2**30', create: 'x + 1' }, build: (h) => h.int(2 ** 30 + 1, 'arith'), note: 'x_add keeps a spare digit' },
  { expr: '2**60+1', python: { setup: 'x = 2**60', create: 'x + 1' }, build: (h) => h.int(2 ** 60 + 1, 'arith'), note: 'x_add keeps a spare digit' },
  { expr: '1.5', python: { setup: "s = '1.5'", create: 'float(s)' }, build: (h) => h.float(1.5) },
  { expr: "'a'*10", python: { setup: "s = 'a'", create: 's * 10' }, build: str('a'.repeat(10)) },
  { expr: "'é'*10", python: { setup: "s = '\\u00e9'", create: 's * 10' }, build: str('é'.repeat(10)) },
  { expr: "'ā'*10", python: { setup: "s = '\\u0101'", create: 's * 10' }, build: str('ā'.repeat(10)), note: 'UCS-2' },
  { expr: "b'a'*10", python: { setup: "s = b'a'", create: 's * 10' }, build: (h) => h.bytes(new Uint8Array(10).fill(97)) },
  { expr: '()', python: { setup: 'lst = []', create: 'tuple(lst)' }, build: (h) => h.emptyTuple, note: 'singleton' },
  { expr: '(1,)', python: { setup: 'lst = [1]', create: 'tuple(lst)' }, build: (h) => h.tupleOf(...ints(h, [1])) },
  { expr: '(1, 2)', python: { setup: 'lst = [1, 2]', create: 'tuple(lst)' }, build: (h) => h.tupleOf(...ints(h, [1, 2])) },
  { expr: '(1, 2, 3)', python: { setup: 'lst = [1, 2, 3]', create: 'tuple(lst)' }, build: (h) => h.tupleOf(...ints(h, [1, 2, 3])) },
  { expr: '[]', python: { setup: '', create: '[]' }, build: (h) => h.list.newList(0) },
  { expr: '[None]*10', python: { setup: '', create: '[None]*10' }, build: (h) => h.list.repeat(h.None, 10) },
  { expr: 'list(range(10))', python: { setup: '', create: 'list(range(10))' }, build: (h) => h.list.fromSized(10, (i) => h.int(i)) },
  { expr: '[x for x in range(10)]', python: { setup: '', create: '[x for x in range(10)]' }, build: (h) => h.list.comprehension(10, (i) => h.int(i)) },
  { expr: 'list(x for x in range(10))', python: { setup: '', create: 'list(x for x in range(10))' }, build: (h) => h.list.fromIterator(10, (i) => h.int(i)), note: 'generator expression: the generator is freed' },
  { expr: '{}', python: { setup: '', create: '{}' }, build: (h) => h.dict.newDict() },
  {
    expr: "{'a': 1}",
    python: { setup: '', create: "{'a': 1}" },
    build: (h) => {
      const k = h.intern('a');
      const d = h.dict.fromItems([[k, h.int(1)]]);
      h.decref(k);
      return d;
    },
  },
  {
    expr: "{'k0': 0, 'k1': 1, 'k2': 2, 'k3': 3, 'k4': 4, 'k5': 5}",
    python: { setup: '', create: "{'k0': 0, 'k1': 1, 'k2': 2, 'k3': 3, 'k4': 4, 'k5': 5}" },
    prepare: (h) => {
      // The keys are code constants, interned when the code was compiled.
      const keys = h.list.newList(0);
      for (let i = 0; i < 6; i++) h.list.appendSteal(keys, h.intern(`k${i}`));
      return keys;
    },
    build: (h, _c, keys) => h.dict.fromItems([0, 1, 2, 3, 4, 5].map((i) => [h.list.get(keys, i), h.int(i)] as const)),
  },
  { expr: 'set()', python: { setup: '', create: 'set()' }, build: (h) => h.set.newSet() },
  {
    expr: 'C()',
    python: { setup: 'warm = [C() for _ in range(100)]', create: 'C()' },
    prepare: (h, c) => warmUp(h, () => h.newInstance(c.C)),
    build: (h, c) => h.newInstance(c.C),
    note: 'steady state, after the first-instances effect',
  },
  {
    expr: 'C3()',
    python: { setup: 'warm = [C3() for _ in range(100)]', create: 'C3()' },
    prepare: (h, c) => warmUp(h, () => newC3(h, c)),
    build: (h, c) => newC3(h, c),
    note: 'steady state, 3 attributes',
  },
  {
    expr: 'S3()',
    python: { setup: '', create: 'S3()' },
    build: (h, c) => h.newInstance(c.S3),
  },
  { expr: 'gen()', python: { setup: '', create: 'gen()' }, build: (h) => h.generator(h.profile.genCodeSlots) },
  { expr: 'lambda: None', python: { setup: '', create: 'lambda: None' }, build: (h) => h.func() },
  {
    expr: 'C3().method',
    python: { setup: 'warm = [C3() for _ in range(100)]\nobjs = [C3() for _ in range(N)]', create: 'objs[i].method' },
    prepare: (h, c) => {
      // The instance and the class's function exist before the attribute lookup binds them.
      const keep = warmUp(h, () => newC3(h, c));
      h.list.appendSteal(keep, newC3(h, c));
      h.list.appendSteal(keep, h.func());
      return keep;
    },
    build: (h, _c, keep) => h.boundMethod(h.list.get(keep, -1), h.list.get(keep, -2)),
    note: 'the bound method only (the instance exists already)',
  },
  {
    expr: 'weakref.ref(C())',
    python: { setup: 'warm = [C() for _ in range(100)]', create: 'weakref.ref(C())' },
    prepare: (h, c) => warmUp(h, () => h.newInstance(c.C)),
    build: (h, c) => {
      const obj = h.newInstance(c.C);
      const wr = h.weakref(obj);
      h.decref(obj);
      return wr;
    },
    note: 'the referent dies at once',
  },
];

/** Creates 100 objects and keeps them, so the measured one is past start-up effects. */
function warmUp(heap: Heap, make: () => Ref): Ref {
  const keep = heap.list.newList(0);
  for (let i = 0; i < 100; i++) heap.list.appendSteal(keep, make());
  return keep;
}

/** Bytes of pymalloc blocks in use plus raw bytes held: what the allocators hold for the program. */
function heldBytes(heap: Heap): number {
  return heap.allocator.pymalloc.usage().bytesInAllocatedBlocks + heap.counters[Stat.RawHeld];
}

/** Builds every catalogue row on a fresh heap of `profile`. */
export function measureCatalogue(profile: ProfileName): SizeRow[] {
  return CATALOGUE.map((row) => {
    const heap = new Heap({ profile: PROFILES[profile], heapBytes: 64 << 20 });
    const classes: Classes = {
      C: heap.defineClass({ name: 'C' }),
      C3: heap.defineClass({ name: 'C3' }),
      S3: heap.defineClass({ name: 'S3', slots: ['a', 'b', 'c'] }),
    };
    const prepared = row.prepare ? row.prepare(heap, classes) : 0;
    const before = heap.requestedCurrent;
    const heldBefore = heldBytes(heap);
    const obj = row.build(heap, classes, prepared);
    const result: SizeRow = {
      profile,
      expr: row.expr,
      getsizeof: getsizeof(heap, obj),
      requested: heap.requestedCurrent - before,
      block: heldBytes(heap) - heldBefore,
      ...(row.note ? { note: row.note } : {}),
    };
    heap.decref(obj);
    if (prepared !== 0) heap.decref(prepared);
    heap.teardown();
    return result;
  });
}

