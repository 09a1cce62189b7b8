/**
 * Simulated type objects. The type word of every object is a type id; built-in types use their
 * `Kind` as id, classes defined by workloads get ids from CLASS_ID_BASE up. Type objects are kept on
 * the JS side (one record per type, never per object): the simulation does not count their memory.
 */
import { GC_HEAD_WORDS, MANAGED_PREHEADER_WORDS, type Ref, SMALL_REQUEST_THRESHOLD } from './layout.js';
import type { Profile } from './profiles.js';

export const enum Kind {
  None = 1,
  Bool,
  Int,
  Float,
  Str,
  Bytes,
  Tuple,
  List,
  Dict,
  Set,
  Function,
  BoundMethod,
  Generator,
  WeakRef,
  Cell,
  /** A plain class instance with a managed dict (split keys). */
  Instance,
  /** An instance of a class with `__slots__`. */
  SlotsInstance,
  /**
   * A non-GC object whose contents the model does not follow (a `range`, a range iterator): it
   * takes its bytes and is freed when its refcount drops, nothing more.
   */
  Opaque,
  /** `range(...)`: start, stop and step (iter.ts). Not a GC object. */
  Range,
  /** `iter(range(...))`: next value, stop and step (iter.ts). Not a GC object. */
  RangeIter,
  /** A list iterator: the list and the next index (iter.ts). A GC object. */
  ListIter,
  /** A tuple iterator: the tuple and the next index (iter.ts). A GC object. */
  TupleIter,
  /** `array.array`: numbers in a separate buffer (array.ts). Not a GC object. */
  Array,
  /** `enumerate(iterable)`: the inner iterator, the next index, the recycled result tuple (iter.ts). */
  Enumerate,
  /** `dict.keys()`, `dict.values()`, `dict.items()`: a view holding the dict (dict-views.ts). A GC object. */
  DictKeys,
  DictValues,
  DictItems,
  /** The iterators of a dict and its views: the dict, the next entry, the recycled items tuple (dict-views.ts). */
  DictKeyIter,
  DictValueIter,
  DictItemIter,
  /** `collections.deque`: items in a chain of 64-slot blocks (deque.ts). A GC object. */
  Deque,
  /** `iter(deque)`: the deque, the next block and index (deque.ts). A GC object. */
  DequeIter,
  /**
   * `collections.defaultdict`: a dict (its kind is Dict) with the default factory after the
   * dict's fields (dict.ts). Not an exact dict: no free list, never untracked by the collector.
   */
  DefaultDict,
  /**
   * A static object standing for something the simulation keeps on the JS side (a class, a
   * builtin function, a module): never freed, no memory of its own counted (type objects and
   * modules are not simulated memory).
   */
  Handle,
}

export const KIND_NAMES: Record<number, string> = {
  [Kind.None]: 'NoneType',
  [Kind.Bool]: 'bool',
  [Kind.Int]: 'int',
  [Kind.Float]: 'float',
  [Kind.Str]: 'str',
  [Kind.Bytes]: 'bytes',
  [Kind.Tuple]: 'tuple',
  [Kind.List]: 'list',
  [Kind.Dict]: 'dict',
  [Kind.Set]: 'set',
  [Kind.Function]: 'function',
  [Kind.BoundMethod]: 'method',
  [Kind.Generator]: 'generator',
  [Kind.WeakRef]: 'weakref.ReferenceType',
  [Kind.Cell]: 'cell',
  [Kind.Opaque]: 'object',
  [Kind.Range]: 'range',
  [Kind.RangeIter]: 'range_iterator',
  [Kind.ListIter]: 'list_iterator',
  [Kind.TupleIter]: 'tuple_iterator',
  [Kind.Array]: 'array.array',
  [Kind.Enumerate]: 'enumerate',
  [Kind.DictKeys]: 'dict_keys',
  [Kind.DictValues]: 'dict_values',
  [Kind.DictItems]: 'dict_items',
  [Kind.DictKeyIter]: 'dict_keyiterator',
  [Kind.DictValueIter]: 'dict_valueiterator',
  [Kind.DictItemIter]: 'dict_itemiterator',
  [Kind.Deque]: 'collections.deque',
  [Kind.DequeIter]: '_collections._deque_iterator',
  [Kind.DefaultDict]: 'collections.defaultdict',
  [Kind.Handle]: 'object',
};

/** The first id of a workload's class: above every Kind, with room for more. */
export const CLASS_ID_BASE = 48;
export const MAX_TYPES = 4096;

/** How a class finalizes its instances. */
export type Finalizer = 'none' | 'del' | 'legacy';

/** A class defined by a workload: `class Name:` with attributes, or with `__slots__`. */
export interface ClassSpec {
  readonly name: string;
  /** `__slots__ = (...)`: a slots class without a `__dict__`. Omit for a plain class. */
  readonly slots?: readonly string[];
  /** Whether `__weakref__` is among the slots (plain classes always support weakrefs). */
  readonly weakrefSlot?: boolean;
  /** `__del__` (PEP 442, 'del') or a C-level `tp_del` ('legacy', uncollectable in cycles). */
  readonly finalizer?: Finalizer;
  /**
   * A subclass of this built-in type (its instances have its layout): `list`, or `tuple` with
   * `__slots__ = ()` (a namedtuple: no dict, no weakrefs; its size is per instance).
   */
  readonly builtinBase?: Kind.List | Kind.Tuple;
}

/** `PyListObject`'s basic size: header, ob_size, ob_item, allocated. */
const LIST_BASIC_SIZE = 40;

export interface ClassInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: Kind.Instance | Kind.SlotsInstance | Kind.List | Kind.Tuple;
  readonly slots: readonly string[];
  readonly finalizer: Finalizer;
  /** Words before the object's Ref where its block starts (GC head, managed pre-header). */
  readonly preWords: number;
  /** Bytes requested for one instance, excluding 3.13+ inline values. */
  readonly baseBytes: number;
  /** Word offset of the weakref list head, relative to the object's Ref (0 if none). */
  readonly weaklistWord: number;
  /** A `__slots__` instance whose block is a bare GC head and the object, ≤ 512 bytes: `newInstance` has a fast path for it. */
  readonly smallSlots: boolean;
  /** 3.11–3.14 `ht_cached_keys`: the shared split keys (a block in simulated memory), 0 for slots classes. */
  sharedKeys: Ref;
}

/** Per-type facts the hot paths read by type id. */
export class TypeTable {
  readonly kindOf = new Int32Array(MAX_TYPES);
  readonly isGC = new Uint8Array(MAX_TYPES);
  readonly preWords = new Int32Array(MAX_TYPES);
  readonly weaklistWord = new Int32Array(MAX_TYPES);
  readonly hasFinalizer = new Uint8Array(MAX_TYPES);
  /** PEP 442 `tp_finalize` (`__del__`): run once by the collector, then the object may be freed. */
  readonly hasTpFinalize = new Uint8Array(MAX_TYPES);
  /** A legacy `tp_del`: objects in unreachable cycles are uncollectable and go to gc.garbage. */
  readonly hasLegacyFinalizer = new Uint8Array(MAX_TYPES);
  readonly slotCount = new Int32Array(MAX_TYPES);
  /** 1 if instances may have a finalizer or weakrefs, so deallocation must look (kept in step by setWeaklist). */
  readonly mayFinalizeOrWeakref = new Uint8Array(MAX_TYPES);
  /**
   * 1 for a GC type whose deallocation is only "untrack and free the block" and whose block is a
   * bare 16-byte GC head and a header in a pymalloc block: no referents, finalizer, weakref list or
   * free list (`class S: __slots__ = ()`). The heap frees these on a fast path (kept in step by setWeaklist).
   */
  readonly leafGc = new Uint8Array(MAX_TYPES);
  /**
   * 1 for a type whose deallocation allocates before it frees (a deque's clear takes a new
   * block): the heap deallocates it when it dies, even inside another deallocation, so what the
   * dying container still holds is still there (CPython recurses).
   */
  readonly deallocAllocates = new Uint8Array(MAX_TYPES);
  readonly classes: ClassInfo[] = [];
  /** Classes defined with a PEP 442 finalizer (the collector skips finalization when there are none). */
  tpFinalizeClasses = 0;
  /** Classes defined with a legacy `tp_del` (the collector skips looking for them when there are none). */
  legacyFinalizerClasses = 0;

  constructor(readonly profile: Profile) {
    const gcKinds = [
      Kind.Tuple, Kind.List, Kind.Dict, Kind.Set, Kind.Function, Kind.BoundMethod, Kind.Generator, Kind.WeakRef, Kind.Cell,
      Kind.ListIter, Kind.TupleIter, Kind.Enumerate,
      Kind.DictKeys, Kind.DictValues, Kind.DictItems, Kind.DictKeyIter, Kind.DictValueIter, Kind.DictItemIter,
      Kind.Deque, Kind.DequeIter, Kind.DefaultDict,
    ];
    for (let k = Kind.None; k <= Kind.Cell; k++) this.kindOf[k] = k;
    for (let k = Kind.Opaque; k <= Kind.Handle; k++) this.kindOf[k] = k;
    for (const k of gcKinds) {
      this.isGC[k] = 1;
      this.preWords[k] = GC_HEAD_WORDS;
    }
    this.deallocAllocates[Kind.Deque] = 1;
    this.kindOf[Kind.DefaultDict] = Kind.Dict;
  }

  defineClass(spec: ClassSpec): ClassInfo {
    const id = CLASS_ID_BASE + this.classes.length;
    if (id >= MAX_TYPES) throw new RangeError(`too many classes (at most ${MAX_TYPES - CLASS_ID_BASE})`);
    const p = this.profile;
    let info: ClassInfo;
    if (spec.builtinBase === Kind.Tuple) {
      // The GC head and the tuple's header; PyType_GenericAlloc adds 8 B per item and one more.
      info = { id, name: spec.name, kind: Kind.Tuple, slots: [], finalizer: 'none', preWords: GC_HEAD_WORDS, baseBytes: GC_HEAD_WORDS * 4 + p.tupleBasicSize, weaklistWord: 0, smallSlots: false, sharedKeys: 0 };
    } else if (spec.slots) {
      const slots = [...spec.slots];
      const weak = spec.weakrefSlot === true;
      // 16 B GC head + 16 B header + 8 B per slot; a __weakref__ slot is 8 B in 3.11 and a managed
      // 16 B pre-header from 3.12 on.
      const managedWeak = weak && p.managedWeakref;
      const preWords = GC_HEAD_WORDS + (managedWeak ? MANAGED_PREHEADER_WORDS : 0);
      const baseBytes = preWords * 4 + 16 + 8 * slots.length + (weak && !managedWeak ? 8 : 0);
      const weaklistWord = !weak ? 0 : managedWeak ? -6 : 4 + 2 * slots.length;
      const smallSlots = preWords === GC_HEAD_WORDS && baseBytes <= SMALL_REQUEST_THRESHOLD;
      info = { id, name: spec.name, kind: Kind.SlotsInstance, slots, finalizer: spec.finalizer ?? 'none', preWords, baseBytes, weaklistWord, smallSlots, sharedKeys: 0 };
    } else {
      // A plain instance or one of a list subclass: the base's fields, a managed __dict__
      // pre-header (the base's itemsize is 0), and `__weakref__` after the fields (3.11) or
      // managed (3.12+). MEAS a list subclass: sys.getsizeof 80 on 3.11.2 (__basicsize__ 48),
      // 72 on 3.12.1 and 3.13.0 (40).
      const listBase = spec.builtinBase === Kind.List;
      const preWords = GC_HEAD_WORDS + MANAGED_PREHEADER_WORDS;
      const fieldBytes = listBase ? LIST_BASIC_SIZE + (p.managedWeakref ? 0 : 8) : p.instanceBasicSize;
      info = {
        id,
        name: spec.name,
        kind: listBase ? Kind.List : Kind.Instance,
        slots: [],
        finalizer: spec.finalizer ?? 'none',
        preWords,
        baseBytes: preWords * 4 + fieldBytes,
        weaklistWord: p.managedWeakref ? -6 : listBase ? LIST_BASIC_SIZE >> 2 : 4,
        smallSlots: false,
        sharedKeys: 0,
      };
    }
    this.classes.push(info);
    this.kindOf[id] = info.kind;
    this.isGC[id] = 1;
    this.preWords[id] = info.preWords;
    this.setWeaklist(id, info.weaklistWord);
    this.hasFinalizer[id] = info.finalizer === 'none' ? 0 : 1;
    this.hasTpFinalize[id] = info.finalizer === 'del' ? 1 : 0;
    if (info.finalizer === 'del') this.tpFinalizeClasses++;
    this.hasLegacyFinalizer[id] = info.finalizer === 'legacy' ? 1 : 0;
    if (info.finalizer === 'legacy') this.legacyFinalizerClasses++;
    if (info.finalizer !== 'none') this.mayFinalizeOrWeakref[id] = 1;
    this.slotCount[id] = info.slots.length;
    // No slots, no finalizer, no __weakref__: a 32-byte block with nothing to do but free it.
    if (info.kind === Kind.SlotsInstance && info.slots.length === 0 && this.mayFinalizeOrWeakref[id] === 0) this.leafGc[id] = 1;
    return info;
  }

  /** Where instances of a type keep their weakref list (0: they cannot be weakly referenced). */
  setWeaklist(typeId: number, word: number): void {
    this.weaklistWord[typeId] = word;
    if (word !== 0) {
      this.mayFinalizeOrWeakref[typeId] = 1;
      this.leafGc[typeId] = 0;
    }
  }

  classInfo(typeId: number): ClassInfo {
    return this.classes[typeId - CLASS_ID_BASE];
  }

  nameOf(typeId: number): string {
    return typeId >= CLASS_ID_BASE ? this.classInfo(typeId).name : (KIND_NAMES[typeId] ?? `type#${typeId}`);
  }
}
