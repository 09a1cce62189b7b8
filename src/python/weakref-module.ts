/**
 * The `weakref` module as the simulated program sees it: `weakref.ref(obj[, callback])` and
 * `weakref.WeakValueDictionary`, the latter making what `Lib/weakref.py` makes (the same in
 * 3.11-3.13; 3.14 inferred):
 *
 *   WeakValueDictionary()   an instance with `_remove` (a function with defaults
 *                           `selfref=ref(self)`, `_atomic_removal=_remove_dead_weakref`),
 *                           `_pending_removals = []`, `_iterating = set()`, `data = {}`
 *   d[key] = value          `data[key] = KeyedRef(value, self._remove, key)`: a weakref subclass
 *                           with `__slots__ = "key",` (88 B; MEAS sys.getsizeof and tracemalloc
 *                           88 B per entry on 3.11.7, 3.12.1, 3.13.0), linked at the end of the
 *                           value's weakref list; the calls' argument tuples: the type call's
 *                           3-tuple, `ref.__new__`'s tp_new_wrapper 3-tuple and its 2-tuple slice,
 *                           then `super().__init__(ob, callback)`: 3.11 a super object (56 B) and a
 *                           method-wrapper (48 B) whose call packs a 2-tuple, 3.12+ (LOAD_SUPER_ATTR)
 *                           the unbound slot wrapper's 3-tuple and its 2-tuple slice
 *   the value dies          the KeyedRef's callback `remove(wr)` deletes `data[wr.key]`
 *                           (`_remove_dead_weakref`; `_pending_removals` fills only while the dict is
 *                           iterated), which frees the KeyedRef once the callback returns
 *
 * Type objects are not simulated memory: None stands in for the type in `ref.__new__`'s tuple.
 */
import type { CTypeName } from './runtime.js';
import type { Heap } from '../heap/heap.js';
import type { Ref } from '../heap/layout.js';
import { Kind, type ClassInfo } from '../heap/types.js';
import { opVector } from './work-counts.js';

/**
 * What `Lib/weakref.py` runs on CPython for each operation this module does natively, by
 * operation class (work-counts.ts; read off the 3.11-3.13 source), so the cost model prices it:
 * `__setitem__` (its `_pending_removals` test, `KeyedRef(value, self._remove, key)`: `__new__`
 * calling `ref.__new__` and setting `key`, `__init__` calling `super().__init__`, the store into
 * `data`), `__getitem__` (`self.data[key]()` and the None test), and the `remove` callback of a dead
 * value (`selfref()`, the `_iterating` test, `_atomic_removal(self.data, wr.key)`).
 */
export const WVD_SETITEM_OPS = opVector({ frame: 3, local: 14, global: 3, attr: 5, attrStore: 1, subscript: 1, call: 4, compare: 1 });
export const WVD_GETITEM_OPS = opVector({ frame: 1, local: 5, attr: 2, subscript: 1, call: 1, compare: 2 });
export const WVD_REMOVE_OPS = opVector({ frame: 1, local: 8, attr: 3, call: 2, compare: 2 });

/** `KeyedRef`: the 64-byte `PyWeakReference`, the `key` slot, the 16-byte GC head. MEAS 88. */
const KEYEDREF_BYTES = 88;
/** Word of the `key` slot: right after the weakref's 64 bytes. */
const KEYEDREF_KEY_WORD = 16;

/** One WeakValueDictionary's parts the shim needs. */
interface WeakValueDict {
  readonly self: Ref;
  readonly data: Ref;
  readonly remove: Ref;
}

export class WeakrefModule {
  private keyedRef: ClassInfo | undefined;
  private wvdClass: ClassInfo | undefined;
  /** The dictionaries by their instance, and by their `_remove` callback. */
  private readonly byInstance = new Map<Ref, WeakValueDict>();
  private readonly byRemove = new Map<Ref, WeakValueDict>();

  constructor(
    private readonly heap: Heap,
    /** The runtime's C-level object layouts (super, method-wrapper). */
    private readonly cType: (name: CTypeName) => ClassInfo,
    /** Charges the work of one `remove` callback (WVD_REMOVE_OPS) to the program. */
    private readonly chargeRemoval: () => void,
    /** Calls a weakref callback that is a Python callable (with the weakref; consumed). */
    private readonly callPython: (callback: Ref, weakref: Ref) => void,
  ) {
    const previous = heap.hooks.weakrefCallback;
    heap.hooks = {
      ...heap.hooks,
      weakrefCallback: (h, callback, wr) => {
        const d = this.byRemove.get(callback);
        if (d !== undefined) {
          this.chargeRemoval();
          // remove(wr): self = selfref(); self._iterating is empty: _atomic_removal(self.data, wr.key)
          h.dict.delItem(d.data, h.i32[wr + KEYEDREF_KEY_WORD]);
          return;
        }
        if (previous) previous(h, callback, wr);
        else {
          h.incref(callback);
          h.incref(wr);
          this.callPython(callback, wr);
        }
      },
    };
  }

  /** Whether `obj` is a WeakValueDictionary this module made. */
  isWeakValueDict(obj: Ref): boolean {
    return this.byInstance.has(obj);
  }

  /** `weakref.ref(obj[, callback])`: a new reference (shared when there is no callback). */
  ref(obj: Ref, callback: Ref): Ref {
    return this.heap.weakref(obj, callback);
  }

  /** `weakref.WeakValueDictionary()`: a new reference to the instance. */
  newWeakValueDictionary(): Ref {
    const heap = this.heap;
    if (this.wvdClass === undefined) {
      this.wvdClass = heap.defineClass({ name: 'WeakValueDictionary' });
      // The heap has no weakref subclasses: KeyedRef is a class made a weakref in the type table,
      // allocated at its real size with the key in the slot after the weakref's fields. The key is
      // kept borrowed (the heap's weakref deallocation does not know the slot); a cache's key is
      // held by its data dict for as long as the KeyedRef lives there.
      this.keyedRef = heap.defineClass({ name: 'KeyedRef', slots: ['key'] });
      heap.types.kindOf[this.keyedRef.id] = Kind.WeakRef;
    }
    const self = heap.newInstance(this.wvdClass);
    // def remove(wr, selfref=ref(self), _atomic_removal=_remove_dead_weakref): ... (the builtin
    // _remove_dead_weakref belongs to the start-up population: None stands in for it)
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
    const d: WeakValueDict = { self, data, remove };
    this.byInstance.set(self, d);
    this.byRemove.set(remove, d);
    return self;
  }

  /** `d[key] = value` (both borrowed): `self.data[key] = KeyedRef(value, self._remove, key)`. */
  setItem(obj: Ref, key: Ref, value: Ref): void {
    const heap = this.heap;
    const d = this.byInstance.get(obj)!;
    const wr = this.newKeyedRef(d, value, key);
    heap.dict.setItem(d.data, key, wr);
    heap.decref(wr);
  }

  /** `d[key]`: the referent (a new reference), or 0 when absent or dead. */
  getItem(obj: Ref, key: Ref): Ref {
    const heap = this.heap;
    const d = this.byInstance.get(obj)!;
    const wr = heap.dict.getItem(d.data, key);
    if (wr === 0) return 0;
    const o = heap.weakrefGet(wr);
    if (o === heap.None) return 0;
    heap.incref(o);
    return o;
  }

  /** The `data` dict of a WeakValueDictionary (borrowed). */
  dataOf(obj: Ref): Ref {
    return this.byInstance.get(obj)!.data;
  }

  length(obj: Ref): number {
    return this.heap.dict.length(this.byInstance.get(obj)!.data);
  }

  /**
   * `KeyedRef(ob, callback, key)`: `ref.__new__` allocates the object (tracked at allocation) and
   * links it at the end of `ob`'s weakref list (a ref with a callback is never shared), `__new__`
   * sets `key`, `__init__` calls `super().__init__(ob, callback)`. A new reference.
   */
  private newKeyedRef(d: WeakValueDict, ob: Ref, key: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    // KeyedRef(ob, callback, key): the type call's argument tuple, alive until the call returns.
    const callArgs = heap.tupleOf(ob, d.remove, key);
    // __new__: self = ref.__new__(type, ob, callback): tp_new_wrapper's argument tuple, and the
    // slice of it that weakref___new__ gets.
    const newArgs = heap.tupleOf(heap.None, ob, d.remove);
    const newSlice = heap.tupleOf(ob, d.remove);
    const wr = heap.allocObject(this.keyedRef!.id, KEYEDREF_BYTES);
    i32.fill(0, wr + 16, wr + KEYEDREF_KEY_WORD + 2);
    heap.initWeakref(wr, ob, d.remove);
    heap.decref(newSlice);
    heap.decref(newArgs);
    i32[wr + KEYEDREF_KEY_WORD] = key;
    if (heap.profile.superCallObjects) {
      // 3.11: super() makes a super object; LOAD_METHOD on it makes a method-wrapper and drops the
      // super; calling the method-wrapper packs (ob, callback); then the method-wrapper goes.
      const sup = heap.newInstance(this.cType('super'));
      const wrapper = heap.newInstance(this.cType('method-wrapper'));
      heap.decref(sup);
      const initArgs = heap.tupleOf(ob, d.remove);
      heap.decref(initArgs);
      heap.decref(wrapper);
    } else {
      // 3.12+: the slot wrapper called unbound with (self, ob, callback), then its slice.
      const initArgs = heap.tupleOf(wr, ob, d.remove);
      const initSlice = heap.tupleOf(ob, d.remove);
      heap.decref(initSlice);
      heap.decref(initArgs);
    }
    heap.decref(callArgs);
    return wr;
  }
}
