/**
 * weakref-cache: a module-level cache of n objects, filled while a list holds them; then the list
 * (the outside references) goes. A plain dict keeps every object alive; a
 * `weakref.WeakValueDictionary` lets them die and removes their entries. Twin:
 * python/weakref_cache.py.
 *
 *   class Item:
 *       def __init__(self, key):
 *           self.key = key
 *
 *   dict_cache = {}                                   # module level
 *   weak_cache = weakref.WeakValueDictionary()
 *
 *   def fill(cache, n):
 *       items = []
 *       for i in range(n):
 *           item = Item(i)
 *           items.append(item)
 *           cache[i] = item
 *       probe("held")
 *       del items, item
 *       probe("retained")
 *
 * What a WeakValueDictionary is (Lib/weakref.py, the same in 3.11–3.13): an instance with
 * `_remove` (a function with defaults `selfref=ref(self)` and `_atomic_removal=_remove_dead_weakref`),
 * `_pending_removals = []`, `_iterating = set()` and `data = {}`. `d[key] = value` stores
 * `KeyedRef(value, self._remove, key)` in `data`: a subclass of `weakref.ref` with
 * `__slots__ = "key",`, 88 bytes (MEAS: `sys.getsizeof` 88 and the tracemalloc delta per entry
 * over a dict 88 B on 3.11.7, 3.12.1, 3.13.0). When the value dies, the weakref's callback
 * `remove(wr)` deletes `data[wr.key]` (`_remove_dead_weakref`), which frees the KeyedRef once the
 * callback returns; `_pending_removals` only fills while the dict is being iterated, which this
 * workload never does. The dict never shrinks on deletion: an emptied cache keeps its grown table.
 *
 * The argument tuples are modelled (they come from the tuple free lists after the first entry, but
 * the first ones are new blocks that stay on those lists: MEAS, a tracemalloc snapshot of the twin
 * at n = 1, 2 and 20 000 on 3.11.7, 3.12.1 and 3.13.0 ends with a 1-tuple from `Item(i)` and two
 * 3-tuples, one from `KeyedRef(...)` and one from inside it):
 * - calling a class with no vectorcall packs the arguments into a tuple (`_PyObject_MakeTpCall`,
 *   Objects/call.c) that lives until `type_call` returns: `Item(i)` a 1-tuple (3.13: only the
 *   first call; the site then specialises to CALL_ALLOC_AND_ENTER_INIT: `classCallArgs`),
 *   `KeyedRef(ob, callback, key)` a 3-tuple on every call (its class has a Python `__new__`, which
 *   CALL_ALLOC_AND_ENTER_INIT does not take);
 * - `ref.__new__(type, ob, callback)` calls the METH_VARARGS `tp_new_wrapper` (Objects/typeobject.c):
 *   a second 3-tuple while the first is alive, and the 2-tuple `PyTuple_GetSlice(args, 1, ...)`
 *   it hands to `weakref___new__`;
 * - `super().__init__(ob, callback)`: 3.11 makes a super object and a method-wrapper whose call
 *   (`wrapper_call`) packs a 2-tuple; 3.12+ (LOAD_SUPER_ATTR) calls the slot wrapper
 *   `ref.__init__` unbound with (self, ob, callback): a 3-tuple, then `wrapperdescr_call`'s
 *   2-tuple slice (Objects/descrobject.c).
 * The type object in `ref.__new__`'s tuple is not simulated memory: None stands in for it.
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import type { ClassInfo } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { classCallArgs, internNames, loopInt, rangeIterator } from './builtins.js';
import { WeakrefModule } from '../src/python/weakref-module.js';

interface CacheModule {
  readonly item: ClassInfo;
  /** The cache object: the dict, or the WeakValueDictionary instance. */
  readonly cache: Ref;
  /** WeakValueDictionary only (0 for the dict): its `data` dict. */
  readonly data: Ref;
  /** WeakValueDictionary only: the model of Lib/weakref.py that makes and fills it. */
  readonly weakref: WeakrefModule | null;
}

/** `class Item`, its attribute name interned when the module was compiled, before tracing. */
function defineItem(heap: Heap): ClassInfo {
  internNames(heap, ['key']);
  return heap.defineClass({ name: 'Item' });
}

/** `class Item` and `dict_cache = {}`. */
function setupDict(heap: Heap): CacheModule {
  const item = defineItem(heap);
  const cache = heap.dict.newDict();
  heap.roots.setGlobal('dict_cache', cache);
  heap.decref(cache);
  return { item, cache, data: 0, weakref: null };
}

/**
 * `class Item` and `weak_cache = weakref.WeakValueDictionary()`: what the instance holds and what
 * storing into it makes are the Python front-end's model of Lib/weakref.py
 * (src/python/weakref-module.ts), shared so that the two cannot drift.
 */
function setupWeakValue(heap: Heap): CacheModule {
  const item = defineItem(heap);
  const weakref = new WeakrefModule(heap, () => {
    throw new Error('weakref-cache: no Python weakref callbacks in this workload');
  });
  heap.roots.init();
  const self = weakref.newWeakValueDictionary();
  heap.roots.setGlobal('weak_cache', self);
  heap.decref(self);
  return { item, cache: self, data: weakref.dataOf(self), weakref };
}

/** `cache[key] = value` for the variant's cache (both borrowed). */
function store(heap: Heap, m: CacheModule, key: Ref, value: Ref): void {
  if (m.weakref === null) heap.dict.setItem(m.cache, key, value);
  else m.weakref.setItem(m.cache, key, value);
}

function run(ctx: WorkloadContext, m: CacheModule): void {
  const { heap } = ctx;
  const n = ctx.params.n;
  const roots = heap.roots;
  const [ITEMS, I, ITEM] = [0, 1, 2];
  const f = roots.pushFrame(3);
  roots.setLocalSteal(f, ITEMS, heap.list.newList(0));
  heap.evalBreaker();
  const it = rangeIterator(heap);
  for (let k = 0; k < n; k++) {
    roots.setLocalSteal(f, I, loopInt(heap, k));
    // item = Item(i): the call's argument tuple lives while __init__ sets the attribute.
    const args = classCallArgs(heap, m.item, k, f.locals[I]);
    const item = heap.newInstance(m.item);
    heap.setAttr(item, 'key', f.locals[I]);
    if (args !== 0) heap.decref(args);
    roots.setLocalSteal(f, ITEM, item);
    heap.evalBreaker();
    heap.list.append(f.locals[ITEMS], f.locals[ITEM]);
    heap.evalBreaker();
    store(heap, m, f.locals[I], f.locals[ITEM]);
    heap.evalBreaker();
    if ((k & 0xffff) === 0) ctx.progress(k, n);
  }
  heap.decref(it);
  ctx.probe('held');
  roots.setLocalSteal(f, ITEMS, 0);
  roots.setLocalSteal(f, ITEM, 0);
  heap.evalBreaker();
  ctx.probe('retained');
  roots.popFrame();
}

export const weakrefCache = defineWorkload({
  name: 'weakref-cache',
  group: 'tip',
  description: 'a module-level cache of n objects whose outside references are then dropped: dict vs WeakValueDictionary',
  variants: {
    dict: variant({ description: 'cache = {}: the cache keeps every object alive', setup: setupDict, run }),
    weakvalue: variant({
      description: 'cache = weakref.WeakValueDictionary(): entries (KeyedRef + dict slot) go when their objects die',
      setup: setupWeakValue,
      run,
    }),
  },
  params: {
    n: { description: 'objects cached', default: 100_000, min: 1, max: 10_000_000 },
  },
  testParams: { n: 20_000 },
  probes: ['held', 'retained'],
  twin: 'weakref_cache.py',
});
