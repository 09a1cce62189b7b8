/**
 * small-ints-and-interning: n values kept in a list, drawn from 256 distinct ones, as ints from the
 * small-int cache (-5..256, shared; immortal from 3.12) or just outside it (a new 32-byte int each),
 * and as strings "key0".."key255" formatted afresh for every item or passed through sys.intern
 * (one shared object per distinct string). The probe "held" is the requested bytes while the list
 * holds them (fact sheet §3). Twin: python/small_ints_and_interning.py.
 *
 *   KEYS = [sys.intern("key%d" % k) for k in range(256)]   # module level: the interned vocabulary
 *
 *   def run(p, make):    # each variant's comprehension written out in the twin
 *       items = [make(i) for i in range(p["n"])]
 *       probe("held")
 *       del items
 *
 *   small_int     i % 256
 *   large_int     i % 256 + 1000
 *   fresh_str     "key%d" % (i % 256)
 *   interned_str  sys.intern("key%d" % (i % 256))
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { Kind } from '../src/heap/types.js';
import { defineWorkload, type Variant, type WorkloadContext } from '../src/lab/workload.js';
import { holdListComprehension, loopInt } from './builtins.js';

/** Distinct values the items cycle through: 0..255, all in the small-int cache. */
const DISTINCT = 256;
/** Just outside the small-int cache: `i % 256 + 1000` is always a new int. */
const LARGE_OFFSET = 1000;
/** The strings' text, made once (no JS allocation per item). */
const KEY_TEXT: readonly string[] = Array.from({ length: DISTINCT }, (_, k) => `key${k}`);
/**
 * `PyUnicode_Format` starts its writer at len(format) + 100 characters ("key%d": 105), a str of
 * header + 106 bytes, and shrinks it to the result at the end. MEAS: 3.11-3.13 peaks.
 */
const FORMAT_WRITER_CHARS = 'key%d'.length + 100;

/**
 * `"key%d" % k`: the writer's buffer, the scratch int `%d` converts through (`_PyLong_New(size_a + 1)`:
 * 1 digit for 0, else 2), then the buffer shrunk to the result (a realloc: tracemalloc never sees
 * both). MEAS on 3.11-3.13: peak over the result = writer + 28 for k = 0, + 32 otherwise. 3.14's
 * sizes are inferred from its int minimum.
 */
function formatKey(heap: Heap, k: number): Ref {
  const writer = heap.allocObject(Kind.Opaque, heap.profile.strAsciiHeader + FORMAT_WRITER_CHARS + 1);
  const scratchDigits = k === 0 ? 1 : 2;
  heap.decref(heap.allocObject(Kind.Opaque, Math.max(24 + 4 * scratchDigits, heap.profile.intMinExactBytes)));
  heap.decref(writer);
  return heap.newStr(KEY_TEXT[k]);
}

type Make = (heap: Heap, k: number) => Ref;

const MAKERS: Readonly<Record<string, Make>> = {
  // i % 256: the cached small int (fast_mod -> PyLong_FromLong)
  small_int: (heap, k) => heap.int(k % DISTINCT),
  // i % 256 + 1000: the small int, then a new medium int for the sum
  large_int: (heap, k) => loopInt(heap, (k % DISTINCT) + LARGE_OFFSET),
  fresh_str: (heap, k) => formatKey(heap, k % DISTINCT),
  // sys.intern(s) returns the interned copy; the fresh s dies when the call returns
  interned_str: (heap, k) => {
    const fresh = formatKey(heap, k % DISTINCT);
    const shared = heap.intern(KEY_TEXT[k % DISTINCT]);
    heap.decref(fresh);
    return shared;
  },
};

function run(ctx: WorkloadContext, make: Make): void {
  holdListComprehension(ctx, (k) => make(ctx.heap, k));
}

/** Module level: `KEYS = [sys.intern("key%d" % k) for k in range(256)]` (the twin's module has it for every variant). */
function setup(heap: Heap): void {
  const keys = heap.list.newList(0);
  for (let k = 0; k < DISTINCT; k++) heap.list.appendSteal(keys, heap.intern(KEY_TEXT[k]));
  heap.roots.setGlobal('KEYS', keys);
  heap.decref(keys);
}

function makeVariant(name: string, description: string): Variant {
  const make = MAKERS[name];
  return { description, setup, run: (ctx) => run(ctx, make) };
}

export const smallIntsAndInterning = defineWorkload({
  name: 'small-ints-and-interning',
  group: 'tip',
  description: 'n values from 256 distinct ones held in a list: cached small ints vs new ints, interned vs fresh strings',
  variants: {
    small_int: makeVariant('small_int', '[i % 256 for i in range(n)]: every item is a cached small int'),
    large_int: makeVariant('large_int', '[i % 256 + 1000 for i in range(n)]: every item is a new int'),
    interned_str: makeVariant('interned_str', '[sys.intern("key%d" % (i % 256)) for i in range(n)]: 256 shared strings'),
    fresh_str: makeVariant('fresh_str', '["key%d" % (i % 256) for i in range(n)]: a new string per item'),
  },
  params: {
    n: { description: 'items held', default: 100_000, min: 0, max: 20_000_000 },
  },
  testParams: { n: 20_000 },
  probes: ['held'],
  twin: 'small_ints_and_interning.py',
});
