/**
 * CPython versions as data. Each record holds what differs between versions: object sizes and
 * pre-headers, free lists, immortality, tracking rules, thresholds and the collector plan.
 * Sources: ../shared/cpython-memory-model.md (section numbers in the comments). Adding a version
 * should mean adding a record.
 */

export type ProfileName = '3.11' | '3.12' | '3.13' | '3.14.0' | '3.14.1' | '3.14.5';

export interface FreeListSizes {
  /** Floats kept for reuse (`PyFloat_MAXFREELIST`). */
  readonly float: number;
  /** Tuples of length 1..tupleMaxLength are kept, up to tuplePerLength of each. */
  readonly tupleMaxLength: number;
  readonly tuplePerLength: number;
  readonly list: number;
  readonly dict: number;
  /** Only 8-slot keys objects with str keys are kept. */
  readonly dictKeys: number;
  /** 3.14: single-digit ints. */
  readonly int: number;
  /** 3.14: bound method objects. */
  readonly boundMethod: number;
}

export interface Profile {
  readonly name: ProfileName;
  /** The `sys.version_info[:2]` this profile is checked against on a real interpreter. */
  readonly pythonVersion: string;

  // ---- object sizes (fact sheet §2) ----
  /** Bytes of a compact ASCII str before its characters (3.11 still has `wstr`). */
  readonly strAsciiHeader: number;
  /** Bytes of a compact non-ASCII str before its characters. */
  readonly strCompactHeader: number;
  /** tuple basicsize without the GC head: 24, plus 3.14's cached hash. */
  readonly tupleBasicSize: number;
  /** Bytes requested for a 1-digit int built exactly (`int('1000')`): 28, or 32 on 3.14 (UNCERTAIN there). */
  readonly intMinExactBytes: number;
  /** Plain-instance basicsize: 3.11 keeps a `__weakref__` slot (24), 3.12+ manages it (16). */
  readonly instanceBasicSize: number;
  /** Where a plain instance keeps its attribute values: a separate array (3.11/3.12) or inline (3.13+). */
  readonly instanceValues: 'separate' | 'inline';
  /** 3.12+: the weakref list lives in the managed pre-header of instances, not in a slot. */
  readonly managedWeakref: boolean;
  /** A function object, GC head included. */
  readonly functionBytes: number;
  /** A generator whose code has no locals and a stack of one, GC head included. */
  readonly generatorBaseBytes: number;
  /** The `gen()` row's code: `def gen(): yield 1` (locals plus stack slots). */
  readonly genCodeSlots: number;
  /** PEP 709 (3.12+): list, dict and set comprehensions run inline, without a function object. */
  readonly inlinedComprehensions: boolean;
  /**
   * When annotations are evaluated (without `from __future__ import annotations`). 'eager'
   * (3.11-3.13, PEP 526): a def builds a tuple of parameter names and annotation values
   * (BUILD_TUPLE, or a constant when every value is one) held as func_annotations; a module or
   * class body with an annotated assignment runs SETUP_ANNOTATIONS (an empty `__annotations__`
   * dict) and stores each simple name's evaluated annotation in it; a non-simple target's
   * annotation is evaluated and dropped; a function body's are never evaluated. 'lazy' (3.14, PEP
   * 649/749): nothing is evaluated; a def makes an `__annotate__` function instead, a class body an
   * `__annotate__` function over a `__classdict__` cell (a 1-tuple closure), kept as
   * `__annotate_func__` and `__classdictcell__`, a module body a `__conditional_annotations__`
   * set (each executed simple annotation adds its index) and an `__annotate__` function. MEAS:
   * `dis` of 3.11.2, 3.12.1, 3.13.0 and CPython 3.14.2 (Pyodide); tracemalloc on 3.11-3.13
   * (test/fixtures/python/annotations*.py).
   */
  readonly annotations: 'eager' | 'lazy';
  /** `iter(range(n))` (`rangeiterobject`): 48 B on 3.11, 40 B from 3.12. MEAS sys.getsizeof. */
  readonly rangeIterBytes: number;
  /** Frame slots of a one-loop generator expression's code. MEAS: 208 B on 3.11, 200 B on 3.12/3.13. */
  readonly genexprSlots: number;

  // ---- refcounting and interning (§3) ----
  /** PEP 683 (3.12+): static objects and interned strings are immortal; their refcount never moves. */
  readonly immortalObjects: boolean;
  /** Interned strings: mortal (3.11), all immortal (3.12), or code names immortal and the rest mortal (3.13+). */
  readonly interning: 'mortal' | 'immortal' | 'split';

  readonly freeLists: FreeListSizes;

  // ---- collector (§4–§6) ----
  readonly thresholds: readonly [number, number, number];
  readonly collector: 'generational' | 'incremental';
  /** What `count0` counts: GC allocations minus frees, or (3.14.1–3.14.4) tracks minus untracks. */
  readonly gcCounts: 'allocations' | 'tracked';
  /** 3.11 collects inside the allocation; 3.12+ at the next evaluation boundary. */
  readonly gcRunsAt: 'allocation' | 'eval-breaker';
  /** Tuples are tracked at creation, or (3.14.1+) only when an item's type is a GC type. */
  readonly tupleTracking: 'always' | 'if-gc-items';
  /** Dicts start untracked and are untracked again by full collections (3.11–3.13), or are always tracked (3.14). */
  readonly dictTracking: 'lazy' | 'always';
  /**
   * Tracked objects a real interpreter holds when a script starts, after `gc.collect()`
   * (`len(gc.get_objects())` in workloads/python/gc_pairs.py on this machine's pyenv builds). It
   * decides when the long-lived 25 % rule allows a full collection. The lab's default; an option.
   */
  readonly startupTrackedObjects: number;
  /**
   * Locks the runtime re-creates in a forked child (`PyOS_AfterFork_Child` →
   * `_PyThread_at_fork_reinit`, which allocates a new lock with `PyMem_RawMalloc` and leaks the
   * old one): the interpreter's `id_mutex`, the pending-calls lock and the import lock on 3.11 and
   * 3.12; most became `PyMutex` in 3.13. MEAS (a bare `os.fork()` under tracemalloc): 3 blocks of
   * 32 bytes on 3.11.2 and 3.12.1, 1 on 3.13.0; 3.14 inherits 3.13's (UNCERTAIN).
   */
  readonly forkReinitLocks: number;

  // ---- the interpreter's own allocations (the Python front-end's lowering) ----
  /**
   * Builtins a call packs its arguments into a tuple for (no vectorcall: `_PyObject_MakeTpCall`,
   * or `METH_VARARGS`): python-frontend.md's table. 3.11-3.13 always for `bytes()`; `max`/`min`
   * were METH_VARARGS until 3.13 made them METH_FASTCALL; `int()`/`str()` got vectorcall in 3.13.
   * `gc.set_threshold` is METH_VARARGS in 3.11-3.13 (`gc_set_threshold`, Modules/gcmodule.c);
   * `bytes.index` until 3.13 made it Argument Clinic fastcall (MEAS 3.12.1: freeze-before-fork's
   * current is exact with its two tuples, 104 B low without).
   * MEAS (tracemalloc, 3.11.7/3.12.1/3.13.0): `bytes(n)`'s 1-tuple and set_threshold's 3-tuple
   * stay traced after a full collection emptied the free lists. `weakref.ref(ob[, callback])` is a
   * type call with no vectorcall (`type_call` -> `weakref___new__(type, args, kwargs)`) on
   * 3.11-3.13: MEAS (3.11.2, 3.11.7, 3.12.1, 3.13.0) `weakref.ref(x, cb)` right after a full
   * collection leaves 136 traced bytes, the 80-byte weakref and a 56-byte 2-tuple, and adds 2 to
   * count0 (test/fixtures/python/test_gc/bug1055820c.py's young collection comes one append
   * sooner on 3.11 without it). `collections.deque(...)` is a type call without vectorcall on
   * 3.11-3.13: MEAS (3.11.2, 3.12.1, 3.13.0) `deque(t)` right after a full collection leaves a
   * 48-byte 1-tuple traced (on the tuple free list) and adds 1 to count0 more than `deque()`;
   * `collections.defaultdict(list)` likewise against `defaultdict()`.
   * 3.14 inherits 3.13's (UNCERTAIN).
   */
  readonly argumentTupleBuiltins: readonly string[];
  /**
   * Whether `deque(..., maxlen=n)` (any keyword) looks the kwlist names past the positional
   * arguments up through a temporary str each, until every keyword is found
   * (PyArg_ParseTupleAndKeywords -> `_PyDict_GetItemStringWithError`). MEAS (tracemalloc peak
   * over current, after a full collection): `deque(maxlen=5)` + 57 B on 3.11.2 (the 48-byte
   * ASCII header + 'iterable' + NUL), + 49 B on 3.12.1 (40-byte header), 0 on 3.13.0.
   */
  readonly dequeInitKeywordStrings: boolean;
  /**
   * Whether `super().method(...)` makes a super object and a bound method-wrapper (3.11:
   * LOAD_GLOBAL super + CALL + LOAD_METHOD) or calls the method unbound with no object made
   * (3.12+: LOAD_SUPER_ATTR, gh-87729). MEAS (3.11.7, 3.12.1): weakref-cache/weakvalue's KeyedRef
   * `__init__` is exact with it.
   */
  readonly superCallObjects: boolean;
  /**
   * When a call site of a class with a Python `__init__` stops packing its arguments into a tuple
   * (its second run, ADAPTIVE_WARMUP_VALUE 1, specialised to CALL_ALLOC_AND_ENTER_INIT): never
   * (3.11, 3.12: `_PyObject_MakeTpCall` every time); for classes with inline values only (3.13:
   * a `__slots__` class stays CALL_NON_PY_GENERAL; MEAS 3.13.0, `dis` adaptive and a tracemalloc
   * snapshot holding the tuple); for every class (3.14: MEAS 3.14.2 in Pyodide, a snapshot of a
   * warm `S(None, None)` loop holds no tuple for a `__slots__` S; 3.14.0 and 3.14.5 inferred).
   */
  readonly classCallSpecialises: 'never' | 'inline-values' | 'always';
  /**
   * What an exception leaving (or caught in) a frame makes: a traceback object per frame
   * (`PyTraceBack_Here`, with its GC head) and the frame's frame object, made on demand, of
   * `frameObjectBase` + 8 bytes per slot of the code's frame (locals and value stack; the
   * specials are in the base). MEAS (a tracemalloc snapshot of 1,000 handled exceptions raised d
   * frames deep, kept): 56 B per traceback on 3.11.7, 3.12.1, 3.13.0; the frame object of a
   * two-argument function with a four-deep stack 184 B (3.11, 3.12) and 200 B (3.13). 3.14
   * inherits 3.13's (UNCERTAIN).
   */
  readonly tracebackBytes: number;
  readonly frameObjectBase: number;
  /**
   * When an exception raised in C code (PyErr_SetString, _PyErr_SetKeyError) gets its object:
   * 'handler' (3.11: `_PyErr_SetObject` keeps the raw value, a str or the key's tuple, unless
   * another exception is being handled; `exception_unwind` in Python/ceval.c normalizes it when a
   * handler is found, after popping the value stack to the handler's depth); 'raise' (3.12+:
   * `_PyErr_SetObject` makes the object at once). MEAS: a set iterator's "Set changed size"
   * caught around the loop peaks 64 B (the iterator) lower on 3.11.2 than with the object made at
   * raise; 3.12.1 and 3.13.0 match 'raise'.
   */
  readonly cExceptionObjectMade: 'handler' | 'raise';
  /**
   * How `list.extend(x)` and `list(x)` take the items of a dict, a dict view or a set: through
   * an iterator after preallocating len(x) exactly (3.11, 3.12: `list___init__`'s
   * list_preallocate_exact, then list_extend's generic loop), or directly, with no iterator and
   * `list_resize(len + n)` (3.13: list_extend_dict / list_extend_dictitems / list_extend_set).
   * MEAS (tracemalloc, 3.11.2/3.12.1/3.13.0): list of a 3-item dict holds 4 slots with a
   * 72-B iterator on the way on 3.11/3.12, 8 slots and nothing else on 3.13. 3.14 inherits 3.13's
   * (UNCERTAIN).
   */
  readonly listExtendFromDictsAndSets: 'iterator' | 'direct';
  /**
   * How many item slots `str.split()` / `rsplit()` preallocate for their list when no maxsplit is
   * given (stringlib's PREALLOC_SIZE of maxcount, at most 12; more items are appended): 3.11 takes
   * maxcount as unbounded, so always 12; 3.12+ bounds it by the string's length first (a string of
   * n characters has at most (n + 1) // 2 pieces between whitespace, n // len(sep) + 1 around a
   * separator). With a maxsplit, maxcount is maxsplit on every version. MEAS (sys.getsizeof of the
   * lists of `("x" * n).split(...)` for n = 1..13, 3.11.2, 3.12.1, 3.13.0): 3.11 12 slots
   * throughout; 3.12/3.13 2,2,3,3,4,... for whitespace and 3,4,5,...,12 for `"x"`. 3.14 inherits
   * 3.13's (UNCERTAIN).
   */
  readonly strSplitPrealloc: 'twelve' | 'bounded-by-length';
  /**
   * Whether a specialised float `+`, `-` or `*` (BINARY_OP_ADD_FLOAT, _SUBTRACT_FLOAT,
   * _MULTIPLY_FLOAT, in-place forms included) writes its result into an operand that only the
   * value stack holds instead of making a float (3.12+: DECREF_INPUTS_AND_REUSE_FLOAT, 3.13's
   * _PyFloat_FromDouble_ConsumeInputs; 3.11 always makes one). A site specialises on its second
   * run (ADAPTIVE_WARMUP_VALUE 1) when both operands are floats. MEAS (tracemalloc, 3.11.2,
   * 3.12.1): `c = a * b - a` ten times in a loop peaks one float lower on 3.12. 3.14 inherits
   * 3.13's (UNCERTAIN).
   */
  readonly floatOpsReuseOperands: boolean;
  /**
   * When an adaptive instruction specialises (what decides, e.g., whether UNPACK_SEQUENCE still
   * makes an iterator of its tuple or list, or a float `+` may reuse an operand): at its first
   * run after its code object has been warmed by eight RESUMEs and JUMP_BACKWARDs (3.11:
   * `_PyCode_Warmup`, QUICKENING_WARMUP_DELAY 8, counters zero after `_PyCode_Quicken`), or at
   * its own second run (3.12+: ADAPTIVE_WARMUP_VALUE 1). MEAS (tracemalloc, 3.11.2, 3.12.1):
   * a loop unpacking `(r, [vx, vy, vz], m)` five times peaks one 48-B iterator higher on 3.11.
   */
  readonly adaptiveWarmup: 'code' | 'site';
  /**
   * Whether a `with` statement's BEFORE_WITH binds `__enter__` and `__exit__` of a Python class
   * into method objects (3.11–3.13: `_PyObject_LookupSpecial`; the bound `__exit__` lives until
   * the block is left), or pushes each function with the manager, making nothing (3.14:
   * LOAD_SPECIAL, gh-120507; inferred from the bytecode, not measured here: UNCERTAIN).
   */
  readonly withBindsMethods: boolean;
  /**
   * Whether calling one of object's comparison slot wrappers from slot_tp_richcompare (`a != b` on
   * a class that defines `__eq__` only: object.__ne__; `a > b` with only `__lt__`: object.__gt__,
   * answering NotImplemented) goes through the generic call: a tuple of (self, other)
   * (_PyObject_MakeTpCall) and wrapperdescr_call's slice of it, (other,). MEAS 3.11.2, 3.12.1,
   * 3.13.0: such a loop keeps 56 + 48 B more in the tuple free lists than `==` does. 3.14:
   * inherited, not measured (no 64-bit 3.14 here: UNCERTAIN).
   */
  readonly objectCompareWrapperTuples: boolean;
  /**
   * `f(*args, **d)` of a Python function: whether CALL_FUNCTION_EX drops what it made for the
   * call (the args tuple, the kwargs dict, and with keywords _PyStack_UnpackDict's arguments
   * array, PyMem, 8 B a slot and one more, with its kwnames tuple) once the callee's frame is set
   * up, before its body runs (3.12+: it pushes the frame itself), or only when the call returns
   * (3.11: PyObject_Call's vectorcall). MEAS 3.11.2, 3.12.1, 3.13.0
   * (test/fixtures/python/kwargs_decorators.py): from 3.12 a callee that allocates peaks that
   * much lower, and reuses the freed dict and tuple. 3.14: inherited (UNCERTAIN: not measured).
   */
  readonly callExReleasesAtFramePush: boolean;
}

const FREE_LISTS_311: FreeListSizes = {
  float: 100,
  tupleMaxLength: 20,
  tuplePerLength: 2000,
  list: 80,
  dict: 80,
  dictKeys: 80,
  int: 0,
  boundMethod: 0,
};
const FREE_LISTS_314: FreeListSizes = { ...FREE_LISTS_311, int: 100, boundMethod: 20 };

const P311: Profile = {
  name: '3.11',
  pythonVersion: '3.11',
  strAsciiHeader: 48,
  strCompactHeader: 72,
  tupleBasicSize: 24,
  intMinExactBytes: 28,
  instanceBasicSize: 24,
  instanceValues: 'separate',
  managedWeakref: false,
  functionBytes: 152,
  generatorBaseBytes: 168,
  genCodeSlots: 1,
  inlinedComprehensions: false,
  annotations: 'eager',
  rangeIterBytes: 48,
  genexprSlots: 5,
  immortalObjects: false,
  interning: 'mortal',
  freeLists: FREE_LISTS_311,
  thresholds: [700, 10, 10],
  collector: 'generational',
  gcCounts: 'allocations',
  gcRunsAt: 'allocation',
  tupleTracking: 'always',
  dictTracking: 'lazy',
  startupTrackedObjects: 11697, // MEAS 3.11.7
  forkReinitLocks: 3,
  argumentTupleBuiltins: ['bytes', 'max', 'min', 'int', 'str', 'zip', 'gc.set_threshold', 'bytes.index', 'weakref.ref', 'collections.deque', 'collections.defaultdict', 'itertools.count', 'itertools.islice'],
  dequeInitKeywordStrings: true,
  superCallObjects: true,
  classCallSpecialises: 'never',
  listExtendFromDictsAndSets: 'iterator',
  strSplitPrealloc: 'twelve',
  floatOpsReuseOperands: false,
  adaptiveWarmup: 'code',
  withBindsMethods: true,
  objectCompareWrapperTuples: true,
  callExReleasesAtFramePush: false,
  tracebackBytes: 56,
  frameObjectBase: 136,
  cExceptionObjectMade: 'handler',
};

const P312: Profile = {
  ...P311,
  callExReleasesAtFramePush: true,
  strSplitPrealloc: 'bounded-by-length',
  name: '3.12',
  pythonVersion: '3.12',
  strAsciiHeader: 40,
  strCompactHeader: 56,
  instanceBasicSize: 16,
  managedWeakref: true,
  functionBytes: 160,
  inlinedComprehensions: true,
  rangeIterBytes: 40,
  genexprSlots: 4,
  immortalObjects: true,
  interning: 'immortal',
  gcRunsAt: 'eval-breaker',
  superCallObjects: false,
  floatOpsReuseOperands: true,
  adaptiveWarmup: 'site',
  startupTrackedObjects: 7658, // MEAS 3.12.1
  cExceptionObjectMade: 'raise',
};

const P313: Profile = {
  ...P312,
  name: '3.13',
  pythonVersion: '3.13',
  instanceValues: 'inline',
  interning: 'split',
  thresholds: [2000, 10, 10],
  startupTrackedObjects: 7752, // MEAS 3.13.0; 3.14 inherits it (no 64-bit 3.14 on this machine: UNCERTAIN)
  forkReinitLocks: 1,
  argumentTupleBuiltins: ['bytes', 'zip', 'gc.set_threshold', 'weakref.ref', 'collections.deque', 'collections.defaultdict', 'itertools.count', 'itertools.islice'],
  dequeInitKeywordStrings: false,
  classCallSpecialises: 'inline-values',
  frameObjectBase: 152,
  listExtendFromDictsAndSets: 'direct',
};

const P3140: Profile = {
  ...P313,
  name: '3.14.0',
  pythonVersion: '3.14',
  tupleBasicSize: 32,
  intMinExactBytes: 32,
  functionBytes: 168,
  generatorBaseBytes: 176,
  annotations: 'lazy',
  freeLists: FREE_LISTS_314,
  thresholds: [2000, 10, 0],
  collector: 'incremental',
  dictTracking: 'always',
  classCallSpecialises: 'always',
  withBindsMethods: false,
};

const P3141: Profile = {
  ...P3140,
  name: '3.14.1',
  gcCounts: 'tracked',
  tupleTracking: 'if-gc-items',
};

const P3145: Profile = {
  ...P3141,
  name: '3.14.5',
  thresholds: [2000, 10, 10],
  collector: 'generational',
  gcCounts: 'allocations',
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  '3.11': P311,
  '3.12': P312,
  '3.13': P313,
  '3.14.0': P3140,
  '3.14.1': P3141,
  '3.14.5': P3145,
};

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/** The profile a real interpreter's `major.minor.micro` maps to (3.14 point releases differ). */
export function profileForPythonVersion(version: string): ProfileName | undefined {
  const [major, minor, micro] = version.split('.').map((p) => Number.parseInt(p, 10));
  if (major !== 3) return undefined;
  if (minor === 11 || minor === 12 || minor === 13) return `3.${minor}` as ProfileName;
  if (minor === 14) return micro === 0 ? '3.14.0' : micro <= 4 ? '3.14.1' : '3.14.5';
  return undefined;
}

/**
 * The profiles a name that is not one may mean: a full version maps to the profile that covers it
 * (3.13.0 -> 3.13, 3.14.3 -> 3.14.1), a prefix to its family (3.14 -> 3.14.0, 3.14.1, 3.14.5).
 */
export function profilesMeant(name: string): ProfileName[] {
  const parts = name.trim().split('.');
  if (parts.length === 3 && parts.every((p) => /^\d+$/.test(p))) {
    const profile = profileForPythonVersion(name);
    if (profile !== undefined) return [profile];
  }
  return PROFILE_NAMES.filter((p) => p.startsWith(`${name.trim()}.`));
}
