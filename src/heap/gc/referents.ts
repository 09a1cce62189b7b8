/**
 * `tp_traverse` and `tp_clear` of every simulated type. `referents(ref)` writes what an object
 * references into one reusable buffer and returns the count, so the collector's loops are flat
 * and allocate nothing per object. Only references a real traverse reports are listed: a weakref
 * reports its callback, not its referent; type objects live on the JS side and are not listed.
 */
import { FIELD, KEYS, PRE, type Ref } from '../layout.js';
import { Kind } from '../types.js';
import type { Heap } from '../heap.js';
import { clearDict, INLINE_CAPACITY_WORD, INLINE_VALUES_WORD, separatePrefixWords } from '../dict.js';
import { clearList } from '../list.js';
import { clearSet } from '../set.js';

const SET_ENTRY_WORDS = 4;
const DICT_ENTRY_VALUE = 2;

export class Referents {
  /** Referents of the last object passed to `of`; valid until the next call. */
  buf = new Int32Array(4096);
  /** 3.13+: instance values live inline and a __dict__ viewing them is not their traverse path. */
  private readonly inlineValues: boolean;
  // The heap's views and type tables, held here so the collector's loops read them directly.
  private readonly i32: Int32Array;
  private readonly kindOf: Int32Array;
  private readonly slotCount: Int32Array;
  private readonly tupleItemsWord: number;

  constructor(private readonly heap: Heap) {
    this.inlineValues = heap.profile.instanceValues === 'inline';
    this.i32 = heap.i32;
    this.kindOf = heap.types.kindOf;
    this.slotCount = heap.types.slotCount;
    this.tupleItemsWord = heap.tupleItemsWord;
  }

  /**
   * Fills `buf` with the (non-NULL) references `ref` holds and returns how many. The kinds a
   * collection meets most (instances, `__slots__` instances, tuples, lists) come first and stay
   * small; the rest are in `ofOther`.
   */
  of(ref: Ref): number {
    const i32 = this.i32;
    const typeId = i32[ref + 1];
    const kind = this.kindOf[typeId];
    if (kind === Kind.Instance) return this.ofInstance(ref);
    if (kind === Kind.SlotsInstance) return this.copyPairs(ref + FIELD.SLOTS_FIRST, this.slotCount[typeId]);
    if (kind === Kind.Tuple) return this.copyPairs(ref + this.tupleItemsWord, i32[ref + 4]);
    if (kind === Kind.List) return this.copyPairs(i32[ref + FIELD.LIST_ITEMS], i32[ref + FIELD.LIST_SIZE]);
    return this.ofOther(ref, kind);
  }

  /**
   * A plain instance. `_PyObject_VisitManagedDict` (3.11/3.12): the materialised dict if there is
   * one (it visits the values), else the values. `PyObject_VisitManagedDict` (3.13+): the inline
   * values while they are valid (no dict, or a dict still viewing them), else the dict.
   */
  private ofInstance(ref: Ref): number {
    const i32 = this.i32;
    const dict = i32[ref + PRE.DICT];
    if (dict !== 0 && (!this.inlineValues || i32[dict + FIELD.DICT_VALUES] !== ref)) {
      this.buf[0] = dict;
      return 1;
    }
    return this.instanceValues(ref);
  }

  private ofOther(ref: Ref, kind: number): number {
    const heap = this.heap;
    const i32 = this.i32;
    switch (kind) {
      case Kind.Dict: {
        const owner = i32[ref + FIELD.DICT_VALUES];
        // A __dict__ viewing an instance's values: 3.11/3.12 visit them (the dict holds the
        // values there); 3.13+ visit nothing, since the instance visits its inline values itself.
        if (owner !== 0) return this.inlineValues ? 0 : this.instanceValues(owner);
        const keys = i32[ref + FIELD.DICT_KEYS];
        const n = i32[keys + KEYS.NENTRIES];
        // defdict_traverse: the factory, then the dict's entries.
        const factory = i32[ref + 1] === Kind.DefaultDict ? i32[ref + FIELD.DEFAULTDICT_FACTORY] : 0;
        this.reserve(2 * n + 1);
        const buf = this.buf;
        let count = 0;
        if (factory !== 0) buf[count++] = factory;
        for (let e = 0; e < n; e++) {
          const k = heap.dict.entryKeyWord(keys, e);
          if (i32[k] !== 0) buf[count++] = i32[k];
          if (i32[k + DICT_ENTRY_VALUE] !== 0) buf[count++] = i32[k + DICT_ENTRY_VALUE];
        }
        return count;
      }
      case Kind.Set: {
        const table = i32[ref + FIELD.SET_TABLE];
        const slots = i32[ref + FIELD.SET_MASK] + 1;
        this.reserve(slots);
        const buf = this.buf;
        let count = 0;
        for (let i = 0; i < slots; i++) {
          const k = i32[table + i * SET_ENTRY_WORDS];
          if (k > 0) buf[count++] = k;
        }
        return count;
      }
      case Kind.Function: {
        let n = this.copyFields(ref, FIELD.FUNC_GLOBALS, FIELD.FUNC_CLOSURE, FIELD.FUNC_DEFAULTS, FIELD.FUNC_DICT);
        const kwdefaults = this.i32[ref + FIELD.FUNC_KWDEFAULTS];
        if (kwdefaults !== 0) this.buf[n++] = kwdefaults;
        const annotations = this.i32[ref + FIELD.FUNC_ANNOTATIONS];
        if (annotations !== 0) this.buf[n++] = annotations;
        return n;
      }
      case Kind.BoundMethod:
        return this.copyFields(ref, FIELD.METHOD_FUNC, FIELD.METHOD_SELF, 0, 0);
      case Kind.Generator:
        return this.copyPairs(heap.generatorSlotsWord(ref), i32[ref + FIELD.GEN_NSLOTS]);
      case Kind.WeakRef:
        return this.copyFields(ref, FIELD.WEAKREF_CALLBACK, 0, 0, 0);
      case Kind.Cell:
        return this.copyFields(ref, FIELD.CELL_REF, 0, 0, 0);
      case Kind.ListIter:
      case Kind.TupleIter:
        return this.copyFields(ref, FIELD.SEQITER_SEQ, 0, 0, 0);
      case Kind.Enumerate:
        return this.copyFields(ref, FIELD.ENUM_ITER, FIELD.ENUM_RESULT, 0, 0);
      case Kind.DictKeys:
      case Kind.DictValues:
      case Kind.DictItems:
        return this.copyFields(ref, FIELD.DICTVIEW_DICT, 0, 0, 0);
      case Kind.DictKeyIter:
      case Kind.DictValueIter:
      case Kind.DictItemIter:
        return this.copyFields(ref, FIELD.DICTITER_DICT, FIELD.DICTITER_RESULT, 0, 0);
      case Kind.Deque:
        this.reserve(heap.deques.length(ref));
        return heap.deques.copyItems(ref, this.buf);
      case Kind.DequeIter:
        return this.copyFields(ref, FIELD.DEQUEITER_DEQUE, 0, 0, 0);
      default:
        return 0;
    }
  }

  /**
   * Fills `buf` with the attribute values of a plain instance (inline from 3.13, a separate block
   * before) and returns how many: what `_PyDict_MaybeUntrack` looks at for a dict viewing them.
   */
  instanceValues(obj: Ref): number {
    // DictOps.valuesBase and valuesCapacity, written out: in the collector's loops this takes 6 %
    // fewer instructions per object than the calls (measured with callgrind on a 3.11 chain).
    const i32 = this.i32;
    if (this.inlineValues) return this.copyPairs(obj + INLINE_VALUES_WORD, i32[obj + INLINE_CAPACITY_WORD]);
    const block = i32[obj + PRE.VALUES];
    return block === 0 ? 0 : this.copyPairs(block + separatePrefixWords(i32[block]), i32[block]);
  }

  private reserve(n: number): void {
    if (this.buf.length < n) this.buf = new Int32Array(Math.max(n, this.buf.length * 2));
  }

  /** Copies the non-NULL references among `n` 8-byte slots starting at word `first`. */
  private copyPairs(first: Ref, n: number): number {
    if (first === 0 || n === 0) return 0;
    this.reserve(n);
    const i32 = this.i32;
    const buf = this.buf;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const r = i32[first + 2 * i];
      if (r !== 0) buf[count++] = r;
    }
    return count;
  }

  /** Copies the non-NULL references in up to four fields (a field offset of 0 means none). */
  private copyFields(ref: Ref, a: number, b: number, c: number, d: number): number {
    const i32 = this.i32;
    const buf = this.buf;
    let count = 0;
    if (a !== 0 && i32[ref + a] !== 0) buf[count++] = i32[ref + a];
    if (b !== 0 && i32[ref + b] !== 0) buf[count++] = i32[ref + b];
    if (c !== 0 && i32[ref + c] !== 0) buf[count++] = i32[ref + c];
    if (d !== 0 && i32[ref + d] !== 0) buf[count++] = i32[ref + d];
    return count;
  }
}

/**
 * `tp_clear`: drops the references an object holds so that a garbage cycle falls apart, leaving
 * the object itself valid (the caller holds a reference to it). Tuples and bound methods have no
 * tp_clear in CPython; their cycles are broken at another member.
 */
export function tpClear(heap: Heap, ref: Ref): void {
  const i32 = heap.i32;
  const typeId = i32[ref + 1];
  switch (heap.types.kindOf[typeId]) {
    case Kind.List:
      clearList(heap, ref);
      break;
    case Kind.Dict: {
      // defdict_tp_clear: the factory, then the dict's tp_clear.
      if (typeId === Kind.DefaultDict) clearField(heap, ref + FIELD.DEFAULTDICT_FACTORY);
      const owner = i32[ref + FIELD.DICT_VALUES];
      if (owner !== 0) {
        // A __dict__ viewing an instance's values clears those (shared) values and stops viewing
        // them; the instance keeps its reference to the now empty dict. (Only 3.11/3.12 get here:
        // from 3.13 no traverse reports such a dict, so it is never found unreachable.)
        // The instance is held alive meanwhile, unless it already died earlier in this collection
        // and waits on the deallocation work list (the collection runs inside a deallocation). In
        // CPython it would be gone and this dict would hold the values alone; here the view is no
        // reference, so such an instance is not touched (an incref and decref would deallocate it
        // a second time), and its deallocation finds the dict no longer viewing it.
        const alive = heap.refcount(owner) !== 0;
        if (alive) heap.incref(owner);
        clearSlots(heap, heap.dict.valuesBase(owner), heap.dict.valuesCapacity(owner));
        heap.dict.stopViewing(ref);
        if (alive) heap.decref(owner);
        break;
      }
      clearDict(heap, ref);
      break;
    }
    case Kind.Set:
      clearSet(heap, ref);
      break;
    case Kind.Instance: {
      // `_PyObject_ClearManagedDict`: the values, then the materialised dict.
      clearSlots(heap, heap.dict.valuesBase(ref), heap.dict.valuesCapacity(ref));
      const dict = i32[ref + PRE.DICT];
      if (dict !== 0) {
        i32[ref + PRE.DICT] = 0;
        if (i32[dict + FIELD.DICT_VALUES] === ref) heap.dict.stopViewing(dict);
        heap.decref(dict);
      }
      break;
    }
    case Kind.SlotsInstance:
      clearSlots(heap, ref + FIELD.SLOTS_FIRST, heap.types.slotCount[typeId]);
      break;
    case Kind.Function:
      clearField(heap, ref + FIELD.FUNC_GLOBALS);
      clearField(heap, ref + FIELD.FUNC_CLOSURE);
      clearField(heap, ref + FIELD.FUNC_DEFAULTS);
      clearField(heap, ref + FIELD.FUNC_KWDEFAULTS);
      clearField(heap, ref + FIELD.FUNC_ANNOTATIONS);
      clearField(heap, ref + FIELD.FUNC_DICT);
      break;
    case Kind.Generator:
      // Closing an unfinished generator clears its frame.
      clearSlots(heap, heap.generatorSlotsWord(ref), i32[ref + FIELD.GEN_NSLOTS]);
      break;
    case Kind.WeakRef:
      heap.clearWeakrefReferent(ref);
      clearField(heap, ref + FIELD.WEAKREF_CALLBACK);
      break;
    case Kind.Cell:
      clearField(heap, ref + FIELD.CELL_REF);
      break;
    case Kind.Deque:
      heap.deques.clear(ref);
      break;
    default:
      break;
  }
}

/** Sets `n` 8-byte reference slots to NULL, then drops what they held. */
function clearSlots(heap: Heap, first: Ref, n: number): void {
  if (first === 0) return;
  for (let i = 0; i < n; i++) clearField(heap, first + 2 * i);
}

/** `Py_CLEAR`: the slot is NULL before the old value is dropped. */
function clearField(heap: Heap, word: Ref): void {
  const old = heap.i32[word];
  if (old === 0) return;
  heap.i32[word] = 0;
  heap.decref(old);
}
