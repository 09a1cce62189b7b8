/**
 * The simulated interpreter heap: objects in pymalloc blocks of one SharedArrayBuffer, reference
 * counting, deallocation that cascades through referents without JS recursion, the type free
 * lists, static and immortal objects, and the GC-list links every GC object carries.
 *
 * Conventions (as in CPython's C API): a constructor returns a *new* reference the caller owns;
 * functions that store a reference into a container *borrow* their argument and incref it, unless
 * their name says they steal it. `decref` of the last reference frees the object.
 */
import { Allocator } from './allocator.js';
import { HeapInvariantError } from './errors.js';
import {
  DEFAULT_HEAP_BYTES,
  FIELD,
  GC,
  GCFLAG,
  GCLIST,
  HEADER_LAYOUT,
  IMMORTAL_REFCNT,
  HeapMemory,
  MAX_HEAP_BYTES,
  MIN_HEAP_BYTES,
  OB,
  POOL,
  type Ref,
  Stat,
  GC_SENTINEL_WORDS,
  Hot,
  roundUp,
  clearWords,
} from './layout.js';
import { PROFILES, type Profile, type ProfileName } from './profiles.js';
import { HeapStats } from './stats.js';
import { CLASS_ID_BASE, type ClassInfo, type ClassSpec, Kind, TypeTable } from './types.js';
import { clearDict, clearInstanceValues, DictOps } from './dict.js';
import { clearList, ListOps } from './list.js';
import { TupleOps } from './tuple.js';
import { clearSet, SetOps } from './set.js';
import { FreeLists } from './freelists.js';
import { StrOps } from './str.js';
import { GarbageCollector } from './gc/collector.js';
import { buildStartupPopulation } from './gc/startup.js';
import { DictViewOps } from './dict-views.js';
import { IterOps } from './iter.js';
import { IntOps } from './int.js';
import { ArrayOps } from './array.js';
import { DequeOps } from './deque.js';
import { Roots } from './roots.js';
import { CopyOnWrite } from './cow.js';

export interface HeapOptions {
  /** The CPython version to simulate. */
  readonly profile: ProfileName | Profile;
  /** Bytes of simulated address space for arenas and raw blocks (a whole number of MiB). */
  readonly heapBytes?: number;
  /** Arenas start on a pool boundary (64 usable pools instead of 63). */
  readonly alignedArenas?: boolean;
  /**
   * Long-lived tracked objects to create at start-up, as a real interpreter has after start-up
   * (modules' dicts and functions, hanging from `sys.modules`), then settled as after
   * `gc.collect()`. 0 (the default) gives a bare heap; the lab passes the profile's measured figure.
   */
  readonly startupObjects?: number;
  /**
   * Of the start-up objects, how many are alive only through references the collector's roots do
   * not reach (0 by default). MEAS Pyodide 3.14.2: 1,039 of 21,543 after `gc.collect()`; for the
   * 64-bit builds the figure is not measured (no 3.14 here), so the profiles leave it at 0.
   */
  readonly startupUnrooted?: number;
  /**
   * The SharedArrayBuffer to build the heap in (zero-filled, at least `regionLayout(heapBytes).sabBytes`
   * long), so another thread that holds it can read the live counters. Default: a new one.
   */
  readonly memory?: SharedArrayBuffer;
}

export { IMMORTAL_REFCNT } from './layout.js';
/** Refcount of static objects in 3.11: mortal, so writes happen, but it never reaches zero. */
const STATIC_MORTAL_REFCNT = 0x1fffffff;

/** Where ints come from: exact construction (`int('1000')`) or arithmetic (`x + 1`). */
export type IntOrigin = 'exact' | 'arith';

/** A hook the heap calls for behaviour a workload defines (finalizers, weakref callbacks). */
export interface HeapHooks {
  /** `__del__` of an instance (PEP 442): may resurrect by increfing `self` and storing it. */
  finalize?(heap: Heap, self: Ref): void;
  /** A weakref callback: `callback(weakref)`. */
  weakrefCallback?(heap: Heap, callback: Ref, weakref: Ref): void;
  /** The hash of an instance of a program's class as a dict or set key (its `__hash__`), or undefined for identity. */
  hashInstance?(heap: Heap, ref: Ref): number | undefined;
  /** `a == b` for dict and set keys when one is an instance of a program's class (its `__eq__`). */
  equalInstance?(heap: Heap, a: Ref, b: Ref): boolean;
  /** A generator that had not finished dies, its frame's slots cleared: what runs its frame lets the rest go (f_funcobj). */
  generatorFreed?(heap: Heap, gen: Ref): void;
}

/** int, bool and float compare by value with each other. */
function isNumberKind(kind: number): boolean {
  return kind === Kind.Int || kind === Kind.Bool || kind === Kind.Float;
}

export class Heap {
  readonly profile: Profile;
  readonly mem: HeapMemory;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly stats: HeapStats;
  readonly counters: Float64Array;
  readonly allocator: Allocator;
  readonly types: TypeTable;
  readonly freeLists: FreeLists;
  readonly dict: DictOps;
  readonly list: ListOps;
  readonly set: SetOps;
  readonly tuples: TupleOps;
  readonly str: StrOps;
  readonly iter: IterOps;
  readonly dictViews: DictViewOps;
  readonly ints: IntOps;
  readonly arrays: ArrayOps;
  readonly deques: DequeOps;
  hooks: HeapHooks = {};
  /** The program's roots: sys dict, `__main__` globals, frames. */
  readonly roots: Roots;
  /** The cycle collector and the gc module's API. */
  readonly gc: GarbageCollector;
  /** Pages written since the fork point (see `forkPoint`). */
  readonly cow: CopyOnWrite;
  /**
   * Whether writes are being counted for copy-on-write (after a fork point). The hot paths test
   * this and the other flags with `=== true`: V8 then compares one word, not a full ToBoolean.
   */
  cowActive = false;
  /** count0 above which the collector is called (Infinity while it cannot run); set by the gc module. */
  gcTriggerAt = Infinity;
  /** GC flag bits a newly tracked object gets (the incremental collector's not-visited space). */
  youngSpaceFlag = 0;
  /**
   * Weakrefs whose referent is still alive (linked into a weakref list). While it is 0 no weakref
   * can need clearing, and the collector skips `handle_weakrefs`' walk over the garbage.
   */
  linkedWeakrefs = 0;

  readonly None: Ref;
  readonly True: Ref;
  readonly False: Ref;
  readonly emptyTuple: Ref;
  readonly emptyStr: Ref;
  readonly emptyBytes: Ref;
  /** Refcount given to static objects: immortal (3.12+) or just very large (3.11). */
  readonly staticRefcnt: number;
  /** Word offset of a tuple's first item (after 3.14's cached hash where the profile has one). */
  readonly tupleItemsWord: number;

  private staticTop: number;
  private readonly staticEnd: number;
  private readonly smallInts: Int32Array;
  readonly latin1Chars: Int32Array;
  private readonly byteChars: Int32Array;
  private readonly young: Ref;
  /** The locks forked children re-created (see `forkPoint`), freed only by `teardown`. */
  private readonly forkLocks: Ref[] = [];
  /** TypeTable.leafGc, one load closer for decref. */
  private readonly leafGc: Uint8Array;
  private readonly countAllocations: boolean;

  // The deallocation work list (a stack, so no JS recursion): objects whose refcount reached zero,
  // waiting for their tp_dealloc, and release markers (-ref) of objects waiting for the referents
  // they dropped to be deallocated before going to a free list or back to the allocator.
  private dead = new Int32Array(1024);
  private deadTop = 0;
  private draining = false;
  /** Where the dead list stood when the object being deallocated now began dropping its referents. */
  private dropBase = 0;
  /** `deallocDiedSince` calls under way, one inside another. */
  private nestedSettles = 0;

  constructor(options: HeapOptions) {
    this.profile = typeof options.profile === 'string' ? PROFILES[options.profile] : options.profile;
    const heapBytes = options.heapBytes ?? DEFAULT_HEAP_BYTES;
    validateHeapBytes(heapBytes);
    this.mem = options.memory ? new HeapMemory(options.memory, heapBytes) : HeapMemory.allocate(heapBytes);
    this.i32 = this.mem.i32;
    this.f64 = this.mem.f64;
    this.u8 = this.mem.u8;
    this.u16 = this.mem.u16;
    this.stats = new HeapStats(this.mem.sab);
    this.counters = this.stats.values;
    this.allocator = new Allocator(this.mem, this.stats, { alignedArenas: options.alignedArenas ?? false });
    this.types = new TypeTable(this.profile);
    this.leafGc = this.types.leafGc;
    this.types.setWeaklist(Kind.Function, FIELD.FUNC_WEAKLIST);
    this.types.setWeaklist(Kind.BoundMethod, FIELD.METHOD_WEAKLIST);
    this.types.setWeaklist(Kind.Generator, FIELD.GEN_WEAKLIST);
    this.types.setWeaklist(Kind.Set, FIELD.SET_WEAKLIST);
    this.types.setWeaklist(Kind.Deque, FIELD.DEQUE_WEAKLIST);
    this.freeLists = new FreeLists(this.profile.freeLists);
    this.staticRefcnt = this.profile.immortalObjects ? IMMORTAL_REFCNT : STATIC_MORTAL_REFCNT;
    this.tupleItemsWord = this.profile.tupleBasicSize >> 2;
    this.countAllocations = this.profile.gcCounts === 'allocations';

    for (let i = 0; i < 8; i++) {
      const s = this.gcList(i);
      this.i32[s + GC.NEXT] = s;
      this.i32[s + GC.PREV] = s;
    }
    this.young = this.gcList(GCLIST.YOUNG);

    this.staticTop = this.mem.regions.staticByte >> 2;
    this.staticEnd = this.staticTop + ((this.mem.regions.dataByte - this.mem.regions.staticByte) >> 2);
    this.None = this.staticObject(Kind.None, 16, 0);
    this.True = this.staticObject(Kind.Bool, 32, 0);
    this.f64[(this.True >> 1) + FIELD.INT_VALUE_F64] = 1;
    this.False = this.staticObject(Kind.Bool, 32, 0);
    this.emptyTuple = this.staticObject(Kind.Tuple, 16 + this.profile.tupleBasicSize, 4);
    this.smallInts = new Int32Array(262);
    for (let v = -5; v <= 256; v++) {
      const r = this.staticObject(Kind.Int, 32, 0);
      this.i32[r + OB.SIZE] = v === 0 ? 0 : v < 0 ? -1 : 1;
      this.f64[(r >> 1) + FIELD.INT_VALUE_F64] = v;
      this.smallInts[v + 5] = r;
    }
    this.str = new StrOps(this);
    this.emptyStr = this.str.staticStr('');
    this.latin1Chars = new Int32Array(256);
    for (let c = 0; c < 256; c++) this.latin1Chars[c] = this.str.staticStr(String.fromCharCode(c));
    this.emptyBytes = this.staticBytes(new Uint8Array(0));
    this.byteChars = new Int32Array(256);
    for (let c = 0; c < 256; c++) this.byteChars[c] = this.staticBytes(Uint8Array.of(c));
    this.dict = new DictOps(this);
    this.list = new ListOps(this);
    this.set = new SetOps(this);
    this.tuples = new TupleOps(this);
    this.iter = new IterOps(this);
    this.dictViews = new DictViewOps(this);
    this.ints = new IntOps(this);
    this.arrays = new ArrayOps(this);
    this.deques = new DequeOps(this);
    this.cow = new CopyOnWrite(this.mem.regions.sabBytes, this.counters);
    this.roots = new Roots(this);
    this.gc = new GarbageCollector(this);
    const startup = options.startupObjects ?? 0;
    if (startup > 0) {
      // Start-up's own collections are not part of the program's record.
      this.gc.disable();
      buildStartupPopulation(this, startup, options.startupUnrooted ?? 0);
      this.gc.enable();
      this.gc.settle();
    }
    this.stats.publish();
  }

  // ---- memory and object headers ------------------------------------------------------------------

  /** The Ref of GC list sentinel `i` (its GC head words precede it, like a real object's). */
  gcList(i: number): Ref {
    return HEADER_LAYOUT.gcLists + i * GC_SENTINEL_WORDS + 4;
  }

  /** Carves a static object (never freed, not in any arena) from the static region. */
  staticObject(typeId: number, bytes: number, preWords: number): Ref {
    const block = this.staticTop;
    this.staticTop += roundUp(bytes, 16) >> 2;
    if (this.staticTop > this.staticEnd) throw new HeapInvariantError('static region overflow');
    const ref = block + preWords;
    const i32 = this.i32;
    i32[ref + OB.REFCNT] = this.staticRefcnt;
    i32[ref + OB.TYPE] = typeId;
    i32[ref + 2] = bytes;
    return ref;
  }

  private staticBytes(data: Uint8Array): Ref {
    const r = this.staticObject(Kind.Bytes, 33 + data.length, 0);
    this.i32[r + FIELD.BYTES_SIZE] = data.length;
    this.i32[r + FIELD.BYTES_HASH] = hashBytes(data);
    this.u8.set(data, r * 4 + FIELD.BYTES_DATA_BYTE);
    return r;
  }

  /**
   * Allocates an object of `typeId` whose allocation (pre-header included) is `bytes`, and returns
   * its Ref with refcount 1. GC objects get a cleared, untracked GC head and count towards count0.
   */
  allocObject(typeId: number, bytes: number): Ref {
    const pre = this.types.preWords[typeId];
    const ref = this.allocator.malloc(bytes) + pre;
    const i32 = this.i32;
    i32[ref] = 1;
    i32[ref + 1] = typeId;
    i32[ref + 2] = bytes;
    i32[ref + 3] = 0;
    const counters = this.counters;
    counters[Stat.ObjectsAllocated]++;
    if (pre !== 0) {
      i32[ref - 4] = 0;
      i32[ref - 3] = 0;
      i32[ref - 2] = 0;
      i32[ref - 1] = 0;
      if (pre > 4) {
        i32[ref - 8] = 0;
        i32[ref - 7] = 0;
        i32[ref - 6] = 0;
        i32[ref - 5] = 0;
      }
      if (this.countAllocations === true) this.gcCountUp();
    }
    if (this.cowActive === true) this.cow.touch(ref);
    return ref;
  }

  /** Returns an object's memory to the allocator (its references are already gone). */
  freeObject(ref: Ref): void {
    const i32 = this.i32;
    const pre = this.types.preWords[i32[ref + 1]];
    if (pre !== 0) {
      if (i32[ref + GC.NEXT] !== 0) this.untrack(ref);
      if (this.countAllocations === true) this.gcCountDown();
    }
    if (this.cowActive === true) this.cow.touch(ref);
    this.counters[Stat.ObjectsFreed]++;
    // A tuple may have been resized (TupleOps.resize): its block can be a raw one of any size.
    if (i32[ref + 1] === Kind.Tuple) this.allocator.free(ref - pre, i32[ref + 2]);
    else this.allocator.freeNeverResized(ref - pre, i32[ref + 2]);
  }

  /** Bytes requested for the object itself (pre-header included; separate buffers excluded). */
  objectBytes(ref: Ref): number {
    return this.i32[ref + 2];
  }

  typeOf(ref: Ref): number {
    return this.i32[ref + OB.TYPE];
  }

  kindOf(ref: Ref): Kind {
    return this.types.kindOf[this.i32[ref + OB.TYPE]] as Kind;
  }

  refcount(ref: Ref): number {
    return this.i32[ref + OB.REFCNT];
  }

  isImmortal(ref: Ref): boolean {
    return this.i32[ref + OB.REFCNT] === IMMORTAL_REFCNT;
  }

  /** Whether `ref` lives in the static region (small ints, singletons, cached characters). */
  isStatic(ref: Ref): boolean {
    return ref < this.staticEnd && ref >= this.mem.regions.staticByte >> 2;
  }

  // ---- reference counting ---------------------------------------------------------------------------

  incref(ref: Ref): void {
    const i32 = this.i32;
    const rc = i32[ref];
    if (rc !== Hot.IMMORTAL_REFCNT) {
      i32[ref] = rc + 1;
      if (this.cowActive === true) this.cow.touch(ref);
    }
  }

  decref(ref: Ref): void {
    const i32 = this.i32;
    const rc = i32[ref];
    if (rc > 1) {
      if (rc !== Hot.IMMORTAL_REFCNT) {
        i32[ref] = rc - 1;
        if (this.cowActive === true) this.cow.touch(ref);
      }
      return;
    }
    this.decrefLast(ref, rc);
  }

  /**
   * The last reference is going (kept out of `decref` so that stays small enough to inline
   * everywhere): `rc` is the refcount `decref` read, at most 1. The compiled code calls it
   * directly after its own inline refcount test.
   */
  decrefLast(ref: Ref, rc: number): void {
    if (rc !== 1) throw new HeapInvariantError(`decref of a dead object at word ${ref} (refcount ${rc})`);
    const i32 = this.i32;
    i32[ref] = 0;
    if (this.draining === true) {
      this.diedWhileDraining(ref);
      return;
    }
    const typeId = i32[ref + OB.TYPE];
    // Nothing can die with a leaf object and the dead list is empty: free it now, as dealloc would.
    if ((typeId === Kind.Float || typeId === Kind.Int) && this.cowActive !== true) this.freeNumber(ref, typeId);
    else if (this.leafGc[typeId] !== 0 && this.cowActive !== true) this.freeLeafGcObject(ref);
    else this.deallocCascade(ref);
  }

  /**
   * `dealloc` of an int or a float, the arithmetic's temporaries, while copy-on-write is off, in
   * one piece: onto its free list if it has one with room (an int only if compact), else
   * `freeObject` with pymalloc_free's common case inline. Same writes, same order as deallocLeaf +
   * release.
   */
  private freeNumber(ref: Ref, typeId: number): void {
    if (this.pushFreeList(ref, typeId)) return;
    this.counters[Stat.ObjectsFreed]++;
    this.freeSmallBlock(ref, this.i32[ref + 2]);
  }

  /**
   * `dealloc` + `freeObject` of a leaf GC object (TypeTable.leafGc) while copy-on-write is off, in
   * one piece: untrack, the counts, and pymalloc_free's common case (the pool was not full and does
   * not become empty; otherwise the allocator does the whole free). Same writes, same order.
   */
  private freeLeafGcObject(ref: Ref): void {
    const i32 = this.i32;
    const counters = this.counters;
    const next = i32[ref + GC.NEXT];
    if (next !== 0) {
      // untrack()
      const prev = i32[ref + GC.PREV];
      i32[prev + GC.NEXT] = next;
      i32[next + GC.PREV] = prev;
      i32[ref + GC.NEXT] = 0;
      i32[ref + GC.PREV] = 0;
    }
    // count0 and the heap size lose the object if they count allocations, or if it was tracked.
    if (next !== 0 || this.countAllocations === true) this.gcCountDown();
    counters[Stat.ObjectsFreed]++;
    this.freeSmallBlock(ref - Hot.GC_HEAD_WORDS, i32[ref + 2]);
  }

  /**
   * `allocator.freeNeverResized(bp, bytes)` with pymalloc_free's common case inline: the pool was
   * not full and does not become empty (otherwise, or past 512 bytes, the allocator does it all).
   */
  private freeSmallBlock(bp: Ref, bytes: number): void {
    const i32 = this.i32;
    const pool = bp & ~(Hot.POOL_WORDS - 1);
    const lastfree = i32[pool + POOL.FREEBLOCK];
    const count = i32[pool + POOL.COUNT] - 1;
    if (bytes > Hot.SMALL_REQUEST_THRESHOLD || lastfree === 0 || count === 0) {
      this.allocator.freeNeverResized(bp, bytes);
      return;
    }
    i32[bp] = lastfree;
    i32[pool + POOL.FREEBLOCK] = bp;
    i32[pool + POOL.COUNT] = count;
    const counters = this.counters;
    counters[Stat.BlocksInUse]--;
    counters[Stat.RequestedCurrent] -= bytes;
    this.allocator.untrace(bp, bytes);
  }

  /**
   * A cached or static object handed out as a new reference, as CPython's constructors do (a
   * no-op on immortal objects, 3.12+; on 3.11 a real refcount write).
   */
  sharedRef(ref: Ref): Ref {
    this.incref(ref);
    return ref;
  }

  /**
   * The write an incref-decref pair makes to a mortal object's refcount, for the copy-on-write
   * page count: the Python front-end reads a local in place where CPython's LOAD_FAST increfs it
   * and the operation decrefs it again.
   */
  touchRefcount(ref: Ref): void {
    if (this.cowActive === true && this.i32[ref] !== Hot.IMMORTAL_REFCNT) this.cow.touch(ref);
  }

  /** `Py_XDECREF`: decref unless NULL. */
  xdecref(ref: Ref): void {
    if (ref !== 0) this.decref(ref);
  }

  /**
   * An object died while a deallocation is under way. CPython deallocates it at once, by recursion.
   * A leaf (nothing of its own can die with it) is deallocated at once here too when nothing died
   * before it since the current object began dropping its referents: the same order, and no trip
   * through the dead list. Anything else waits there.
   */
  private diedWhileDraining(ref: Ref): void {
    const typeId = this.i32[ref + OB.TYPE];
    const leaf = this.leafGc[typeId] !== 0 || isLeafBuiltin(typeId);
    if (leaf && this.deadTop === this.dropBase) this.deallocLeaf(ref, typeId);
    else if (this.types.deallocAllocates[typeId] !== 0 && this.nestedSettles < MAX_NESTED_SETTLES) this.deallocNow(ref);
    else this.pushDead(ref);
  }

  /**
   * An object whose deallocation allocates (a deque) died while another is dropping its
   * referents: deallocated now, as CPython's recursion does, while the container still holds its
   * own buffers (an instance's values, a list's items); the referents that died before it go
   * first, in the order they died, each with its subtree.
   */
  private deallocNow(ref: Ref): void {
    const base = this.dropBase;
    // The stack pops last-died first: reversed, the first to die comes up first.
    if (this.deadTop - base > 1) this.dead.subarray(base, this.deadTop).reverse();
    this.deallocDiedSince(base);
    this.pushDead(ref);
    this.deallocDiedSince(base);
  }

  /** `dealloc` of an object that references nothing and has no finalizer or weakrefs. */
  private deallocLeaf(ref: Ref, typeId: number): void {
    if (typeId === Kind.Str) this.str.onDealloc(ref);
    else if (this.leafGc[typeId] !== 0 && this.i32[ref + GC.NEXT] !== 0) this.untrack(ref);
    this.release(ref, typeId);
  }

  /**
   * A referent died while a deallocation is under way: it waits on the dead list, untracked first
   * (as tp_dealloc untracks before anything else) so a collection run meanwhile cannot see it.
   */
  private pushDead(ref: Ref): void {
    if (this.types.isGC[this.i32[ref + OB.TYPE]] !== 0 && this.i32[ref + GC.NEXT] !== 0) this.untrack(ref);
    if (this.deadTop === this.dead.length) this.growDead();
    this.dead[this.deadTop++] = ref;
  }

  private growDead(): void {
    const bigger = new Int32Array(this.dead.length * 2);
    bigger.set(this.dead);
    this.dead = bigger;
  }

  /**
   * Deallocates `ref` and everything that dies with it, in CPython's order but in a loop rather
   * than by recursion: each dying referent's whole subtree before the next referent, in the order
   * the container drops them, and the container itself released last (see `deferRelease`).
   * CPython's trashcan defers deallocations nested deeper than its limit (50 levels in 3.11 and
   * 3.12; the C stack's headroom in 3.13) to a later pass; that reordering is not modelled.
   */
  private deallocCascade(ref: Ref): void {
    // A leaf builtin (an int, a float, a string...) takes nothing with it: no work list needed.
    const typeId = this.i32[ref + OB.TYPE];
    if (isLeafBuiltin(typeId)) {
      this.deallocLeaf(ref, typeId);
      return;
    }
    this.draining = true;
    try {
      this.dealloc(ref);
      // Kept out of line: most deaths take nothing with them, and this stays small enough to inline.
      if (this.deadTop > 0) this.drainDead();
    } finally {
      this.draining = false;
    }
  }

  /** Where the dead list stands: for `deallocDiedSince`. */
  deadMark(): number {
    return this.deadTop;
  }

  /**
   * Deallocates at once, with everything that dies with them, the objects that died since
   * `mark` (from `deadMark`), as CPython's recursion would: for a deallocation that frees memory
   * of its own between its referents' deaths (a deque frees each block once past its items, and
   * a deque among them takes a block before it frees any). Nested at most MAX_NESTED_SETTLES
   * deep; deeper, they wait on the dead list as any referent does.
   */
  deallocDiedSince(mark: number): void {
    if (this.deadTop <= mark || this.nestedSettles >= MAX_NESTED_SETTLES) return;
    const base = this.dropBase;
    this.nestedSettles++;
    try {
      while (this.deadTop > mark) {
        const entry = this.dead[--this.deadTop];
        if (entry > 0) this.dealloc(entry);
        else this.release(-entry, this.i32[-entry + OB.TYPE]);
      }
    } finally {
      this.nestedSettles--;
      this.dropBase = base;
    }
  }

  /** Deallocates what waits on the dead list, and releases the objects whose markers come up. */
  private drainDead(): void {
    while (this.deadTop > 0) {
      const entry = this.dead[--this.deadTop];
      if (entry > 0) this.dealloc(entry);
      else this.release(-entry, this.i32[-entry + OB.TYPE]);
    }
  }

  /**
   * `tp_dealloc`: finalize, clear weakrefs, drop referents, then free or keep on a free list — at
   * once if no referent died, otherwise after they are all deallocated. Kept small so the common
   * path compiles into one piece; the per-kind work is in `dropReferents` and `release`.
   */
  private dealloc(ref: Ref): void {
    const i32 = this.i32;
    const typeId = i32[ref + OB.TYPE];
    // Untracked first, as every GC type's tp_dealloc does: a collection that runs while referents
    // die (a finalizer may allocate) must not see an object whose refcount is already 0.
    if (this.types.isGC[typeId] !== 0 && i32[ref + GC.NEXT] !== 0) this.untrack(ref);
    const base = this.deadTop;
    this.dropBase = base;
    if (this.types.mayFinalizeOrWeakref[typeId] !== 0 && this.finalizeAndClearWeakrefs(ref, typeId)) {
      this.resurrected(base);
      return;
    }
    this.dropReferents(ref, typeId);
    if (this.deadTop === base) this.release(ref, typeId);
    else this.deferRelease(ref, base);
  }

  /** A finalizer resurrected the object: what died meanwhile is deallocated in the order it died. */
  private resurrected(base: number): void {
    if (this.deadTop - base > 1) this.dead.subarray(base, this.deadTop).reverse();
  }

  /**
   * Objects died while `ref` was being deallocated; they sit on the dead list from `base` up, in
   * the order they died. Reorders that segment so the first to die is deallocated first, each with
   * its own subtree before the next (CPython deallocates each as its refcount reaches zero, by
   * recursion), and puts `ref`'s release marker under them: `ref` is released after the last.
   */
  private deferRelease(ref: Ref, base: number): void {
    if (this.deadTop === this.dead.length) this.growDead();
    const dead = this.dead;
    const top = ++this.deadTop;
    // [c1 … ck] becomes [-ref, ck … c1]: c1 moves to the top, the marker takes its place, and the
    // rest is reversed in between.
    dead[top - 1] = dead[base];
    dead[base] = -ref;
    for (let lo = base + 1, hi = top - 2; lo < hi; lo++, hi--) {
      const t = dead[lo];
      dead[lo] = dead[hi];
      dead[hi] = t;
    }
  }

  /**
   * The end of `tp_dealloc`: onto the type's free list if it has room, else back to the allocator.
   * Only exact built-in types have free lists (type ids up to BoundMethod).
   */
  private release(ref: Ref, typeId: number): void {
    if (typeId > Kind.BoundMethod || !this.pushFreeList(ref, typeId)) this.freeObject(ref);
  }

  /** Keeps a dying int, float, tuple, list, dict or bound method on its free list if there is room. */
  private pushFreeList(ref: Ref, typeId: number): boolean {
    const i32 = this.i32;
    const fl = this.freeLists;
    switch (typeId) {
      case Kind.Int:
        return (i32[ref + OB.SIZE] === 1 || i32[ref + OB.SIZE] === -1) && fl.push(fl.int, ref);
      case Kind.Float:
        return fl.push(fl.float, ref);
      case Kind.Tuple: {
        const n = i32[ref + OB.SIZE];
        return n <= fl.tupleMaxLength && fl.pushTuple(n, ref);
      }
      case Kind.List:
        return fl.push(fl.list, ref);
      case Kind.Dict:
        return fl.push(fl.dict, ref);
      case Kind.BoundMethod:
        return fl.push(fl.boundMethod, ref);
      default:
        return false;
    }
  }

  /** Drops what a dying object references (tp_dealloc's middle part); the object itself stays. */
  private dropReferents(ref: Ref, typeId: number): void {
    const i32 = this.i32;
    const types = this.types;
    switch (types.kindOf[typeId]) {
      case Kind.Str:
        this.str.onDealloc(ref);
        break;
      case Kind.Tuple: {
        const n = i32[ref + OB.SIZE];
        const items = ref + this.tupleItemsWord;
        for (let i = n - 1; i >= 0; i--) this.xdecref(i32[items + 2 * i]);
        break;
      }
      case Kind.List:
        clearList(this, ref);
        break;
      case Kind.Dict:
        // defdict_dealloc: the factory first, then dict_dealloc.
        if (typeId === Kind.DefaultDict) this.xdecref(i32[ref + FIELD.DEFAULTDICT_FACTORY]);
        clearDict(this, ref);
        break;
      case Kind.Set:
        clearSet(this, ref);
        break;
      case Kind.Range:
        // range_dealloc: start, stop, step, length.
        this.decref(i32[ref + FIELD.RANGE_START]);
        this.decref(i32[ref + FIELD.RANGE_STOP]);
        this.decref(i32[ref + FIELD.RANGE_STEP]);
        this.decref(i32[ref + FIELD.RANGE_LENGTH]);
        break;
      case Kind.Instance:
        clearInstanceValues(this, ref);
        break;
      case Kind.SlotsInstance: {
        const n = types.slotCount[typeId];
        for (let i = 0; i < n; i++) this.xdecref(i32[ref + FIELD.SLOTS_FIRST + 2 * i]);
        break;
      }
      case Kind.Function:
        this.xdecref(i32[ref + FIELD.FUNC_GLOBALS]);
        this.xdecref(i32[ref + FIELD.FUNC_CLOSURE]);
        this.xdecref(i32[ref + FIELD.FUNC_DEFAULTS]);
        this.xdecref(i32[ref + FIELD.FUNC_KWDEFAULTS]);
        this.xdecref(i32[ref + FIELD.FUNC_ANNOTATIONS]);
        this.xdecref(i32[ref + FIELD.FUNC_DICT]);
        break;
      case Kind.BoundMethod:
        this.xdecref(i32[ref + FIELD.METHOD_FUNC]);
        this.xdecref(i32[ref + FIELD.METHOD_SELF]);
        break;
      case Kind.Generator: {
        const n = i32[ref + FIELD.GEN_NSLOTS];
        const first = this.generatorSlotsWord(ref);
        for (let i = 0; i < n; i++) this.xdecref(i32[first + 2 * i]);
        if (i32[ref + FIELD.GEN_RUNNER] !== 0) this.hooks.generatorFreed?.(this, ref);
        break;
      }
      case Kind.WeakRef:
        this.unlinkWeakref(ref);
        this.xdecref(i32[ref + FIELD.WEAKREF_CALLBACK]);
        break;
      case Kind.Cell:
        this.xdecref(i32[ref + FIELD.CELL_REF]);
        break;
      case Kind.ListIter:
      case Kind.TupleIter:
        this.xdecref(i32[ref + FIELD.SEQITER_SEQ]);
        break;
      case Kind.Array:
        this.arrays.freeItems(ref);
        break;
      case Kind.Enumerate:
        this.xdecref(i32[ref + FIELD.ENUM_ITER]);
        this.xdecref(i32[ref + FIELD.ENUM_RESULT]);
        break;
      case Kind.DictKeys:
      case Kind.DictValues:
      case Kind.DictItems:
        this.xdecref(i32[ref + FIELD.DICTVIEW_DICT]);
        break;
      case Kind.DictKeyIter:
      case Kind.DictValueIter:
      case Kind.DictItemIter:
        this.xdecref(i32[ref + FIELD.DICTITER_DICT]);
        this.xdecref(i32[ref + FIELD.DICTITER_RESULT]);
        break;
      case Kind.Deque:
        this.deques.freeContents(ref);
        break;
      case Kind.DequeIter:
        this.xdecref(i32[ref + FIELD.DEQUEITER_DEQUE]);
        break;
      default:
        break;
    }
  }

  /**
   * The part of deallocation few objects need, in `subtype_dealloc`'s order: PEP 442 finalization
   * (once, on a temporarily resurrected object), clearing the weakrefs to it, then a legacy
   * `tp_del` (on every deallocation: it has no once flag; `slot_tp_del` resurrects the object for
   * the call as well). Returns true if the object was resurrected.
   */
  private finalizeAndClearWeakrefs(ref: Ref, typeId: number): boolean {
    const i32 = this.i32;
    const types = this.types;
    if (types.hasTpFinalize[typeId] !== 0 && (i32[ref + GC.FLAGS] & GCFLAG.FINALIZED) === 0) {
      i32[ref + GC.FLAGS] |= GCFLAG.FINALIZED;
      // Resurrected for the call and tracked while it runs (`PyObject_CallFinalizerFromDealloc`).
      if (this.hooks.finalize && this.callFinalizerResurrected(ref)) return true;
    }
    const weaklist = types.weaklistWord[typeId];
    if (weaklist !== 0 && i32[ref + weaklist] !== 0) this.clearWeakrefs(ref, weaklist);
    // MEAS (3.11.2, 3.11.7, 3.12.1, 3.13.0; test/fixtures/python/test_gc/legacy_finalizer.py): a
    // `_testcapi.with_tp_del` instance taken out of gc.garbage with its cycle broken has its
    // `__tp_del__` called once when the last reference goes.
    if (types.hasLegacyFinalizer[typeId] !== 0 && this.hooks.finalize && this.callFinalizerResurrected(ref)) return true;
    return false;
  }

  /** Calls the finalize hook on `ref` resurrected (refcount 1, tracked); true if it stays alive. */
  private callFinalizerResurrected(ref: Ref): boolean {
    const i32 = this.i32;
    i32[ref] = 1;
    this.track(ref);
    this.hooks.finalize!(this, ref);
    if (--i32[ref] !== 0) return true;
    this.untrack(ref);
    return false;
  }

  // ---- GC lists -----------------------------------------------------------------------------------------

  /** Appends `ref` to the young generation's list; returns the previous last object. Small, so V8 inlines it. */
  private linkYoung(ref: Ref): Ref {
    const i32 = this.i32;
    const head = this.young;
    const last = i32[head + GC.PREV];
    i32[ref + GC.NEXT] = head;
    i32[ref + GC.PREV] = last;
    i32[last + GC.NEXT] = ref;
    i32[head + GC.PREV] = ref;
    return last;
  }

  /** `_PyObject_GC_TRACK`: append to the young generation. */
  track(ref: Ref): void {
    const i32 = this.i32;
    const last = this.linkYoung(ref);
    i32[ref + GC.FLAGS] = (i32[ref + GC.FLAGS] & ~GCFLAG.OLD_SPACE_1) | this.youngSpaceFlag;
    if (this.cowActive === true) this.cowTouch2(ref, last);
    if (this.countAllocations !== true) this.gcCountUp();
  }

  /** `_PyObject_GC_UNTRACK`: unlink from whatever GC list holds the object. */
  untrack(ref: Ref): void {
    const i32 = this.i32;
    const prev = i32[ref + GC.PREV];
    const next = i32[ref + GC.NEXT];
    i32[prev + GC.NEXT] = next;
    i32[next + GC.PREV] = prev;
    i32[ref + GC.NEXT] = 0;
    i32[ref + GC.PREV] = 0;
    if (this.cowActive === true) this.cowTouch3(ref, prev, next);
    if (this.countAllocations !== true) this.gcCountDown();
  }

  /**
   * One GC object more for count0 (allocations or tracks, per profile) and the heap size; calls the
   * collector when count0 passes its trigger. Small, so the hot paths inline it.
   */
  private gcCountUp(): void {
    const counters = this.counters;
    counters[Stat.GcHeapSize]++;
    if (++counters[Stat.GcCount0] > this.gcTriggerAt) this.gc.thresholdReached();
  }

  /** One GC object fewer: count0 never goes below zero (CPython's gcstate count). */
  private gcCountDown(): void {
    const counters = this.counters;
    counters[Stat.GcHeapSize]--;
    if (counters[Stat.GcCount0] > 0) counters[Stat.GcCount0]--;
  }

  // Copy-on-write page touches of tracking and untracking, out of line: rarely on, and the hot
  // paths stay small enough for V8 to inline.
  private cowTouch2(a: Ref, b: Ref): void {
    this.cow.touch(a);
    this.cow.touch(b);
  }

  private cowTouch3(a: Ref, b: Ref, c: Ref): void {
    this.cow.touch(a);
    this.cow.touch(b);
    this.cow.touch(c);
  }

  /**
   * An eval-breaker check: where 3.12+ runs a collection an allocation scheduled. CPython checks at
   * a loop's back edge (JUMP_BACKWARD), at function entry (RESUME) and on return from a generic
   * call to C; not after BUILD_*, STORE_* or the specialised `list.append`. Workloads call this
   * where their Python would check.
   */
  evalBreaker(): void {
    this.gc.evalBreaker();
  }

  /**
   * A fork point: from now on, count the distinct pages the (child) process writes for the first
   * time. The child's runtime re-creates its locks first (`Profile.forkReinitLocks`: raw blocks,
   * traced, kept until the process ends). Returns the CopyOnWrite counter.
   */
  forkPoint(): CopyOnWrite {
    this.countPageWrites();
    for (let i = 0; i < this.profile.forkReinitLocks; i++) this.forkLocks.push(this.allocator.rawMalloc(FORK_LOCK_BYTES));
    return this.cow;
  }

  /** From now on, count the distinct pages written for the first time (`forkPoint` without the fork). */
  countPageWrites(): CopyOnWrite {
    this.cow.reset();
    this.cowActive = true;
    return this.cow;
  }

  /** `_PyGC_ClearAllFreeLists`: full collections empty every type free list. */
  clearFreeLists(): void {
    this.freeLists.drain((ref) => this.freeObject(ref));
    this.dict.drainKeysFreeList();
  }

  isTracked(ref: Ref): boolean {
    return this.types.isGC[this.i32[ref + OB.TYPE]] !== 0 && this.i32[ref + GC.NEXT] !== 0;
  }

  // ---- ints and floats --------------------------------------------------------------------------------

  /**
   * An int. -5..256 are the static small ints (no allocation). Others request 24 + 4 per 30-bit
   * digit when built exactly; arithmetic results are `_PyLong_FromMedium` (32 bytes) when they fit
   * one digit, and one spare digit otherwise (`x_add` does not shrink). Values are exact to 2^53.
   */
  int(value: number, origin: IntOrigin = 'exact'): Ref {
    if (value >= -5 && value <= 256 && Number.isInteger(value)) return this.sharedRef(this.smallInts[value + 5]);
    const ndigits = intDigits(value);
    let bytes: number;
    if (origin === 'exact') bytes = Math.max(24 + 4 * ndigits, this.profile.intMinExactBytes);
    else bytes = ndigits === 1 ? 32 : 24 + 4 * (ndigits + 1);
    if (ndigits === 1 && origin === 'arith') return this.mediumInt(value);
    let ref = 0;
    if (ndigits === 1) ref = this.freeLists.pop(this.freeLists.int);
    if (ref !== 0) {
      this.reuse(ref);
    } else {
      ref = this.allocObject(Kind.Int, bytes);
    }
    this.i32[ref + OB.SIZE] = value < 0 ? -ndigits : ndigits;
    this.f64[(ref >> 1) + FIELD.INT_VALUE_F64] = value;
    return ref;
  }

  /**
   * `int(value, 'arith')` of a one-digit int outside the small ints (|value| < 2^30, an integer):
   * `_PyLong_FromMedium`, 32 bytes, or the int free list where the profile has one. The range
   * iterator's and the arithmetic's common case.
   */
  mediumInt(value: number): Ref {
    const fl = this.freeLists.int;
    let ref: Ref;
    if (fl.top !== 0) {
      ref = fl.items[--fl.top];
      this.reuse(ref);
    } else {
      ref = this.allocObject(Kind.Int, 32);
    }
    this.i32[ref + OB.SIZE] = value < 0 ? -1 : 1;
    this.f64[(ref >> 1) + FIELD.INT_VALUE_F64] = value;
    return ref;
  }

  intValue(ref: Ref): number {
    return this.f64[(ref >> 1) + FIELD.INT_VALUE_F64];
  }

  float(value: number): Ref {
    let ref = this.freeLists.pop(this.freeLists.float);
    if (ref !== 0) this.reuse(ref);
    else ref = this.allocObject(Kind.Float, 24);
    this.f64[(ref >> 1) + FIELD.FLOAT_VALUE_F64] = value;
    return ref;
  }

  floatValue(ref: Ref): number {
    return this.f64[(ref >> 1) + FIELD.FLOAT_VALUE_F64];
  }

  /** Overwrites a float's value in place (a specialised float operation reusing an operand). */
  setFloatValue(ref: Ref, value: number): void {
    this.touchRefcount(ref);
    this.f64[(ref >> 1) + FIELD.FLOAT_VALUE_F64] = value;
  }

  /** An object taken from a free list: alive again without a malloc (tracemalloc and count0 see nothing). */
  reuse(ref: Ref): void {
    this.i32[ref] = 1;
    this.counters[Stat.ObjectsAllocated]++;
    this.counters[Stat.FreeListReuses]++;
  }

  // ---- bytes ------------------------------------------------------------------------------------------

  /** A bytes object of `length` bytes (33 + n requested); b'' and 1-byte values are cached. */
  bytes(data: Uint8Array | number): Ref {
    const length = typeof data === 'number' ? data : data.length;
    if (length === 0) return this.sharedRef(this.emptyBytes);
    if (length === 1 && typeof data !== 'number') return this.sharedRef(this.byteChars[data[0]]);
    const ref = this.allocObject(Kind.Bytes, 33 + length);
    this.i32[ref + FIELD.BYTES_SIZE] = length;
    if (typeof data === 'number') {
      this.u8.fill(0, ref * 4 + FIELD.BYTES_DATA_BYTE, ref * 4 + FIELD.BYTES_DATA_BYTE + length + 1);
      this.i32[ref + FIELD.BYTES_HASH] = -1;
    } else {
      this.u8.set(data, ref * 4 + FIELD.BYTES_DATA_BYTE);
      this.u8[ref * 4 + FIELD.BYTES_DATA_BYTE + length] = 0;
      this.i32[ref + FIELD.BYTES_HASH] = hashBytes(data);
    }
    return ref;
  }

  // ---- tuples ------------------------------------------------------------------------------------------

  /**
   * `PyTuple_New(n)`: a tuple whose items the caller fills with `tupleInit` before using it.
   * Tracked at creation unless the profile tracks only tuples that may hold GC objects; `track`
   * says which (`tupleFrom` decides from the items).
   */
  newTuple(n: number, track = true): Ref {
    if (n === 0) return this.sharedRef(this.emptyTuple);
    let ref = n <= this.freeLists.tupleMaxLength ? this.freeLists.popTuple(n) : 0;
    if (ref !== 0) {
      this.reuse(ref);
    } else {
      ref = this.allocObject(Kind.Tuple, 16 + this.profile.tupleBasicSize + 8 * n);
      this.i32[ref + OB.SIZE] = n;
    }
    const items = ref + this.tupleItemsWord;
    clearWords(this.i32, items, items + 2 * n);
    if (track) this.track(ref);
    return ref;
  }

  /** Stores a *stolen* reference into a new tuple. */
  tupleInit(tuple: Ref, index: number, item: Ref): void {
    this.i32[tuple + this.tupleItemsWord + 2 * index] = item;
  }

  tupleItem(tuple: Ref, index: number): Ref {
    return this.i32[tuple + this.tupleItemsWord + 2 * index];
  }

  tupleLength(tuple: Ref): number {
    return this.i32[tuple + OB.SIZE];
  }

  /**
   * A tuple of the given (borrowed) items, built as BUILD_TUPLE builds it: 3.14.1+ tracks it only if
   * some item's type is a GC type.
   */
  tupleOf(...items: Ref[]): Ref {
    return this.tupleOfArray(items);
  }

  /** `tupleOf` of an array of (borrowed) items. */
  tupleOfArray(items: ArrayLike<Ref>): Ref {
    const n = items.length;
    let track = true;
    if (this.profile.tupleTracking === 'if-gc-items') {
      track = false;
      for (let i = 0; i < n; i++) if (this.types.isGC[this.i32[items[i] + OB.TYPE]] !== 0) track = true;
    }
    const t = this.newTuple(n, track);
    for (let i = 0; i < n; i++) {
      this.incref(items[i]);
      this.tupleInit(t, i, items[i]);
    }
    return t;
  }

  // ---- classes and instances ---------------------------------------------------------------------------

  defineClass(spec: ClassSpec): ClassInfo {
    const info = this.types.defineClass(spec);
    if (info.kind === Kind.Instance) info.sharedKeys = this.dict.newSharedKeysForClass();
    return info;
  }

  /** `cls()`: a new instance, before `__init__` sets anything. */
  newInstance(cls: ClassInfo): Ref {
    // The common case (a bare GC head, a pymalloc block, no page accounting) has its own path;
    // this stays small so that V8 inlines it into callers.
    if (cls.smallSlots === true && this.cowActive !== true) return this.newSmallSlotsInstance(cls.id, cls.baseBytes);
    if (cls.kind === Kind.List) return this.list.newSubclassInstance(cls);
    if (cls.kind !== Kind.SlotsInstance) return this.dict.newManagedInstance(cls);
    return this.newSlotsInstance(cls.id, cls.baseBytes, cls.preWords);
  }

  /** allocObject + zeroed slots + track: a `__slots__` instance, before `__init__` sets anything. */
  private newSlotsInstance(typeId: number, bytes: number, preWords: number): Ref {
    const ref = this.allocObject(typeId, bytes);
    const i32 = this.i32;
    for (let w = 4; w < (bytes >> 2) - preWords; w++) i32[ref + w] = 0;
    this.track(ref);
    return ref;
  }

  /**
   * `newSlotsInstance` for a class with `smallSlots` while copy-on-write is off, in one piece: the
   * same writes and counts in the same order, without allocObject's and track's general cases. When
   * count0 reaches the collector's trigger on this object, the general path runs instead, so the
   * collection (3.11) or its scheduling (3.12+) happens exactly where it would; below the trigger,
   * counting at allocation or at tracking (per profile) comes to the same single increment.
   */
  private newSmallSlotsInstance(typeId: number, bytes: number): Ref {
    const i32 = this.i32;
    const counters = this.counters;
    if (counters[Stat.GcCount0] >= this.gcTriggerAt) return this.newSlotsInstance(typeId, bytes, Hot.GC_HEAD_WORDS);
    const bp = this.allocator.mallocSmall(bytes);
    // allocObject: the header; GC head words are all written below (nothing sees the object before).
    const ref = bp + Hot.GC_HEAD_WORDS;
    i32[ref + OB.REFCNT] = 1;
    i32[ref + OB.TYPE] = typeId;
    i32[ref + 2] = bytes;
    i32[ref + 3] = 0;
    i32[ref + GC.REFS] = 0;
    counters[Stat.ObjectsAllocated]++;
    // count0 moves by one, at allocation or at tracking per profile; it stays below the trigger.
    counters[Stat.GcHeapSize]++;
    counters[Stat.GcCount0]++;
    const end = ref + (bytes >> 2) - Hot.GC_HEAD_WORDS;
    for (let w = ref + 4; w < end; w++) i32[w] = 0;
    // track(): append to the young list; FLAGS becomes the young space flag.
    this.linkYoung(ref);
    i32[ref + GC.FLAGS] = this.youngSpaceFlag;
    return ref;
  }

  /** `obj.name = value` (value borrowed). */
  setAttr(obj: Ref, name: string, value: Ref): void {
    const cls = this.types.classInfo(this.i32[obj + OB.TYPE]);
    if (cls.kind === Kind.List) throw new TypeError(`attributes of a list subclass's instances ('${cls.name}') are not simulated yet`);
    if (cls.kind === Kind.SlotsInstance) {
      const i = cls.slots.indexOf(name);
      if (i < 0) throw new TypeError(`'${cls.name}' object has no attribute '${name}' (not in __slots__)`);
      this.setSlot(obj, i, value);
      return;
    }
    this.dict.setInstanceAttr(obj, cls, name, value);
  }

  /** `obj.name` as a borrowed reference (0 if missing). */
  getAttr(obj: Ref, name: string): Ref {
    const cls = this.types.classInfo(this.i32[obj + OB.TYPE]);
    if (cls.kind === Kind.List) return 0;
    if (cls.kind === Kind.SlotsInstance) {
      const i = cls.slots.indexOf(name);
      return i < 0 ? 0 : this.i32[obj + FIELD.SLOTS_FIRST + 2 * i];
    }
    return this.dict.getInstanceAttr(obj, cls, name);
  }

  /** Slot `i` of a `__slots__` instance (value borrowed). */
  setSlot(obj: Ref, i: number, value: Ref): void {
    const w = obj + FIELD.SLOTS_FIRST + 2 * i;
    const old = this.i32[w];
    this.incref(value);
    this.i32[w] = value;
    this.xdecref(old);
  }

  getSlot(obj: Ref, i: number): Ref {
    return this.i32[obj + FIELD.SLOTS_FIRST + 2 * i];
  }

  /** The integer field kept in slot `i` (FIELD.SLOT_INT; 0 in a new object). */
  slotInt(obj: Ref, i: number): number {
    return this.i32[obj + FIELD.SLOTS_FIRST + 2 * i + FIELD.SLOT_INT];
  }

  setSlotInt(obj: Ref, i: number, value: number): void {
    this.i32[obj + FIELD.SLOTS_FIRST + 2 * i + FIELD.SLOT_INT] = value;
  }

  /** Empties slot `i` (Py_CLEAR): its value loses the slot's reference. */
  clearSlot(obj: Ref, i: number): void {
    const w = obj + FIELD.SLOTS_FIRST + 2 * i;
    const old = this.i32[w];
    this.i32[w] = 0;
    this.xdecref(old);
  }

  /** `obj.__dict__`: materialises a dict object for a plain instance (+64 bytes). New reference. */
  instanceDict(obj: Ref): Ref {
    return this.dict.materializeInstanceDict(obj);
  }

  // ---- functions, methods, generators, cells ----------------------------------------------------------

  /** A function object (`def` / `lambda`) with optional globals, closure, defaults, keyword-only defaults and annotations (borrowed). */
  func(globals: Ref = 0, closure: Ref = 0, defaults: Ref = 0, kwdefaults: Ref = 0, annotations: Ref = 0): Ref {
    const ref = this.allocObject(Kind.Function, this.profile.functionBytes);
    const i32 = this.i32;
    clearWords(i32, ref + 4, ref + (this.profile.functionBytes >> 2) - 4);
    i32[ref + FIELD.FUNC_GLOBALS] = globals;
    i32[ref + FIELD.FUNC_CLOSURE] = closure;
    i32[ref + FIELD.FUNC_DEFAULTS] = defaults;
    i32[ref + FIELD.FUNC_KWDEFAULTS] = kwdefaults;
    i32[ref + FIELD.FUNC_ANNOTATIONS] = annotations;
    if (globals !== 0) this.incref(globals);
    if (closure !== 0) this.incref(closure);
    if (defaults !== 0) this.incref(defaults);
    if (kwdefaults !== 0) this.incref(kwdefaults);
    if (annotations !== 0) this.incref(annotations);
    this.track(ref);
    return ref;
  }

  /** `obj.method`: a bound method (64 bytes; 3.14 keeps 20 on a free list). */
  boundMethod(func: Ref, self: Ref): Ref {
    let ref = this.freeLists.pop(this.freeLists.boundMethod);
    if (ref !== 0) this.reuse(ref);
    else ref = this.allocObject(Kind.BoundMethod, 64);
    const i32 = this.i32;
    this.incref(func);
    this.incref(self);
    i32[ref + FIELD.METHOD_FUNC] = func;
    i32[ref + FIELD.METHOD_SELF] = self;
    i32[ref + FIELD.METHOD_WEAKLIST] = 0;
    this.track(ref);
    return ref;
  }

  /**
   * A generator object with its embedded interpreter frame of `slots` = locals + stack slots
   * (`co_nlocalsplus + co_stacksize`).
   */
  generator(slots: number): Ref {
    const bytes = this.profile.generatorBaseBytes + 8 * slots;
    const ref = this.allocObject(Kind.Generator, bytes);
    const i32 = this.i32;
    clearWords(i32, ref + 4, ref + (bytes >> 2) - 4);
    i32[ref + FIELD.GEN_NSLOTS] = slots;
    this.track(ref);
    return ref;
  }

  /** Word index of a generator's first frame slot: the slots are the last 8·n bytes of the object. */
  generatorSlotsWord(gen: Ref): Ref {
    return gen + (this.profile.generatorBaseBytes >> 2) - 4;
  }

  /** Stores a (borrowed) local into frame slot `i` of a generator. */
  generatorSetLocal(gen: Ref, i: number, value: Ref): void {
    const w = this.generatorSlotsWord(gen) + 2 * i;
    const old = this.i32[w];
    this.incref(value);
    this.i32[w] = value;
    this.xdecref(old);
  }

  cell(value: Ref): Ref {
    const ref = this.allocObject(Kind.Cell, 40);
    if (value !== 0) this.incref(value);
    this.i32[ref + FIELD.CELL_REF] = value;
    this.track(ref);
    return ref;
  }

  // ---- weak references ---------------------------------------------------------------------------------

  /**
   * `weakref.ref(obj, callback)`. A callback-less ref to the same object is shared, as CPython does.
   */
  weakref(obj: Ref, callback: Ref = 0): Ref {
    const i32 = this.i32;
    const wl = this.types.weaklistWord[i32[obj + OB.TYPE]];
    if (wl === 0) throw new TypeError(`cannot create weak reference to '${this.types.nameOf(i32[obj + OB.TYPE])}' object`);
    let head = i32[obj + wl];
    if (callback === 0 && head !== 0 && i32[head + FIELD.WEAKREF_CALLBACK] === 0) {
      this.incref(head);
      return head;
    }
    const ref = this.allocObject(Kind.WeakRef, 80);
    this.initWeakref(ref, obj, callback);
    return ref;
  }

  /**
   * A new weakref object's fields (`ref` just allocated, of a weakref type or a subclass such as
   * `KeyedRef`): referent, hash, callback, its place in `obj`'s weakref list; then tracked.
   */
  initWeakref(ref: Ref, obj: Ref, callback: Ref): void {
    const i32 = this.i32;
    const wl = this.types.weaklistWord[i32[obj + OB.TYPE]];
    const head = i32[obj + wl]; // read after the allocation, which may have run a collection (3.11)
    clearWords(i32, ref + 4, ref + 16);
    i32[ref + FIELD.WEAKREF_OBJECT] = obj;
    i32[ref + FIELD.WEAKREF_HASH] = -1;
    if (callback !== 0) this.incref(callback);
    i32[ref + FIELD.WEAKREF_CALLBACK] = callback;
    this.linkedWeakrefs++;
    // Callback-less refs go first in the list so they can be shared.
    if (callback === 0 || head === 0) {
      i32[ref + FIELD.WEAKREF_NEXT] = head;
      if (head !== 0) i32[head + FIELD.WEAKREF_PREV] = ref;
      i32[obj + wl] = ref;
    } else {
      let last = head;
      while (i32[last + FIELD.WEAKREF_NEXT] !== 0) last = i32[last + FIELD.WEAKREF_NEXT];
      i32[last + FIELD.WEAKREF_NEXT] = ref;
      i32[ref + FIELD.WEAKREF_PREV] = last;
    }
    this.track(ref);
  }

  /** The referent of a weakref as a borrowed reference, or None once it has died. */
  weakrefGet(wr: Ref): Ref {
    const obj = this.i32[wr + FIELD.WEAKREF_OBJECT];
    return obj === 0 ? this.None : obj;
  }

  /** `_PyWeakref_ClearRef`: the weakref stops pointing at its referent (no callback runs). */
  clearWeakrefReferent(wr: Ref): void {
    this.unlinkWeakref(wr);
  }

  private unlinkWeakref(wr: Ref): void {
    const i32 = this.i32;
    const obj = i32[wr + FIELD.WEAKREF_OBJECT];
    if (obj === 0) return;
    const prev = i32[wr + FIELD.WEAKREF_PREV];
    const next = i32[wr + FIELD.WEAKREF_NEXT];
    if (prev !== 0) i32[prev + FIELD.WEAKREF_NEXT] = next;
    else i32[obj + this.types.weaklistWord[i32[obj + OB.TYPE]]] = next;
    if (next !== 0) i32[next + FIELD.WEAKREF_PREV] = prev;
    i32[wr + FIELD.WEAKREF_OBJECT] = 0;
    i32[wr + FIELD.WEAKREF_PREV] = 0;
    i32[wr + FIELD.WEAKREF_NEXT] = 0;
    this.linkedWeakrefs--;
  }

  /** `PyObject_ClearWeakRefs`: detach every weakref to a dying object, then run their callbacks. */
  private clearWeakrefs(obj: Ref, weaklist: number): void {
    const i32 = this.i32;
    const pending: Ref[] = [];
    for (let wr = i32[obj + weaklist]; wr !== 0; ) {
      const next = i32[wr + FIELD.WEAKREF_NEXT];
      this.unlinkWeakref(wr);
      // A weakref dying in the same cascade (refcount 0, waiting on the dead list) is not called back.
      if (i32[wr + FIELD.WEAKREF_CALLBACK] !== 0 && i32[wr] > 0) {
        this.incref(wr); // keep the weakref alive while its callback runs
        pending.push(wr);
      }
      wr = next;
    }
    i32[obj + weaklist] = 0;
    for (const wr of pending) {
      this.hooks.weakrefCallback?.(this, i32[wr + FIELD.WEAKREF_CALLBACK], wr);
      this.decref(wr);
    }
  }

  // ---- strings (interning and caches live in StrOps) --------------------------------------------------

  /** A new str object (the empty string and 1-character Latin-1 strings are cached). */
  newStr(s: string): Ref {
    return this.str.create(s);
  }

  /** `sys.intern(s)` / identifier interning: one shared object per distinct string. New reference. */
  intern(s: string): Ref {
    return this.str.intern(s);
  }

  // ---- hashing and equality (for dict and set keys) ---------------------------------------------------

  /** A 32-bit hash: by value for numbers, strings, bytes and tuples; by identity for everything else. */
  hashOf(ref: Ref): number {
    const i32 = this.i32;
    switch (this.types.kindOf[i32[ref + OB.TYPE]]) {
      case Kind.Str:
        return i32[ref + FIELD.STR_HASH];
      case Kind.Bytes:
        return i32[ref + FIELD.BYTES_HASH];
      case Kind.Int:
      case Kind.Bool:
        return hashNumber(this.f64[(ref >> 1) + FIELD.INT_VALUE_F64]);
      case Kind.Float:
        return hashNumber(this.f64[(ref >> 1) + FIELD.FLOAT_VALUE_F64]);
      case Kind.Tuple: {
        // xxHash-style combination, as `tuplehash` does.
        let acc = 0x27d4eb2f | 0;
        const n = i32[ref + OB.SIZE];
        for (let i = 0; i < n; i++) {
          acc = (acc + Math.imul(this.hashOf(this.tupleItem(ref, i)), 0x85ebca77)) | 0;
          acc = Math.imul((acc << 13) | (acc >>> 19), 0x9e3779b1);
        }
        return (acc ^ n) === -1 ? -2 : acc ^ n;
      }
      default:
        if (this.hooks.hashInstance !== undefined && i32[ref + OB.TYPE] >= CLASS_ID_BASE) return this.hooks.hashInstance(this, ref) ?? ref;
        return ref;
    }
  }

  /** `a == b` for keys: identity, or equal values of numbers, strings, bytes and tuples. */
  equal(a: Ref, b: Ref): boolean {
    if (a === b) return true;
    if (this.hooks.equalInstance !== undefined && (this.i32[a + OB.TYPE] >= CLASS_ID_BASE || this.i32[b + OB.TYPE] >= CLASS_ID_BASE)) return this.hooks.equalInstance(this, a, b);
    const kinds = this.types.kindOf;
    const ka = kinds[this.i32[a + OB.TYPE]];
    const kb = kinds[this.i32[b + OB.TYPE]];
    if (isNumberKind(ka) && isNumberKind(kb)) return this.numberValue(a) === this.numberValue(b);
    if (ka !== kb) return false;
    if (ka === Kind.Str) return this.str.equal(a, b);
    if (ka === Kind.Bytes) {
      const n = this.i32[a + FIELD.BYTES_SIZE];
      if (n !== this.i32[b + FIELD.BYTES_SIZE]) return false;
      const da = a * 4 + FIELD.BYTES_DATA_BYTE;
      const db = b * 4 + FIELD.BYTES_DATA_BYTE;
      for (let i = 0; i < n; i++) if (this.u8[da + i] !== this.u8[db + i]) return false;
      return true;
    }
    if (ka === Kind.Tuple) {
      const n = this.tupleLength(a);
      if (n !== this.tupleLength(b)) return false;
      for (let i = 0; i < n; i++) if (!this.equal(this.tupleItem(a, i), this.tupleItem(b, i))) return false;
      return true;
    }
    return false;
  }

  private numberValue(ref: Ref): number {
    return this.kindOf(ref) === Kind.Float ? this.floatValue(ref) : this.intValue(ref);
  }

  /**
   * `_PyObject_GC_MAY_BE_TRACKED`: false for non-GC types; for an exact tuple its current tracking;
   * true for any other GC object, even one that is untracked right now.
   */
  mayBeTracked(ref: Ref): boolean {
    const typeId = this.i32[ref + OB.TYPE];
    if (this.types.isGC[typeId] === 0) return false;
    // An exact tuple may be untracked for good; any other GC object may be tracked again.
    if (typeId === Kind.Tuple) return this.i32[ref + GC.NEXT] !== 0;
    return true;
  }

  // ---- accounting ----------------------------------------------------------------------------------------

  /** Requested bytes now held, as tracemalloc would report (current). */
  get requestedCurrent(): number {
    return this.counters[Stat.RequestedCurrent];
  }

  /**
   * `tracemalloc.start()`: the traced bytes (tracedCurrent, tracedPeak) count only blocks allocated
   * from now on; freeing a block allocated before changes nothing, as in tracemalloc.
   */
  startTracing(): void {
    this.allocator.startTracing();
  }

  /** tracemalloc's `get_traced_memory()[0]` since `startTracing`. */
  get tracedCurrent(): number {
    return this.counters[Stat.TracedCurrent];
  }

  /** tracemalloc's `get_traced_memory()[1]` since `startTracing`. */
  get tracedPeak(): number {
    return this.counters[Stat.TracedPeak];
  }

  /**
   * Drops the interpreter's own caches (free lists, interned strings, class keys), then checks that
   * no block is left: every allocation the program made was freed. Throws HeapInvariantError otherwise.
   */
  teardown(): void {
    this.roots.clear();
    this.gc.shutdown();
    for (const lock of this.forkLocks.splice(0)) this.allocator.rawFree(lock, FORK_LOCK_BYTES);
    this.freeLists.drain((ref) => this.freeObject(ref));
    for (const cls of this.types.classes) {
      if (cls.sharedKeys !== 0) {
        this.dict.releaseKeys(cls.sharedKeys);
        cls.sharedKeys = 0;
      }
    }
    this.dict.drainKeysFreeList();
    this.str.releaseInterned();
    const c = this.counters;
    const left = {
      blocks: c[Stat.BlocksInUse],
      rawBlocks: c[Stat.RawBlocks],
      requestedBytes: c[Stat.RequestedCurrent],
      objects: c[Stat.ObjectsAllocated] - c[Stat.ObjectsFreed],
    };
    this.stats.publish();
    if (left.blocks !== 0 || left.rawBlocks !== 0 || left.requestedBytes !== 0) {
      throw new HeapInvariantError(
        `simulated leak: ${left.blocks} pymalloc blocks, ${left.rawBlocks} raw blocks, ${left.requestedBytes} bytes still allocated after teardown`,
      );
    }
  }
}

/** Built-in types whose deallocation drops nothing (ints, floats, str, bytes, opaque C objects). */
function isLeafBuiltin(typeId: number): boolean {
  return (typeId >= Kind.Int && typeId <= Kind.Bytes) || typeId === Kind.Opaque || typeId === Kind.RangeIter;
}

/** How deep `deallocDiedSince` recurses (JS frames per level: a handful) before deferring. */
const MAX_NESTED_SETTLES = 500;

/** A re-created runtime lock: glibc's `sem_t` on x86-64 (`PyThread_allocate_lock`). */
const FORK_LOCK_BYTES = 32;

export function validateHeapBytes(heapBytes: number): void {
  if (!Number.isInteger(heapBytes) || heapBytes < MIN_HEAP_BYTES || heapBytes > MAX_HEAP_BYTES || heapBytes % (1024 * 1024) !== 0) {
    throw new RangeError(
      `heap size must be a whole number of MiB between ${MIN_HEAP_BYTES / 1048576} MiB and ${MAX_HEAP_BYTES / 1048576} MiB (got ${heapBytes} bytes)`,
    );
  }
}

/** Number of 30-bit digits of |value| (0 for zero). */
export function intDigits(value: number): number {
  let v = Math.abs(value);
  // Most ints have one or two digits; the loop (a float division per digit) is for the rest.
  if (v < 1) return 0;
  if (v < 1073741824) return 1;
  let n = 0;
  while (v >= 1) {
    v = Math.floor(v / 1073741824);
    n++;
  }
  return n;
}

/** Hash of a number: its value for small integers, folded bits otherwise (1 and 1.0 hash alike). */
function hashNumber(v: number): number {
  if (Number.isInteger(v) && Math.abs(v) < 2147483648) return v === -1 ? -2 : v | 0;
  const h = (v * 2654435761) % 4294967296 | 0;
  return h === -1 ? -2 : h;
}

export function hashBytes(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return h === -1 ? -2 : h;
}

