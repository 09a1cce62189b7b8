/**
 * The memory layout of a simulated heap: the one module that knows where anything lives in the
 * SharedArrayBuffer. Every other module asks here; nobody hard-codes an offset.
 *
 * Addresses. A simulated address is a byte offset into the SAB. Objects and blocks are 16-byte
 * aligned, so the heap passes them around as *word indices* (byte address / 4): `i32[ref + k]` is
 * word k of the object. A `Ref` of 0 is NULL (the SAB header lives at address 0).
 *
 * Regions, in order:
 *   header   live counter snapshot (seqlock), usedpools sentinels, nfp2lasta,
 *            GC list sentinels
 *   arenas   the arena descriptor table (CPython's `arenas[]` of `struct arena_object`)
 *   chunks   one byte per 1 MiB chunk of the data region: what the chunk holds (the radix tree's job)
 *   static   statically allocated objects (small ints, None, True, False, `()`, 1-char strings)
 *   data     the simulated address space handed out by `mmap`: 1 MiB chunks for arenas and raw blocks
 */

/** A simulated address as a word index (byte address >> 2). 0 is NULL. */
export type Ref = number;
export const NULL: Ref = 0;

/**
 * The numbers the hot paths (allocation, refcounting, free) use, as a const enum so that tsc writes
 * them in place: V8 reads an imported `const` through its module cell, with a hole check, at every
 * use even in optimised code. The named exports below are these same numbers.
 */
export const enum Hot {
  BYTES_PER_WORD = 4,
  ALIGNMENT_SHIFT = 4,
  SMALL_REQUEST_THRESHOLD = 512,
  POOL_SIZE = 16 * 1024,
  POOL_WORDS = POOL_SIZE / BYTES_PER_WORD,
  USEDPOOL_SENTINEL_WORDS = 12,
  GC_HEAD_WORDS = 4,
  IMMORTAL_REFCNT = 0x3fffffff,
}

export const BYTES_PER_WORD = Hot.BYTES_PER_WORD;
/** Bytes of one slot that holds a pointer in CPython (64-bit build). The heap stores a 32-bit Ref in its low word. */
export const POINTER_BYTES = 8;
export const POINTER_WORDS = 2;

// ---- pymalloc constants (fact sheet §1.1, 64-bit build) ------------------------------------------
export const ALIGNMENT = 16;
export const ALIGNMENT_SHIFT = Hot.ALIGNMENT_SHIFT;
export const SMALL_REQUEST_THRESHOLD = Hot.SMALL_REQUEST_THRESHOLD;
export const NB_SMALL_SIZE_CLASSES = SMALL_REQUEST_THRESHOLD / ALIGNMENT; // 32
export const SYSTEM_PAGE_SIZE = 4096;
export const POOL_SIZE = Hot.POOL_SIZE;
export const POOL_WORDS = Hot.POOL_WORDS;
export const ARENA_SIZE = 1024 * 1024;
export const MAX_POOLS_IN_ARENA = ARENA_SIZE / POOL_SIZE; // 64
/** `struct pool_header` is 48 bytes on 64-bit; blocks start right after it. */
export const POOL_OVERHEAD = 48;

export const sizeClassOf = (nbytes: number): number => (nbytes - 1) >> ALIGNMENT_SHIFT;
export const blockSizeOf = (sizeClass: number): number => (sizeClass + 1) << ALIGNMENT_SHIFT;
export const blocksPerPool = (sizeClass: number): number =>
  Math.floor((POOL_SIZE - POOL_OVERHEAD) / blockSizeOf(sizeClass));
export const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * Zeroes words [from, to) of the heap. A loop for the short ranges objects are made of:
 * TypedArray.prototype.fill on a SharedArrayBuffer costs about 17 ns before it writes a word
 * (Node 20), four times a loop over a tuple's items.
 */
export function clearWords(i32: Int32Array, from: number, to: number): void {
  if (to - from > 64) {
    i32.fill(0, from, to);
    return;
  }
  for (let w = from; w < to; w++) i32[w] = 0;
}

/**
 * `i32.copyWithin(to, from, end)` (overlapping ranges allowed), with a loop for short ranges as
 * clearWords has, for the same reason.
 */
export function moveWords(i32: Int32Array, to: number, from: number, end: number): void {
  const n = end - from;
  if (n > 64) {
    i32.copyWithin(to, from, end);
    return;
  }
  if (to <= from) for (let k = 0; k < n; k++) i32[to + k] = i32[from + k];
  else for (let k = n - 1; k >= 0; k--) i32[to + k] = i32[from + k];
}

/** Pool header words (relative to the pool's word index). Pointer fields hold word indices. */
export const enum POOL {
  COUNT = 0, // ref.count: blocks in use
  FREEBLOCK = 2, // head of the LIFO free-block list (a block's word 0 links to the next)
  NEXTPOOL = 4,
  PREVPOOL = 6,
  ARENAINDEX = 8,
  SZIDX = 9,
  NEXTOFFSET = 10, // bytes from the pool start to the next never-used block
  MAXNEXTOFFSET = 11,
}
/** `szidx` of a pool carved but never initialised for a size class. */
export const DUMMY_SIZE_IDX = 0xffff;

/** Arena descriptor (`struct arena_object`) fields; index -1 means NULL for arena links. */
export const enum ARENA {
  ADDRESS = 0, // byte address of the chunk, 0 when the descriptor has no memory
  POOL_ADDRESS = 1, // word index of the next never-carved pool
  NFREEPOOLS = 2,
  NTOTALPOOLS = 3,
  FREEPOOLS = 4, // word index of the first pool on the arena's free-pool list
  NEXTARENA = 5,
  PREVARENA = 6,
}
export const ARENA_DESC_WORDS = 8;
export const NO_ARENA = -1;

/** What a 1 MiB chunk of the data region holds. */
export const enum ChunkKind {
  Free = 0,
  Arena = 1,
  RawSmall = 2,
  RawLarge = 3,
}

// ---- objects ---------------------------------------------------------------------------------------
/** Refcount of immortal objects (PEP 683, 3.12+): incref and decref leave it alone. */
export const IMMORTAL_REFCNT = Hot.IMMORTAL_REFCNT;

/** PyObject header words, relative to the object's Ref (CPython: 8-byte refcount, 8-byte type). */
export const enum OB {
  REFCNT = 0,
  TYPE = 1,
  /** ob_size of variable-size objects (a 16-byte offset). */
  SIZE = 4,
}

/**
 * PyGC_Head words, *before* the object (16 bytes). CPython packs gc_refs and flags into _gc_prev;
 * the simulation has room for both in their own words.
 */
export const enum GC {
  NEXT = -4, // 0 = not tracked
  PREV = -3,
  REFS = -2,
  FLAGS = -1,
}
export const GC_HEAD_WORDS = Hot.GC_HEAD_WORDS;

/**
 * GC.REFS of an object `move_unreachable` has put in the unreachable list, where CPython sets
 * `NEXT_MASK_UNREACHABLE` in `_gc_next` and must clear it again afterwards. After `subtract_refs`
 * every gc_refs is ≥ 0, so -1 is free; and the word means nothing outside a collection, so there
 * is nothing to clear.
 */
export const GC_REFS_UNREACHABLE = -1;

/** Bits of the GC head's FLAGS word (CPython keeps them in the low bits of _gc_prev and _gc_next). */
export const enum GCFLAG {
  /** PEP 442: tp_finalize has run; it never runs twice. */
  FINALIZED = 1,
  /** In the set being collected, not yet found reachable (`PREV_MASK_COLLECTING`). */
  COLLECTING = 2,
  /** Incremental collector: the old space the object belongs to (`_PyGC_NEXT_MASK_OLD_SPACE_1`). */
  OLD_SPACE_1 = 8,
}

/** The GC lists whose sentinels live in the SAB header. */
export const enum GCLIST {
  YOUNG = 0,
  /** Generational: generation 1. Incremental: old space 0. */
  OLD1 = 1,
  /** Generational: generation 2. Incremental: old space 1. */
  OLD2 = 2,
  PERMANENT = 3,
  /** Scratch lists of one collection. */
  UNREACHABLE = 4,
  FINALIZERS = 5,
  WORK = 6,
  SCRATCH = 7,
}

/** Managed pre-header (16 bytes before the GC head): instance values / dict, and the 3.12+ weakref list. */
export const enum PRE {
  VALUES = -8, // 3.11/3.12: separate values block; unused when values are inline (3.13+)
  DICT = -7, // the materialised `__dict__`, if any
  WEAKLIST = -6, // 3.12+ managed weakref list
}
export const MANAGED_PREHEADER_WORDS = 4;

/** Word offsets of each built-in layout, relative to the object's Ref. */
export const enum FIELD {
  INT_VALUE_F64 = 3, // Float64 index offset (byte 24)
  FLOAT_VALUE_F64 = 2, // byte 16
  STR_LENGTH = 4,
  STR_HASH = 6,
  STR_STATE = 8, // char width in bits 0..2, interned state in bits 4..5
  BYTES_SIZE = 4,
  BYTES_HASH = 6,
  BYTES_DATA_BYTE = 32,
  LIST_SIZE = 4,
  LIST_ITEMS = 6,
  LIST_ALLOCATED = 8,
  DICT_USED = 4,
  DICT_VERSION = 6,
  DICT_KEYS = 8,
  DICT_VALUES = 10,
  /** collections.defaultdict: `default_factory`, after the dict's 48 bytes. */
  DEFAULTDICT_FACTORY = 12,
  SET_FILL = 4,
  SET_USED = 6,
  SET_MASK = 8,
  SET_TABLE = 10,
  SET_HASH = 12,
  SET_SMALLTABLE = 16, // byte 64: 8 entries of (key, hash)
  SET_WEAKLIST = 48, // byte 192
  FUNC_GLOBALS = 4,
  FUNC_CLOSURE = 6,
  FUNC_DEFAULTS = 8,
  FUNC_DICT = 10,
  FUNC_WEAKLIST = 12,
  /** The keyword-only parameters' defaults (a dict, func_kwdefaults), or 0. */
  FUNC_KWDEFAULTS = 16,
  /**
   * func_annotations: the tuple of parameter names and annotation values a def builds (3.11-3.13),
   * or the `__annotate__` function (3.14's func_annotate), or 0.
   */
  FUNC_ANNOTATIONS = 18,
  METHOD_FUNC = 4,
  METHOD_SELF = 6,
  METHOD_WEAKLIST = 8,
  GEN_NSLOTS = 4,
  GEN_WEAKLIST = 6,
  /** Which running JS generator executes this generator's frame (an index kept by the front-end). */
  GEN_RUNNER = 8,
  WEAKREF_OBJECT = 4,
  WEAKREF_CALLBACK = 6,
  WEAKREF_HASH = 8,
  WEAKREF_PREV = 10,
  WEAKREF_NEXT = 12,
  CELL_REF = 4,
  SLOTS_FIRST = 4,
  /**
   * Within a `__slots__` instance's 8-byte slot, the word of an integer field (a C object's
   * Py_ssize_t, e.g. an iterator's index): the high word, which a reference (the low word) never
   * uses, so traversal, tp_clear and deallocation, which read only low words, never see it.
   */
  SLOT_INT = 1,
  /** The compiled code a function object runs (an index into the program's code table). */
  FUNC_CODE = 14,
  /** range iterator: Float64 index offsets (bytes 16, 24, 32): next, stop, step. */
  RANGE_FIRST_F64 = 2,
  /** range: its start, stop, step and length, each an int it holds a reference to (rangeobject). */
  RANGE_START = 4,
  RANGE_STOP = 6,
  RANGE_STEP = 8,
  RANGE_LENGTH = 10,
  /** list and tuple iterators: the sequence (a reference) and the next index. */
  SEQITER_SEQ = 4,
  SEQITER_INDEX = 6,
  /** array.array (a var-size object: ob_size is OB.SIZE): the item buffer, its allocated items, the type code (an index), the weakref list. */
  ARRAY_ITEMS = 6,
  ARRAY_ALLOCATED = 8,
  ARRAY_TYPECODE = 9,
  ARRAY_WEAKLIST = 10,
  /** enumerate: the inner iterator, the result tuple it recycles (references), the next index. */
  ENUM_ITER = 4,
  ENUM_RESULT = 6,
  ENUM_INDEX = 8,
  /** dict views: the dict (a reference). */
  DICTVIEW_DICT = 4,
  /** dict iterators: the dict (0 once exhausted), the items tuple it recycles, the next entry, ma_used at creation, items left. */
  DICTITER_DICT = 4,
  DICTITER_RESULT = 6,
  DICTITER_POS = 8,
  DICTITER_USED = 9,
  DICTITER_LEN = 10,
  /**
   * collections.deque (a var-size object: ob_size is OB.SIZE): its end blocks and their indices,
   * the state counter, maxlen (-1: unbounded), the free blocks (a count, then 16 pointers), the
   * weakref list.
   */
  DEQUE_LEFTBLOCK = 6,
  DEQUE_RIGHTBLOCK = 8,
  DEQUE_LEFTINDEX = 10,
  DEQUE_RIGHTINDEX = 12,
  DEQUE_STATE = 14,
  DEQUE_MAXLEN = 16,
  DEQUE_NUMFREEBLOCKS = 18,
  DEQUE_FREEBLOCKS = 20,
  DEQUE_WEAKLIST = 52,
  /** deque iterator: the block and index of the next item, the deque (a reference), its state at creation, items left. */
  DEQUEITER_BLOCK = 4,
  DEQUEITER_INDEX = 6,
  DEQUEITER_DEQUE = 8,
  DEQUEITER_STATE = 10,
  DEQUEITER_COUNTER = 12,
  /** A handle's index into the JS-side table of what it stands for. */
  HANDLE_INDEX = 4,
}
export const SET_MINSIZE = 8;

/** Dict keys object (`PyDictKeysObject`): a 32-byte header, then the index table, then entries. */
export const enum KEYS {
  REFCNT = 0,
  LOG2SIZE = 2,
  KIND = 3, // DictKeysKind
  USABLE = 4,
  VERSION = 5,
  NENTRIES = 6,
  HEADER_BYTES = 32,
}
export const enum DictKeysKind {
  General = 0,
  Unicode = 1,
  Split = 2,
}
export const DKIX_EMPTY = -1;
export const DKIX_DUMMY = -2;

// ---- the SAB header ----------------------------------------------------------------------------------
/**
 * Statistics kept by the heap as Float64 (exact integers to 2^53), in its own thread's memory;
 * other threads read the snapshot published into the SAB header (LIVE), because Float64 reads are
 * not tear-free and shared memory is slower to update.
 */
export const enum Stat {
  ObjectsAllocated = 0,
  ObjectsFreed,
  RequestedCurrent,
  RequestedPeak,
  BlocksInUse,
  PoolsInUse,
  PoolsPeak,
  ArenasInUse,
  ArenasPeak,
  ArenasAllocatedTotal,
  ArenasReclaimedTotal,
  RawBlocks,
  RawRequested,
  RawHeld,
  FreeListReuses,
  GcCount0,
  GcCollections0,
  GcCollections1,
  GcCollections2,
  GcCollected,
  GcUncollectable,
  GcVisited,
  /** Collections' count1 and count2 (`gc.get_count()[1:]`). */
  GcCount1,
  GcCount2,
  /** GC objects alive (or, 3.14.1–3.14.4, tracked): the incremental collector's `heap_size`. */
  GcHeapSize,
  /** Total pause of all collections, in microseconds. */
  GcPauseMicros,
  /** Distinct 4 KiB pages written since the last fork point. */
  CowPagesWritten,
  /**
   * tracemalloc's traced bytes since `startTracing` (current and peak): only blocks allocated since
   * then count, so freeing an older block changes nothing (RequestedCurrent counts every block).
   */
  TracedCurrent,
  TracedPeak,
  /**
   * Tracked objects in each generation (incremental: young, nothing, the two old spaces) and in
   * the permanent one, as last counted by a walk of the GC lists. Not kept up to date by the heap:
   * the lab's deterministic run refreshes them at publish time, within a time budget (measure.ts).
   */
  GcGen0Size,
  GcGen1Size,
  GcGen2Size,
  GcPermanentSize,
  COUNT,
}
export const STAT_NAMES: readonly string[] = [
  'objectsAllocated',
  'objectsFreed',
  'requestedCurrent',
  'requestedPeak',
  'blocksInUse',
  'poolsInUse',
  'poolsPeak',
  'arenasInUse',
  'arenasPeak',
  'arenasAllocatedTotal',
  'arenasReclaimedTotal',
  'rawBlocks',
  'rawRequested',
  'rawHeld',
  'freeListReuses',
  'gcCount0',
  'gcCollections0',
  'gcCollections1',
  'gcCollections2',
  'gcCollected',
  'gcUncollectable',
  'gcVisited',
  'gcCount1',
  'gcCount2',
  'gcHeapSize',
  'gcPauseMicros',
  'cowPagesWritten',
  'tracedCurrent',
  'tracedPeak',
  'gcGen0Size',
  'gcGen1Size',
  'gcGen2Size',
  'gcPermanentSize',
];

/** The published snapshot: a sequence word, then each Stat as a (low, high) pair of uint32 words. */
export const LIVE_SEQ_WORD = 0;
export const LIVE_FIRST_WORD = 2;
export const LIVE_WORDS = LIVE_FIRST_WORD + 2 * Stat.COUNT;

/** Sentinels of circular lists (usedpools, GC generations) are fake headers inside the SAB header. */
export const USEDPOOL_SENTINEL_WORDS = Hot.USEDPOOL_SENTINEL_WORDS;
export const GC_SENTINEL_WORDS = 8; // a 4-word GC head before a 4-word fake object
export const GC_LIST_COUNT = 8; // young, old generations, permanent, and scratch lists for a collection

export const HEADER_LAYOUT = (() => {
  let word = 0;
  const live = word;
  word += roundUp(LIVE_WORDS, 4);
  const usedpools = word;
  word += USEDPOOL_SENTINEL_WORDS * NB_SMALL_SIZE_CLASSES;
  const nfp2lasta = word;
  word += MAX_POOLS_IN_ARENA + 1;
  word = roundUp(word, 4);
  const gcLists = word;
  word += GC_SENTINEL_WORDS * GC_LIST_COUNT;
  return { live, usedpools, nfp2lasta, gcLists, words: roundUp(word, 4) } as const;
})();

/** Bytes reserved for statically allocated objects (small ints, singletons, 1-character strings). */
export const STATIC_REGION_BYTES = 64 * 1024;

export const MIN_HEAP_BYTES = 4 * ARENA_SIZE;
/** V8's longest typed array: the byte views (u8, i16, …) must cover the whole SAB, header included. */
export const MAX_VIEW_BYTES = 2 ** 32;
/** 4095 MiB: the largest heap whose SAB (a 1 MiB header and static region, then the data) fits MAX_VIEW_BYTES. */
export const MAX_HEAP_BYTES = 4095 * ARENA_SIZE;
export const DEFAULT_HEAP_BYTES = 2048 * ARENA_SIZE;

/** Byte and word offsets of every region for a heap of `heapBytes` data bytes. */
export interface RegionLayout {
  readonly heapBytes: number;
  readonly maxChunks: number;
  readonly arenaTableWord: number;
  readonly chunkMapByte: number;
  readonly staticByte: number;
  readonly dataByte: number;
  readonly sabBytes: number;
}

export function regionLayout(heapBytes: number): RegionLayout {
  const maxChunks = Math.floor(heapBytes / ARENA_SIZE);
  const arenaTableWord = HEADER_LAYOUT.words;
  const chunkMapByte = roundUp((arenaTableWord + maxChunks * ARENA_DESC_WORDS) * BYTES_PER_WORD, 16);
  const staticByte = roundUp(chunkMapByte + maxChunks, 16);
  // Data starts on a chunk boundary so pools can be found by rounding an address down.
  const dataByte = roundUp(staticByte + STATIC_REGION_BYTES, ARENA_SIZE);
  return {
    heapBytes: maxChunks * ARENA_SIZE,
    maxChunks,
    arenaTableWord,
    chunkMapByte,
    staticByte,
    dataByte,
    sabBytes: dataByte + maxChunks * ARENA_SIZE,
  };
}

/** Typed views over one heap's SAB. Fixed-length views: growable SABs are many times slower on V8. */
export class HeapMemory {
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly i16: Int16Array;
  readonly u16: Uint16Array;
  readonly regions: RegionLayout;

  constructor(
    readonly sab: SharedArrayBuffer,
    heapBytes: number,
  ) {
    this.regions = regionLayout(heapBytes);
    if (sab.byteLength < this.regions.sabBytes) {
      throw new RangeError(`SharedArrayBuffer of ${sab.byteLength} bytes is smaller than the layout needs (${this.regions.sabBytes})`);
    }
    // Division, not `>>`: a SAB of 2 GiB or more is beyond a signed 32-bit shift.
    const bytes = this.regions.sabBytes;
    this.i32 = new Int32Array(sab, 0, bytes / 4);
    this.u32 = new Uint32Array(sab, 0, bytes / 4);
    this.f64 = new Float64Array(sab, 0, bytes / 8);
    this.u8 = new Uint8Array(sab, 0, bytes);
    this.i8 = new Int8Array(sab, 0, bytes);
    this.i16 = new Int16Array(sab, 0, bytes / 2);
    this.u16 = new Uint16Array(sab, 0, bytes / 2);
  }

  static allocate(heapBytes: number): HeapMemory {
    return new HeapMemory(new SharedArrayBuffer(regionLayout(heapBytes).sabBytes), heapBytes);
  }
}
