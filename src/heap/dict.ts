/**
 * dict objects and instance attributes (fact sheet §2.4, §2.5).
 *
 * A dict is a 64-byte object (GC head included) pointing at a keys object:
 * `PyObject_Malloc(32 + index bytes + entry bytes × usable)`, with size = 2^k slots (at least 8),
 * usable = 2/3 of the size, 1-byte indices up to 128 slots, entries of 16 bytes when every key is a
 * str and 24 otherwise. It grows to the smallest power of two ≥ used × 3.
 *
 * Plain instances keep their attributes in values indexed by the class's shared (split) keys: a
 * separate PyMem block (3.11, 3.12) or inline in the object (3.13+). Each new instance takes one
 * from the shared keys' `dk_usable` until it reaches 1, which is why the first instances are larger.
 */
import { DictKeysKind, DKIX_DUMMY, DKIX_EMPTY, FIELD, GC, KEYS, PRE, type Ref, roundUp, clearWords, moveWords } from './layout.js';
import { type ClassInfo, Kind } from './types.js';
import type { Heap } from './heap.js';

const DICT_BYTES = 64;
/** `defdictobject` (the dict's 48 bytes and `default_factory`) + the GC head. MEAS sys.getsizeof(defaultdict()) 72 on 3.11.2, 3.12.1, 3.13.0. */
const DEFAULTDICT_BYTES = 72;
const LOG2_MINSIZE = 3;
/** `SHARED_KEYS_MAX_SIZE`: at most 30 attribute names are shared per class. */
const SHARED_KEYS_MAX_SIZE = 30;
/** Shared keys are created with 2^6 slots (`NEXT_LOG2_SHARED_KEYS_MAX_SIZE`). */
const LOG2_SHARED_KEYS = 6;

/** Words from an entry's key slot to its value slot (and back to a general entry's hash). */
const ENTRY_VALUE = 2;

const usableFraction = (size: number): number => ((size << 1) / 3) | 0;
const indexBytesFor = (log2: number): number => (log2 < 8 ? 1 : log2 < 16 ? 2 : log2 < 32 ? 4 : 8);

/** Smallest log2 of a power of two ≥ minsize, at least 3. */
export function log2KeysizeFor(minsize: number): number {
  let log2 = LOG2_MINSIZE;
  while (1 << log2 < minsize) log2++;
  return log2;
}

/** Bytes requested for a keys object of 2^log2 slots. */
export function keysBytes(log2: number, kind: DictKeysKind): number {
  const size = 1 << log2;
  const entry = kind === DictKeysKind.General ? 24 : 16;
  return KEYS.HEADER_BYTES + size * indexBytesFor(log2) + usableFraction(size) * entry;
}

/** Words of the values prefix of a separate (3.11/3.12) values array of `capacity` slots. */
export const separatePrefixWords = (capacity: number): number => ((capacity + 9) & ~7) >> 2;
/** Bytes of a separate values array: `round_up_8(size + 2) + 8·size`. */
const separateValuesBytes = (capacity: number): number => ((capacity + 2 + 7) & ~7) + 8 * capacity;
/** Bytes of 3.13+ inline values: `round_up_8(size) + 8·(size + 1)`. */
export const inlineValuesBytes = (capacity: number): number => roundUp(capacity, 8) + 8 * (capacity + 1);
/** Word offset of inline value 0 from the object (after its 16-byte header and an 8-byte values header). */
export const INLINE_VALUES_WORD = 6;
export const INLINE_CAPACITY_WORD = 4;

/**
 * Empties a dict (`PyDict_Clear`, and `dict_dealloc`): the dict is empty first, then its entries
 * are dropped from the first to the last, each key before its value (`free_keys_object`), then its
 * keys object goes. A dict viewing an instance's values leaves them with the instance.
 * MEAS (3.11.7, 3.12.1, 3.13.0, finalizers recording their order): `del d` and `d.clear()` drop
 * `{'a': va, 'b': vb}` as va, vb, and `{ka: va, kb: vb}` as ka, va, kb, vb.
 */
export function clearDict(heap: Heap, d: Ref): void {
  const i32 = heap.i32;
  const keys = i32[d + FIELD.DICT_KEYS];
  const owner = i32[d + FIELD.DICT_VALUES];
  i32[d + FIELD.DICT_KEYS] = heap.dict.emptyKeys;
  i32[d + FIELD.DICT_VALUES] = 0;
  i32[d + FIELD.DICT_USED] = 0;
  if (owner !== 0) {
    // A materialised instance __dict__ dying before its instance: the values stay with the instance.
    heap.i32[owner + PRE.DICT] = 0;
  } else {
    const n = i32[keys + KEYS.NENTRIES];
    for (let e = 0; e < n; e++) {
      const k = heap.dict.entryKeyWord(keys, e);
      heap.xdecref(i32[k]);
      heap.xdecref(i32[k + ENTRY_VALUE]);
    }
  }
  heap.dict.releaseKeys(keys);
}

/** Drops a dying plain instance's attribute values (and its materialised dict). */
export function clearInstanceValues(heap: Heap, obj: Ref): void {
  const i32 = heap.i32;
  const dict = i32[obj + PRE.DICT];
  if (dict !== 0) {
    // A dict viewing this instance's values must stop viewing them before the instance is freed:
    // if the program still holds `obj.__dict__` it gets its own copy, otherwise it just lets go.
    i32[obj + PRE.DICT] = 0;
    if (i32[dict + FIELD.DICT_VALUES] === obj) {
      if (heap.refcount(dict) > 1) heap.dict.copyAttributesInto(dict, obj);
      else heap.dict.stopViewing(dict);
    }
    heap.decref(dict);
  }
  // First to last, as `_PyObject_FreeInstanceAttributes` (3.11, 3.12) and `clear_inline_values`
  // (3.13+) do. MEAS (3.11.7, 3.12.1, 3.13.0): o.x, o.y, o.z are dropped as x, y, z.
  const base = heap.dict.valuesBase(obj);
  const capacity = heap.dict.valuesCapacity(obj);
  for (let i = 0; i < capacity; i++) heap.xdecref(i32[base + 2 * i]);
  const block = heap.dict.valuesBlock(obj);
  if (block !== 0) {
    heap.allocator.freeNeverResized(block, separateValuesBytes(capacity));
    i32[obj + PRE.VALUES] = 0;
  }
}

export class DictOps {
  /** `Py_EMPTY_KEYS`: the static keys every new dict starts with (no allocation). */
  readonly emptyKeys: Ref;
  private readonly keysFreeList: number[] = [];
  private readonly keysFreeListMax: number;
  /** Per class: attribute name → index in the shared keys (mirrors the keys object for speed). */
  private readonly sharedIndex = new Map<Ref, Map<string, number>>();
  private lastSharedKeys: Ref = 0;
  private lastSharedIndex = new Map<string, number>();
  /** 3.13+: instance values live inline in the object; before, in a separate block. */
  private readonly inlineValues: boolean;

  constructor(private readonly heap: Heap) {
    this.inlineValues = heap.profile.instanceValues === 'inline';
    this.emptyKeys = heap.staticObject(0, KEYS.HEADER_BYTES + 8, 0);
    const i32 = heap.i32;
    i32[this.emptyKeys + KEYS.REFCNT] = heap.staticRefcnt;
    i32[this.emptyKeys + KEYS.LOG2SIZE] = LOG2_MINSIZE;
    i32[this.emptyKeys + KEYS.KIND] = DictKeysKind.Unicode;
    i32[this.emptyKeys + KEYS.USABLE] = 0;
    i32[this.emptyKeys + KEYS.NENTRIES] = 0;
    this.keysFreeListMax = heap.profile.freeLists.dictKeys;
  }

  // ---- keys objects ----------------------------------------------------------------------------------

  private newKeys(log2: number, kind: DictKeysKind): Ref {
    const heap = this.heap;
    const bytes = keysBytes(log2, kind);
    let keys = 0;
    if (log2 === LOG2_MINSIZE && kind === DictKeysKind.Unicode && this.keysFreeList.length > 0) keys = this.keysFreeList.pop()!;
    else keys = heap.allocator.malloc(bytes);
    const i32 = heap.i32;
    clearWords(i32, keys, keys + (bytes >> 2));
    i32[keys + KEYS.REFCNT] = 1;
    i32[keys + KEYS.LOG2SIZE] = log2;
    i32[keys + KEYS.KIND] = kind;
    i32[keys + KEYS.USABLE] = usableFraction(1 << log2);
    i32[keys + KEYS.NENTRIES] = 0;
    heap.u8.fill(0xff, keys * 4 + KEYS.HEADER_BYTES, keys * 4 + KEYS.HEADER_BYTES + (1 << log2) * indexBytesFor(log2));
    return keys;
  }

  /** Drops one reference to a keys object, freeing it (or keeping it on the keys free list) at zero. */
  releaseKeys(keys: Ref): void {
    const i32 = this.heap.i32;
    if (keys === this.emptyKeys) return;
    if (--i32[keys + KEYS.REFCNT] > 0) return;
    const log2 = i32[keys + KEYS.LOG2SIZE];
    const kind = i32[keys + KEYS.KIND] as DictKeysKind;
    if (kind === DictKeysKind.Split) this.sharedIndex.delete(keys);
    // Keys objects hold references to their key strings (split keys too).
    if (kind === DictKeysKind.Split) {
      const n = i32[keys + KEYS.NENTRIES];
      for (let e = 0; e < n; e++) this.heap.xdecref(i32[this.entryKeyWord(keys, e)]);
    }
    if (log2 === LOG2_MINSIZE && kind === DictKeysKind.Unicode && this.keysFreeList.length < this.keysFreeListMax) {
      this.keysFreeList.push(keys);
      return;
    }
    this.heap.allocator.free(keys, keysBytes(log2, kind === DictKeysKind.Split ? DictKeysKind.Unicode : kind));
  }

  drainKeysFreeList(): void {
    for (const keys of this.keysFreeList) this.heap.allocator.free(keys, keysBytes(LOG2_MINSIZE, DictKeysKind.Unicode));
    this.keysFreeList.length = 0;
  }

  /**
   * Word index of the key slot of entry `ix`. The value follows at +ENTRY_VALUE; a general entry
   * (24 bytes: hash, key, value) has its hash at -ENTRY_VALUE, a str-keyed one (16 bytes) none.
   */
  entryKeyWord(keys: Ref, ix: number): Ref {
    const i32 = this.heap.i32;
    const log2 = i32[keys + KEYS.LOG2SIZE];
    const entries = keys + ((KEYS.HEADER_BYTES + (1 << log2) * indexBytesFor(log2)) >> 2);
    return i32[keys + KEYS.KIND] === DictKeysKind.General ? entries + 6 * ix + 2 : entries + 4 * ix;
  }

  private getIndex(keys: Ref, slot: number): number {
    const heap = this.heap;
    const log2 = heap.i32[keys + KEYS.LOG2SIZE];
    const byte = keys * 4 + KEYS.HEADER_BYTES;
    const w = indexBytesFor(log2);
    if (w === 1) return heap.mem.i8[byte + slot];
    if (w === 2) return heap.mem.i16[(byte >> 1) + slot];
    return heap.i32[(byte >> 2) + slot * (w >> 2)];
  }

  private setIndex(keys: Ref, slot: number, ix: number): void {
    const heap = this.heap;
    const log2 = heap.i32[keys + KEYS.LOG2SIZE];
    const byte = keys * 4 + KEYS.HEADER_BYTES;
    const w = indexBytesFor(log2);
    if (w === 1) heap.mem.i8[byte + slot] = ix;
    else if (w === 2) heap.mem.i16[(byte >> 1) + slot] = ix;
    else heap.i32[(byte >> 2) + slot * (w >> 2)] = ix;
  }

  /**
   * The hash of the key `k` at key word `kw`: a general entry's stored hash (as CPython's
   * me_hash: a program's `__hash__` is not called again on look-up or resize), a str's own.
   */
  private entryHash(keys: Ref, kw: number, k: Ref): number {
    return this.heap.i32[keys + KEYS.KIND] === DictKeysKind.General ? this.heap.i32[kw - ENTRY_VALUE] : this.heap.hashOf(k);
  }

  /** Probes for `key`: returns the entry index, or -1 - slot of the first empty slot if absent. */
  private lookup(keys: Ref, key: Ref, hash: number): number {
    const i32 = this.heap.i32;
    const mask = (1 << i32[keys + KEYS.LOG2SIZE]) - 1;
    let perturb = hash >>> 0;
    let slot = perturb & mask;
    for (;;) {
      const ix = this.getIndex(keys, slot);
      if (ix === DKIX_EMPTY) return -1 - slot;
      if (ix >= 0) {
        const kw = this.entryKeyWord(keys, ix);
        const k = i32[kw];
        if (k === key || (k !== 0 && this.entryHash(keys, kw, k) === hash && this.heap.equal(k, key))) return ix;
      }
      perturb >>>= 5;
      slot = (slot * 5 + perturb + 1) & mask;
    }
  }

  /** The first EMPTY slot on `hash`'s probe sequence (dummies are skipped, as `find_empty_slot` does). */
  private emptySlot(keys: Ref, hash: number): number {
    const mask = (1 << this.heap.i32[keys + KEYS.LOG2SIZE]) - 1;
    let perturb = hash >>> 0;
    let slot = perturb & mask;
    while (this.getIndex(keys, slot) !== DKIX_EMPTY) {
      perturb >>>= 5;
      slot = (slot * 5 + perturb + 1) & mask;
    }
    return slot;
  }

  /** Appends an entry (references stolen) to keys with room for it. */
  private appendEntry(keys: Ref, hash: number, key: Ref, value: Ref): number {
    const i32 = this.heap.i32;
    const ix = i32[keys + KEYS.NENTRIES];
    const k = this.entryKeyWord(keys, ix);
    if (i32[keys + KEYS.KIND] === DictKeysKind.General) i32[k - ENTRY_VALUE] = hash;
    i32[k] = key;
    i32[k + ENTRY_VALUE] = value;
    this.setIndex(keys, this.emptySlot(keys, hash), ix);
    i32[keys + KEYS.NENTRIES] = ix + 1;
    i32[keys + KEYS.USABLE]--;
    return ix;
  }

  // ---- dicts -------------------------------------------------------------------------------------------

  /** `{}` / `dict()`: 64 bytes, the shared empty keys, untracked until it holds a GC object (3.11–3.13). */
  newDict(): Ref {
    const heap = this.heap;
    let d = heap.freeLists.pop(heap.freeLists.dict);
    if (d !== 0) heap.reuse(d);
    else d = heap.allocObject(Kind.Dict, DICT_BYTES);
    this.initEmpty(d);
    if (heap.profile.dictTracking === 'always') heap.track(d);
    return d;
  }

  /** A new dict's fields: no items, the shared empty keys, no values (PyDict_New's new_dict). */
  private initEmpty(d: Ref): void {
    const i32 = this.heap.i32;
    i32[d + FIELD.DICT_USED] = 0;
    i32[d + FIELD.DICT_VERSION] = 0;
    i32[d + FIELD.DICT_KEYS] = this.emptyKeys;
    i32[d + FIELD.DICT_VALUES] = 0;
  }

  /**
   * `defaultdict(factory)` (`dict_new` for a subtype): a 72-byte object with its GC head, tracked
   * from creation (PyType_GenericAlloc), holding the factory (borrowed here; None for none). No
   * free list: dict_dealloc keeps exact dicts only. New reference.
   */
  newDefaultDict(factory: Ref): Ref {
    const heap = this.heap;
    const d = heap.allocObject(Kind.DefaultDict, DEFAULTDICT_BYTES);
    const i32 = heap.i32;
    this.initEmpty(d);
    heap.incref(factory);
    i32[d + FIELD.DEFAULTDICT_FACTORY] = factory;
    heap.track(d);
    return d;
  }

  /** A defaultdict's `default_factory` (borrowed). */
  defaultFactory(d: Ref): Ref {
    return this.heap.i32[d + FIELD.DEFAULTDICT_FACTORY];
  }

  /**
   * A dict display `{k: v, ...}` (BUILD_MAP / `_PyDict_FromItems`): presized to hold the items when
   * there are more than 5. Keys and values borrowed.
   */
  fromItems(items: readonly (readonly [Ref, Ref])[]): Ref {
    const d = this.newDict();
    if (items.length > usableFraction(1 << LOG2_MINSIZE)) {
      const allStr = items.every(([k]) => this.heap.kindOf(k) === Kind.Str);
      const log2 = log2KeysizeFor(((items.length * 3 + 1) / 2) | 0);
      this.heap.i32[d + FIELD.DICT_KEYS] = this.newKeys(log2, allStr ? DictKeysKind.Unicode : DictKeysKind.General);
    }
    for (const [k, v] of items) this.setItem(d, k, v);
    return d;
  }

  /**
   * `dict_merge(d, other, 2)` of a plain dict (borrowed) into `d`, as DICT_MERGE builds the
   * keyword arguments of `f(**other)`: nothing for an empty `other`; into an empty `d`, a clean
   * combined `other` (no deleted entries, and at the minimum size or more than half full) has its
   * keys object cloned (clone_combined_dict_keys: a PyObject_Malloc of the same bytes, never the
   * keys free list, each key and value gaining a reference); otherwise `d` is resized once up
   * front when it lacks the room (estimate_log2_keysize of both counts), then each item is
   * inserted in order. Returns 0, or the first key already in `d` (the caller's duplicate
   * keyword), the items before it merged.
   */
  merge(d: Ref, other: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const used = i32[other + FIELD.DICT_USED];
    if (used === 0 || other === d) return 0;
    const okeys = i32[other + FIELD.DICT_KEYS];
    const log2 = i32[okeys + KEYS.LOG2SIZE];
    const kind = i32[okeys + KEYS.KIND] as DictKeysKind;
    const dUsed = i32[d + FIELD.DICT_USED];
    if (dUsed === 0 && i32[d + FIELD.DICT_VALUES] === 0 && i32[other + FIELD.DICT_VALUES] === 0 && i32[okeys + KEYS.NENTRIES] === used && (log2 === LOG2_MINSIZE || usableFraction((1 << log2) >> 1) < used)) {
      const bytes = keysBytes(log2, kind);
      const keys = heap.allocator.malloc(bytes);
      moveWords(i32, keys, okeys, okeys + (bytes >> 2));
      i32[keys + KEYS.REFCNT] = 1;
      for (let e = 0; e < used; e++) {
        const w = this.entryKeyWord(keys, e);
        heap.incref(i32[w]);
        heap.incref(i32[w + ENTRY_VALUE]);
      }
      this.releaseKeys(i32[d + FIELD.DICT_KEYS]);
      i32[d + FIELD.DICT_KEYS] = keys;
      i32[d + FIELD.DICT_USED] = used;
      if (i32[other + GC.NEXT] !== 0 && i32[d + GC.NEXT] === 0) heap.track(d);
      return 0;
    }
    const dkeys = i32[d + FIELD.DICT_KEYS];
    if (usableFraction(1 << i32[dkeys + KEYS.LOG2SIZE]) < used) {
      this.resize(d, log2KeysizeFor((((dUsed + used) * 3 + 1) / 2) | 0), kind === DictKeysKind.General ? DictKeysKind.General : DictKeysKind.Unicode);
    }
    for (let ix = this.nextEntry(other, 0); ix >= 0; ix = this.nextEntry(other, ix + 1)) {
      const key = this.entryKey(other, ix);
      if (this.getItem(d, key) !== 0) return key;
      this.setItem(d, key, this.entryValue(other, ix));
    }
    return 0;
  }

  length(d: Ref): number {
    const i32 = this.heap.i32;
    const owner = i32[d + FIELD.DICT_VALUES];
    if (owner !== 0) return this.instanceAttrCount(owner);
    return i32[d + FIELD.DICT_USED];
  }

  /** `d[key] = value` (both borrowed). */
  setItem(d: Ref, key: Ref, value: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const owner = i32[d + FIELD.DICT_VALUES];
    if (owner !== 0) {
      if (heap.kindOf(key) === Kind.Str) {
        // `insert_split_value`: MAINTAIN_TRACKING, then the store into the values.
        this.maintainTracking(d, key, value);
        return this.setInstanceAttr(owner, heap.types.classInfo(heap.typeOf(owner)), heap.str.read(key), value);
      }
      this.convertToCombinedDict(owner, true);
    }
    const hash = heap.hashOf(key);
    let keys = i32[d + FIELD.DICT_KEYS];
    const isStr = heap.kindOf(key) === Kind.Str;
    if (keys === this.emptyKeys) {
      keys = this.newKeys(LOG2_MINSIZE, isStr ? DictKeysKind.Unicode : DictKeysKind.General);
      i32[d + FIELD.DICT_KEYS] = keys;
    } else if (!isStr && i32[keys + KEYS.KIND] === DictKeysKind.Unicode) {
      keys = this.resize(d, log2KeysizeFor(i32[d + FIELD.DICT_USED] * 3), DictKeysKind.General);
    }
    const ix = this.lookup(keys, key, hash);
    this.maintainTracking(d, key, value);
    heap.incref(value);
    if (ix >= 0) {
      const w = this.entryKeyWord(keys, ix) + ENTRY_VALUE;
      const old = i32[w];
      i32[w] = value;
      heap.decref(old);
      return;
    }
    if (i32[keys + KEYS.USABLE] <= 0) {
      keys = this.resize(d, log2KeysizeFor(i32[d + FIELD.DICT_USED] * 3), i32[keys + KEYS.KIND] as DictKeysKind);
    }
    heap.incref(key);
    this.appendEntry(keys, hash, key, value);
    i32[d + FIELD.DICT_USED]++;
  }

  /** `MAINTAIN_TRACKING`: a lazily tracked dict starts being tracked when it receives a GC object. */
  private maintainTracking(d: Ref, key: Ref, value: Ref): void {
    const heap = this.heap;
    if (heap.i32[d + GC.NEXT] !== 0) return;
    if (heap.mayBeTracked(key) || heap.mayBeTracked(value)) heap.track(d);
  }

  /** `d[key]` as a borrowed reference, or 0 if absent. */
  getItem(d: Ref, key: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const owner = i32[d + FIELD.DICT_VALUES];
    if (owner !== 0) return heap.kindOf(key) === Kind.Str ? heap.getAttr(owner, heap.str.read(key)) : 0;
    const keys = i32[d + FIELD.DICT_KEYS];
    if (keys === this.emptyKeys) return 0;
    const ix = this.lookup(keys, key, heap.hashOf(key));
    if (ix < 0) return 0;
    return i32[this.entryKeyWord(keys, ix) + ENTRY_VALUE];
  }

  /**
   * The first live entry at or after `pos` in a dict's own table, in insertion order (what
   * `_PyDict_Next` and the dict iterators walk): its index, or -1 past the end. Read it with
   * entryKey / entryValue. A dict viewing an instance's values is not walked here.
   */
  nextEntry(d: Ref, pos: number): number {
    const i32 = this.heap.i32;
    if (i32[d + FIELD.DICT_VALUES] !== 0) throw new RangeError("iterating an instance's __dict__ is not simulated");
    const keys = i32[d + FIELD.DICT_KEYS];
    const n = i32[keys + KEYS.NENTRIES];
    for (let ix = pos; ix < n; ix++) if (i32[this.entryKeyWord(keys, ix) + ENTRY_VALUE] !== 0) return ix;
    return -1;
  }

  /** The key of entry `ix` of a dict's table (borrowed). */
  entryKey(d: Ref, ix: number): Ref {
    return this.heap.i32[this.entryKeyWord(this.heap.i32[d + FIELD.DICT_KEYS], ix)];
  }

  /** The value of entry `ix` of a dict's table (borrowed). */
  entryValue(d: Ref, ix: number): Ref {
    return this.heap.i32[this.entryKeyWord(this.heap.i32[d + FIELD.DICT_KEYS], ix) + ENTRY_VALUE];
  }

  /** `del d[key]`: the index slot becomes DUMMY and the entry is emptied. Returns whether it was there. */
  delItem(d: Ref, key: Ref): boolean {
    const heap = this.heap;
    const i32 = heap.i32;
    if (i32[d + FIELD.DICT_VALUES] !== 0) this.convertToCombinedDict(i32[d + FIELD.DICT_VALUES]);
    const keys = i32[d + FIELD.DICT_KEYS];
    if (keys === this.emptyKeys) return false;
    const hash = heap.hashOf(key);
    const ix = this.lookup(keys, key, hash);
    if (ix < 0) return false;
    const mask = (1 << i32[keys + KEYS.LOG2SIZE]) - 1;
    let perturb = hash >>> 0;
    let slot = perturb & mask;
    while (this.getIndex(keys, slot) !== ix) {
      perturb >>>= 5;
      slot = (slot * 5 + perturb + 1) & mask;
    }
    this.setIndex(keys, slot, DKIX_DUMMY);
    const base = this.entryKeyWord(keys, ix);
    const k = i32[base];
    const v = i32[base + ENTRY_VALUE];
    i32[base] = 0;
    i32[base + ENTRY_VALUE] = 0;
    i32[d + FIELD.DICT_USED]--;
    heap.decref(k);
    heap.decref(v);
    return true;
  }

  /** `dictresize`: new keys of 2^log2 slots holding the live entries in order; frees the old keys. */
  private resize(d: Ref, log2: number, kind: DictKeysKind): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const old = i32[d + FIELD.DICT_KEYS];
    const keys = this.newKeys(log2, kind === DictKeysKind.Split ? DictKeysKind.Unicode : kind);
    const n = i32[old + KEYS.NENTRIES];
    for (let e = 0; e < n; e++) {
      const base = this.entryKeyWord(old, e);
      const k = i32[base];
      if (k === 0) continue;
      this.appendEntry(keys, this.entryHash(old, base, k), k, i32[base + ENTRY_VALUE]);
    }
    // The entries moved with their references; free the old keys without dropping them.
    i32[old + KEYS.NENTRIES] = 0;
    this.releaseKeys(old);
    i32[d + FIELD.DICT_KEYS] = keys;
    return keys;
  }

  /** Bytes requested by the dict object and its own keys (the `sys.getsizeof` of a combined dict). */
  sizeof(d: Ref): number {
    const i32 = this.heap.i32;
    const keys = i32[d + FIELD.DICT_KEYS];
    if (i32[d + FIELD.DICT_VALUES] !== 0) {
      const owner = i32[d + FIELD.DICT_VALUES];
      return DICT_BYTES + 8 * this.instanceValues(owner).capacity;
    }
    if (keys === this.emptyKeys) return DICT_BYTES;
    return DICT_BYTES + keysBytes(i32[keys + KEYS.LOG2SIZE], i32[keys + KEYS.KIND] as DictKeysKind);
  }

  // ---- instances -------------------------------------------------------------------------------------

  /** `_PyDict_NewKeysForClass`: 64 slots, usable capped at 30 (a raw block: 768 bytes). */
  newSharedKeysForClass(): Ref {
    const keys = this.newKeys(LOG2_SHARED_KEYS, DictKeysKind.Unicode);
    const i32 = this.heap.i32;
    i32[keys + KEYS.KIND] = DictKeysKind.Split;
    i32[keys + KEYS.USABLE] = SHARED_KEYS_MAX_SIZE;
    this.sharedIndex.set(keys, new Map());
    return keys;
  }

  /** A new plain instance: the object plus its values, sized from the shared keys right now. */
  newManagedInstance(cls: ClassInfo): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    const keys = cls.sharedKeys;
    // `shared_keys_usable_size`: the values slots an instance gets are nentries + usable right now.
    if (heap.profile.instanceValues === 'inline') {
      // 3.13+: the allocation is sized before `_PyObject_InitInlineValues` takes one usable.
      const capacity = i32[keys + KEYS.NENTRIES] + i32[keys + KEYS.USABLE];
      const obj = heap.allocObject(cls.id, cls.baseBytes + inlineValuesBytes(capacity));
      if (i32[keys + KEYS.USABLE] > 1) i32[keys + KEYS.USABLE]--;
      i32[obj + INLINE_CAPACITY_WORD] = capacity;
      i32[obj + INLINE_CAPACITY_WORD + 1] = 0;
      clearWords(i32, obj + INLINE_VALUES_WORD, obj + INLINE_VALUES_WORD + 2 * capacity);
      heap.track(obj);
      return obj;
    }
    const obj = heap.allocObject(cls.id, cls.baseBytes);
    if (cls.weaklistWord > 0) i32[obj + cls.weaklistWord] = 0;
    // 3.11/3.12: `init_inline_values` takes one usable, then sizes the values array.
    if (i32[keys + KEYS.USABLE] > 1) i32[keys + KEYS.USABLE]--;
    const capacity = i32[keys + KEYS.NENTRIES] + i32[keys + KEYS.USABLE];
    const block = heap.allocator.malloc(separateValuesBytes(capacity));
    i32[block] = capacity;
    const base = block + separatePrefixWords(capacity);
    clearWords(i32, base, base + 2 * capacity);
    i32[obj + PRE.VALUES] = block;
    heap.track(obj);
    return obj;
  }

  // The three accessors below make no object: deallocation and the collector call them per instance.

  /** Word of an instance's value 0 (0 if it has no values). */
  valuesBase(obj: Ref): Ref {
    if (this.inlineValues) return obj + INLINE_VALUES_WORD;
    const block = this.heap.i32[obj + PRE.VALUES];
    return block === 0 ? 0 : block + separatePrefixWords(this.heap.i32[block]);
  }

  /** Number of value slots of an instance (0 if it has none). */
  valuesCapacity(obj: Ref): number {
    const i32 = this.heap.i32;
    if (this.inlineValues) return i32[obj + INLINE_CAPACITY_WORD];
    const block = i32[obj + PRE.VALUES];
    return block === 0 ? 0 : i32[block];
  }

  /** The separate values block of a 3.11/3.12 instance (0 if inline or none). */
  valuesBlock(obj: Ref): Ref {
    return this.inlineValues ? 0 : this.heap.i32[obj + PRE.VALUES];
  }

  /** An instance's values: word of value 0, capacity, and the separate block (0 if inline or none). */
  instanceValues(obj: Ref): { base: Ref; capacity: number; block: Ref } {
    return { base: this.valuesBase(obj), capacity: this.valuesCapacity(obj), block: this.valuesBlock(obj) };
  }

  private instanceAttrCount(obj: Ref): number {
    const { base, capacity } = this.instanceValues(obj);
    let n = 0;
    for (let i = 0; i < capacity; i++) if (this.heap.i32[base + 2 * i] !== 0) n++;
    return n;
  }

  /** The name → index map of one class's shared keys (the last one asked for is kept at hand). */
  private sharedIndexOf(keys: Ref): Map<string, number> {
    if (keys !== this.lastSharedKeys) {
      this.lastSharedKeys = keys;
      this.lastSharedIndex = this.sharedIndex.get(keys)!;
    }
    return this.lastSharedIndex;
  }

  /** Index of `name` in the class's shared keys, inserting it if the keys have room; -1 if full. */
  private sharedKeyIndex(keys: Ref, name: string): number {
    const index = this.sharedIndexOf(keys);
    const known = index.get(name);
    if (known !== undefined) return known;
    const i32 = this.heap.i32;
    if (i32[keys + KEYS.USABLE] <= 0 || i32[keys + KEYS.NENTRIES] >= SHARED_KEYS_MAX_SIZE) return -1;
    const key = this.heap.intern(name);
    const ix = this.appendEntry(keys, this.heap.str.hash(key), key, 0);
    index.set(name, ix);
    return ix;
  }

  /** Index of `name` among a class's shared keys, or -1 (inserts nothing). */
  sharedKeyIndexOf(cls: ClassInfo, name: string): number {
    return cls.sharedKeys === 0 ? -1 : (this.sharedIndexOf(cls.sharedKeys).get(name) ?? -1);
  }

  /**
   * The word holding value `ix` of an instance whose values are its own (no `__dict__` object made,
   * the shared keys' layout), or 0 when it has no such slot: where an attribute cache may read and
   * write directly, as `setInstanceAttr` would.
   */
  instanceValueWord(obj: Ref, ix: number): number {
    if (this.heap.i32[obj + PRE.DICT] !== 0 || ix >= this.valuesCapacity(obj)) return 0;
    return this.valuesBase(obj) + 2 * ix;
  }

  setInstanceAttr(obj: Ref, cls: ClassInfo, name: string, value: Ref): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const dict = i32[obj + PRE.DICT];
    if (dict !== 0 && i32[dict + FIELD.DICT_VALUES] !== obj) {
      // The attributes already live in an ordinary dict.
      const key = heap.intern(name);
      this.setItem(dict, key, value);
      heap.decref(key);
      return;
    }
    const base = this.valuesBase(obj);
    const capacity = this.valuesCapacity(obj);
    const ix = base === 0 ? -1 : this.sharedKeyIndex(cls.sharedKeys, name);
    // 3.11/3.12: with a materialised __dict__ the store goes through that dict (which holds the
    // values there), so MAINTAIN_TRACKING applies; 3.13+ stores into the inline values directly.
    if (dict !== 0 && !this.inlineValues && i32[dict + GC.NEXT] === 0 && heap.mayBeTracked(value)) heap.track(dict);
    if (ix < 0 || ix >= capacity) {
      const d = this.convertToCombinedDict(obj, true);
      const key = heap.intern(name);
      this.setItem(d, key, value);
      heap.decref(key);
      return;
    }
    const w = base + 2 * ix;
    const old = i32[w];
    heap.incref(value);
    i32[w] = value;
    heap.xdecref(old);
  }

  getInstanceAttr(obj: Ref, cls: ClassInfo, name: string): Ref {
    const heap = this.heap;
    const dict = heap.i32[obj + PRE.DICT];
    if (dict !== 0 && heap.i32[dict + FIELD.DICT_VALUES] !== obj) {
      const key = heap.intern(name);
      const v = this.getItem(dict, key);
      heap.decref(key);
      return v;
    }
    const ix = this.sharedIndexOf(cls.sharedKeys).get(name);
    const base = this.valuesBase(obj);
    const capacity = this.valuesCapacity(obj);
    if (ix === undefined || ix >= capacity || base === 0) return 0;
    return heap.i32[base + 2 * ix];
  }

  /** `obj.__dict__`: a 64-byte dict object viewing the instance's values. New reference. */
  materializeInstanceDict(obj: Ref): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    let d = i32[obj + PRE.DICT];
    if (d === 0) {
      d = this.newDict();
      heap.incref(obj);
      i32[d + FIELD.DICT_VALUES] = obj;
      const cls = heap.types.classInfo(heap.typeOf(obj));
      i32[d + FIELD.DICT_KEYS] = cls.sharedKeys;
      i32[cls.sharedKeys + KEYS.REFCNT]++;
      // `make_dict_from_instance_attributes`: tracked if a value may be (3.14 tracks every dict).
      if (i32[d + GC.NEXT] === 0 && this.valuesMayBeTracked(obj)) heap.track(d);
      i32[obj + PRE.DICT] = d;
      // The instance holds the dict; the dict's view of the instance is not a counted reference.
      heap.decref(obj);
    }
    heap.incref(d);
    return d;
  }

  /** Whether any attribute value of an instance may be tracked (`_PyObject_GC_MAY_BE_TRACKED`). */
  private valuesMayBeTracked(obj: Ref): boolean {
    const heap = this.heap;
    const base = this.valuesBase(obj);
    const capacity = this.valuesCapacity(obj);
    for (let i = 0; i < capacity; i++) {
      const v = heap.i32[base + 2 * i];
      if (v !== 0 && heap.mayBeTracked(v)) return true;
    }
    return false;
  }

  /** A dict viewing an instance's values lets go of them (and of the shared keys). */
  stopViewing(d: Ref): void {
    const i32 = this.heap.i32;
    this.releaseKeys(i32[d + FIELD.DICT_KEYS]);
    i32[d + FIELD.DICT_KEYS] = this.emptyKeys;
    i32[d + FIELD.DICT_VALUES] = 0;
    i32[d + FIELD.DICT_USED] = 0;
  }

  /**
   * Copies an instance's attributes into `d`, which is an ordinary dict from then on; into a keys
   * object of 2^log2 slots made first, when given.
   */
  copyAttributesInto(d: Ref, obj: Ref, log2?: number): void {
    const heap = this.heap;
    const i32 = heap.i32;
    if (i32[d + FIELD.DICT_VALUES] !== 0) this.stopViewing(d);
    if (log2 !== undefined && i32[d + FIELD.DICT_KEYS] === this.emptyKeys) i32[d + FIELD.DICT_KEYS] = this.newKeys(log2, DictKeysKind.Unicode);
    const cls = heap.types.classInfo(heap.typeOf(obj));
    const { base, capacity } = this.instanceValues(obj);
    for (const [name, ix] of this.sharedIndex.get(cls.sharedKeys)?.entries() ?? []) {
      if (ix >= capacity || i32[base + 2 * ix] === 0) continue;
      const key = heap.intern(name);
      this.setItem(d, key, i32[base + 2 * ix]);
      heap.decref(key);
    }
  }

  /**
   * The instance's attributes move into an ordinary dict (its shared keys are full, or its
   * `__dict__` got a non-str key or a deletion): copy them, then drop the values. For an
   * insertion (`forInsert`) the dict is a split one viewing the values that `insertion_resize`
   * makes combined, its keys sized for GROWTH_RATE = used × 3 (MEAS 3.11.7, 3.13.0: a 7th
   * attribute stored on 81 instances made with 6 gives each a 64-B dict and 400-B keys).
   */
  private convertToCombinedDict(obj: Ref, forInsert = false): Ref {
    const heap = this.heap;
    const i32 = heap.i32;
    let d = i32[obj + PRE.DICT];
    if (d === 0) {
      d = this.newDict();
      i32[obj + PRE.DICT] = d;
    }
    this.copyAttributesInto(d, obj, forInsert ? log2KeysizeFor(this.instanceAttrCount(obj) * 3) : undefined);
    const { base, capacity, block } = this.instanceValues(obj);
    for (let i = 0; i < capacity; i++) {
      const v = i32[base + 2 * i];
      i32[base + 2 * i] = 0;
      heap.xdecref(v);
    }
    if (block !== 0) {
      heap.allocator.freeNeverResized(block, separateValuesBytes(capacity));
      i32[obj + PRE.VALUES] = 0;
    } else if (heap.profile.instanceValues === 'inline') {
      i32[obj + INLINE_CAPACITY_WORD] = 0; // the inline space stays in the object, unused
    }
    if (!heap.isTracked(d)) heap.track(d);
    return d;
  }
}
