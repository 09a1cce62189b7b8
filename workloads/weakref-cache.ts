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
import { Kind, type ClassInfo } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { classCallArgs, internNames, loopInt, rangeIterator } from './builtins.js';

/** `KeyedRef`: the 64-byte `PyWeakReference`, the `key` slot, the 16-byte GC head. MEAS 88. */
const KEYEDREF_BYTES = 88;
/** Word of the `key` slot: right after the weakref's 64 bytes. */
const KEYEDREF_KEY_WORD = 16;

interface CacheModule {
  readonly item: ClassInfo;
  /** The cache object: the dict, or the WeakValueDictionary instance. */
  readonly cache: Ref;
  /** WeakValueDictionary only (0 for the dict): its `data` dict and `_remove` callback. */
  readonly data: Ref;
  readonly remove: Ref;
  /** Type id of `KeyedRef` (0 for the dict). */
  readonly keyedRef: number;
  /** 3.11 only: the `super` object and method-wrapper that `super().__init__(...)` allocates. */
  readonly superCls: ClassInfo | null;
  readonly wrapperCls: ClassInfo | null;
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
  return { item, cache, data: 0, remove: 0, keyedRef: 0, superCls: null, wrapperCls: null };
}

/**
 * `class Item` and `weak_cache = weakref.WeakValueDictionary()`, with the callback hook doing what
 * `remove(wr)` does.
 *
 * The heap has no weakref subclasses: `KeyedRef` is defined as a class and then made a weakref in
 * the heap's type table, so deallocation, traversal and clearing treat it as one, and its objects
 * are allocated at their real size with the key in the slot after the weakref fields. The key is
 * stored borrowed: the heap's weakref deallocation does not know the slot, and in this workload
 * the key (also the item's `key` attribute) always outlives its KeyedRef, which dies inside the
 * item's deallocation before the item's attributes are dropped.
 */
function setupWeakValue(heap: Heap): CacheModule {
  const item = defineItem(heap);
  const keyedRefCls = heap.defineClass({ name: 'KeyedRef', slots: ['key'] });
  heap.types.kindOf[keyedRefCls.id] = Kind.WeakRef;
  const wvdCls = heap.defineClass({ name: 'WeakValueDictionary' });
  heap.roots.init();
  // def __init__(self, other=(), /, **kw):
  const self = heap.newInstance(wvdCls);
  //     def remove(wr, selfref=ref(self), _atomic_removal=_remove_dead_weakref): ...
  // (the builtin _remove_dead_weakref belongs to the start-up population: None stands in for it)
  const selfref = heap.weakref(self);
  const defaults = heap.tupleOf(selfref, heap.None);
  heap.decref(selfref);
  const remove = heap.func(heap.roots.globals, 0, defaults);
  heap.decref(defaults);
  heap.setAttr(self, '_remove', remove);
  heap.decref(remove);
  const pending = heap.list.newList(0);
  heap.setAttr(self, '_pending_removals', pending);
  heap.decref(pending);
  const iterating = heap.set.newSet();
  heap.setAttr(self, '_iterating', iterating);
  heap.decref(iterating);
  const data = heap.dict.newDict();
  heap.setAttr(self, 'data', data);
  heap.decref(data);
  heap.roots.setGlobal('weak_cache', self);
  heap.decref(self);

  // remove(wr): self = selfref(); self._iterating is empty, so _atomic_removal(self.data, wr.key).
  heap.hooks = {
    ...heap.hooks,
    weakrefCallback: (h, callback, wr) => {
      if (callback === remove) h.dict.delItem(data, h.i32[wr + KEYEDREF_KEY_WORD]);
    },
  };
  const oldSuper = heap.profile.pythonVersion === '3.11';
  return {
    item,
    cache: self,
    data,
    remove,
    keyedRef: keyedRefCls.id,
    // superobject: type, obj, obj_type (56 B); wrapperobject: descr, self (48 B). 3.12's
    // LOAD_SUPER_ATTR finds ref.__init__ without making either.
    superCls: oldSuper ? heap.defineClass({ name: 'super', slots: ['type', 'obj', 'obj_type'] }) : null,
    wrapperCls: oldSuper ? heap.defineClass({ name: 'method-wrapper', slots: ['descr', 'self'] }) : null,
  };
}

/**
 * `KeyedRef(ob, callback, key)`: `ref.__new__` allocates the object (tracked at allocation) and
 * links it at the end of `ob`'s weakref list (a ref with a callback is never shared), `__new__`
 * sets `key`, `__init__` calls `super().__init__(ob, callback)`. A new reference.
 */
function newKeyedRef(heap: Heap, m: CacheModule, ob: Ref, key: Ref): Ref {
  const i32 = heap.i32;
  // KeyedRef(ob, callback, key): the type call's argument tuple, alive until the call returns.
  const callArgs = heap.tupleOf(ob, m.remove, key);
  // __new__: self = ref.__new__(type, ob, callback): tp_new_wrapper's argument tuple, and the slice
  // of it that weakref___new__ gets.
  const newArgs = heap.tupleOf(heap.None, ob, m.remove);
  const newSlice = heap.tupleOf(ob, m.remove);
  const wr = heap.allocObject(m.keyedRef, KEYEDREF_BYTES);
  // The weakref part as ref.__new__ sets it (a ref with a callback goes at the end of the list).
  i32.fill(0, wr + 16, wr + KEYEDREF_KEY_WORD + 2);
  heap.initWeakref(wr, ob, m.remove);
  heap.decref(newSlice);
  heap.decref(newArgs);
  i32[wr + KEYEDREF_KEY_WORD] = key;
  // __init__: super().__init__(ob, callback)
  if (m.superCls !== null && m.wrapperCls !== null) {
    // 3.11: super() makes a super object; LOAD_METHOD on it makes a method-wrapper and drops the
    // super; calling the method-wrapper packs (ob, callback); the call returns and the
    // method-wrapper goes.
    const sup = heap.newInstance(m.superCls);
    const wrapper = heap.newInstance(m.wrapperCls);
    heap.decref(sup);
    const initArgs = heap.tupleOf(ob, m.remove);
    heap.decref(initArgs);
    heap.decref(wrapper);
  } else {
    // 3.12+: the slot wrapper called unbound: (self, ob, callback), then its slice (ob, callback).
    const initArgs = heap.tupleOf(wr, ob, m.remove);
    const initSlice = heap.tupleOf(ob, m.remove);
    heap.decref(initSlice);
    heap.decref(initArgs);
  }
  heap.decref(callArgs);
  return wr;
}

/** `cache[key] = value` for the variant's cache (both borrowed). */
function store(heap: Heap, m: CacheModule, key: Ref, value: Ref): void {
  if (m.keyedRef === 0) {
    heap.dict.setItem(m.cache, key, value);
    return;
  }
  // WeakValueDictionary.__setitem__: _pending_removals is empty, so straight to
  // self.data[key] = KeyedRef(value, self._remove, key)
  const wr = newKeyedRef(heap, m, value, key);
  heap.dict.setItem(m.data, key, wr);
  heap.decref(wr);
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
