/**
 * The runtime the compiled code calls: Python's operations on simulated objects, each making the
 * allocations CPython makes for it (`Objects/*.c`, `Python/bytecodes.c`), on one Heap. Values are
 * Refs; every operation takes borrowed operands and returns a new reference, except where its
 * comment says it consumes them (calls consume the callable and the arguments, as the value stack
 * hands them over).
 *
 * Classes, builtin functions and modules are not simulated memory (type objects and modules are
 * not, in the model): each is a static *handle* object whose index selects its record here.
 */
import type { Heap } from '../heap/heap.js';
import { FIELD, OB, type Ref } from '../heap/layout.js';
import { CLASS_ID_BASE, Kind, MAX_TYPES, type ClassInfo } from '../heap/types.js';
import type { CompiledModule, CodeSpec } from './compile.js';
import { PythonException } from './errors.js';
import type { Frame } from '../heap/roots.js';
import { TYPE_METHODS, BUILTIN_FUNCTIONS, MODULES, type BreakerAfterCall } from './builtins.js';
import { digitsOf } from '../heap/int.js';
import { isArrayTypeCode } from '../heap/array.js';
import { clearList } from '../heap/list.js';
import { MERGESTATE_TEMP_SIZE, timsort } from '../heap/list-sort.js';
import { WVD_GETITEM_OPS, WVD_REMOVE_OPS, WVD_SETITEM_OPS, WeakrefModule } from './weakref-module.js';
import { installRandomModule } from './random-module.js';
import { CollectionsModule } from './collections-module.js';
import { floatFloorDiv, floatMod, floatRepr } from './float-math.js';
import { callStrMethod, strMethodPositional, strRepr } from './str-methods.js';
import { formatString } from './str-format.js';
import { DICT_CHANGED_SIZE, iterKindOfView, type DictViewKind } from '../heap/dict-views.js';
import { hashOfInt } from './hashing.js';
import { cIteratorLengthHint, cIteratorNext, isCIterator, newCount, newIslice, reversedList, reversedSequence, setIterator, strIterator } from './c-iterators.js';
import { addOpCounts, Op, zeroOpCounts, type OpCounts } from './work-counts.js';
import { callTextMethod, containsOf, formatInstance, hashResult, lengthOf, orderFromDunder, reprMethod, richCompare, RICH_COMPARE_DUNDERS, strMethod, textOf, truthOf, type CompareOp } from './dunder-slots.js';

/** What the program can reach outside the heap: the lab's probes and reports, and its output. */
export interface ProgramHost {
  probe(name: string): void;
  report(name: string, value: number): void;
  print(text: string): void;
}

/** A compiled code object bound to this runtime. */
interface Code {
  readonly spec: CodeSpec;
  /** Positional parameters when a call can bind them directly (no defaults needed, no *args, **kw, generator), else -1. */
  readonly arity: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly js: (...args: any[]) => any;
}

type ClassRecord = Extract<Handle, { kind: 'class' }>;

/**
 * One CALL_FUNCTION_EX of a Python function: its own allocations and references, which it drops
 * when the call returns or once the callee's frame is set up (Runtime.releaseCallEx), and the
 * keyword names' key objects the callee's **kwargs dict takes.
 */
interface CallEx {
  /** _PyStack_UnpackDict's arguments array (PyMem) and its bytes; 0 without keywords. */
  stack: Ref;
  readonly stackBytes: number;
  /** The kwnames tuple; 0 without keywords. */
  names: Ref;
  readonly tuple: Ref;
  readonly kwargs: Ref;
  /** The kwargs dict's own keys, in kwnames' order (undefined without keywords). */
  keys: Ref[] | undefined;
  released: boolean;
}

type Handle =
  | {
      readonly kind: 'class';
      readonly name: string;
      readonly info: ClassInfo;
      readonly ns: Map<string, Ref>;
      /** The method resolution order: the class itself, then its bases linearised (C3). */
      readonly mro: ClassRecord[];
      /** The type's `__dict__` in simulated memory (it holds the references `ns` borrows). */
      readonly dict: Ref;
      init: Ref;
      /** Names ever stored as attributes of an instance: only these can shadow a method. */
      readonly instanceAttrs: Set<string>;
      /** The class body's code (its handle's key; negative for a namedtuple, which has none). */
      readonly code: number;
      /** A namedtuple's field names: attribute i reads item i. */
      readonly fields?: readonly string[];
      /** A subclass of a built-in exception class: that class's name (its instances have its fields). */
      readonly exception?: string;
    }
  | {
      readonly kind: 'builtin';
      readonly name: string;
      readonly breaker: BreakerAfterCall;
      /** Whether a call packs its arguments into a tuple (profile.argumentTupleBuiltins), decided once. */
      readonly packsArguments: boolean;
      /** The arguments (borrowed). */
      readonly call: (args: Ref[]) => Ref;
      /** A builtin that takes keywords: the arguments (borrowed; the keywords' values last) and their names. */
      readonly callKeywords?: (args: Ref[], kwnames: readonly string[]) => Ref;
    }
  | { readonly kind: 'module'; readonly name: string; readonly attrs: Map<string, Ref> }
  | { readonly kind: 'pymodule'; readonly name: string; readonly runtime: Runtime }
  | { readonly kind: 'exception'; readonly name: string; readonly bases: readonly string[] };

const EXCEPTION_BASES: Readonly<Record<string, readonly string[]>> = {
  BaseException: [],
  Exception: ['BaseException'],
  KeyboardInterrupt: ['BaseException'],
  SystemExit: ['BaseException'],
  ArithmeticError: ['Exception'],
  ZeroDivisionError: ['ArithmeticError'],
  OverflowError: ['ArithmeticError'],
  LookupError: ['Exception'],
  KeyError: ['LookupError'],
  IndexError: ['LookupError'],
  ValueError: ['Exception'],
  TypeError: ['Exception'],
  RuntimeError: ['Exception'],
  RecursionError: ['RuntimeError'],
  NotImplementedError: ['RuntimeError'],
  AttributeError: ['Exception'],
  NameError: ['Exception'],
  UnboundLocalError: ['NameError'],
  StopIteration: ['Exception'],
  AssertionError: ['Exception'],
  MemoryError: ['Exception'],
  OSError: ['Exception'],
  ImportError: ['Exception'],
  ModuleNotFoundError: ['ImportError'],
};

/** A class attribute found along the method resolution order (borrowed), or undefined. */
function classAttr(record: ClassRecord, name: string): Ref | undefined {
  for (const c of record.mro) {
    const v = c.ns.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The C3 linearisation of the bases' MROs (the class itself not included), as type.__mro__ has it. */
function linearise(name: string, bases: readonly ClassRecord[]): ClassRecord[] {
  const seqs = [...bases.map((b) => [...b.mro]), [...bases]];
  const out: ClassRecord[] = [];
  for (;;) {
    const live = seqs.filter((q) => q.length > 0);
    if (live.length === 0) return out;
    const head = live.map((q) => q[0]).find((c) => !live.some((q) => q.indexOf(c) > 0));
    if (head === undefined) throw new PythonException('TypeError', `Cannot create a consistent method resolution order (MRO) for bases of ${name}`);
    out.push(head);
    for (const q of live) if (q[0] === head) q.shift();
  }
}

/**
 * A class's instance layout from its bases and its own `__slots__` (`type_new`'s best_base and
 * slot handling, for the layouts the heap has): with no bases or only plain ones, a plain
 * instance (a managed dict) or its own slots; a `__slots__` class over a `__slots__` base adds
 * its slots after the base's; a subclass of list has the list's layout (TypeTable.defineClass).
 * Mixing kinds (a dict and slots in one object, a list with slots) is refused.
 */
function inheritedLayout(
  name: string,
  bases: readonly ClassRecord[],
  own: string[] | undefined,
  builtinBase: Kind.List | undefined,
): { slots?: string[]; weakrefSlot: boolean; builtinBase?: Kind.List } {
  if (builtinBase !== undefined || bases.some((b) => b.info.kind === Kind.List)) {
    if (own !== undefined || bases.some((b) => b.info.kind !== Kind.List)) throw new PythonException('TypeError', `class ${name}: a list subclass with __slots__ or other bases is not simulated yet`);
    return { weakrefSlot: false, builtinBase: Kind.List };
  }
  const slotted = bases.filter((b) => b.info.kind === Kind.SlotsInstance);
  const plain = bases.length - slotted.length;
  if (slotted.length > 1) throw new PythonException('TypeError', `class ${name}: multiple bases have instance lay-out conflict`);
  if (slotted.length === 0) {
    if (own !== undefined && plain > 0) throw new PythonException('TypeError', `class ${name}: __slots__ in a subclass of a class with a __dict__ is not simulated yet`);
    return own === undefined ? { weakrefSlot: false } : { slots: own.filter((x) => x !== '__weakref__'), weakrefSlot: own.includes('__weakref__') };
  }
  const base = slotted[0].info;
  if (own === undefined || plain > 0) throw new PythonException('TypeError', `class ${name}: a subclass without __slots__ of a __slots__ class (a __dict__ added to slots) is not simulated yet`);
  return { slots: [...base.slots, ...own.filter((x) => x !== '__weakref__')], weakrefSlot: base.weaklistWord !== 0 || own.includes('__weakref__') };
}

/**
 * The built-in exception class a class derives from (its bases' and its own), undefined for
 * none. Two different ones are refused unless one derives from the other (the deeper wins, as
 * best_base picks the base with the larger layout).
 */
function exceptionBase(name: string, found: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  for (const e of found) {
    if (best === undefined || exceptionDerives(e, best)) best = e;
    else if (!exceptionDerives(best, e)) throw new PythonException('TypeError', `class ${name}: exception bases ${best} and ${e} that do not derive from one another are not simulated`);
  }
  return best;
}

/** Whether the built-in exception class `sub` is `base` or derives from it. */
function exceptionDerives(sub: string, base: string): boolean {
  for (let t: string | undefined = sub; t !== undefined; t = EXCEPTION_BASES[t]?.[0]) if (t === base) return true;
  return false;
}

/** BaseException's fields (PyBaseExceptionObject), then the fields of the class's own struct. */
function exceptionFields(type: string): string[] {
  let extra: readonly string[] | undefined;
  for (let t: string | undefined = type; t !== undefined && extra === undefined; t = EXCEPTION_BASES[t]?.[0]) extra = EXCEPTION_EXTRA_FIELDS[t];
  return [...EXCEPTION_FIELDS, ...(extra ?? [])];
}

/**
 * A program's subclass of a built-in exception class: the exception's fields, its `__dict__` the
 * one BaseException has (tp_dictoffset inherited, so no managed dict), and a `__weakref__`
 * that BaseException lacks: a slot after the fields on 3.11, the managed pre-header from 3.12.
 * MEAS sys.getsizeof(E()) for `class E(Exception): pass`: 96 on 3.11.2, 104 on 3.12.1 and
 * 3.13.0 (Exception() 88); `E.__dictoffset__` 16, `__weakrefoffset__` 72 / -32.
 */
function exceptionLayout(name: string, exception: string, own: string[] | undefined, builtinBase: Kind.List | undefined): { slots: string[]; weakrefSlot: boolean; builtinBase?: undefined } {
  if (builtinBase !== undefined) throw new PythonException('TypeError', `class ${name}: multiple bases have instance lay-out conflict`);
  if (own !== undefined) throw new PythonException('TypeError', `class ${name}: __slots__ in a subclass of ${exception} is not simulated yet`);
  return { slots: exceptionFields(exception), weakrefSlot: true };
}

/**
 * The JS functions of a compiled module, made once per module (so V8's optimised code survives
 * from one run to the next) and bound to the runtime of the run in progress: a process runs one
 * heap at a time.
 */
interface LinkedCode {
  readonly codes: Code['js'][];
  bind(R: Runtime | undefined, H: Heap | undefined, I: Int32Array | undefined, K: Int32Array | undefined, N: Int32Array | undefined, B: Float64Array | undefined): void;
  /** The runtime the functions are bound to now. */
  readonly bound: Runtime | undefined;
}

const linkedModules = new WeakMap<CompiledModule, LinkedCode>();

export function linkedCode(module: CompiledModule): LinkedCode {
  let linked = linkedModules.get(module);
  if (!linked) {
    const source = [
      'let R, H, I, K, N, B;',
      ...module.codes.map((c, i) => `const c${i} = ${c.js};`),
      `return { codes: [${module.codes.map((_, i) => `c${i}`).join(', ')}], bound: undefined, bind(r, h, i, k, n, b) { R = r; H = h; I = i; K = k; N = n; B = b; this.bound = r; } };`,
    ].join('\n');
    linked = new Function(source)() as LinkedCode;
    linkedModules.set(module, linked);
  }
  return linked;
}

/**
 * The C-level objects the runtime makes that are not heap kinds of their own, as `__slots__`
 * layouts of their sizes with the GC head (each defined once per program, when first needed):
 * zip 64 B, builtin_function_or_method 72 B, classmethod and staticmethod 48 B (MEAS 3.11–3.13),
 * super 56 B, method-wrapper 48 B, and the ones below.
 */
const C_TYPES = {
  zip: ['ittuple', 'result', 'tuplesize', 'strict'],
  builtin_function_or_method: ['ml', 'self', 'module', 'weakreflist', 'vectorcall'],
  classmethod: ['callable', 'dict'],
  staticmethod: ['callable', 'dict'],
  super: ['type', 'obj', 'obj_type'],
  'method-wrapper': ['descr', 'self'],
  // property 80 B, map 48 B, filter 48 B, list_reverseiterator 48 B (MEAS sys.getsizeof, 3.11-3.13).
  property: ['fget', 'fset', 'fdel', 'doc', 'name', 'getter_doc'],
  map: ['iters', 'func'],
  filter: ['func', 'it'],
  list_reverseiterator: ['index', 'seq'],
  // reversed(tuple) 48 B, iter(str) 48 B, iter(set) 64 B (MEAS sys.getsizeof, 3.11-3.13). The
  // iterators' index, used, pos and len are integers, kept in their slots' integer words.
  reversed: ['index', 'seq'],
  str_iterator: ['index', 'seq'],
  set_iterator: ['set', 'used', 'pos', 'len'],
  // itertools.count 56 B, itertools.islice 72 B (MEAS sys.getsizeof, 3.11-3.13); their counters
  // are integers in their slots' integer words.
  count: ['cnt', 'long_cnt', 'long_step'],
  islice: ['it', 'next', 'stop', 'step', 'cnt'],
} as const;
export type CTypeName = keyof typeof C_TYPES;

/**
 * PyBaseExceptionObject's fields after the header, as slots (named as the attributes that read
 * them, so a program's own attribute names cannot meet them): the instance dict, args, notes,
 * traceback, context, cause and suppress_context.
 */
const EXCEPTION_FIELDS = ['__dict__', 'args', '__notes__', '__traceback__', '__context__', '__cause__', '__suppress_context__'] as const;
/** The indexes of the instance dict, args and the traceback among EXCEPTION_FIELDS. */
const EXC_DICT = 0;
const EXC_ARGS = 1;
const EXC_TRACEBACK = 3;
const EXC_CONTEXT = 4;

/**
 * The fields some exception types add to BaseException's (Include/cpython/pyerrors.h), left
 * empty here: their size is what matters. A class without an entry has its nearest base's
 * (exceptionFields). MEAS sys.getsizeof on 3.11.2, 3.12.1, 3.13.0: BaseException 88,
 * StopIteration 96, NameError and UnboundLocalError 96, AttributeError 104, SystemExit 96,
 * OSError 128. Not here: ImportError's (96 B on 3.11, 104 B from 3.12, which adds name_from).
 */
const EXCEPTION_EXTRA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  StopIteration: ['value'],
  NameError: ['name'],
  AttributeError: ['name', 'obj'],
  SystemExit: ['code'],
  OSError: ['myerrno', 'strerror', 'filename', 'filename2', 'written'],
};

/** The special methods of each binary operator: forward and reflected. */
const BINARY_DUNDERS: Readonly<Record<string, readonly [string, string]>> = {
  '+': ['__add__', '__radd__'],
  '-': ['__sub__', '__rsub__'],
  '*': ['__mul__', '__rmul__'],
  '/': ['__truediv__', '__rtruediv__'],
  '//': ['__floordiv__', '__rfloordiv__'],
  '%': ['__mod__', '__rmod__'],
  '**': ['__pow__', '__rpow__'],
};

const enum FloatOp {
  Add,
  /** `+=`: the same on floats; a list extends itself. */
  InplaceAdd,
  Sub,
  Mul,
}
/** siteRuns of an adaptive instruction's site: 0 never run, 1 run once (3.12+), then specialised to one of these. */
const SITE_FLOAT = 2;
const SITE_OTHER = 3;
const SITE_TUPLE = 4;
const SITE_LIST = 5;
/** 3.11's QUICKENING_WARMUP_DELAY: RESUMEs and JUMP_BACKWARDs before a code object is quickened. */
const QUICKENING_WARMUP_DELAY = 8;

/** One `%` conversion of a format string. */
interface PercentSpec {
  readonly conv: string;
  readonly width: number;
  readonly precision: number | undefined;
  readonly left: boolean;
  readonly zero: boolean;
}

const percentFormats = new Map<string, readonly (string | PercentSpec)[]>();

/** A `%` format string as literal text and conversions (parsed once per distinct string). */
function parsePercentFormat(fmt: string): readonly (string | PercentSpec)[] {
  let parts = percentFormats.get(fmt);
  if (parts) return parts;
  const out: (string | PercentSpec)[] = [];
  let text = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') {
      text += fmt[i];
      continue;
    }
    const m = /^([-+ 0#]*)(\d*)(?:\.(\d+))?([diouxXeEfFgGcrsa%])/.exec(fmt.slice(i + 1));
    if (!m) throw new PythonException('ValueError', `unsupported format character at index ${i}`);
    i += m[0].length;
    if (m[4] === '%') {
      text += '%';
      continue;
    }
    if (text !== '') out.push(text);
    text = '';
    out.push({ conv: m[4], width: m[2] === '' ? 0 : Number(m[2]), precision: m[3] === undefined ? undefined : Number(m[3]), left: m[1].includes('-'), zero: m[1].includes('0') });
  }
  if (text !== '') out.push(text);
  parts = out;
  percentFormats.set(fmt, parts);
  return parts;
}

/** The built-in types `len()` reads without calling Python code. */
const SIZED_KINDS: ReadonlySet<Kind> = new Set([Kind.List, Kind.Tuple, Kind.Dict, Kind.Set, Kind.Str, Kind.Bytes, Kind.Range, Kind.Array, Kind.DictKeys, Kind.DictValues, Kind.DictItems, Kind.Deque]);

/** `str.replace(old, new, count)` on JS text (count < 0: every occurrence; an empty `old` inserts between characters). */
/** A double rounded to an integer, ties to even (round(x) of a float). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  // Math.round takes ties up; an exact half goes to the even neighbour instead.
  return Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : r;
}

/**
 * A double rounded to `nd` decimal places as double_round rounds it: its exact decimal value
 * (toFixed's digits are exact up to 100 places, beyond what a double's 17 significant digits
 * distinguish for these magnitudes), ties to even, read back as a double.
 */
function roundToDigits(v: number, nd: number): number {
  if (!Number.isFinite(v) || nd > 308) return v;
  if (nd < 0) {
    const scale = 10 ** -nd;
    return roundHalfEven(v / scale) * scale;
  }
  if (Math.abs(v) >= 1e21 || nd >= 100) return v;
  const exact = Math.abs(v).toFixed(Math.min(100, nd + 30));
  const point = exact.indexOf('.');
  const kept = exact.slice(0, point + 1 + nd);
  const rest = exact.slice(point + 1 + nd);
  let digits = kept.replace('.', '');
  const last = Number(digits[digits.length - 1] ?? '0');
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
  if (up) digits = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
  const intLen = digits.length - nd;
  const text = nd === 0 ? digits : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  const r = Number(text);
  return v < 0 ? -r : r;
}

/** The built-in types isinstance() knows as a second argument, by name: the kinds of their instances. */
const BUILTIN_TYPE_KINDS: Readonly<Record<string, readonly Kind[]>> = {
  int: [Kind.Int, Kind.Bool],
  bool: [Kind.Bool],
  float: [Kind.Float],
  str: [Kind.Str],
  bytes: [Kind.Bytes],
  list: [Kind.List],
  tuple: [Kind.Tuple],
  dict: [Kind.Dict],
  set: [Kind.Set],
};

/** Whether a warm call site of a class of this kind passes its arguments without a tuple (Profile.classCallSpecialises). */
export function specialisesClassCall(rule: 'never' | 'inline-values' | 'always', kind: Kind): boolean {
  return rule === 'always' || (rule === 'inline-values' && kind === Kind.Instance);
}

/** Fill, alignment and width of a format spec applied to an already formatted text. */
function formatWithSpec(text: string, spec: string): string {
  const m = /^(?:(.)?([<>^=]))?[+\- ]?(0)?(\d+)?/.exec(spec);
  if (!m) return text;
  const [, fill, align, zero, width] = m;
  const w = width === undefined ? 0 : Number(width);
  if (text.length >= w) return text;
  const f = fill ?? (zero ? '0' : ' ');
  const pad = w - text.length;
  const a = align ?? (zero ? '=' : /^[-+]?\d/.test(text) ? '>' : '<');
  if (a === '<') return text + f.repeat(pad);
  if (a === '^') return f.repeat(Math.floor(pad / 2)) + text + f.repeat(Math.ceil(pad / 2));
  if (a === '=' && /^[-+]/.test(text)) return text[0] + f.repeat(pad) + text.slice(1);
  return f.repeat(pad) + text;
}

/** The first index of `needle` in `hay` from `from`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = Math.max(0, from); i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The arguments of a call without any (never written to). */
const EMPTY_ARGS: Ref[] = [];

/** A slice bound (not None) clamped to a sequence of `length` for a slice of step `step` (PySlice_AdjustIndices). */
function adjustSliceIndex(v: number, length: number, step: number): number {
  if (v < 0) v += length;
  return step > 0 ? Math.min(Math.max(v, 0), length) : Math.min(Math.max(v, -1), length - 1);
}

/** Runtime.attrTables: the words per attribute name, and what each holds. */
const ATTR_STRIDE = 4;
const ATTR_WHERE = 0;
const ATTR_CLASS_VALUE = 1;
const ATTR_CLASS_EPOCH = 2;

/** A running generator: the JS generator executing its frame and the function it keeps (`f_funcobj`). */
interface Runner {
  gen: Generator<Ref, Ref, Ref>;
  fn: Ref;
}

/**
 * What all the modules of one program share on one heap: the handles (classes, builtins,
 * modules), the classes by type id, the running generators, the code objects of every module
 * (function objects name them by index here), the modules imported so far.
 */
export class ProgramState {
  readonly handles: Handle[] = [];
  readonly handleRefs = new Map<string, Ref>();
  readonly runners: (Runner | undefined)[] = [undefined];
  readonly freeRunners: number[] = [];
  readonly classByType: ClassRecord[] = [];
  readonly codes: Code[] = [];
  /** The program's own modules by name (the main one is not here). */
  readonly modules = new Map<string, Runtime>();
  classDicts: Ref = 0;
  /** The GC constants of every module's code (a list held from sys.__dict__). */
  constants: Ref = 0;
  gcCallbacksList: Ref = 0;
  /** The weakref module, once imported. */
  weakref: WeakrefModule | undefined;
  /** The collections module, once imported (every deque was made by it). */
  collections: CollectionsModule | undefined;
  /** namedtuple classes made so far (their handles' keys). */
  namedTupleClasses = 0;
  /** Reads of the simulated clock so far (Runtime.clockNs). */
  clockReads = 0;
  /** The C_TYPES defined so far. */
  readonly cTypes = new Map<CTypeName, ClassInfo>();
  /** Their names by type id − CLASS_ID_BASE (a type's C_TYPES name in one look-up). */
  readonly cTypeNames: (CTypeName | undefined)[] = [];
  /** The measured run is over (Runtime.release): nothing calls into the program any more. */
  released = false;
  /** Printed text after the last newline (print(..., end='')), until a newline completes its line. */
  partialLine = '';
  /**
   * Bumped whenever a name is first stored as an instance attribute of some class (a new entry
   * in a ClassRecord's instanceAttrs): a cached class-attribute look-up made under another epoch
   * may now be shadowed by an instance's own attribute, so it is looked up again.
   */
  instanceAttrEpoch = 0;
  /** Objects the program holds for its lifetime (dropped with the heap). */
  readonly owned: Ref[] = [];
  constructor(
    /** The compiled module of an importable program module, by name (same profile). */
    readonly resolveModule: (name: string) => CompiledModule | undefined,
  ) {}
}

export interface RuntimeOptions {
  /** Shared with the program's other modules (default: a new program whose main module this is). */
  readonly state?: ProgramState;
  /** The module's name (`__name__`): '__main__' for the program itself. */
  readonly name?: string;
  readonly resolveModule?: (name: string) => CompiledModule | undefined;
  /** The main module's globals (default: `__main__`'s dict in sys.modules). */
  readonly globals?: Ref;
}

export class Runtime {
  readonly H: Heap;
  readonly I: Int32Array;
  /** Constants of the module (owned by the code objects: never freed while the program lives). */
  readonly K: Int32Array;
  /** Names interned at compile time. */
  readonly N: Int32Array;
  /** How many times each basic block of the module ran (work-counts.ts). */
  readonly blockRuns: Float64Array;
  /**
   * Operations the runtime counted itself, by Op (work-counts.ts): the C work of the classes from
   * Op.CItem on, and what the shims charge for the Python code they stand for.
   */
  private readonly counted = new Float64Array(Op.COUNT);
  /** Every code object of the program (function objects hold an index into it). */
  readonly C: Code[];
  /** Where this module's code objects start in `C`. */
  private readonly codeBase: number;
  /** How many times each call site ran (3.13+ specialises a class call site on its second run). */
  readonly siteRuns: Int32Array;
  /** The site of calls made by C code (callFromC): kept at zero runs. */
  private readonly cCallSite: number;
  /** 3.11: each code object's warm-up count (RESUMEs and JUMP_BACKWARDs, up to the quickening delay). */
  private readonly codeWarmth: Int32Array;
  private readonly handles: Handle[];
  private readonly handleRefs: Map<string, Ref>;
  private readonly runners: (Runner | undefined)[];
  private readonly freeRunners: number[];
  /** The program's classes by type id (from CLASS_ID_BASE). */
  private readonly classByType: ClassRecord[];
  private readonly names: readonly string[];
  readonly state: ProgramState;
  /** The module's name, and its globals: `__main__`'s dict, or a new one in sys.modules. */
  readonly moduleName: string;
  readonly globals: Ref;

  constructor(
    heap: Heap,
    readonly module: CompiledModule,
    readonly host: ProgramHost,
    options: RuntimeOptions = {},
  ) {
    this.H = heap;
    this.I = heap.i32;
    this.names = module.names;
    heap.roots.init();
    const state = options.state ?? new ProgramState(options.resolveModule ?? (() => undefined));
    this.state = state;
    this.handles = state.handles;
    this.handleRefs = state.handleRefs;
    this.runners = state.runners;
    this.freeRunners = state.freeRunners;
    this.classByType = state.classByType;
    this.C = state.codes;
    this.codeBase = state.codes.length;
    this.moduleName = options.name ?? '__main__';
    if (this.moduleName === '__main__') {
      this.globals = options.globals ?? heap.roots.globals;
    } else {
      // A module's dict, in sys.modules under its name, with its __name__.
      this.globals = heap.dict.newDict();
      heap.roots.setIn(heap.roots.modules, this.moduleName, this.globals);
      heap.decref(this.globals);
      const value = heap.intern(this.moduleName);
      heap.roots.setIn(this.globals, '__name__', value);
      heap.decref(value);
    }
    // One more site than the compiled code has: callFromC's, which never specialises.
    this.siteRuns = new Int32Array(module.sites + 1);
    this.cCallSite = module.sites;
    this.codeWarmth = new Int32Array(module.codes.length);
    this.globalCache = new Int32Array(module.names.length);
    this.moduleAttrCacheObject = new Int32Array(module.names.length);
    this.moduleAttrCacheValue = new Int32Array(module.names.length);
    this.classObjectAttrCacheObject = new Int32Array(module.names.length);
    this.classObjectAttrCacheValue = new Int32Array(module.names.length);
    this.classObjectAttrCacheEpoch = new Int32Array(module.names.length);
    // co_names: interned when the module was compiled, before anything ran.
    this.N = new Int32Array(module.names.length);
    module.names.forEach((n, i) => (this.N[i] = heap.intern(n)));
    this.K = new Int32Array(module.constants.length);
    this.blockRuns = new Float64Array(module.blocks);
    module.constants.forEach((c, i) => (this.K[i] = this.makeConstant(c)));
    this.rootConstants();
    for (const name of Object.keys(EXCEPTION_BASES)) this.handle(name, { kind: 'exception', name, bases: EXCEPTION_BASES[name] });
    heap.roots.makeFrameObject ??= (frame) => {
      frame.frameObject = this.newFrameObject(frame.objectSlots);
    };
    const linked = linkedCode(module);
    linked.bind(this, heap, heap.i32, this.K, this.N, this.blockRuns);
    module.codes.forEach((spec, i) => {
      const direct = !spec.generator && !spec.varargs && !spec.varkw && spec.kwonly === 0;
      this.C.push({ spec, js: linked.codes[i], arity: direct ? spec.positional : -1 });
    });
  }

  private makeConstant(c: CompiledModule['constants'][number]): Ref {
    const H = this.H;
    switch (c.kind) {
      case 'int':
        return H.ints.fromValue(c.value >= -9007199254740991n && c.value <= 9007199254740991n ? Number(c.value) : c.value);
      case 'float':
        return H.float(c.value);
      case 'str':
        return c.interned ? H.intern(c.value) : H.newStr(c.value);
      case 'bytes':
        return H.bytes(c.value);
      case 'none':
        return H.sharedRef(H.None);
      case 'true':
        return H.sharedRef(H.True);
      case 'false':
        return H.sharedRef(H.False);
      case 'ellipsis':
        return this.handle('Ellipsis', { kind: 'module', name: 'Ellipsis', attrs: new Map() });
      case 'tuple': {
        const items = c.items.map((k) => this.K[k]);
        return this.buildTupleOf(items, false);
      }
    }
  }

  /** A module-level global (a variant's function) as a new reference. */
  globalFunction(name: string): Ref {
    const H = this.H;
    const key = H.intern(name);
    const v = H.dict.getItem(this.globals, key);
    H.decref(key);
    if (v === 0) throw new PythonException('NameError', `name '${name}' is not defined`);
    H.incref(v);
    return v;
  }

  /**
   * Code objects are not simulated, but what they hold is: the constants that are GC objects (a
   * tuple of constants) are reachable from the roots in CPython (module -> function -> code ->
   * co_consts), so the incremental collector's mark from the roots reaches them. Here a list held
   * from `sys.__dict__` holds them.
   */
  private rootConstants(): void {
    const H = this.H;
    const tracked = Array.from(this.K).filter((k) => H.types.isGC[H.typeOf(k)] !== 0);
    if (tracked.length === 0) return;
    const state = this.state;
    if (state.constants === 0) {
      state.constants = H.list.newList(0);
      H.roots.setIn(H.roots.sysdict, '__gclab_code_constants__', state.constants);
      H.decref(state.constants);
    }
    for (const k of tracked) H.list.append(state.constants, k);
  }

  /** Runs the module body (the program's set-up). */
  runModule(): void {
    try {
      this.C[this.codeBase + this.module.moduleCode].js(0);
    } catch (err) {
      throw this.uncaught(err);
    }
  }

  /**
   * An exception leaves the program (err returned): its traceback's message becomes str() of its
   * object when the object's class has a `__str__` of its own, called now as PyErr_Display calls
   * it (the text made at the raise is BaseException_str's, so the raise runs no Python code).
   */
  uncaught(err: unknown): unknown {
    if (!(err instanceof PythonException) || err.value === 0 || this.state.released) return err;
    const record = this.exceptionRecordOf(err.value);
    if (record === undefined || classAttr(record, '__str__') === undefined) return err;
    try {
      err.detail = this.str(err.value);
    } catch (inner) {
      // PyErr_Display prints <exception str() failed> when the __str__ raises.
      if (!(inner instanceof PythonException)) throw inner;
      this.dropException(inner);
      err.detail = '<exception str() failed>';
    }
    err.message = err.detail === '' ? err.type : `${err.type}: ${err.detail}`;
    return err;
  }

  // ---- handles -----------------------------------------------------------------------------------

  private handle(key: string, h: Handle): Ref {
    const known = this.handleRefs.get(key);
    if (known !== undefined) return known;
    const ref = this.H.staticObject(Kind.Handle, 32, 0);
    this.I[ref + FIELD.HANDLE_INDEX] = this.handles.length;
    this.handles.push(h);
    this.handleRefs.set(key, ref);
    return ref;
  }

  private handleOf(ref: Ref): Handle | undefined {
    return this.I[ref + OB.TYPE] === Kind.Handle ? this.handles[this.I[ref + FIELD.HANDLE_INDEX]] : undefined;
  }

  /** A builtin function or class by name (a static handle). */
  builtin(name: string): Ref {
    if (name === 'None') return this.H.None;
    if (name === 'True') return this.H.True;
    if (name === 'False') return this.H.False;
    if (name in EXCEPTION_BASES) return this.handleRefs.get(name)!;
    const info = BUILTIN_FUNCTIONS[name];
    if (!info) throw new PythonException('NameError', `name '${name}' is not defined`);
    const packsArguments = !info.packsOwnArguments && this.H.profile.argumentTupleBuiltins.includes(name);
    return this.handle(`builtin:${name}`, {
      kind: 'builtin',
      name,
      breaker: info.breaker,
      packsArguments,
      call: (args) => info.call(this, args),
    });
  }

  // ---- frames and tracebacks ---------------------------------------------------------------------

  pushFrame(n: number, objectSlots: number, keptSlots: number) {
    return this.H.roots.pushFrame(n, objectSlots, keptSlots);
  }

  popFrame(): void {
    this.H.roots.popFrame();
  }

  /** Adds a traceback entry to a Python exception leaving a frame; converts a heap error to one. */
  traceback(e: unknown, file: string, line: number, func: string, frame: Frame | null = null, frameSlots = 0): unknown {
    const pe = this.asPythonException(e);
    if (pe) this.passThrough(pe, file, line, func, frame, frameSlots);
    return pe ?? e;
  }

  /**
   * An exception reaches an `except` clause in this frame (`caught` before any clause is tried):
   * it as a Python exception, which the handler uses from here on (one converted from a JS error
   * is made once, so its object and traceback are the ones the handler releases).
   */
  caught(e: unknown, file: string, line: number, func: string, frame: Frame | null, frameSlots: number): PythonException {
    const pe = this.asPythonException(e);
    if (!pe) throw e;
    this.passThrough(pe, file, line, func, frame, frameSlots);
    return pe;
  }

  /**
   * `PyTraceBack_Here`: the exception passes through a frame, once per frame: a traceback object
   * (Profile.tracebackBytes) whose tb_next is the exception's traceback so far and whose tb_frame
   * is the frame's frame object, made on demand (Profile.frameObjectBase + 8 per frame slot). The
   * exception object holds the chain. The exception object itself is made at its first frame
   * when the runtime raised it (a KeyError of a dict lookup). Not simulated: the frame object
   * taking over its frame's locals when the frame returns.
   */
  private passThrough(pe: PythonException, file: string, line: number, func: string, frame: Frame | null, frameSlots: number): void {
    this.chainContext(pe);
    if (frame !== null && pe.lastFrame === frame) return;
    pe.lastFrame = frame;
    pe.traceback.push({ file, line, func });
    if (frame === null) return;
    const H = this.H;
    // Raised in C: 3.11 keeps its raw value (the message str made now) until a handler takes it,
    // unless another exception is being handled (it is chained to it, so made at once).
    const lazy = pe.value === 0 && H.profile.cExceptionObjectMade === 'handler' && this.handling.length === 0;
    if (lazy && pe.argRefs.length === 0 && pe.detail !== '') pe.argRefs = [H.newStr(pe.detail)];
    else if (pe.value === 0) this.materialize(pe);
    if (frame.frameObject === 0) frame.frameObject = this.newFrameObject(frameSlots);
    const tb = H.newInstance(this.sizedClass('traceback', H.profile.tracebackBytes));
    const prev = pe.value === 0 ? pe.pendingTraceback : H.getSlot(pe.value, EXC_TRACEBACK);
    if (prev !== 0) H.setSlot(tb, 0, prev);
    H.setSlot(tb, 1, frame.frameObject);
    if (pe.value !== 0) {
      H.setSlot(pe.value, EXC_TRACEBACK, tb);
      H.decref(tb);
    } else {
      if (prev !== 0) H.decref(prev);
      pe.pendingTraceback = tb;
    }
  }

  /** A frame object (`_PyFrame_New_NoTrack`: Profile.frameObjectBase + 8 per slot). New reference. */
  private newFrameObject(frameSlots: number): Ref {
    return this.H.newInstance(this.sizedClass('frame', this.H.profile.frameObjectBase + 8 * frameSlots));
  }

  /** A GC class of `bytes` per instance (GC head + header + slots), standing for a C type of that size. */
  private sizedClass(name: string, bytes: number): ClassInfo {
    const key = `${name}:${bytes}`;
    let cls = this.exceptionClasses.get(key);
    if (cls === undefined) {
      const slots = Math.max(2, Math.round((bytes - 32) / 8));
      cls = this.H.defineClass({ name, slots: Array.from({ length: slots }, (_, i) => `s${i}`) });
      this.exceptionClasses.set(key, cls);
    }
    return cls;
  }

  private asPythonException(e: unknown): PythonException | undefined {
    if (e instanceof PythonException) return e;
    if (e instanceof RangeError && /division|modulo/.test(e.message)) return new PythonException('ZeroDivisionError', e.message);
    if (e instanceof TypeError && /object has no attribute/.test(e.message)) return new PythonException('AttributeError', e.message);
    return undefined;
  }

  // ---- singletons and truth ----------------------------------------------------------------------

  none(): Ref {
    return this.H.sharedRef(this.H.None);
  }

  bool(b: boolean): Ref {
    return this.H.sharedRef(b ? this.H.True : this.H.False);
  }

  truth(v: Ref): boolean {
    const H = this.H;
    if (v === H.True) return true;
    if (v === H.False || v === H.None) return false;
    switch (H.kindOf(v)) {
      case Kind.Int:
        return H.i32[v + OB.SIZE] !== 0;
      case Kind.Float:
        return H.floatValue(v) !== 0;
      case Kind.Str:
        return H.str.read(v).length !== 0;
      case Kind.Bytes:
        return H.i32[v + FIELD.BYTES_SIZE] !== 0;
      case Kind.Tuple:
        return H.tupleLength(v) !== 0;
      case Kind.List:
        return H.list.length(v) !== 0;
      case Kind.Dict:
        return H.dict.length(v) !== 0;
      case Kind.Set:
        return H.set.length(v) !== 0;
      case Kind.Deque:
        return H.deques.length(v) !== 0;
      default:
        return this.I[v + OB.TYPE] >= CLASS_ID_BASE ? truthOf(this, v) : true;
    }
  }

  // ---- cells ------------------------------------------------------------------------------------

  /** MAKE_CELL: the slot's value (owned, or 0) moves into a new cell. */
  makeCell(v: Ref): Ref {
    const cell = this.H.cell(v);
    if (v !== 0) this.H.decref(v);
    return cell;
  }

  /** COPY_FREE_VARS: the function's closure cells into the frame's last slots (new references). */
  copyFreeVars(fn: Ref, words: Int32Array, base: number, first: number, n: number): void {
    const closure = this.I[fn + FIELD.FUNC_CLOSURE];
    for (let i = 0; i < n; i++) {
      const cell = this.H.tupleItem(closure, i);
      this.H.incref(cell);
      if (words === this.I) words[base + 2 * (first + i)] = cell;
      else words[first + i] = cell;
    }
  }

  cellGet(cell: Ref, name: string): Ref {
    const v = this.I[cell + FIELD.CELL_REF];
    if (v === 0) throw new PythonException('NameError', `cannot access free variable '${name}' where it is not associated with a value in enclosing scope`);
    this.H.incref(v);
    return v;
  }

  /** Stores a new reference (stolen; 0 to unbind) into a cell. */
  cellSet(cell: Ref, v: Ref): void {
    const old = this.I[cell + FIELD.CELL_REF];
    this.I[cell + FIELD.CELL_REF] = v;
    if (old !== 0) this.H.decref(old);
  }

  // ---- globals and class namespaces -----------------------------------------------------------

  /**
   * What each name resolved to last (0: look it up): the program's globals change only through
   * storeGlobal and delGlobal, which keep it current, as LOAD_GLOBAL's specialisation relies on
   * the globals' and builtins' key versions.
   */
  private readonly globalCache: Int32Array;

  /**
   * Per class (type id - CLASS_ID_BASE) and attribute name (co_names index), ATTR_STRIDE words: a
   * cache of the simulator's own look-ups, as CPython's LOAD_ATTR_INSTANCE_VALUE / _SLOT and
   * LOAD_ATTR_CLASS / LOAD_ATTR_METHOD_* specialisations are its. It makes and drops nothing, so no
   * figure depends on it. Keyed by class and name (not by name alone) so that a site reached by
   * instances of several classes, as a base class's methods are, stays cached for each.
   *   [ATTR_WHERE]  where instances keep it: 0 unknown, i + 1 the i-th shared-keys value, -(i + 1)
   *                 __slots__ slot i (checked on every use: the instance's values may no longer be its own);
   *   [ATTR_CLASS_VALUE] the value found in the class's namespace along the MRO (borrowed), or 0;
   *   [ATTR_CLASS_EPOCH] ProgramState.instanceAttrEpoch + 1 when it was found: an instance's own
   *                 attribute of that name, stored later, would shadow it, and a store into a class
   *                 (setClassAttr) bumps the epoch too.
   */
  private readonly attrTables: (Int32Array | undefined)[] = [];
  /** Per attribute name: the module handle it last resolved on and the value (modules' attributes are fixed once made). */
  private readonly moduleAttrCacheObject: Int32Array;
  private readonly moduleAttrCacheValue: Int32Array;
  /**
   * Per attribute name: the class object (`Cls.name`, as `Direction.FORWARD`) it last resolved on,
   * the value (borrowed from the namespace; not a classmethod or staticmethod, whose reading makes
   * an object), and ProgramState.instanceAttrEpoch + 1 then (a store into a class bumps it).
   */
  private readonly classObjectAttrCacheObject: Int32Array;
  private readonly classObjectAttrCacheValue: Int32Array;
  private readonly classObjectAttrCacheEpoch: Int32Array;

  loadGlobal(name: number): Ref {
    const H = this.H;
    let v = this.globalCache[name];
    if (v === 0) v = this.lookupGlobal(name);
    H.incref(v);
    return v;
  }

  private lookupGlobal(name: number): Ref {
    const H = this.H;
    let v = H.dict.getItem(this.globals, this.N[name]);
    if (v === 0) {
      const n = this.names[name];
      // `__name__` is the interned '__main__' (a constant of the module, never freed).
      v = n === '__name__' ? this.nameObject() : this.builtin(n);
    }
    this.globalCache[name] = v;
    return v;
  }

  /** `__name__` of the main module: the interned '__main__' (held by sys.modules' key). */
  private nameObject(): Ref {
    const H = this.H;
    const key = H.intern(this.moduleName);
    H.decref(key);
    return key;
  }

  /** `name = v` at module level (v stolen). */
  storeGlobal(name: number, v: Ref): void {
    const H = this.H;
    H.dict.setItem(this.globals, this.N[name], v);
    this.globalCache[name] = v;
    H.decref(v);
  }

  delGlobal(name: number): void {
    const H = this.H;
    this.globalCache[name] = 0;
    if (!H.dict.delItem(this.globals, this.N[name])) throw new PythonException('NameError', `name '${this.names[name]}' is not defined`);
  }

  loadClassName(ns: Map<string, Ref>, name: number): Ref {
    const v = ns.get(this.names[name]);
    if (v !== undefined) {
      this.H.incref(v);
      return v;
    }
    return this.loadGlobal(name);
  }

  storeClassName(ns: Map<string, Ref>, name: number, v: Ref): void {
    const n = this.names[name];
    const old = ns.get(n);
    ns.set(n, v);
    if (old !== undefined) this.H.decref(old);
  }

  unboundLocal(name: string): PythonException {
    return new PythonException('UnboundLocalError', `cannot access local variable '${name}' where it is not associated with a value`);
  }

  // ---- functions and classes ------------------------------------------------------------------

  /**
   * MAKE_FUNCTION: closure, defaults, keyword-only defaults and annotations (new references,
   * consumed) go into the function object.
   */
  makeFunction(code: number, closure: Ref, defaults: Ref, kwdefaults: Ref = 0, annotations: Ref = 0): Ref {
    const H = this.H;
    const fn = H.func(this.globals, closure, defaults, kwdefaults, annotations);
    this.I[fn + FIELD.FUNC_CODE] = this.codeBase + code;
    if (closure !== 0) H.decref(closure);
    if (defaults !== 0) H.decref(defaults);
    if (kwdefaults !== 0) H.decref(kwdefaults);
    if (annotations !== 0) H.decref(annotations);
    return fn;
  }

  // ---- annotations (Profile.annotations) ---------------------------------------------------------

  /**
   * SETUP_ANNOTATIONS in a module body: an empty `__annotations__` dict in the globals unless one
   * is there already.
   */
  setupModuleAnnotations(name: number): void {
    const H = this.H;
    if (H.dict.getItem(this.globals, this.N[name]) !== 0) return;
    this.storeGlobal(name, H.dict.newDict());
  }

  /** SETUP_ANNOTATIONS in a class body: the same, in the class namespace. */
  setupClassAnnotations(ns: Map<string, Ref>, name: number): void {
    if (ns.has(this.names[name])) return;
    this.storeClassName(ns, name, this.H.dict.newDict());
  }

  /**
   * An `__annotate__` function (3.14, PEP 649) with its closure (consumed, or 0): a function
   * object the program never calls here (reading `__annotations__` is not simulated), so it has
   * no code of its own.
   */
  makeAnnotateFunction(closure: Ref): Ref {
    const H = this.H;
    const fn = H.func(this.globals, closure);
    this.I[fn + FIELD.FUNC_CODE] = -1;
    if (closure !== 0) H.decref(closure);
    return fn;
  }

  /**
   * The dicts of the program's classes (type objects are not simulated, their `__dict__`s are):
   * held from `sys.__dict__`, so that what a class holds (its methods) is reachable from the roots,
   * as it is through the module and the type in CPython.
   */

  /** A class statement: runs the body in a namespace, then makes the type. */
  makeClass(code: number, name: string, decorators: Ref[] = [], baseRefs: Ref[] = []): Ref {
    const H = this.H;
    // Bases are the program's classes, and at most the built-in list or one built-in exception class.
    let builtinBase: Kind.List | undefined;
    const exceptionBases = new Set<string>();
    const bases: ClassRecord[] = [];
    for (const b of baseRefs) {
      const h = this.handleOf(b);
      H.decref(b);
      if (h?.kind === 'builtin' && h.name === 'list') builtinBase = Kind.List;
      else if (h?.kind === 'exception') exceptionBases.add(h.name);
      else if (h?.kind === 'class') {
        bases.push(h);
        if (h.exception !== undefined) exceptionBases.add(h.exception);
      } else throw new PythonException('TypeError', `class ${name}: a base class must be a class of the program, list or an exception class (other built-in base classes are not simulated yet)`);
    }
    const exception = exceptionBase(name, exceptionBases);
    // The compiler lets through only the decorators the simulation knows: _testcapi.with_tp_del,
    // which gives the class a C-level tp_del (a legacy finalizer).
    let legacy = false;
    for (const d of decorators) {
      const h = this.handleOf(d);
      if (h?.kind !== 'builtin' || h.name !== '_testcapi.with_tp_del') throw new PythonException('TypeError', 'this class decorator is not simulated');
      legacy = true;
      H.decref(d);
    }
    const ns = new Map<string, Ref>();
    this.C[this.codeBase + code].js(0, ns);
    // type_ready_set_hash: a class that defines __eq__ and not __hash__ gets __hash__ = None (unhashable).
    if (ns.has('__eq__') && !ns.has('__hash__')) ns.set('__hash__', H.sharedRef(H.None));
    if (ns.has('__eq__') || ns.has('__hash__')) this.installKeyHooks();
    // The type's __dict__ takes the namespace's references; `ns` keeps borrowed ones for lookups.
    const dict = H.dict.newDict();
    for (const [k, v] of ns) {
      const key = H.intern(k);
      H.dict.setItem(dict, key, v);
      H.decref(key);
      H.decref(v);
    }
    const state = this.state;
    if (state.classDicts === 0) {
      state.classDicts = H.list.newList(0);
      H.roots.setIn(H.roots.sysdict, '__gclab_class_dicts__', state.classDicts);
      H.decref(state.classDicts);
    }
    H.list.appendSteal(state.classDicts, dict);
    const slotsRef = ns.get('__slots__');
    let slots: string[] | undefined;
    if (slotsRef !== undefined) {
      slots = this.stringsOf(slotsRef, '__slots__');
    }
    const layout = exception !== undefined ? exceptionLayout(name, exception, slots, builtinBase) : inheritedLayout(name, bases, slots, builtinBase);
    const inherited = linearise(name, bases);
    const hasDel = ns.has('__del__') || inherited.some((c) => c.ns.has('__del__'));
    const info = this.H.defineClass({
      name,
      slots: layout.slots,
      weakrefSlot: layout.weakrefSlot,
      finalizer: legacy ? 'legacy' : hasDel ? 'del' : 'none',
      builtinBase: layout.builtinBase,
    });
    if (hasDel || legacy) this.installFinalizer();
    const record: ClassRecord = { kind: 'class', name, info, ns, mro: [], dict, init: 0, instanceAttrs: new Set(), code: this.codeBase + code, exception };
    record.mro.push(record, ...inherited);
    record.init = classAttr(record, '__init__') ?? 0;
    this.classByType[info.id - CLASS_ID_BASE] = record;
    return this.handle(`class:${this.codeBase + code}`, record);
  }

  /**
   * `collections.namedtuple(name, fields)`'s class: a tuple subclass with `__slots__ = ()`
   * (type objects are not simulated memory: its namespace stays on the JS side). New reference.
   */
  makeNamedTupleClass(name: string, fields: readonly string[]): Ref {
    const info = this.H.defineClass({ name, builtinBase: Kind.Tuple });
    const code = -1 - this.state.namedTupleClasses++;
    const record: ClassRecord = { kind: 'class', name, info, ns: new Map(), mro: [], dict: 0, init: 0, instanceAttrs: new Set(), code, fields };
    record.mro.push(record);
    this.classByType[info.id - CLASS_ID_BASE] = record;
    return this.handle(`class:${code}`, record);
  }

  /** A C_TYPES layout, defined the first time it is needed. */
  cType(name: CTypeName): ClassInfo {
    let info = this.state.cTypes.get(name);
    if (info === undefined) {
      info = this.H.defineClass({ name, slots: C_TYPES[name] });
      this.state.cTypes.set(name, info);
      this.state.cTypeNames[info.id - CLASS_ID_BASE] = name;
    }
    return info;
  }

  /** Whether `v` is an object of the C type `name` (false while none has been made). */
  private isCType(v: Ref, name: CTypeName): boolean {
    const info = this.state.cTypes.get(name);
    return info !== undefined && this.I[v + OB.TYPE] === info.id;
  }

  /** A new object of the C type `name` whose slot `i` holds `v` (borrowed). */
  newCObject(name: CTypeName, i: number, v: Ref): Ref {
    const obj = this.H.newInstance(this.cType(name));
    this.H.setSlot(obj, i, v);
    return obj;
  }

  /** `@classmethod` or `@staticmethod` on a method: the object holding the function (consumed). */
  classMethod(fn: Ref): Ref {
    const w = this.newCObject('classmethod', 0, fn);
    this.H.decref(fn);
    return w;
  }

  staticMethod(fn: Ref): Ref {
    const w = this.newCObject('staticmethod', 0, fn);
    this.H.decref(fn);
    return w;
  }

  /** `@property` on a method: a property whose getter is the function (consumed). */
  property(fn: Ref): Ref {
    const p = this.newCObject('property', 0, fn);
    this.H.decref(fn);
    return p;
  }

  /** `x.setter` (and getter, deleter) read off a property (consumed): the method bound to it, a builtin_function_or_method. */
  boundPropertyMethod(p: Ref): Ref {
    if (!this.isCType(p, 'property')) {
      const name = this.H.types.nameOf(this.H.typeOf(p));
      this.H.decref(p);
      throw new PythonException('AttributeError', `'${name}' object has no attribute 'setter'`);
    }
    const m = this.boundBuiltinMethod(p, 0);
    this.H.decref(p);
    return m;
  }

  /**
   * Calling `x.setter(fn)` (the bound method and fn consumed): property_copy, a new property with
   * the old one's functions and `fn` in place of one (`type(old)(fget, fset, fdel, doc)`: a
   * generic call with a tuple of the four).
   */
  propertyCopy(m: Ref, which: 'fget' | 'fset' | 'fdel', fn: Ref): Ref {
    const H = this.H;
    const old = H.getSlot(m, 1);
    const parts = [0, 1, 2].map((i) => H.getSlot(old, i));
    parts[which === 'fget' ? 0 : which === 'fset' ? 1 : 2] = fn;
    const packed = this.buildTupleOf(parts.map((x) => (x === 0 ? H.None : x)), true);
    const p = H.newInstance(this.cType('property'));
    parts.forEach((x, i) => {
      if (x !== 0 && x !== H.None) H.setSlot(p, i, x);
    });
    H.decref(packed);
    H.decref(m);
    H.decref(fn);
    return p;
  }

  /** Reading a property through an instance (property_descr_get: fget called with it, no tuple). New reference. */
  private propertyGet(p: Ref, obj: Ref, name: string): Ref {
    const fget = this.H.getSlot(p, 0);
    if (fget === 0) throw new PythonException('AttributeError', `property '${name}' of '${this.H.types.nameOf(this.H.typeOf(obj))}' object has no getter`);
    return this.callSpecial(fget, obj, []);
  }

  /** Storing through a property (property_descr_set: fset called with the instance and the value). */
  private propertySet(p: Ref, obj: Ref, name: string, v: Ref): void {
    const fset = this.H.getSlot(p, 1);
    if (fset === 0) throw new PythonException('AttributeError', `property '${name}' of '${this.H.types.nameOf(this.H.typeOf(obj))}' object has no setter`);
    this.H.decref(this.callSpecial(fset, obj, [v]));
  }

  /** What the descriptor `v` (a class attribute, borrowed) is: a classmethod, a staticmethod or neither. */
  private wrapperKind(v: Ref): 'classmethod' | 'staticmethod' | undefined {
    if (this.isCType(v, 'classmethod')) return 'classmethod';
    if (this.isCType(v, 'staticmethod')) return 'staticmethod';
    return undefined;
  }

  /**
   * Calling a class attribute `v` found by LOAD_METHOD on an instance (`self` given, consumed) or
   * on the class (self 0), with `cls` the class: a classmethod gets a bound method to the class
   * (`cm_descr_get`; CALL unpacks it, and frees it, before the call) and the class first; a
   * staticmethod its function as it is; anything else is called with self first when there is
   * one. Arguments consumed.
   */
  private callClassAttr(site: number, v: Ref, cls: ClassRecord, self: Ref, args: Ref[], kwnames: readonly string[] | undefined): Ref {
    const H = this.H;
    const kind = this.wrapperKind(v);
    if (kind !== undefined) {
      if (self !== 0) H.decref(self);
      const fn = H.getSlot(v, 0);
      if (kind === 'staticmethod') {
        H.incref(fn);
        return this.call(site, fn, args, kwnames);
      }
      const clsRef = this.handleRefs.get(`class:${cls.code}`)!;
      H.decref(H.boundMethod(fn, clsRef));
      H.incref(clsRef);
      return this.callWithSelf(fn, clsRef, args, kwnames);
    }
    if (self !== 0) {
      if (this.I[v + OB.TYPE] !== Kind.Function) throw new PythonException('TypeError', `calling '${H.types.nameOf(H.typeOf(v))}' from a class is not simulated yet`);
      return this.callWithSelf(v, self, args, kwnames);
    }
    H.incref(v);
    return this.call(site, v, args, kwnames);
  }

  /** `type(obj)` for an instance of a program's class: the class (a new reference). */
  classOf(obj: Ref): Ref {
    const type = this.I[obj + OB.TYPE];
    const record = type >= CLASS_ID_BASE ? this.classByType[type - CLASS_ID_BASE] : undefined;
    if (record === undefined) throw new PythonException('TypeError', `type() of a '${this.H.types.nameOf(type)}' object is not simulated yet (only of instances of the program's classes)`);
    return this.H.sharedRef(this.handleRefs.get(`class:${record.code}`)!);
  }

  /**
   * The operations the program's code executed since the last `resetWork` (every module it
   * imported included), by class.
   */
  work(): OpCounts {
    const counts = zeroOpCounts();
    for (const rt of [this, ...this.state.modules.values()]) addOpCounts(counts, rt.module, rt.blockRuns, rt.counted);
    return counts;
  }

  /** Counts `n` operations of class `op` that a builtin or the runtime made (work-counts.ts). */
  count(op: Op, n = 1): void {
    this.counted[op] += n;
  }

  /** Adds the operations a shim's native work stands for (a vector by Op, work-counts.ts). */
  charge(ops: Float64Array): void {
    for (let k = 0; k < Op.COUNT; k++) this.counted[k] += ops[k];
  }

  /** Starts counting afresh (the measured region begins: the module body's work is not the variant's). */
  resetWork(): void {
    for (const rt of [this, ...this.state.modules.values()]) {
      rt.blockRuns.fill(0);
      rt.counted.fill(0);
    }
  }

  /**
   * The measured run is over: the compiled code of this program's modules lets go of this
   * runtime and its heap (a process that loads many programs would otherwise keep a dead heap
   * alive per program and profile), and finalizers no longer call into the program.
   */
  release(): void {
    this.state.released = true;
    for (const rt of [this, ...this.state.modules.values()]) {
      const linked = linkedCode(rt.module);
      if (linked.bound === rt) linked.bind(undefined, undefined, undefined, undefined, undefined, undefined);
    }
  }

  /** The class a class body's code made (zero-argument super()'s `__class__`), borrowed. */
  classOfCode(code: number): Ref {
    const ref = this.handleRefs.get(`class:${this.codeBase + code}`);
    if (ref === undefined) throw new PythonException('RuntimeError', 'super(): __class__ cell not found');
    return ref;
  }

  /**
   * `super().m(...)` / `super(cls, self).m(...)` (cls borrowed, self and args consumed): `m` from
   * the classes after `cls` in self's MRO, called with self. Where the profile's super call makes
   * objects (3.11; 3.12+ until LOAD_SUPER_ATTR specialises), a super object is made, then the bound
   * method (a method-wrapper for object.__init__), the super object is dropped, the bound method
   * too before a Python function runs (CALL unpacks it), a method-wrapper after its call.
   */
  callSuper(site: number, code: number, cls: Ref, self: Ref, name: number, args: Ref[], kwnames?: readonly string[]): Ref {
    const H = this.H;
    const start = this.handleOf(cls);
    const type = this.I[self + OB.TYPE];
    const record = type >= CLASS_ID_BASE ? this.classByType[type - CLASS_ID_BASE] : undefined;
    const at = start?.kind === 'class' && record !== undefined ? record.mro.indexOf(start) : -1;
    if (at < 0) throw new PythonException('TypeError', 'super(type, obj): obj must be an instance or subtype of type');
    const m = this.names[name];
    let f: Ref | undefined;
    for (let i = at + 1; i < record!.mro.length && f === undefined; i++) f = record!.mro[i].ns.get(m);
    const makesObjects = H.profile.superCallObjects || !this.specialisesNow(site, code);
    let sup = 0;
    if (makesObjects) sup = this.newCObject('super', 1, self);
    if (f === undefined && m === '__init__' && this.exceptionRecordOf(self) !== undefined) return this.superExceptionInit(sup, self, args, kwnames);
    if (f === undefined) {
      if (sup !== 0) H.decref(sup);
      if (m !== '__init__') throw new PythonException('AttributeError', `'super' object has no attribute '${m}'`);
      // object.__init__, a slot wrapper: its method-wrapper lives through the call.
      const wrapper = makesObjects ? this.newCObject('method-wrapper', 1, self) : 0;
      H.decref(self);
      for (const a of args) H.decref(a);
      if (wrapper !== 0) H.decref(wrapper);
      if (args.length > 0) throw new PythonException('TypeError', 'object.__init__() takes exactly one argument (the instance to initialize)');
      return this.afterCall(this.none());
    }
    if (this.I[f + OB.TYPE] !== Kind.Function) throw new PythonException('TypeError', `super().${m} of a '${H.types.nameOf(H.typeOf(f))}' is not simulated yet`);
    if (sup !== 0) {
      const bound = H.boundMethod(f, self);
      H.decref(sup);
      H.decref(bound);
    }
    return this.callWithSelf(f, self, args, kwnames);
  }

  /**
   * `super().__init__(args…)` reaching BaseException's (self and args consumed): BaseException_init
   * sets `args` to a tuple of the arguments. With a super object (`sup`, consumed) the look-up
   * binds the slot wrapper to self (a 48-B method-wrapper, made before the super object goes),
   * and calling it packs the arguments (wrapper_call is tp_call). Specialised (3.12+
   * LOAD_SUPER_ATTR_METHOD) the wrapper descriptor is called unbound: the call packs self and
   * the arguments, and wrapperdescr_call slices self off into the tuple that becomes `args`.
   */
  private superExceptionInit(sup: Ref, self: Ref, args: Ref[], kwnames: readonly string[] | undefined): Ref {
    const H = this.H;
    const wrapper = sup !== 0 ? this.newCObject('method-wrapper', 1, self) : 0;
    if (sup !== 0) H.decref(sup);
    const packed = wrapper !== 0 ? 0 : this.buildTupleOf([self, ...args], true);
    // PyTuple_GetSlice of the packed tuple: a new tuple of the same items (the empty one for none).
    const tuple = this.buildTupleOf(args, true);
    try {
      if (kwnames !== undefined && kwnames.length > 0) throw new PythonException('TypeError', `${this.exceptionRecordOf(self)!.name}() takes no keyword arguments`);
      H.setSlot(self, EXC_ARGS, tuple);
    } finally {
      H.decref(tuple);
      if (packed !== 0) H.decref(packed);
      H.decref(self);
      for (const a of args) H.decref(a);
      if (wrapper !== 0) H.decref(wrapper);
    }
    return this.afterCall(this.none());
  }

  /**
   * `Cls.name = v` (v borrowed): the type's `__dict__` and the namespace look-ups use change, and
   * every cached class-attribute look-up is made again.
   */
  private setClassAttr(record: ClassRecord, name: string, v: Ref): void {
    const H = this.H;
    const key = H.intern(name);
    H.dict.setItem(record.dict, key, v);
    H.decref(key);
    record.ns.set(name, v);
    // `init` caches each class's __init__ along its MRO: the classes below this one see the new one too.
    if (name === '__init__') for (const c of this.classByType) if (c?.mro.includes(record)) c.init = classAttr(c, '__init__') ?? 0;
    this.state.instanceAttrEpoch++;
  }

  /**
   * PEP 442: the heap calls `__del__` of a dying (or collected) instance of a class that defines
   * one, with the object resurrected for the call. An exception in it is ignored, as CPython
   * reports and ignores it ("Exception ignored in").
   */
  private installFinalizer(): void {
    const H = this.H;
    if (H.hooks.finalize) return;
    H.hooks = {
      ...H.hooks,
      finalize: (_heap, self) => {
        if (this.state.released) return;
        const record = this.classByType[H.typeOf(self) - CLASS_ID_BASE];
        // A with_tp_del class's tp_del (slot_tp_del) calls its __tp_del__; tp_finalize calls __del__.
        const del = record === undefined ? undefined : classAttr(record, record.info.finalizer === 'legacy' ? '__tp_del__' : '__del__');
        if (del === undefined) return;
        H.incref(self);
        try {
          H.decref(this.callFunction(del, [], undefined, self));
        } catch (err) {
          if (!(err instanceof PythonException)) throw err;
          this.dropException(err);
        }
      },
    };
  }

  /**
   * Dict and set keys that are instances of a program's class hash and compare through its
   * `__hash__` and `__eq__` (the heap asks; a key's hash is computed once, when it goes in).
   */
  private installKeyHooks(): void {
    const H = this.H;
    if (H.hooks.hashInstance) return;
    H.hooks = {
      ...H.hooks,
      hashInstance: (_heap, ref) => {
        if (this.state.released) return undefined;
        const r = hashResult(this, ref);
        if (r === 0) return undefined;
        // The int's CPython hash folded to the heap's 32 bits (its own hashOf of a 64-bit value
        // keeps only a double's high bits).
        const h = Number(BigInt.asIntN(32, hashOfInt(H.ints.value(r))));
        H.decref(r);
        return h === -1 ? -2 : h;
      },
      equalInstance: (_heap, a, b) => {
        if (this.state.released) return false;
        const r = richCompare(this, a, b, '==');
        if (r === 0) return false;
        const t = this.truth(r);
        H.decref(r);
        return t;
      },
    };
  }

  private stringsOf(ref: Ref, what: string): string[] {
    const H = this.H;
    const kind = H.kindOf(ref);
    if (kind === Kind.Str) return [H.str.read(ref)];
    const out: string[] = [];
    const n = kind === Kind.Tuple ? H.tupleLength(ref) : kind === Kind.List ? H.list.length(ref) : -1;
    if (n < 0) throw new PythonException('TypeError', `${what} must be a tuple or list of strings`);
    for (let i = 0; i < n; i++) {
      const item = kind === Kind.Tuple ? H.tupleItem(ref, i) : H.list.get(ref, i);
      if (H.kindOf(item) !== Kind.Str) throw new PythonException('TypeError', `${what} items must be strings`);
      out.push(H.str.read(item));
    }
    return out;
  }



  // ---- calls ----------------------------------------------------------------------------------

  /** A comprehension's function called with the outermost iterator (both consumed). */
  callComprehension(fn: Ref, it: Ref): Ref {
    const code = this.C[this.I[fn + FIELD.FUNC_CODE]];
    const r = code.spec.generator ? this.makeGenerator(code, fn, [it]) : (code.js(fn, it) as Ref);
    this.H.decref(fn);
    return r;
  }

  // Calls with 0-3 positional arguments and no keywords: a Python function whose parameters they
  // fill exactly runs directly, without an argument array; anything else takes the general path.
  call0(site: number, f: Ref): Ref {
    const type = this.I[f + OB.TYPE];
    if (type === Kind.Function) {
      const code = this.C[this.I[f + FIELD.FUNC_CODE]];
      if (code.arity === 0) {
        const r = code.js(f) as Ref;
        this.H.decref(f);
        return r;
      }
    } else if (type === Kind.Handle) {
      // `C()` of a class without __init__: no tuple, the instance, the generic CALL's check.
      const h = this.handles[this.I[f + FIELD.HANDLE_INDEX]];
      if (h.kind === 'class' && h.init === 0 && h.exception === undefined) {
        this.siteRuns[site]++;
        return this.afterCall(this.H.newInstance(h.info));
      }
    }
    return this.call(site, f, EMPTY_ARGS);
  }

  call1(site: number, f: Ref, a0: Ref): Ref {
    const type = this.I[f + OB.TYPE];
    if (type === Kind.Function) {
      const code = this.C[this.I[f + FIELD.FUNC_CODE]];
      if (code.arity === 1) {
        const r = code.js(f, a0) as Ref;
        this.H.decref(f);
        return r;
      }
    } else if (type === Kind.Handle) {
      const h = this.handles[this.I[f + FIELD.HANDLE_INDEX]];
      if (h.kind === 'builtin' && !h.packsArguments) {
        const args = this.pooledArgs(1);
        args[0] = a0;
        return this.callBuiltinPooled(h, args);
      }
    }
    return this.call(site, f, [a0]);
  }

  /**
   * Argument arrays for the calls of builtins and built-in types' methods with one or two
   * arguments (call1, call2, callMethod1, callMethod2), one per nesting level and arity (a builtin
   * may run Python code that calls another), so such a call makes no JS array. A builtin reads its
   * arguments while it runs and keeps no array (map, filter and zip copy what they keep).
   */
  private readonly argArrays: Ref[][][] = [[], [], []];
  private argDepth = 0;

  /** The arguments array of `n` (1 or 2) for the builtin call about to start; callBuiltinPooled gives it back. */
  private pooledArgs(n: 1 | 2): Ref[] {
    const pool = this.argArrays[n];
    let args = pool[this.argDepth];
    if (args === undefined) pool[this.argDepth] = args = n === 1 ? [0] : [0, 0];
    this.argDepth++;
    return args;
  }

  /** `call`'s builtin case (no keywords, no argument tuple) with a pooled arguments array: the arguments are consumed. */
  private callBuiltinPooled(h: Extract<Handle, { kind: 'builtin' }>, args: Ref[]): Ref {
    let r: Ref;
    try {
      r = h.call(args);
    } finally {
      this.argDepth--;
      for (let i = 0; i < args.length; i++) this.H.decref(args[i]);
    }
    if (h.breaker === 'check') this.afterCall(r);
    return r;
  }

  call2(site: number, f: Ref, a0: Ref, a1: Ref): Ref {
    const type = this.I[f + OB.TYPE];
    if (type === Kind.Function) {
      const code = this.C[this.I[f + FIELD.FUNC_CODE]];
      if (code.arity === 2) {
        const r = code.js(f, a0, a1) as Ref;
        this.H.decref(f);
        return r;
      }
    } else if (type === Kind.Handle) {
      const h = this.handles[this.I[f + FIELD.HANDLE_INDEX]];
      if (h.kind === 'builtin' && !h.packsArguments) {
        const args = this.pooledArgs(2);
        args[0] = a0;
        args[1] = a1;
        return this.callBuiltinPooled(h, args);
      }
    }
    return this.call(site, f, [a0, a1]);
  }

  call3(site: number, f: Ref, a0: Ref, a1: Ref, a2: Ref): Ref {
    if (this.I[f + OB.TYPE] === Kind.Function) {
      const code = this.C[this.I[f + FIELD.FUNC_CODE]];
      if (code.arity === 3) {
        const r = code.js(f, a0, a1, a2) as Ref;
        this.H.decref(f);
        return r;
      }
    }
    return this.call(site, f, [a0, a1, a2]);
  }

  /** `f(*args, **kw)`: the callable and the arguments are consumed. */
  call(site: number, f: Ref, args: Ref[], kwnames?: readonly string[]): Ref {
    const H = this.H;
    const type = this.I[f + OB.TYPE];
    if (type === Kind.Function) {
      const r = this.callFunction(f, args, kwnames, 0);
      H.decref(f);
      return r;
    }
    if (type === Kind.Handle) {
      const h = this.handles[this.I[f + FIELD.HANDLE_INDEX]];
      if (h.kind === 'class') {
        const r = this.callClass(site, h, args, kwnames);
        this.siteRuns[site]++;
        return r;
      }
      if (h.kind === 'builtin') {
        if (kwnames !== undefined && kwnames.length > 0) {
          if (h.callKeywords === undefined) return this.callBuiltinWithKeywords(h, args, kwnames);
          try {
            return this.afterCall(h.callKeywords(args, kwnames));
          } finally {
            for (const a of args) H.decref(a);
          }
        }
        // A builtin without vectorcall gets its arguments packed into a tuple (profile.argumentTupleBuiltins).
        const packed = h.packsArguments ? this.buildTupleOf(args, true) : 0;
        let r: Ref;
        try {
          r = h.call(args);
        } finally {
          // Also when it raises: CALL drops its arguments before the error unwinds.
          if (packed !== 0) H.decref(packed);
          for (let i = 0; i < args.length; i++) H.decref(args[i]);
        }
        if (h.breaker === 'check') this.afterCall(r);
        return r;
      }
      if (h.kind === 'exception') {
        const exc = this.newException(h.name, args);
        for (const a of args) H.decref(a);
        return this.afterCall(exc);
      }
    }
    if (this.isCType(f, 'builtin_function_or_method')) {
      // `m = lst.insert; m(i, x)`: the method of a built-in type, bound to its object.
      const self = H.getSlot(f, 1);
      const m = H.str.read(H.getSlot(f, 0));
      H.incref(self);
      H.decref(f);
      try {
        return this.callTypeMethod(self, m, args);
      } finally {
        for (const a of args) H.decref(a);
        H.decref(self);
      }
    }
    if (type === Kind.WeakRef) {
      // `wr()`: the referent, or None once it has died.
      for (const a of args) H.decref(a);
      const o = H.weakrefGet(f);
      H.incref(o);
      H.decref(f);
      return this.afterCall(o);
    }
    if (type === Kind.BoundMethod) {
      const func = this.I[f + FIELD.METHOD_FUNC];
      const self = this.I[f + FIELD.METHOD_SELF];
      H.incref(self);
      H.incref(func);
      H.decref(f);
      const r = this.callFunction(func, [self, ...args], kwnames, 0);
      H.decref(func);
      return r;
    }
    const dunder = this.dunder(f, '__call__');
    if (dunder !== 0) {
      // slot_tp_call: the generic call packs the arguments into a tuple (_PyObject_MakeTpCall),
      // then __call__ runs with the instance first; the CALL checks the eval breaker on return.
      const packed = args.length > 0 ? this.buildTupleOf(args, true) : 0;
      const r = this.callWithSelf(dunder, f, args, kwnames);
      if (packed !== 0) H.decref(packed);
      return this.afterCall(r);
    }
    for (const a of args) H.decref(a);
    const name = H.types.nameOf(type);
    H.decref(f);
    throw new PythonException('TypeError', `'${name}' object is not callable`);
  }

  /** Program output (print's text and its end): whole lines go to the host; a partial line waits for the rest. */
  output(text: string): void {
    const lines = (this.state.partialLine + text).split('\n');
    this.state.partialLine = lines.pop()!;
    for (const line of lines) this.host.print(line);
  }

  /**
   * A builtin called with keywords (arguments consumed): `print(..., sep=, end=)`, the one that
   * takes them so far; print is vectorcall (no tuple, no dict). Any other is a TypeError.
   */
  private callBuiltinWithKeywords(h: Extract<Handle, { kind: 'builtin' }>, args: Ref[], kwnames: readonly string[]): Ref {
    const H = this.H;
    const withKeywords = BUILTIN_FUNCTIONS[h.name]?.callWithKeywords;
    if (withKeywords !== undefined) {
      let r: Ref;
      try {
        r = withKeywords(this, args, kwnames);
      } finally {
        for (const a of args) H.decref(a);
      }
      return h.breaker === 'check' ? this.afterCall(r) : r;
    }
    try {
      if (h.name !== 'print') throw new PythonException('TypeError', `${h.name}() takes no keyword arguments`);
      const positional = args.length - kwnames.length;
      let sep = ' ';
      let end = '\n';
      kwnames.forEach((k, i) => {
        const v = args[positional + i];
        if (k !== 'sep' && k !== 'end') throw new PythonException('TypeError', `print(${k}=...) is not simulated (sep= and end= are)`);
        const text = v === H.None ? (k === 'sep' ? ' ' : '\n') : H.kindOf(v) === Kind.Str ? H.str.read(v) : undefined;
        if (text === undefined) throw new PythonException('TypeError', `${k} must be None or a string, not ${H.types.nameOf(H.typeOf(v))}`);
        if (k === 'sep') sep = text;
        else end = text;
      });
      this.output(args.slice(0, positional).map((a) => this.str(a)).join(sep) + end);
      return this.afterCall(this.none());
    } finally {
      for (const a of args) H.decref(a);
    }
  }

  /**
   * Binds the arguments (consumed) to a Python function's parameters and runs it (or makes its
   * generator). The function is borrowed.
   */
  private callFunction(fn: Ref, args: Ref[], kwnames: readonly string[] | undefined, self: Ref): Ref {
    const code = this.C[this.I[fn + FIELD.FUNC_CODE]];
    const spec = code.spec;
    let bound = args;
    if (self !== 0) bound = [self, ...args];
    const nk = kwnames?.length ?? 0;
    const npos = bound.length - nk;
    const nparams = spec.positional + spec.kwonly;
    // The CALL_FUNCTION_EX this call is, if it is one: this frame takes it (nested calls must not).
    const callEx = this.callEx;
    this.callEx = undefined;
    if (nk > 0 || npos !== nparams || spec.varargs || spec.varkw) bound = this.bindArguments(fn, spec, bound, kwnames, callEx?.keys);
    // The frame is set up: 3.12+'s CALL_FUNCTION_EX drops what it made for the call now.
    if (callEx !== undefined && this.H.profile.callExReleasesAtFramePush) this.releaseCallEx(callEx);
    if (spec.generator) return this.makeGenerator(code, fn, bound);
    switch (bound.length) {
      case 0:
        return code.js(fn);
      case 1:
        return code.js(fn, bound[0]);
      case 2:
        return code.js(fn, bound[0], bound[1]);
      case 3:
        return code.js(fn, bound[0], bound[1], bound[2]);
      case 4:
        return code.js(fn, bound[0], bound[1], bound[2], bound[3]);
      default:
        return code.js(fn, ...bound);
    }
  }

  /**
   * The `f(*args, **d)` of a Python function in progress (callWithTuple sets it; the callee's
   * callFunction takes it): a **kwargs dict made from d's keywords holds d's own key objects, as
   * CPython's does, and the profile says when the call's own objects go
   * (Profile.callExReleasesAtFramePush).
   */
  private callEx: CallEx | undefined = undefined;

  /**
   * Positional and keyword arguments (consumed) onto the parameters, with defaults; `keyObjects`
   * are the keyword names' own objects when they are not interned constants (`f(**d)`).
   */
  private bindArguments(fn: Ref, spec: CodeSpec, args: Ref[], kwnames: readonly string[] | undefined, keyObjects?: Ref[]): Ref[] {
    const H = this.H;
    const nk = kwnames?.length ?? 0;
    const npos = args.length - nk;
    const nparams = spec.positional + spec.kwonly;
    const out = new Array<Ref>(nparams + (spec.varargs ? 1 : 0) + (spec.varkw ? 1 : 0)).fill(0);
    // initialize_locals: the **kwargs dict first (PyDict_New), in the slot after *args.
    const kwdict = spec.varkw ? H.dict.newDict() : 0;
    if (kwdict !== 0) out[out.length - 1] = kwdict;
    if (npos > spec.positional && !spec.varargs) {
      for (const a of args) H.decref(a);
      H.xdecref(kwdict);
      throw new PythonException('TypeError', `${spec.name}() takes ${spec.positional} positional arguments but ${npos} were given`);
    }
    const named = Math.min(npos, spec.positional);
    for (let i = 0; i < named; i++) out[i] = args[i];
    if (spec.varargs) {
      // initialize_locals: the positional arguments past the named ones become the *args tuple
      // (the empty tuple when there are none), before the keywords are matched.
      const extra = args.slice(named, npos);
      out[nparams] = this.buildTupleOf(extra, true);
      for (const a of extra) H.decref(a);
    }
    for (let k = 0; k < nk; k++) {
      const i = spec.argNames.indexOf(kwnames![k]);
      if (i < 0 && kwdict !== 0) {
        // Not a parameter's name: into **kwargs under the call's name object (PyDict_SetItem):
        // the interned constant of `f(x=1)`, the dict's own key of `f(**d)`.
        const key = keyObjects !== undefined && keyObjects.length === nk ? H.sharedRef(keyObjects[k]) : H.intern(kwnames![k]);
        H.dict.setItem(kwdict, key, args[npos + k]);
        H.decref(key);
        H.decref(args[npos + k]);
        continue;
      }
      if (i < 0 || out[i] !== 0) {
        // What is bound so far, and the keyword arguments not yet taken.
        for (const a of out) if (a !== 0) H.decref(a);
        for (let j = k; j < nk; j++) H.decref(args[npos + j]);
        throw new PythonException('TypeError', `${spec.name}() got an unexpected keyword argument '${kwnames![k]}'`);
      }
      out[i] = args[npos + k];
    }
    const defaults = this.I[fn + FIELD.FUNC_DEFAULTS];
    const nd = defaults === 0 ? 0 : H.tupleLength(defaults);
    for (let i = 0; i < spec.positional; i++) {
      if (out[i] !== 0) continue;
      const d = i - (spec.positional - nd);
      if (d < 0) {
        for (const a of out) if (a !== 0) H.decref(a);
        throw new PythonException('TypeError', `${spec.name}() missing required positional argument: '${spec.argNames[i]}'`);
      }
      out[i] = H.tupleItem(defaults, d);
      H.incref(out[i]);
    }
    const kwdefaults = this.I[fn + FIELD.FUNC_KWDEFAULTS];
    for (let i = spec.positional; i < nparams; i++) {
      if (out[i] !== 0) continue;
      // A keyword-only parameter not given: its default from func_kwdefaults, by name.
      if (kwdefaults !== 0) {
        const name = H.intern(spec.argNames[i]);
        const d = H.dict.getItem(kwdefaults, name);
        H.decref(name);
        if (d !== 0) {
          H.incref(d);
          out[i] = d;
          continue;
        }
      }
      for (const a of out) if (a !== 0) H.decref(a);
      throw new PythonException('TypeError', `${spec.name}() missing required keyword-only argument: '${spec.argNames[i]}'`);
    }
    return out;
  }

  /**
   * `cls(*args)`: the argument tuple when the call makes one (`_PyObject_MakeTpCall`; from 3.13 a
   * call site of a plain class specialises on its second run to CALL_ALLOC_AND_ENTER_INIT and passes
   * them without a tuple, a `__slots__` class stays generic), then the instance, then `__init__`.
   */
  private callClass(site: number, h: Extract<Handle, { kind: 'class' }>, args: Ref[], kwnames: readonly string[] | undefined): Ref {
    const H = this.H;
    if (h.fields !== undefined) return this.afterCall(this.state.collections!.newNamedTuple(h.info, h.fields, args, kwnames ?? []));
    if (h.exception !== undefined) return this.afterCall(this.newProgramException(h, args, kwnames));
    const specialised = this.siteRuns[site] > 0 && h.init !== 0 && specialisesClassCall(H.profile.classCallSpecialises, h.info.kind);
    const tuple = specialised ? 0 : args.length === 0 ? 0 : this.buildTupleOf(args, true);
    const obj = H.newInstance(h.info);
    if (h.init !== 0) {
      if (tuple !== 0) for (let i = 0; i < args.length; i++) H.incref(args[i]);
      this.runInit(h.init, obj, args, kwnames);
    } else if (h.info.kind === Kind.List && args.length <= 1 && kwnames === undefined) {
      // list.__init__: `L(iterable)` fills the new instance as list.extend does.
      if (args.length === 1) this.extendList(obj, args[0]);
    } else if (args.length > 0) {
      for (const a of args) H.decref(a);
      if (tuple !== 0) H.decref(tuple);
      H.decref(obj);
      throw new PythonException('TypeError', `${h.name}() takes no arguments`);
    }
    if (tuple !== 0) {
      for (const a of args) H.decref(a);
      H.decref(tuple);
    }
    // The generic CALL checks the eval breaker on return; a specialised one enters __init__ directly.
    if (!specialised) this.afterCall(obj);
    return obj;
  }

  /** A class's `__init__` on a new instance (borrowed) with the arguments (consumed); it must return None. */
  private runInit(init: Ref, obj: Ref, args: Ref[], kwnames: readonly string[] | undefined): void {
    const H = this.H;
    H.incref(obj);
    const r = this.callWithSelf(init, obj, args, kwnames);
    const wrong = r === H.None ? undefined : H.types.nameOf(H.typeOf(r));
    H.decref(r);
    if (wrong !== undefined) throw new PythonException('TypeError', `__init__() should return None, not '${wrong}'`);
  }

  /**
   * A Python method (`__init__`, or `obj.m(...)` of a program's class) with self and the arguments
   * (consumed): straight in when they, or they and the defaults, fill its parameters; else bound.
   */
  private callWithSelf(fn: Ref, self: Ref, args: Ref[], kwnames: readonly string[] | undefined): Ref {
    const code = this.C[this.I[fn + FIELD.FUNC_CODE]];
    if (kwnames === undefined && code.arity === args.length + 1) {
      switch (args.length) {
        case 0:
          return code.js(fn, self) as Ref;
        case 1:
          return code.js(fn, self, args[0]) as Ref;
        case 2:
          return code.js(fn, self, args[0], args[1]) as Ref;
        case 3:
          return code.js(fn, self, args[0], args[1], args[2]) as Ref;
      }
    }
    // `Node()` or `Node(l)` of `__init__(self, left=None, right=None)`: the defaults fill the rest.
    if (kwnames === undefined && code.arity > args.length + 1 && code.arity <= 4) {
      const defaults = this.I[fn + FIELD.FUNC_DEFAULTS];
      const first = code.arity - (defaults === 0 ? 0 : this.H.tupleLength(defaults));
      if (args.length + 1 >= first) {
        const p1 = this.argumentOrDefault(args, defaults, first, 1);
        if (code.arity === 2) return code.js(fn, self, p1) as Ref;
        const p2 = this.argumentOrDefault(args, defaults, first, 2);
        if (code.arity === 3) return code.js(fn, self, p1, p2) as Ref;
        return code.js(fn, self, p1, p2, this.argumentOrDefault(args, defaults, first, 3)) as Ref;
      }
    }
    return this.callFunction(fn, args, kwnames, self);
  }

  /** Parameter `i` of a method call (`i - 1` in args), or its default (a new reference). */
  private argumentOrDefault(args: Ref[], defaults: Ref, first: number, i: number): Ref {
    if (i - 1 < args.length) return args[i - 1];
    const d = this.H.tupleItem(defaults, i - first);
    this.H.incref(d);
    return d;
  }

  // `obj.m()`, `obj.m(a0)`, `obj.m(a0, a1)`: a method of a program's class, found in the class
  // cache, whose parameters self and the arguments fill exactly runs directly, without an argument
  // array (and `list.append` as CALL_LIST_APPEND: no check); the rest as callMethod.
  callMethod0(site: number, obj: Ref, name: number): Ref {
    const f = this.cachedMethod(obj, name, 1);
    if (f !== 0) return this.C[this.I[f + FIELD.FUNC_CODE]].js(f, obj) as Ref;
    return this.callMethod(site, obj, name, EMPTY_ARGS);
  }

  callMethod1(site: number, obj: Ref, name: number, a0: Ref): Ref {
    const H = this.H;
    const f = this.cachedMethod(obj, name, 2);
    if (f !== 0) return this.C[this.I[f + FIELD.FUNC_CODE]].js(f, obj, a0) as Ref;
    const type = this.I[obj + OB.TYPE];
    if (type === Kind.List && this.names[name] === 'append') {
      H.list.append(obj, a0);
      H.decref(a0);
      H.decref(obj);
      return H.sharedRef(H.None);
    }
    if (obj === this.moduleAttrCacheObject[name]) {
      // A module's function (`math.sqrt(x)`): a builtin's call with a pooled arguments array.
      const f = this.moduleAttrCacheValue[name];
      if (this.I[f + OB.TYPE] === Kind.Handle) {
        const h = this.handles[this.I[f + FIELD.HANDLE_INDEX]];
        if (h.kind === 'builtin' && !h.packsArguments) {
          // As callMethod's module case: the module (a static handle) is not dropped.
          const args = this.pooledArgs(1);
          args[0] = a0;
          return this.callBuiltinPooled(h, args);
        }
      }
    }
    if (type < CLASS_ID_BASE && type !== Kind.Handle) {
      // A built-in type's method (`d.get(k)`, `s.add(x)`): the arguments array from the pool.
      const args = this.pooledArgs(1);
      args[0] = a0;
      return this.callTypeMethodPooled(site, obj, name, args);
    }
    return this.callMethod(site, obj, name, [a0]);
  }

  callMethod2(site: number, obj: Ref, name: number, a0: Ref, a1: Ref): Ref {
    const f = this.cachedMethod(obj, name, 3);
    if (f !== 0) return this.C[this.I[f + FIELD.FUNC_CODE]].js(f, obj, a0, a1) as Ref;
    const type = this.I[obj + OB.TYPE];
    if (type < CLASS_ID_BASE && type !== Kind.Handle) {
      const args = this.pooledArgs(2);
      args[0] = a0;
      args[1] = a1;
      return this.callTypeMethodPooled(site, obj, name, args);
    }
    return this.callMethod(site, obj, name, [a0, a1]);
  }

  /** callMethod of a built-in type's object with a pooled arguments array (pooledArgs), given back after. */
  private callTypeMethodPooled(site: number, obj: Ref, name: number, args: Ref[]): Ref {
    try {
      return this.callMethod(site, obj, name, args);
    } finally {
      this.argDepth--;
    }
  }

  /** The function `obj.name` calls, from the class cache, when it takes exactly `arity` parameters directly; else 0. */
  private cachedMethod(obj: Ref, name: number, arity: number): Ref {
    const f = this.cachedClassAttr(this.I[obj + OB.TYPE], name);
    if (f === 0 || this.I[f + OB.TYPE] !== Kind.Function || this.C[this.I[f + FIELD.FUNC_CODE]].arity !== arity) return 0;
    return f;
  }

  /** The class attribute `name` of instances of `type` from attrTables (borrowed), when still valid; else 0. */
  private cachedClassAttr(type: number, name: number): Ref {
    if (type < CLASS_ID_BASE) return 0;
    const table = this.attrTables[type - CLASS_ID_BASE];
    if (table === undefined || table[name * ATTR_STRIDE + ATTR_CLASS_EPOCH] !== this.state.instanceAttrEpoch + 1) return 0;
    return table[name * ATTR_STRIDE + ATTR_CLASS_VALUE];
  }

  /** `obj.m(*args)` (LOAD_METHOD + CALL: no bound method object). obj and args consumed. */
  callMethod(site: number, obj: Ref, name: number, args: Ref[], kwnames?: readonly string[]): Ref {
    const H = this.H;
    const type = this.I[obj + OB.TYPE];
    const cached = this.cachedClassAttr(type, name);
    if (cached !== 0 && this.I[cached + OB.TYPE] === Kind.Function) return this.callWithSelf(cached, obj, args, kwnames);
    if (obj === this.moduleAttrCacheObject[name]) {
      const f = this.moduleAttrCacheValue[name];
      H.incref(f);
      return this.call(site, f, args, kwnames);
    }
    const m = this.names[name];
    if (type === Kind.Handle) {
      const h = this.handles[this.I[obj + FIELD.HANDLE_INDEX]];
      if (h.kind === 'module') {
        const f = this.cachedModuleAttr(obj, h, name);
        H.incref(f);
        return this.call(site, f, args, kwnames);
      }
      if (h.kind === 'pymodule') return this.call(site, this.programModuleAttr(h.runtime, m), args, kwnames);
      if (h.kind === 'class') {
        // `Base.method(self, ...)`: the plain function from the class, called with the arguments
        // given; a classmethod or staticmethod as its descriptor gives it.
        const f = classAttr(h, m);
        if (f === undefined) throw new PythonException('AttributeError', `type object '${h.name}' has no attribute '${m}'`);
        return this.callClassAttr(site, f, h, 0, args, kwnames);
      }
    }
    if (type >= CLASS_ID_BASE) {
      const h = this.classHandleOf(type);
      const f = h === undefined ? undefined : classAttr(h, m);
      if (f !== undefined && this.I[f + OB.TYPE] === Kind.Function && (!h!.instanceAttrs.has(m) || this.attrOf(obj, m) === 0)) {
        this.cacheClassAttr(h!, type, name, f);
        return this.callWithSelf(f, obj, args, kwnames);
      }
      if (f !== undefined && this.wrapperKind(f) !== undefined && (!h!.instanceAttrs.has(m) || this.attrOf(obj, m) === 0)) return this.callClassAttr(site, f, h!, obj, args, kwnames);
    }
    const r = kwnames !== undefined && kwnames.length > 0 ? this.callTypeMethodWithKeywords(obj, m, args, kwnames) : this.callTypeMethod(obj, m, args);
    for (const a of args) H.decref(a);
    H.decref(obj);
    return r;
  }

  /** A built-in type's method called with keywords (args borrowed, the keyword values last): `list.sort(key=, reverse=)`. */
  private callTypeMethodWithKeywords(obj: Ref, m: string, args: Ref[], kwnames: readonly string[]): Ref {
    const H = this.H;
    if (H.kindOf(obj) === Kind.List && m === 'sort') {
      if (args.length > kwnames.length) throw new PythonException('TypeError', 'sort() takes no positional arguments');
      let key = 0;
      let reverse = false;
      kwnames.forEach((k, i) => {
        const v = args[i];
        if (k === 'key') key = v === H.None ? 0 : v;
        else if (k === 'reverse') reverse = this.sortReverseFlag(v);
        else throw new PythonException('TypeError', `sort() got an unexpected keyword argument '${k}'`);
      });
      this.sortList(obj, key, reverse);
      return this.afterCall(this.none());
    }
    if (H.kindOf(obj) === Kind.Str && m === 'format') return this.afterCall(formatString(this, obj, args, kwnames));
    if (H.kindOf(obj) === Kind.Str) {
      // Argument Clinic's keywords (no dict is made): placed where their positions are.
      const positional = strMethodPositional(this, m, args, kwnames);
      if (positional !== undefined) {
        const r = callStrMethod(this, obj, m, positional);
        if (r !== 0) return this.afterCall(r);
      }
    }
    throw new PythonException('TypeError', `${H.types.nameOf(H.typeOf(obj))}.${m}() takes no keyword arguments`);
  }

  /** list.sort's `reverse=`: an int-like value (`bool(x)` is not asked: the argument is converted with PyLong_AsInt). */
  private sortReverseFlag(v: Ref): boolean {
    if (!this.isInt(v)) throw new PythonException('TypeError', `'${this.H.types.nameOf(this.H.typeOf(v))}' object cannot be interpreted as an integer`);
    return this.H.intValue(v) !== 0;
  }

  /** A special method of a program's class, looked up on the type as CPython's slots do (borrowed), or 0. */
  private dunder(obj: Ref, name: string): Ref {
    const type = this.I[obj + OB.TYPE];
    if (type < CLASS_ID_BASE) return 0;
    const record = this.classByType[type - CLASS_ID_BASE];
    const f = record === undefined ? undefined : classAttr(record, name);
    return f !== undefined && this.I[f + OB.TYPE] === Kind.Function ? f : 0;
  }

  private classHandleOf(typeId: number): ClassRecord | undefined {
    return this.classByType[typeId - CLASS_ID_BASE];
  }

  // What dunder-slots.ts needs of the runtime: the type's special methods and their calls.

  /** A special method (a Python function) of obj's class, borrowed, or 0. */
  special(obj: Ref, name: string): Ref {
    return this.dunder(obj, name);
  }

  /**
   * Whether obj's class defines a rich comparison along its MRO (its tp_richcompare is
   * slot_tp_richcompare): looked up once per class, then kept until a class attribute or an
   * instance attribute name changes (instanceAttrEpoch), as getAttr's class caches are.
   */
  definesRichCompare(obj: Ref): boolean {
    const type = this.I[obj + OB.TYPE];
    if (type < CLASS_ID_BASE) return false;
    const cache = this.richCompareCache;
    const at = 2 * (type - CLASS_ID_BASE);
    const stamp = this.state.instanceAttrEpoch + 1;
    if (cache[at] !== stamp) {
      cache[at] = stamp;
      cache[at + 1] = RICH_COMPARE_DUNDERS.some((n) => this.dunder(obj, n) !== 0) ? 1 : 0;
    }
    return cache[at + 1] === 1;
  }

  /** definesRichCompare's answers by class: [epoch stamp, answer] pairs. */
  private readonly richCompareCache = new Int32Array(2 * (MAX_TYPES - CLASS_ID_BASE));

  /** Any attribute of obj's class along its MRO (borrowed), or 0: `__hash__ = None` included. */
  classAttribute(obj: Ref, name: string): Ref {
    const type = this.I[obj + OB.TYPE];
    const record = type >= CLASS_ID_BASE ? this.classByType[type - CLASS_ID_BASE] : undefined;
    return (record === undefined ? undefined : classAttr(record, name)) ?? 0;
  }

  /** Calls a special method (borrowed) with self and the arguments (borrowed), as the slots call it. */
  callSpecial(fn: Ref, self: Ref, args: readonly Ref[]): Ref {
    const H = this.H;
    H.incref(self);
    for (const a of args) H.incref(a);
    return this.callWithSelf(fn, self, args.length === 0 ? [] : [...args], undefined);
  }

  /** Whether the program's class of type id `sub` has the one of type id `base` in its MRO. */
  isSubclassType(sub: number, base: number): boolean {
    const s = sub >= CLASS_ID_BASE ? this.classByType[sub - CLASS_ID_BASE] : undefined;
    const b = base >= CLASS_ID_BASE ? this.classByType[base - CLASS_ID_BASE] : undefined;
    return s !== undefined && b !== undefined && s.mro.includes(b);
  }

  /** `lst.sort` read off a list (sorted()'s PyObject_GetAttr): a builtin_function_or_method. New reference. */
  boundSortMethod(list: Ref): Ref {
    return this.boundBuiltinMethod(list, 0);
  }

  /** object.__format__ bound to obj by _PyObject_LookupSpecial (a builtin_function_or_method). New reference. */
  boundFormatMethod(obj: Ref): Ref {
    return this.boundBuiltinMethod(obj, 0);
  }

  /**
   * A call C code makes (PyObject_CallOneArg of a key function, a callback): the callable and the
   * arguments consumed; a class called so is never at a specialised site.
   */
  callFromC(f: Ref, args: Ref[]): Ref {
    this.siteRuns[this.cCallSite] = 0;
    return this.call(this.cCallSite, f, args);
  }

  /** `_PyStack_AsDict`: the keyword arguments (borrowed) of a call as a new dict. */
  keywordDict(values: readonly Ref[], kwnames: readonly string[]): Ref {
    const H = this.H;
    const d = H.dict.newDict();
    kwnames.forEach((k, i) => {
      const key = H.intern(k);
      H.dict.setItem(d, key, values[i]);
      H.decref(key);
    });
    return d;
  }

  /** The C_TYPES name of `v`'s type, or undefined. */
  cTypeNameOf(v: Ref): CTypeName | undefined {
    const type = this.I[v + OB.TYPE];
    return type < CLASS_ID_BASE ? undefined : this.state.cTypeNames[type - CLASS_ID_BASE];
  }

  /** Whether `v` is the builtin function `name` (its handle). */
  isBuiltinNamed(v: Ref, name: string): boolean {
    const h = this.handleOf(v);
    return h?.kind === 'builtin' && h.name === name;
  }

  /** Whether a handle (a class, builtin function, exception class or module) can be called. */
  isCallableHandle(v: Ref): boolean {
    const h = this.handleOf(v);
    return h !== undefined && (h.kind === 'class' || h.kind === 'builtin' || h.kind === 'exception');
  }

  /** Whether v is a method of a built-in type bound to its object (`lst.append` read, not called). */
  isBuiltinMethodObject(v: Ref): boolean {
    return this.isCType(v, 'builtin_function_or_method');
  }

  /**
   * `getattr(obj, name)` / `hasattr` by a str object (borrowed): the attribute as LOAD_ATTR would
   * give it (a new reference), or 0 for an AttributeError (_PyObject_LookupAttr: no exception object
   * is made). Off the compiled code's cached paths: the name need not be one of co_names.
   */
  lookupAttrNamed(obj: Ref, name: Ref): Ref {
    const H = this.H;
    if (H.kindOf(name) !== Kind.Str) throw new PythonException('TypeError', `attribute name must be string, not '${H.types.nameOf(H.typeOf(name))}'`);
    const n = H.str.read(name);
    const type = this.I[obj + OB.TYPE];
    const h = this.handleOf(obj);
    if (h?.kind === 'module') {
      const v = h.attrs.get(n);
      if (v === undefined) return 0;
      H.incref(v);
      return v;
    }
    if (h?.kind === 'pymodule') {
      const key = H.intern(n);
      const v = H.dict.getItem(h.runtime.globals, key);
      H.decref(key);
      if (v !== 0) H.incref(v);
      return v;
    }
    if (h?.kind === 'class') {
      const v = classAttr(h, n);
      return v === undefined ? 0 : this.descriptorValue(v, obj);
    }
    const record = type >= CLASS_ID_BASE ? this.classByType[type - CLASS_ID_BASE] : undefined;
    if (record !== undefined) {
      if (n === '__class__') return H.sharedRef(this.handleRefs.get(`class:${record.code}`)!);
      const own = this.attrOf(obj, n);
      if (own !== 0) {
        H.incref(own);
        return own;
      }
      if (H.kindOf(obj) === Kind.SlotsInstance) {
        const i = record.info.slots.indexOf(n);
        const s = i >= 0 ? H.getSlot(obj, i) : 0;
        if (s !== 0) {
          H.incref(s);
          return s;
        }
      }
      const cv = classAttr(record, n);
      if (cv === undefined) return 0;
      if (this.isCType(cv, 'property')) return this.propertyGet(cv, obj, n);
      if (this.wrapperKind(cv) !== undefined) return this.descriptorValue(cv, this.handleRefs.get(`class:${record.code}`)!);
      if (this.I[cv + OB.TYPE] === Kind.Function) return H.boundMethod(cv, obj);
      H.incref(cv);
      return cv;
    }
    if (type < CLASS_ID_BASE && TYPE_METHODS[H.kindOf(obj)]?.has(n)) return this.boundBuiltinMethod(obj, name);
    return 0;
  }

  /**
   * `list.sort(key=, reverse=)` (list_sort_impl; all borrowed): the list looks empty while it
   * sorts (a collection during a key call sees no items); with a key function its result for
   * each item, kept in the MergeState's temparray below 128 items, else in a PyMem block of one
   * pointer per item; then timsort (src/heap/list-sort.ts), each comparison `x < y`; then the keys
   * dropped, in order.
   */
  sortList(list: Ref, key: Ref, reverse: boolean): void {
    const H = this.H;
    const I = this.I;
    const n = H.list.length(list);
    const items: Ref[] = [];
    for (let i = 0; i < n; i++) items.push(H.list.get(list, i));
    I[list + FIELD.LIST_SIZE] = 0;
    const keyBlockBytes = key !== 0 && n >= MERGESTATE_TEMP_SIZE / 2 ? 8 * n : 0;
    const keyBlock = keyBlockBytes > 0 ? H.allocator.malloc(keyBlockBytes) : 0;
    const keys: Ref[] = [];
    try {
      if (key !== 0) {
        for (const item of items) {
          H.incref(key);
          H.incref(item);
          keys.push(this.callFromC(key, [item]));
        }
      }
      timsort(H, key !== 0 ? keys : items, key !== 0 ? items : null, (x, y) => this.orderOf(x, y, '<') < 0, reverse);
    } finally {
      for (const k of keys) H.decref(k);
      if (keyBlock !== 0) H.allocator.free(keyBlock, keyBlockBytes);
      if (I[list + FIELD.LIST_SIZE] !== 0) throw new PythonException('ValueError', 'list modified during sort');
      I[list + FIELD.LIST_SIZE] = n;
      const base = I[list + FIELD.LIST_ITEMS];
      for (let i = 0; i < n; i++) I[base + 2 * i] = items[i];
    }
  }

  /** `PyObject_RichCompareBool(a, b, Py_EQ)`: identity first, then ==. */
  equalBool(a: Ref, b: Ref): boolean {
    return this.equal(a, b);
  }



  private attrOf(obj: Ref, name: string): Ref {
    const H = this.H;
    if (H.kindOf(obj) === Kind.Instance) return H.getAttr(obj, name);
    return this.exceptionRecordOf(obj) !== undefined ? this.exceptionDictAttr(obj, name) : 0;
  }

  /** An attribute in an exception object's `__dict__` (borrowed; 0 if it has none or no dict). */
  private exceptionDictAttr(exc: Ref, name: string): Ref {
    const H = this.H;
    const dict = H.getSlot(exc, EXC_DICT);
    if (dict === 0) return 0;
    const key = H.intern(name);
    const v = H.dict.getItem(dict, key);
    H.decref(key);
    return v;
  }

  /**
   * `exc.name = v` (v borrowed) of a program's exception class: into the `__dict__` field, made
   * by the first store (_PyObjectDict_SetItem: the class has no cached keys, so a plain
   * PyDict_New, its keys made by the first insert). BaseException's own attributes are refused.
   */
  private storeExceptionAttr(exc: Ref, name: string, v: Ref): void {
    const H = this.H;
    // The exception's fields (EXCEPTION_FIELDS and its class's own) are the type's descriptors, not the dict's.
    if (H.types.classInfo(this.I[exc + OB.TYPE]).slots.includes(name)) {
      throw new PythonException('NotImplementedError', `storing an exception's '${name}' is not simulated yet`);
    }
    let dict = H.getSlot(exc, EXC_DICT);
    if (dict === 0) {
      dict = H.dict.newDict();
      H.setSlot(exc, EXC_DICT, dict);
      H.decref(dict);
    }
    const key = H.intern(name);
    H.dict.setItem(dict, key, v);
    H.decref(key);
  }

  /** A method of a built-in type, args borrowed. */
  private callTypeMethod(obj: Ref, m: string, args: Ref[]): Ref {
    const H = this.H;
    const kind = H.kindOf(obj);
    if (kind === Kind.List) {
      switch (m) {
        case 'append':
          // CALL_LIST_APPEND (3.12+) / PRECALL_NO_KW_LIST_APPEND: no eval-breaker check.
          H.list.append(obj, args[0]);
          return this.none();
        case 'pop': {
          const n = H.list.length(obj);
          if (n === 0) throw new PythonException('IndexError', 'pop from empty list');
          if (args.length === 0) return this.afterCall(H.list.pop(obj));
          const i = this.index(args[0], n, 'pop');
          const item = H.list.get(obj, i);
          H.incref(item);
          this.counted[Op.CItem] += n - 1 - i; // the items after it move down
          H.list.delete(obj, i);
          return this.afterCall(item);
        }
        case 'insert': {
          // list.insert(i, x): clamped like a slice index; the items after it move up.
          const n = H.list.length(obj);
          let i = this.isInt(args[0]) ? H.intValue(args[0]) : Number.NaN;
          if (Number.isNaN(i)) throw new PythonException('TypeError', "'insert' index must be an integer");
          if (i < 0) i = Math.max(0, i + n);
          this.counted[Op.CItem] += n - Math.min(i, n); // the items after it move up
          H.list.insert(obj, Math.min(i, n), args[1]);
          return this.afterCall(this.none());
        }
        case 'clear':
          // list.clear is METH_NOARGS: CALL_METHOD_DESCRIPTOR_NOARGS checks the eval breaker.
          clearList(H, obj);
          return this.afterCall(this.none());
        case 'extend':
          // METH_O: CALL_METHOD_DESCRIPTOR_O checks the eval breaker.
          this.extendList(obj, args[0]);
          return this.afterCall(this.none());
        case 'index': {
          // list.index(x[, start[, stop]]) (METH_FASTCALL): == with identity first, from start.
          const n = H.list.length(obj);
          const bound = (i: number, dflt: number): number => {
            if (args.length <= i) return dflt;
            if (!this.isInt(args[i])) throw new PythonException('TypeError', 'slice indices must be integers or have an __index__ method');
            const b = H.intValue(args[i]);
            return b < 0 ? Math.max(0, b + n) : b;
          };
          const start = bound(1, 0);
          const stop = Math.min(bound(2, n), n);
          for (let i = start; i < stop && i < H.list.length(obj); i++) if (this.equal(H.list.get(obj, i), args[0])) return this.afterCall(H.ints.fromValue(i));
          throw new PythonException('ValueError', `${this.repr(args[0])} is not in list`);
        }
        case 'count': {
          let c = 0;
          for (let i = 0; i < H.list.length(obj); i++) if (this.equal(H.list.get(obj, i), args[0])) c++;
          return this.afterCall(H.ints.fromValue(c));
        }
        case 'reverse':
          H.list.reverse(obj);
          return this.afterCall(this.none());
        case 'copy':
          // list_copy_impl: list_slice(self, 0, len), a list of exactly its items.
          return this.afterCall(this.getSlice(obj, H.None, H.None, H.None));
        case 'sort':
          // METH_FASTCALL|METH_KEYWORDS: CALL_METHOD_DESCRIPTOR_FAST(_WITH_KEYWORDS) checks the eval breaker.
          if (args.length > 0) throw new PythonException('TypeError', 'sort() takes no positional arguments');
          this.sortList(obj, 0, false);
          return this.afterCall(this.none());
        case 'remove': {
          const n = H.list.length(obj);
          for (let i = 0; i < n; i++) {
            if (this.equal(H.list.get(obj, i), args[0])) {
              H.list.delete(obj, i);
              return this.afterCall(this.none());
            }
          }
          throw new PythonException('ValueError', 'list.remove(x): x not in list');
        }
      }
    }
    if (kind === Kind.Deque) {
      // METH_O / METH_NOARGS: CALL_METHOD_DESCRIPTOR_* checks the eval breaker.
      return this.afterCall(this.state.collections!.method(obj, m, args));
    }
    if (kind === Kind.Bytes && m === 'index') {
      // bytes.index(sub[, start]): METH_VARARGS until 3.13 (a tuple of its arguments).
      const packed = H.profile.argumentTupleBuiltins.includes('bytes.index') ? this.buildTupleOf(args, true) : 0;
      const hay = this.bytesOf(obj);
      const needle = this.bytesOf(args[0]);
      const from = args.length > 1 ? H.intValue(args[1]) : 0;
      if (packed !== 0) H.decref(packed);
      const at = indexOfBytes(hay, needle, from);
      if (at < 0) throw new PythonException('ValueError', 'subsection not found');
      return this.afterCall(H.ints.fromValue(at));
    }
    if (kind === Kind.Str) {
      const r = callStrMethod(this, obj, m, args);
      if (r !== 0) return this.afterCall(r);
    }
    if (kind === Kind.Dict && (m === 'keys' || m === 'values' || m === 'items')) {
      // METH_NOARGS: CALL_METHOD_DESCRIPTOR_NOARGS checks the eval breaker.
      return this.afterCall(H.dictViews.newView(obj, m === 'keys' ? Kind.DictKeys : m === 'values' ? Kind.DictValues : Kind.DictItems));
    }
    if (kind === Kind.Set && (m === 'add' || m === 'discard' || m === 'remove')) {
      // METH_O: CALL_METHOD_DESCRIPTOR_O checks the eval breaker.
      this.counted[Op.HashLookup]++;
      if (m === 'add') H.set.add(obj, args[0]);
      else if (!H.set.discard(obj, args[0]) && m === 'remove') throw this.keyError(args[0]);
      return this.afterCall(this.none());
    }
    if (kind === Kind.Set && m === 'clear') {
      // METH_NOARGS: set_clear_internal (the keys dropped, a separate table freed).
      H.set.clear(obj);
      return this.afterCall(this.none());
    }
    if (kind === Kind.Dict && m === 'setdefault') {
      // PyDict_SetDefault: the value there, or the default (None) stored under the key.
      if (args.length < 1 || args.length > 2) throw new PythonException('TypeError', `setdefault expected at least 1 argument, got ${args.length}`);
      this.counted[Op.HashLookup]++;
      let v = H.dict.getItem(obj, args[0]);
      if (v === 0) {
        v = args.length > 1 ? args[1] : H.None;
        H.dict.setItem(obj, args[0], v);
      }
      H.incref(v);
      return this.afterCall(v);
    }
    if (kind === Kind.Dict && m === 'pop') {
      // _PyDict_Pop: the entry goes (its value handed to the caller), or the default, or KeyError.
      if (args.length < 1 || args.length > 2) throw new PythonException('TypeError', `pop expected at least 1 argument, got ${args.length}`);
      this.counted[Op.HashLookup]++;
      const v = H.dict.getItem(obj, args[0]);
      if (v === 0) {
        if (args.length < 2) throw this.keyError(args[0]);
        H.incref(args[1]);
        return this.afterCall(args[1]);
      }
      H.incref(v);
      H.dict.delItem(obj, args[0]);
      return this.afterCall(v);
    }
    if (kind === Kind.Dict && m === 'get') {
      this.counted[Op.HashLookup]++;
      const v = H.dict.getItem(obj, args[0]);
      const r = v !== 0 ? v : args.length > 1 ? args[1] : H.None;
      H.incref(r);
      return this.afterCall(r);
    }
    throw new PythonException('AttributeError', `'${H.types.nameOf(H.typeOf(obj))}' object has no attribute '${m}'`);
  }

  /** `afterCall` for the library modules. */
  checkAfterCall(r: Ref): Ref {
    return this.afterCall(r);
  }

  /** The eval-breaker check on return from a generic C call; passes its result through. */
  private afterCall(r: Ref): Ref {
    // No collection waits: the check does nothing (and the stand-in frame below would show nothing).
    if (!this.H.gc.isScheduled) return r;
    // The call's result is on the value stack when CHECK_PERIODIC runs: a root for the collector.
    // A frame of its own stands for that stack top (pushed now, so the incremental collector,
    // which skips frames it has visited, looks at it), holding a borrowed reference.
    const roots = this.H.roots;
    const top = roots.pushFrame(1);
    top.locals[0] = r;
    this.H.evalBreaker();
    top.locals[0] = 0;
    roots.popFrame();
    return r;
  }

  // ---- generators -----------------------------------------------------------------------------

  /** Calling a generator function: the generator object with the arguments (consumed) in its frame. */
  private makeGenerator(code: Code, fn: Ref, args: Ref[]): Ref {
    const H = this.H;
    const gen = H.generator(code.spec.generatorSlots);
    const G = H.generatorSlotsWord(gen);
    for (let i = 0; i < args.length; i++) this.I[G + 2 * i] = args[i];
    H.incref(fn);
    if (H.hooks.generatorFreed === undefined) this.installGeneratorHook();
    const index = this.freeRunners.pop() ?? this.runners.length;
    this.runners[index] = { gen: code.js(fn, G) as Generator<Ref, Ref, Ref>, fn };
    this.I[gen + FIELD.GEN_RUNNER] = index;
    return gen;
  }

  /**
   * A generator dropped before it finished: _PyFrame_ClearExceptCode's last step, f_funcobj
   * dropped (the heap has cleared the frame's slots), and its runner freed for reuse. Not
   * simulated: gen_close's GeneratorExit (its exception, traceback and frame object are
   * transient: a peak difference only) and the finally blocks it would run.
   */
  private installGeneratorHook(): void {
    const H = this.H;
    H.hooks = {
      ...H.hooks,
      generatorFreed: (_heap, gen) => {
        const index = this.I[gen + FIELD.GEN_RUNNER];
        this.I[gen + FIELD.GEN_RUNNER] = 0;
        const runner = this.runners[index];
        if (runner === undefined) return;
        this.runners[index] = undefined;
        this.freeRunners.push(index);
        if (!this.state.released) H.decref(runner.fn);
      },
    };
  }

  /** One resumption of a generator: the yielded value (new reference), or 0 when it has finished. */
  private resume(gen: Ref): Ref {
    const index = this.I[gen + FIELD.GEN_RUNNER];
    const runner = index === 0 ? undefined : this.runners[index];
    if (runner === undefined) return 0;
    const step = runner.gen.next(this.H.None);
    if (!step.done) return step.value;
    // The frame is cleared when the generator returns: its slots first to last, then f_funcobj.
    const H = this.H;
    H.decref(step.value);
    const n = this.I[gen + FIELD.GEN_NSLOTS];
    const G = H.generatorSlotsWord(gen);
    for (let i = 0; i < n; i++) {
      const v = this.I[G + 2 * i];
      if (v !== 0) {
        this.I[G + 2 * i] = 0;
        H.decref(v);
      }
    }
    this.I[gen + FIELD.GEN_RUNNER] = 0;
    this.runners[index] = undefined;
    this.freeRunners.push(index);
    H.decref(runner.fn);
    return 0;
  }

  *yieldFrom(it: Ref): Generator<Ref, Ref, Ref> {
    for (;;) {
      const v = this.next(it);
      if (v === 0) break;
      // SEND's RESUME (oparg 2) does not check the eval breaker.
      yield v;
    }
    this.H.decref(it);
    return this.none();
  }

  // ---- iteration ------------------------------------------------------------------------------

  /** GET_ITER: the iterable (consumed) -> its iterator (new reference). */
  getIter(v: Ref): Ref {
    const H = this.H;
    switch (H.kindOf(v)) {
      case Kind.Range: {
        const it = H.iter.rangeIter(v);
        H.decref(v);
        return it;
      }
      case Kind.List: {
        const it = H.iter.seqIter(v, Kind.ListIter);
        H.decref(v);
        return it;
      }
      case Kind.Tuple: {
        const it = H.iter.seqIter(v, Kind.TupleIter);
        H.decref(v);
        return it;
      }
      case Kind.Dict: {
        const it = H.dictViews.newIter(v, Kind.DictKeyIter);
        H.decref(v);
        return it;
      }
      case Kind.DictKeys:
      case Kind.DictValues:
      case Kind.DictItems: {
        const it = H.dictViews.newIter(H.dictViews.viewDict(v), iterKindOfView(H.kindOf(v) as DictViewKind));
        H.decref(v);
        return it;
      }
      case Kind.Deque:
        return this.state.collections!.iter(v);
      case Kind.RangeIter:
      case Kind.ListIter:
      case Kind.TupleIter:
      case Kind.DequeIter:
      case Kind.Generator:
      case Kind.Enumerate:
      case Kind.DictKeyIter:
      case Kind.DictValueIter:
      case Kind.DictItemIter:
        return v;
      case Kind.Str:
      case Kind.Set: {
        const it = H.kindOf(v) === Kind.Str ? strIterator(this, v) : setIterator(this, v);
        H.decref(v);
        return it;
      }
      default: {
        if (this.isZip(v) || isCIterator(this, v)) return v;
        // A class with __iter__: its result (a generator, for the usual `yield` methods).
        const dunder = this.dunder(v, '__iter__');
        if (dunder !== 0) return this.callFunction(dunder, [], undefined, v);
        const name = H.types.nameOf(H.typeOf(v));
        H.decref(v);
        throw new PythonException('TypeError', `'${name}' object is not iterable`);
      }
    }
  }

  /** FOR_ITER: the next item (new reference) or 0 when the iterator is exhausted. */
  next(it: Ref): Ref {
    // The loops over ranges, lists and tuples first, small enough for V8 to inline into a loop.
    const type = this.I[it + OB.TYPE];
    this.counted[Op.CItem]++;
    if (type === Kind.RangeIter) {
      const v = this.H.iter.rangeIterNext(it);
      return v !== v ? 0 : this.H.ints.fromValue(v);
    }
    if (type === Kind.ListIter || type === Kind.TupleIter) return this.H.iter.seqIterNext(it);
    return this.nextOther(it, type);
  }

  private nextOther(it: Ref, type: number): Ref {
    const H = this.H;
    switch (type) {
      case Kind.Generator:
        return this.resume(it);
      case Kind.DequeIter:
        return this.state.collections!.iterNext(it);
      case Kind.Enumerate: {
        const item = this.next(this.I[it + FIELD.ENUM_ITER]);
        return item === 0 ? 0 : H.iter.enumerateStep(it, item);
      }
      case Kind.DictKeyIter:
      case Kind.DictValueIter:
      case Kind.DictItemIter: {
        const item = H.dictViews.next(it);
        if (item === DICT_CHANGED_SIZE) throw new PythonException('RuntimeError', 'dictionary changed size during iteration');
        return item;
      }
      default: {
        if (this.isZip(it)) return this.zipNext(it);
        const item = cIteratorNext(this, it);
        if (item !== undefined) return item;
        const nextMethod = this.dunder(it, '__next__');
        if (nextMethod !== 0) return this.callNextMethod(nextMethod, it);
        throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(it))}' object is not an iterator`);
      }
    }
  }

  /**
   * builtin_next without a default: the next item (new reference); at the end StopIteration, a
   * program's `__next__`'s own as it raised it (its traceback kept), else a new one.
   */
  nextOrRaise(it: Ref): Ref {
    const nextMethod = this.dunder(it, '__next__');
    if (nextMethod !== 0) return this.callSpecial(nextMethod, it, []);
    const v = this.next(it);
    if (v === 0) throw new PythonException('StopIteration', '');
    return v;
  }

  /**
   * slot_tp_iternext: a program's `__next__` (borrowed) on `it`; its StopIteration ends the
   * iteration (FOR_ITER clears it: the exception object and its traceback go). 0 at the end.
   */
  private callNextMethod(fn: Ref, it: Ref): Ref {
    try {
      return this.callSpecial(fn, it, []);
    } catch (err) {
      if (!(err instanceof PythonException) || err.type !== 'StopIteration') throw err;
      this.dropException(err);
      return 0;
    }
  }

  /** UNPACK_SEQUENCE: the items of a tuple or list of length n (consumed), as new references. */
  unpack(v: Ref, n: number): Ref[] {
    const H = this.H;
    const kind = H.kindOf(v);
    const len = kind === Kind.Tuple ? H.tupleLength(v) : kind === Kind.List ? H.list.length(v) : -1;
    if (len < 0) throw new PythonException('TypeError', `cannot unpack non-iterable ${H.types.nameOf(H.typeOf(v))} object`);
    if (len !== n) throw new PythonException('ValueError', len > n ? `too many values to unpack (expected ${n})` : `not enough values to unpack (expected ${n}, got ${len})`);
    const out: Ref[] = [];
    for (let i = 0; i < n; i++) {
      const item = kind === Kind.Tuple ? H.tupleItem(v, i) : H.list.get(v, i);
      H.incref(item);
      out.push(item);
    }
    H.decref(v);
    return out;
  }

  contains(container: Ref, item: Ref): boolean {
    const H = this.H;
    switch (H.kindOf(container)) {
      case Kind.Deque:
        return this.state.collections!.contains(container, item, (a, b) => this.equal(a, b));
      case Kind.Dict:
        this.counted[Op.HashLookup]++;
        return H.dict.getItem(container, item) !== 0;
      case Kind.Set:
        this.counted[Op.HashLookup]++;
        return H.set.contains(container, item);
      case Kind.List: {
        const n = H.list.length(container);
        for (let i = 0; i < n; i++) {
          this.counted[Op.CItem]++;
          if (this.equal(H.list.get(container, i), item)) return true;
        }
        return false;
      }
      case Kind.Tuple: {
        const n = H.tupleLength(container);
        for (let i = 0; i < n; i++) {
          this.counted[Op.CItem]++;
          if (this.equal(H.tupleItem(container, i), item)) return true;
        }
        return false;
      }
      default: {
        const found = containsOf(this, container, item);
        if (found !== undefined) return found;
        throw new PythonException('TypeError', `argument of type '${H.types.nameOf(H.typeOf(container))}' is not iterable`);
      }
    }
  }

  /**
   * `a == b`: numbers, strs, bytes and tuples by value (the heap's), lists and tuples item by item,
   * dicts by their items, an instance of a class with `__eq__` by calling it; otherwise identity.
   */
  /** Equality as containers compare items (PyObject_RichCompareBool): an object equals itself. */
  private equal(a: Ref, b: Ref): boolean {
    return a === b || this.equalValues(a, b);
  }

  /**
   * `a == b` (PyObject_RichCompare): no identity shortcut, so `x == x` is False for a NaN and is
   * what `__eq__` answers for an instance.
   */
  private richEqual(a: Ref, b: Ref): boolean {
    if (a === b && this.I[a + OB.TYPE] !== Kind.Float && this.dunder(a, '__eq__') === 0) return true;
    return this.equalValues(a, b);
  }

  private equalValues(a: Ref, b: Ref): boolean {
    const H = this.H;
    // Two floats, or two ints of at most 53 bits: their values compare directly.
    const ta = this.I[a + OB.TYPE];
    const tb = this.I[b + OB.TYPE];
    if (ta === Kind.Float && tb === Kind.Float) return H.floatValue(a) === H.floatValue(b);
    if (ta === Kind.Int && tb === Kind.Int && H.ints.isSmallValue(a) && H.ints.isSmallValue(b)) return H.intValue(a) === H.intValue(b);
    const ka = H.kindOf(a);
    const kb = H.kindOf(b);
    if (ka === Kind.List && kb === Kind.List) {
      const n = H.list.length(a);
      if (n !== H.list.length(b)) return false;
      for (let i = 0; i < n; i++) if (!this.equal(H.list.get(a, i), H.list.get(b, i))) return false;
      return true;
    }
    if (ka === Kind.Tuple && kb === Kind.Tuple) {
      const n = H.tupleLength(a);
      if (n !== H.tupleLength(b)) return false;
      for (let i = 0; i < n; i++) if (!this.equal(H.tupleItem(a, i), H.tupleItem(b, i))) return false;
      return true;
    }
    if (ka === Kind.Dict && kb === Kind.Dict) throw new PythonException('TypeError', 'dict == dict is not simulated yet');
    if (this.I[a + OB.TYPE] >= CLASS_ID_BASE || this.I[b + OB.TYPE] >= CLASS_ID_BASE) {
      const r = richCompare(this, a, b, '==');
      if (r !== 0) {
        const t = this.truth(r);
        H.decref(r);
        return t;
      }
    }
    return H.equal(a, b);
  }

  /**
   * `a == b` / `a != b` as COMPARE_OP runs it when an operand is an instance of a program's class:
   * no identity short cut, the special method's result itself (new reference).
   */
  private compareInstances(a: Ref, b: Ref, op: CompareOp): Ref {
    const r = richCompare(this, a, b, op);
    if (r !== 0) return r;
    // No special method answered: the base type's comparison (a tuple or list subclass compares
    // its items, a plain instance is equal only to itself).
    const equal = this.equalValues(a, b);
    return this.bool(op === '==' ? equal : !equal);
  }

  // ---- displays -------------------------------------------------------------------------------

  /** BUILD_LIST: the items (consumed) into a list of exactly their number of slots. */
  buildList(...items: Ref[]): Ref {
    const H = this.H;
    const list = H.list.newList(items.length);
    for (let i = 0; i < items.length; i++) H.list.init(list, i, items[i]);
    return list;
  }

  /**
   * BUILD_TUPLE of 1-3 items (`_PyTuple_FromArraySteal`: the tuple takes the references). 3.14.1+
   * tracks it only if an item's type is a GC type.
   */
  buildTuple1(a: Ref): Ref {
    const H = this.H;
    const t = H.newTuple(1, this.tracksTuple(a, a, a));
    H.tupleInit(t, 0, a);
    return t;
  }

  buildTuple2(a: Ref, b: Ref): Ref {
    const H = this.H;
    const t = H.newTuple(2, this.tracksTuple(a, b, b));
    H.tupleInit(t, 0, a);
    H.tupleInit(t, 1, b);
    return t;
  }

  buildTuple3(a: Ref, b: Ref, c: Ref): Ref {
    const H = this.H;
    const t = H.newTuple(3, this.tracksTuple(a, b, c));
    H.tupleInit(t, 0, a);
    H.tupleInit(t, 1, b);
    H.tupleInit(t, 2, c);
    return t;
  }

  private tracksTuple(a: Ref, b: Ref, c: Ref): boolean {
    const H = this.H;
    if (H.profile.tupleTracking === 'always') return true;
    const isGC = H.types.isGC;
    const I = this.I;
    return isGC[I[a + OB.TYPE]] !== 0 || isGC[I[b + OB.TYPE]] !== 0 || isGC[I[c + OB.TYPE]] !== 0;
  }

  /** BUILD_LIST of 0-3 items (consumed): exactly their number of slots. */
  buildList0(): Ref {
    return this.H.list.newList(0);
  }

  buildList1(a: Ref): Ref {
    const list = this.H.list.newList(1);
    this.H.list.init(list, 0, a);
    return list;
  }

  buildList2(a: Ref, b: Ref): Ref {
    const list = this.H.list.newList(2);
    this.H.list.init(list, 0, a);
    this.H.list.init(list, 1, b);
    return list;
  }

  /**
   * UNPACK_SEQUENCE's check: a tuple or list of exactly n items. Returns the word of item 0 (the
   * items are two words apart); the compiled code takes them first to last, increfs each and
   * drops the sequence.
   */
  unpackCheck(site: number, code: number, v: Ref, n: number): number {
    const I = this.I;
    // A specialised site (UNPACK_SEQUENCE_TUPLE / _TWO_TUPLE) and an exact tuple: nothing else to do.
    if (I[v + OB.TYPE] === Kind.Tuple && this.siteRuns[site] === SITE_TUPLE && I[v + OB.SIZE] === n) return v + this.H.tupleItemsWord;
    const H = this.H;
    const kind = H.kindOf(v);
    const len = kind === Kind.Tuple ? H.tupleLength(v) : kind === Kind.List ? H.list.length(v) : -1;
    if (len === n) {
      const first = kind === Kind.Tuple ? v + H.tupleItemsWord : I[v + FIELD.LIST_ITEMS];
      // UNPACK_SEQUENCE_TUPLE / _TWO_TUPLE / _LIST read the items directly; until the site has
      // specialised (or on a deoptimised run), unpack_iterable goes through an iterator.
      let state = this.siteRuns[site];
      if (state < SITE_FLOAT && this.specialisesNow(site, code)) this.siteRuns[site] = state = kind === Kind.Tuple ? SITE_TUPLE : SITE_LIST;
      if (state === (kind === Kind.Tuple ? SITE_TUPLE : SITE_LIST)) return first;
      const it = H.iter.seqIter(v, kind === Kind.Tuple ? Kind.TupleIter : Kind.ListIter);
      // n items, then the look for one more that exhausts the iterator (it lets go of the sequence).
      for (let item = H.iter.seqIterNext(it); item !== 0; item = H.iter.seqIterNext(it)) H.decref(item);
      H.decref(it);
      return first;
    }
    if (len < 0) throw new PythonException('TypeError', `cannot unpack non-iterable ${H.types.nameOf(H.typeOf(v))} object`);
    throw new PythonException('ValueError', len > n ? `too many values to unpack (expected ${n})` : `not enough values to unpack (expected ${n}, got ${len})`);
  }

  /** BUILD_TUPLE: the items consumed. 3.14.1+ tracks it only if an item may be a GC object. */
  buildTuple(...items: Ref[]): Ref {
    const t = this.buildTupleOf(items, true);
    for (const it of items) this.H.decref(it);
    return t;
  }

  /** A tuple of borrowed items (the items gain a reference each). */
  buildTupleOf(items: readonly Ref[], track: boolean): Ref {
    const H = this.H;
    if (items.length === 0) return H.sharedRef(H.emptyTuple);
    void track;
    return H.tupleOfArray(items);
  }

  /** BUILD_MAP: key, value, key, value… (consumed). */
  buildDict(...kv: Ref[]): Ref {
    const H = this.H;
    const d = H.dict.newDict();
    for (let i = 0; i < kv.length; i += 2) {
      H.dict.setItem(d, kv[i], kv[i + 1]);
      H.decref(kv[i]);
      H.decref(kv[i + 1]);
    }
    return d;
  }

  /**
   * DICT_MERGE of a call's `**v` (consumed) into the call's keyword dict `d` (borrowed): f, the
   * callable (borrowed), is named in the errors as `_PyObject_FunctionStr` names it.
   */
  mergeKeywords(f: Ref, d: Ref, v: Ref): void {
    const H = this.H;
    try {
      if (H.kindOf(v) !== Kind.Dict) throw new PythonException('TypeError', `${this.functionStr(f)} argument after ** must be a mapping, not ${H.types.nameOf(H.typeOf(v))}`);
      if (this.I[v + FIELD.DICT_VALUES] !== 0) throw new PythonException('NotImplementedError', "'**' of an instance's __dict__ is not simulated yet");
      for (let ix = H.dict.nextEntry(v, 0); ix >= 0; ix = H.dict.nextEntry(v, ix + 1)) {
        // _PyStack_UnpackDict's check, when the call unpacks the dict (its message names no function).
        if (H.kindOf(H.dict.entryKey(v, ix)) !== Kind.Str) throw new PythonException('TypeError', 'keywords must be strings');
      }
      const duplicate = H.dict.merge(d, v);
      if (duplicate !== 0) throw new PythonException('TypeError', `${this.functionStr(f)} got multiple values for keyword argument '${H.str.read(duplicate)}'`);
    } finally {
      H.decref(v);
    }
  }

  /** A callable as `_PyObject_FunctionStr` names it in call errors: `__main__.f()`, `__main__.C.m()`, `len()`. */
  private functionStr(f: Ref): string {
    const H = this.H;
    if (this.I[f + OB.TYPE] === Kind.Function) {
      const key = H.intern('__name__');
      const name = H.dict.getItem(this.I[f + FIELD.FUNC_GLOBALS], key);
      H.decref(key);
      const module = name !== 0 && H.kindOf(name) === Kind.Str ? H.str.read(name) : this.moduleName;
      const qualname = this.C[this.I[f + FIELD.FUNC_CODE]].spec.qualname;
      return module === 'builtins' ? `${qualname}()` : `${module}.${qualname}()`;
    }
    // A bound method's __qualname__ and __module__ are its function's.
    if (this.I[f + OB.TYPE] === Kind.BoundMethod) return this.functionStr(this.I[f + FIELD.METHOD_FUNC]);
    const h = this.handleOf(f);
    if (h !== undefined && 'name' in h) return `${h.name}()`;
    return `${H.types.nameOf(H.typeOf(f))} object`;
  }

  buildSet(...items: Ref[]): Ref {
    const H = this.H;
    const s = H.set.newSet();
    for (const it of items) {
      H.set.add(s, it);
      H.decref(it);
    }
    return s;
  }

  // ---- attributes and items -------------------------------------------------------------------

  getAttr(obj: Ref, name: number): Ref {
    const H = this.H;
    const type = this.I[obj + OB.TYPE];
    const table = type >= CLASS_ID_BASE ? this.attrTables[type - CLASS_ID_BASE] : undefined;
    if (table !== undefined) {
      const at = name * ATTR_STRIDE;
      const where = table[at + ATTR_WHERE];
      if (where !== 0) {
        const w = where < 0 ? obj + FIELD.SLOTS_FIRST + 2 * (-where - 1) : H.dict.instanceValueWord(obj, where - 1);
        const v = w === 0 ? 0 : this.I[w];
        if (v !== 0) {
          H.incref(v);
          return v;
        }
      }
      if (table[at + ATTR_CLASS_EPOCH] === this.state.instanceAttrEpoch + 1) {
        const cv = table[at + ATTR_CLASS_VALUE];
        if (this.I[cv + OB.TYPE] === Kind.Function) return H.boundMethod(cv, obj);
        H.incref(cv);
        return cv;
      }
    }
    if (obj === this.moduleAttrCacheObject[name]) {
      const v = this.moduleAttrCacheValue[name];
      H.incref(v);
      return v;
    }
    if (obj === this.classObjectAttrCacheObject[name] && this.classObjectAttrCacheEpoch[name] === this.state.instanceAttrEpoch + 1) {
      const v = this.classObjectAttrCacheValue[name];
      H.incref(v);
      return v;
    }
    return this.getAttrUncached(obj, name);
  }

  // getAttr's look-ups that fill its caches (kept out of line: the cached paths above stay small enough to inline).
  private getAttrUncached(obj: Ref, name: number): Ref {
    const H = this.H;
    const type = this.I[obj + OB.TYPE];
    const n = this.names[name];
    if (type === Kind.Handle) {
      const h = this.handles[this.I[obj + FIELD.HANDLE_INDEX]];
      if (h.kind === 'module') {
        const v = this.cachedModuleAttr(obj, h, name);
        H.incref(v);
        return v;
      }
      if (h.kind === 'pymodule') return this.programModuleAttr(h.runtime, n);
      if (h.kind === 'class') {
        const v = classAttr(h, n);
        if (v === undefined) throw new PythonException('AttributeError', `type object '${h.name}' has no attribute '${n}'`);
        if (this.wrapperKind(v) === undefined) {
          this.classObjectAttrCacheObject[name] = obj;
          this.classObjectAttrCacheValue[name] = v;
          this.classObjectAttrCacheEpoch[name] = this.state.instanceAttrEpoch + 1;
        }
        return this.descriptorValue(v, obj);
      }
    }
    if (type >= CLASS_ID_BASE && n === '__class__') {
      const record = this.classByType[type - CLASS_ID_BASE];
      if (record !== undefined) return H.sharedRef(this.handleRefs.get(`class:${record.code}`)!);
    }
    if (type >= CLASS_ID_BASE && H.kindOf(obj) === Kind.Tuple) {
      // A namedtuple's field: its _tuplegetter reads the item.
      const i = this.classByType[type - CLASS_ID_BASE]?.fields?.indexOf(n) ?? -1;
      if (i >= 0) return H.sharedRef(H.tupleItem(obj, i));
    }
    if (type >= CLASS_ID_BASE) {
      const v = this.attrOf(obj, n);
      if (v !== 0) {
        this.cacheInstanceAttr(obj, type, name);
        H.incref(v);
        return v;
      }
      if (H.kindOf(obj) === Kind.SlotsInstance) {
        const info = H.types.classInfo(type);
        const i = info.slots.indexOf(n);
        if (i >= 0) {
          const s = H.getSlot(obj, i);
          if (s !== 0) {
            this.cacheInstanceAttr(obj, type, name);
            H.incref(s);
            return s;
          }
        }
      }
      const h = this.classHandleOf(type);
      const cv = h === undefined ? undefined : classAttr(h, n);
      if (cv !== undefined) {
        if (this.wrapperKind(cv) !== undefined) return this.descriptorValue(cv, this.handleRefs.get(`class:${h!.code}`)!);
        // A property is never cached: each read calls its getter.
        if (this.isCType(cv, 'property')) return this.propertyGet(cv, obj, n);
        this.cacheClassAttr(h!, type, name, cv);
        if (this.I[cv + OB.TYPE] === Kind.Function) return H.boundMethod(cv, obj);
        H.incref(cv);
        return cv;
      }
    }
    if (type < CLASS_ID_BASE && TYPE_METHODS[H.kindOf(obj)]?.has(n)) {
      // LOAD_ATTR of a method of a built-in type (not called at once): the method descriptor's
      // __get__ makes a builtin_function_or_method bound to the object (PyCMethod_New).
      return this.boundBuiltinMethod(obj, this.N[name]);
    }
    throw new PythonException('AttributeError', `'${H.types.nameOf(type)}' object has no attribute '${n}'`);
  }

  /**
   * A class attribute read (not called) through its class: a classmethod's bound method to the
   * class, a staticmethod's function, anything else itself. New reference.
   */
  private descriptorValue(v: Ref, clsRef: Ref): Ref {
    const kind = this.wrapperKind(v);
    const fn = kind === undefined ? v : this.H.getSlot(v, 0);
    if (kind === 'classmethod') return this.H.boundMethod(fn, clsRef);
    this.H.incref(fn);
    return fn;
  }

  setAttr(obj: Ref, name: number, v: Ref): void {
    const H = this.H;
    const type = this.I[obj + OB.TYPE];
    const where = type >= CLASS_ID_BASE ? (this.attrTables[type - CLASS_ID_BASE]?.[name * ATTR_STRIDE + ATTR_WHERE] ?? 0) : 0;
    if (where !== 0) {
      if (where < 0) return H.setSlot(obj, -where - 1, v);
      const w = H.dict.instanceValueWord(obj, where - 1);
      if (w !== 0) {
        const old = this.I[w];
        H.incref(v);
        this.I[w] = v;
        H.xdecref(old);
        return;
      }
    }
    this.setAttrUncached(obj, name, v);
  }

  private setAttrUncached(obj: Ref, name: number, v: Ref): void {
    if (this.I[obj + OB.TYPE] === Kind.Handle) {
      const h = this.handles[this.I[obj + FIELD.HANDLE_INDEX]];
      if (h.kind === 'class') return this.setClassAttr(h, this.names[name], v);
    }
    this.storeInstanceAttr(obj, this.names[name], v);
    this.cacheInstanceAttr(obj, this.I[obj + OB.TYPE], name);
  }

  /** STORE_ATTR's slow path, by the attribute's text: an instance of one of the program's classes (v borrowed). */
  private storeInstanceAttr(obj: Ref, n: string, v: Ref): void {
    const H = this.H;
    const type = this.I[obj + OB.TYPE];
    if (type < CLASS_ID_BASE) throw new PythonException('AttributeError', `'${H.types.nameOf(type)}' object has no attribute '${n}'`);
    const record = this.classByType[type - CLASS_ID_BASE];
    const descriptor = record === undefined ? undefined : classAttr(record, n);
    if (descriptor !== undefined && this.isCType(descriptor, 'property')) return this.propertySet(descriptor, obj, n, v);
    if (record?.info.kind === Kind.List) throw new PythonException('NotImplementedError', `attributes of a list subclass's instances ('${record.name}.${n}') are not simulated yet`);
    if (record !== undefined && !record.instanceAttrs.has(n)) {
      record.instanceAttrs.add(n);
      this.state.instanceAttrEpoch++;
    }
    if (record?.exception !== undefined) return this.storeExceptionAttr(obj, n, v);
    H.setAttr(obj, n, v);
  }

  /** `setattr(obj, name, v)` (all borrowed): PyObject_SetAttr interns the name in place first. */
  setAttrNamed(obj: Ref, name: Ref, v: Ref): void {
    const H = this.H;
    if (H.kindOf(name) !== Kind.Str) throw new PythonException('TypeError', `attribute name must be string, not '${H.types.nameOf(H.typeOf(name))}'`);
    H.incref(name);
    const interned = H.str.internInPlace(name);
    try {
      this.storeInstanceAttr(obj, H.str.read(interned), v);
    } finally {
      H.decref(interned);
    }
  }

  /**
   * Fills the class-attribute cache for `name` (found in the class's namespace as `value`), unless
   * an instance of the class has ever had an attribute of that name (it may shadow it).
   */
  private cacheClassAttr(record: ClassRecord, type: number, name: number, value: Ref): void {
    if (record.instanceAttrs.has(this.names[name])) return;
    const table = this.attrTable(type);
    table[name * ATTR_STRIDE + ATTR_CLASS_VALUE] = value;
    table[name * ATTR_STRIDE + ATTR_CLASS_EPOCH] = this.state.instanceAttrEpoch + 1;
  }

  /** The attrTables entry of a program's class, made when first needed. */
  private attrTable(type: number): Int32Array {
    return (this.attrTables[type - CLASS_ID_BASE] ??= new Int32Array(this.names.length * ATTR_STRIDE));
  }

  /** A module's attribute `name` (borrowed), remembered for the next look-up. */
  private cachedModuleAttr(obj: Ref, h: Extract<Handle, { kind: 'module' }>, name: number): Ref {
    const v = h.attrs.get(this.names[name]);
    if (v === undefined) throw new PythonException('AttributeError', `module '${h.name}' has no attribute '${this.names[name]}'`);
    this.moduleAttrCacheObject[name] = obj;
    this.moduleAttrCacheValue[name] = v;
    return v;
  }

  /** Fills the attribute cache for `name` on this instance's class, where that is possible. */
  private cacheInstanceAttr(obj: Ref, type: number, name: number): void {
    const H = this.H;
    const info = H.types.classInfo(type);
    const n = this.names[name];
    if (info.kind === Kind.SlotsInstance) {
      const i = info.slots.indexOf(n);
      if (i < 0) return;
      this.attrTable(type)[name * ATTR_STRIDE + ATTR_WHERE] = -i - 1;
      return;
    }
    if (info.kind !== Kind.Instance) return;
    const ix = H.dict.sharedKeyIndexOf(info, n);
    if (ix < 0 || H.dict.instanceValueWord(obj, ix) === 0) return;
    this.attrTable(type)[name * ATTR_STRIDE + ATTR_WHERE] = ix + 1;
  }

  getItem(obj: Ref, key: Ref): Ref {
    const H = this.H;
    const I = this.I;
    // The common case first: a list or tuple indexed by an int in range.
    const type = I[obj + OB.TYPE];
    if ((type === Kind.List || type === Kind.Tuple) && I[key + OB.TYPE] === Kind.Int) {
      const length = type === Kind.List ? I[obj + FIELD.LIST_SIZE] : I[obj + OB.SIZE];
      let i = H.intValue(key);
      if (i < 0) i += length;
      if (i >= 0 && i < length) {
        const v = type === Kind.List ? H.list.get(obj, i) : H.tupleItem(obj, i);
        H.incref(v);
        return v;
      }
    }
    switch (H.kindOf(obj)) {
      case Kind.Dict: {
        this.counted[Op.HashLookup]++;
        const v = H.dict.getItem(obj, key);
        if (v === 0) {
          // dict_subscript of a subclass: its __missing__.
          if (type === Kind.DefaultDict) return this.state.collections!.missing(obj, key);
          throw this.keyError(key);
        }
        H.incref(v);
        return v;
      }
      case Kind.List: {
        const i = this.index(key, H.list.length(obj), 'list');
        const v = H.list.get(obj, i);
        H.incref(v);
        return v;
      }
      case Kind.Tuple: {
        const i = this.index(key, H.tupleLength(obj), 'tuple');
        const v = H.tupleItem(obj, i);
        H.incref(v);
        return v;
      }
      case Kind.Deque:
        return this.state.collections!.item(obj, key);
      case Kind.Array: {
        // PyLong_FromLongLong / PyFloat_FromDouble of the item.
        const i = this.index(key, H.arrays.length(obj), 'array');
        const v = H.arrays.get(obj, i);
        return H.arrays.isFloat(obj) ? H.float(v) : H.ints.fromValue(v);
      }
      case Kind.Bytes: {
        // bytes[i]: the byte as an int (a cached small int).
        const i = this.index(key, H.i32[obj + FIELD.BYTES_SIZE], 'index');
        return H.int(H.u8[obj * 4 + FIELD.BYTES_DATA_BYTE + i]);
      }
      case Kind.Str: {
        // unicode_getitem: the character as a str (unicode_char: the cached one below 256).
        const text = H.str.read(obj);
        const chars = /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : text;
        const i = this.index(key, chars.length, 'string');
        return H.str.create(chars[i]);
      }
      default: {
        const dunder = this.dunder(obj, '__getitem__');
        if (dunder !== 0) {
          H.incref(obj);
          H.incref(key);
          return this.callFunction(dunder, [key], undefined, obj);
        }
        const weakref = this.state.weakref;
        if (weakref?.isWeakValueDict(obj)) {
          this.charge(WVD_GETITEM_OPS);
          const v = weakref.getItem(obj, key);
          if (v === 0) throw this.keyError(key);
          return v;
        }
        throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(obj))}' object is not subscriptable`);
      }
    }
  }

  /** `obj[lo:hi:step]` of a list, tuple, str or bytes: a new object of exactly the slice's items. */
  getSlice(obj: Ref, lo: Ref, hi: Ref, step: Ref): Ref {
    const H = this.H;
    const I = this.I;
    const kind = H.kindOf(obj);
    const length = kind === Kind.List ? I[obj + FIELD.LIST_SIZE] : kind === Kind.Tuple ? H.tupleLength(obj) : kind === Kind.Str ? H.str.read(obj).length : kind === Kind.Bytes ? I[obj + FIELD.BYTES_SIZE] : -1;
    if (length < 0) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(obj))}' object is not subscriptable`);
    const st = step === H.None ? 1 : this.sliceIndex(step);
    if (st === 0) throw new PythonException('ValueError', 'slice step cannot be zero');
    // PySlice_AdjustIndices
    const start = lo === H.None ? (st > 0 ? 0 : length - 1) : adjustSliceIndex(this.sliceIndex(lo), length, st);
    const stop = hi === H.None ? (st > 0 ? length : -1) : adjustSliceIndex(this.sliceIndex(hi), length, st);
    const count = st > 0 ? (stop > start ? Math.floor((stop - start - 1) / st) + 1 : 0) : stop < start ? Math.floor((start - stop - 1) / -st) + 1 : 0;
    this.counted[Op.CItem] += count;
    switch (kind) {
      case Kind.List: {
        const out = H.list.newList(count);
        const items = I[obj + FIELD.LIST_ITEMS];
        for (let k = 0, i = start; k < count; k++, i += st) {
          const item = I[items + 2 * i];
          H.incref(item);
          H.list.init(out, k, item);
        }
        return out;
      }
      case Kind.Tuple: {
        if (count === length && st === 1) return H.sharedRef(obj);
        const items: Ref[] = new Array(count);
        for (let k = 0, i = start; k < count; k++, i += st) items[k] = H.tupleItem(obj, i);
        return this.buildTupleOf(items, true);
      }
      case Kind.Str: {
        const text = H.str.read(obj);
        if (st === 1) return H.newStr(text.slice(start, start + count));
        let out = '';
        for (let k = 0, i = start; k < count; k++, i += st) out += text[i];
        return H.newStr(out);
      }
      default: {
        const base = obj * 4 + FIELD.BYTES_DATA_BYTE;
        const out = new Uint8Array(count);
        for (let k = 0, i = start; k < count; k++, i += st) out[k] = H.u8[base + i];
        return H.bytes(out);
      }
    }
  }

  /** A slice bound or step that is not None: an int (PyNumber_AsSsize_t). */
  private sliceIndex(v: Ref): number {
    if (!this.isInt(v)) throw new PythonException('TypeError', 'slice indices must be integers or None or have an __index__ method');
    return this.H.intValue(v);
  }

  /**
   * `lst[lo:hi] = v` (3.12+ STORE_SLICE, 3.11 BUILD_SLICE + STORE_SUBSCR; the slice object comes
   * from the one-entry cache either way), all borrowed: list_ass_slice with the items of `v`
   * (PySequence_Fast: a list or tuple as it is, `lst` itself copied first, anything else made a
   * list). Only a step of 1 (or none).
   */
  setSlice(obj: Ref, lo: Ref, hi: Ref, step: Ref, v: Ref): void {
    const H = this.H;
    this.simpleSlice(obj, lo, hi, step, 'assignment');
    const kind = H.kindOf(v);
    let source = v;
    if (v === obj) source = this.getSlice(obj, H.None, H.None, H.None);
    else if (kind !== Kind.List && kind !== Kind.Tuple) {
      // PySequence_List: PyList_New(0) (the free list) filled by list_extend.
      source = H.list.newList(0, true);
      try {
        this.extendList(source, v);
      } catch (err) {
        H.decref(source);
        throw err;
      }
    } else H.incref(v);
    this.counted[Op.CItem] += Math.max(0, this.sliceStop - this.sliceStart) + (H.kindOf(source) === Kind.List ? H.list.length(source) : H.tupleLength(source));
    try {
      H.list.assignSlice(obj, this.sliceStart, this.sliceStop, source);
    } finally {
      H.decref(source);
    }
  }

  /** `del lst[lo:hi]`: list_ass_slice with no items. */
  delSlice(obj: Ref, lo: Ref, hi: Ref, step: Ref): void {
    this.simpleSlice(obj, lo, hi, step, 'deletion');
    this.H.list.assignSlice(obj, this.sliceStart, this.sliceStop, 0);
  }

  /** simpleSlice's result: the bounds (not an array, which would be one per slice assignment). */
  private sliceStart = 0;
  private sliceStop = 0;

  /** A list's slice bounds for assignment or deletion (PySlice_Unpack + AdjustIndices, step 1), as sliceStart and sliceStop. */
  private simpleSlice(obj: Ref, lo: Ref, hi: Ref, step: Ref, what: string): void {
    const H = this.H;
    if (H.kindOf(obj) !== Kind.List) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(obj))}' object does not support slice ${what}`);
    if (step !== H.None && !(this.isInt(step) && H.intValue(step) === 1)) {
      throw new PythonException('NotImplementedError', `slice ${what} with a step (an extended slice) is not simulated yet`);
    }
    const length = H.list.length(obj);
    const start = lo === H.None ? 0 : adjustSliceIndex(this.sliceIndex(lo), length, 1);
    this.sliceStart = start;
    this.sliceStop = hi === H.None ? length : Math.max(adjustSliceIndex(this.sliceIndex(hi), length, 1), start);
  }

  private index(key: Ref, length: number, what: string): number {
    const H = this.H;
    if (H.kindOf(key) !== Kind.Int) throw new PythonException('TypeError', `${what} indices must be integers or slices, not ${H.types.nameOf(H.typeOf(key))}`);
    let i = H.intValue(key);
    if (i < 0) i += length;
    if (i < 0 || i >= length) throw new PythonException('IndexError', `${what} index out of range`);
    return i;
  }

  setItem(obj: Ref, key: Ref, v: Ref): void {
    const H = this.H;
    switch (H.kindOf(obj)) {
      case Kind.Dict:
        this.counted[Op.HashLookup]++;
        H.dict.setItem(obj, key, v);
        return;
      case Kind.List:
        H.list.set(obj, this.index(key, H.list.length(obj), 'list'), v);
        return;
      case Kind.Array: {
        const x = this.num(v);
        if (x === undefined) throw new PythonException('TypeError', `array item must be a number, not ${H.types.nameOf(H.typeOf(v))}`);
        H.arrays.set(obj, this.index(key, H.arrays.length(obj), 'array'), x);
        return;
      }
      default: {
        const dunder = this.dunder(obj, '__setitem__');
        if (dunder !== 0) {
          H.incref(obj);
          H.incref(key);
          H.incref(v);
          H.decref(this.callFunction(dunder, [key, v], undefined, obj));
          return;
        }
        if (this.state.weakref?.isWeakValueDict(obj)) {
          this.charge(WVD_SETITEM_OPS);
          this.state.weakref.setItem(obj, key, v);
          return;
        }
        throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(obj))}' object does not support item assignment`);
      }
    }
  }

  delItem(obj: Ref, key: Ref): void {
    const H = this.H;
    if (H.kindOf(obj) === Kind.Dict) {
      this.counted[Op.HashLookup]++;
      if (!H.dict.delItem(obj, key)) throw this.keyError(key);
      return;
    }
    if (H.kindOf(obj) === Kind.List) {
      H.list.delete(obj, this.index(key, H.list.length(obj), 'list assignment'));
      return;
    }
    const dunder = this.dunder(obj, '__delitem__');
    if (dunder !== 0) {
      H.incref(obj);
      H.incref(key);
      H.decref(this.callFunction(dunder, [key], undefined, obj));
      return;
    }
    throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(obj))}' object doesn't support item deletion`);
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  isInt(v: Ref): boolean {
    const t = this.I[v + OB.TYPE];
    return t === Kind.Int || t === Kind.Bool;
  }

  /**
   * `a op b` where an operand is an instance of a program's class (operands borrowed, result new):
   * the left's `__op__`, or, if it has none, the right's `__rop__`
   * (binary_op1 and slot_nb_*: the methods are called unbound, no bound method is made). The
   * right's reflected method goes first when its class is a subclass of the left's.
   */
  private binaryDunder(op: string, a: Ref, b: Ref): Ref {
    const H = this.H;
    const names = BINARY_DUNDERS[op];
    if (names === undefined) throw this.binaryError(op, a, b);
    const ta = this.I[a + OB.TYPE];
    const tb = this.I[b + OB.TYPE];
    const forward = this.dunder(a, names[0]);
    const reflected = ta !== tb ? this.dunder(b, names[1]) : 0;
    const rightFirst = reflected !== 0 && tb >= CLASS_ID_BASE && ta >= CLASS_ID_BASE && this.classByType[tb - CLASS_ID_BASE]!.mro.includes(this.classByType[ta - CLASS_ID_BASE]!);
    // NotImplemented is not simulated (a program cannot return it): the first method found answers.
    const useReflected = reflected !== 0 && (rightFirst || forward === 0);
    if (!useReflected && forward === 0) throw this.binaryError(op, a, b);
    const [fn, self, other] = useReflected ? [reflected, b, a] : [forward, a, b];
    H.incref(self);
    H.incref(other);
    return this.callWithSelf(fn, self, [other], undefined);
  }

  private binaryError(op: string, a: Ref, b: Ref): PythonException {
    const H = this.H;
    return new PythonException('TypeError', `unsupported operand type(s) for ${op}: '${H.types.nameOf(H.typeOf(a))}' and '${H.types.nameOf(H.typeOf(b))}'`);
  }

  num(v: Ref): number | undefined {
    const H = this.H;
    const t = this.I[v + OB.TYPE];
    if (t === Kind.Float) return H.floatValue(v);
    if (t === Kind.Int || t === Kind.Bool) return H.intValue(v);
    return undefined;
  }

  /** `a op b` where either is a float or neither is a number (then the program's dunders answer). */
  private floatOp(op: '+' | '-' | '*' | '**', a: Ref, b: Ref): Ref {
    const x = this.num(a);
    const y = this.num(b);
    if (x === undefined || y === undefined) return this.binaryDunder(op, a, b);
    return this.H.float(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x ** y);
  }

  // Two floats first (no closure, no number-or-undefined): the float programs' common case.
  add(a: Ref, b: Ref): Ref {
    const H = this.H;
    const ta = this.I[a + OB.TYPE];
    if (ta === Kind.Float && this.I[b + OB.TYPE] === Kind.Float) return H.float(H.floatValue(a) + H.floatValue(b));
    if (this.isInt(a) && this.isInt(b)) {
      this.counted[Op.IntArith]++;
      return H.ints.add(a, b);
    }
    if (ta === Kind.Str && this.I[b + OB.TYPE] === Kind.Str) return this.H.newStr(this.H.str.read(a) + this.H.str.read(b));
    if (ta === Kind.List && this.I[b + OB.TYPE] === Kind.List) return this.concatLists(a, b);
    if (ta === Kind.Tuple && this.I[b + OB.TYPE] === Kind.Tuple) return this.concatTuples(a, b);
    return this.floatOp('+', a, b);
  }
  /** `a + b` of two tuples (tupleconcat): either one itself when the other is empty, else a new tuple of both's items. */
  private concatTuples(a: Ref, b: Ref): Ref {
    const H = this.H;
    const na = H.tupleLength(a);
    const nb = H.tupleLength(b);
    if (na === 0 || nb === 0) return H.sharedRef(na === 0 ? b : a);
    const items: Ref[] = [];
    for (let i = 0; i < na; i++) items.push(H.tupleItem(a, i));
    for (let i = 0; i < nb; i++) items.push(H.tupleItem(b, i));
    return this.buildTupleOf(items, true);
  }
  sub(a: Ref, b: Ref): Ref {
    const H = this.H;
    if (this.I[a + OB.TYPE] === Kind.Float && this.I[b + OB.TYPE] === Kind.Float) return H.float(H.floatValue(a) - H.floatValue(b));
    if (this.isInt(a) && this.isInt(b)) {
      this.counted[Op.IntArith]++;
      return H.ints.sub(a, b);
    }
    return this.floatOp('-', a, b);
  }
  mul(a: Ref, b: Ref): Ref {
    const H = this.H;
    if (this.I[a + OB.TYPE] === Kind.Float && this.I[b + OB.TYPE] === Kind.Float) return H.float(H.floatValue(a) * H.floatValue(b));
    if (this.isInt(a) && this.isInt(b)) {
      this.counted[Op.IntArith]++;
      return H.ints.mul(a, b);
    }
    if (this.I[a + OB.TYPE] === Kind.List && this.isInt(b)) return this.repeatList(a, this.H.intValue(b));
    if (this.I[b + OB.TYPE] === Kind.List && this.isInt(a)) return this.repeatList(b, this.H.intValue(a));
    if (this.I[a + OB.TYPE] === Kind.Str && this.isInt(b)) return this.repeatStr(a, this.H.intValue(b));
    if (this.I[b + OB.TYPE] === Kind.Str && this.isInt(a)) return this.repeatStr(b, this.H.intValue(a));
    return this.floatOp('*', a, b);
  }
  /**
   * `a + b`, `a - b`, `a * b` (or in place) at a site that specialises (profile
   * floatOpsReuseOperands): until it specialises (specialisesNow) it is the generic BINARY_OP;
   * it specialises to the float form when both operands are floats; then a float site writes its result
   * into an operand the stack alone holds (`owned` bit 1: a, bit 2: b) with refcount 1, as
   * DECREF_INPUTS_AND_REUSE_FLOAT does, and makes a float otherwise. Owned operands are dropped.
   * A float site that meets other types runs generically; its re-specialisation after 53 such
   * runs is not modelled.
   */
  addSpecialising(site: number, code: number, a: Ref, b: Ref, owned: number): Ref {
    return this.specialisedFloatOp(site, code, a, b, owned, FloatOp.Add);
  }
  subSpecialising(site: number, code: number, a: Ref, b: Ref, owned: number): Ref {
    return this.specialisedFloatOp(site, code, a, b, owned, FloatOp.Sub);
  }
  mulSpecialising(site: number, code: number, a: Ref, b: Ref, owned: number): Ref {
    return this.specialisedFloatOp(site, code, a, b, owned, FloatOp.Mul);
  }
  // The in-place forms specialise alike; their generic run is the in-place operation.
  inplace_addSpecialising(site: number, code: number, a: Ref, b: Ref, owned: number): Ref {
    return this.specialisedFloatOp(site, code, a, b, owned, FloatOp.InplaceAdd);
  }
  inplace_subSpecialising(site: number, code: number, a: Ref, b: Ref, owned: number): Ref {
    return this.specialisedFloatOp(site, code, a, b, owned, FloatOp.Sub);
  }
  inplace_mulSpecialising(site: number, code: number, a: Ref, b: Ref, owned: number): Ref {
    return this.specialisedFloatOp(site, code, a, b, owned, FloatOp.Mul);
  }

  /**
   * Whether an adaptive instruction at `site` (in code object `code`) specialises on this run:
   * per the profile, its own second run, or its first run once its code is warm. A site that
   * does not yet records that it ran.
   */
  private specialisesNow(site: number, code: number): boolean {
    if (this.H.profile.adaptiveWarmup === 'code') return this.codeWarmth[code] >= QUICKENING_WARMUP_DELAY;
    if (this.siteRuns[site] === 1) return true;
    this.siteRuns[site] = 1;
    return false;
  }

  /** RESUME or JUMP_BACKWARD on a profile that warms code objects: one step nearer quickening. */
  warmUp(code: number): void {
    if (this.codeWarmth[code] < QUICKENING_WARMUP_DELAY) this.codeWarmth[code]++;
  }

  private specialisedFloatOp(site: number, code: number, a: Ref, b: Ref, owned: number, op: FloatOp): Ref {
    const H = this.H;
    const I = this.I;
    const bothFloats = I[a + OB.TYPE] === Kind.Float && I[b + OB.TYPE] === Kind.Float;
    let state = this.siteRuns[site];
    // The run that specialises the site then runs the specialised form.
    if (state < SITE_FLOAT && this.specialisesNow(site, code)) this.siteRuns[site] = state = bothFloats ? SITE_FLOAT : SITE_OTHER;
    if (state === SITE_FLOAT && bothFloats) {
      const x = H.floatValue(a);
      const y = H.floatValue(b);
      const v = op === FloatOp.Sub ? x - y : op === FloatOp.Mul ? x * y : x + y;
      if ((owned & 1) !== 0 && I[a + OB.REFCNT] === 1) {
        H.setFloatValue(a, v);
        if ((owned & 2) !== 0) H.decref(b);
        return a;
      }
      if ((owned & 2) !== 0 && I[b + OB.REFCNT] === 1) {
        H.setFloatValue(b, v);
        if ((owned & 1) !== 0) H.decref(a);
        return b;
      }
      const r = H.float(v);
      if ((owned & 2) !== 0) H.decref(b);
      if ((owned & 1) !== 0) H.decref(a);
      return r;
    }
    const r = op === FloatOp.Add ? this.add(a, b) : op === FloatOp.InplaceAdd ? this.inplace_add(a, b) : op === FloatOp.Sub ? this.sub(a, b) : this.mul(a, b);
    if ((owned & 2) !== 0) H.decref(b);
    if ((owned & 1) !== 0) H.decref(a);
    return r;
  }

  truediv(a: Ref, b: Ref): Ref {
    const x = this.num(a);
    const y = this.num(b);
    if (x === undefined || y === undefined) return this.binaryDunder('/', a, b);
    if (y === 0) throw new PythonException('ZeroDivisionError', 'division by zero');
    return this.H.float(x / y);
  }
  floordiv(a: Ref, b: Ref): Ref {
    if (this.isInt(a) && this.isInt(b)) {
      this.counted[Op.IntArith]++;
      return this.H.ints.floordiv(a, b);
    }
    const x = this.num(a);
    const y = this.num(b);
    if (x === undefined || y === undefined) throw this.binaryError('//', a, b);
    if (y === 0) throw new PythonException('ZeroDivisionError', 'float floor division by zero');
    return this.H.float(floatFloorDiv(x, y));
  }
  mod(a: Ref, b: Ref): Ref {
    if (this.isInt(a) && this.isInt(b)) {
      this.counted[Op.IntArith]++;
      return this.H.ints.mod(a, b);
    }
    if (this.I[a + OB.TYPE] === Kind.Str) return this.formatPercent(a, b);
    const x = this.num(a);
    const y = this.num(b);
    if (x === undefined || y === undefined) throw this.binaryError('%', a, b);
    if (y === 0) throw new PythonException('ZeroDivisionError', 'float modulo');
    return this.H.float(floatMod(x, y));
  }
  /**
   * `divmod(a, b)` of numbers: long_divmod makes the quotient, then the remainder (l_divmod: for
   * one-digit ints the `//` and `%` fast paths), then the 2-tuple holding both; float_divmod the
   * same two floats and tuple. Both are then owned by the tuple.
   */
  divmod(a: Ref, b: Ref): Ref {
    const H = this.H;
    let q: Ref;
    let r: Ref;
    if (this.isInt(a) && this.isInt(b)) {
      if (H.intValue(b) === 0) throw new PythonException('ZeroDivisionError', 'integer division or modulo by zero');
      q = H.ints.floordiv(a, b);
      r = H.ints.mod(a, b);
    } else {
      const x = this.num(a);
      const y = this.num(b);
      if (x === undefined || y === undefined) throw this.binaryError('divmod()', a, b);
      if (y === 0) throw new PythonException('ZeroDivisionError', 'float divmod()');
      q = H.float(floatFloorDiv(x, y));
      r = H.float(floatMod(x, y));
    }
    const t = H.newTuple(2);
    H.tupleInit(t, 0, q);
    H.tupleInit(t, 1, r);
    return t;
  }
  pow(a: Ref, b: Ref): Ref {
    if (this.isInt(a) && this.isInt(b) && this.H.intValue(b) >= 0) return this.H.ints.pow(a, b);
    return this.floatOp('**', a, b);
  }
  lshift(a: Ref, b: Ref): Ref {
    if (!this.isInt(a) || !this.isInt(b)) throw this.binaryError('<<', a, b);
    return this.H.ints.lshift(a, this.H.intValue(b));
  }
  rshift(a: Ref, b: Ref): Ref {
    if (!this.isInt(a) || !this.isInt(b)) throw this.binaryError('>>', a, b);
    return this.H.ints.rshift(a, this.H.intValue(b));
  }
  and(a: Ref, b: Ref): Ref {
    if (!this.isInt(a) || !this.isInt(b)) throw this.binaryError('&', a, b);
    return this.H.ints.bitwise('&', a, b);
  }
  or(a: Ref, b: Ref): Ref {
    if (!this.isInt(a) || !this.isInt(b)) throw this.binaryError('|', a, b);
    return this.H.ints.bitwise('|', a, b);
  }
  xor(a: Ref, b: Ref): Ref {
    if (!this.isInt(a) || !this.isInt(b)) throw this.binaryError('^', a, b);
    return this.H.ints.bitwise('^', a, b);
  }
  // Augmented assignment: ints and floats are immutable, so `x += y` is `x = x + y` for them.
  /** `a += b`: a list extends itself and is the result (list_inplace_concat); anything else is `a + b`. */
  inplace_add(a: Ref, b: Ref): Ref {
    if (this.H.kindOf(a) !== Kind.List) return this.add(a, b);
    this.extendList(a, b);
    this.H.incref(a);
    return a;
  }
  inplace_sub(a: Ref, b: Ref): Ref {
    return this.sub(a, b);
  }
  inplace_mul(a: Ref, b: Ref): Ref {
    return this.mul(a, b);
  }
  inplace_truediv(a: Ref, b: Ref): Ref {
    return this.truediv(a, b);
  }
  inplace_floordiv(a: Ref, b: Ref): Ref {
    return this.floordiv(a, b);
  }
  inplace_mod(a: Ref, b: Ref): Ref {
    return this.mod(a, b);
  }
  inplace_pow(a: Ref, b: Ref): Ref {
    return this.pow(a, b);
  }
  inplace_lshift(a: Ref, b: Ref): Ref {
    return this.lshift(a, b);
  }
  inplace_rshift(a: Ref, b: Ref): Ref {
    return this.rshift(a, b);
  }
  inplace_and(a: Ref, b: Ref): Ref {
    return this.and(a, b);
  }
  inplace_or(a: Ref, b: Ref): Ref {
    return this.or(a, b);
  }
  inplace_xor(a: Ref, b: Ref): Ref {
    return this.xor(a, b);
  }
  neg(a: Ref): Ref {
    if (this.isInt(a)) return this.H.ints.neg(a);
    const x = this.num(a);
    if (x === undefined) throw new PythonException('TypeError', `bad operand type for unary -: '${this.H.types.nameOf(this.H.typeOf(a))}'`);
    return this.H.float(-x);
  }
  pos(a: Ref): Ref {
    this.H.incref(a);
    return a;
  }
  invert(a: Ref): Ref {
    if (!this.isInt(a)) throw new PythonException('TypeError', `bad operand type for unary ~: '${this.H.types.nameOf(this.H.typeOf(a))}'`);
    const minusOne = this.H.int(-1);
    const r = this.H.ints.sub(minusOne, a);
    this.H.decref(minusOne);
    return r;
  }

  /**
   * `format % args` (`PyUnicode_Format`): a writer buffer of len(format) + 100 characters (a str
   * block), each `%d` converted through a scratch int of size_a + 1 digits, then the buffer shrunk
   * to the result (a realloc: tracemalloc never sees both). MEAS: 3.11-3.13 peaks of "key%d" % k.
   * `%s` of a str passes it through; of anything else, its str is a temporary.
   */
  private formatPercent(format: Ref, args: Ref): Ref {
    this.counted[Op.Format]++;
    const H = this.H;
    const fmt = H.str.read(format);
    const parts = parsePercentFormat(fmt);
    const nargs = H.kindOf(args) === Kind.Tuple ? H.tupleLength(args) : 1;
    const item = (k: number): Ref => (H.kindOf(args) === Kind.Tuple ? H.tupleItem(args, k) : args);
    const writer = H.allocObject(Kind.Opaque, H.profile.strAsciiHeader + fmt.length + 100 + 1);
    let out = '';
    let next = 0;
    try {
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        if (next >= nargs) throw new PythonException('TypeError', 'not enough arguments for format string');
        let text = this.formatOne(part, item(next++));
        if (text.length < part.width) text = part.left ? text.padEnd(part.width) : text.padStart(part.width, part.zero ? '0' : ' ');
        out += text;
      }
      if (next < nargs) throw new PythonException('TypeError', 'not all arguments converted during string formatting');
    } finally {
      H.decref(writer);
    }
    return H.newStr(out);
  }

  /** One conversion of `format % args`, with its temporaries. */
  private formatOne(part: PercentSpec, v: Ref): string {
    const H = this.H;
    switch (part.conv) {
      case 'd':
      case 'i':
      case 'u': {
        if (!this.isInt(v) && H.kindOf(v) !== Kind.Float) throw new PythonException('TypeError', `%${part.conv} format: a real number is required, not ${H.types.nameOf(H.typeOf(v))}`);
        const value = this.isInt(v) ? H.ints.value(v) : Math.trunc(H.floatValue(v));
        // The scratch int %d converts through (_PyLong_Format's size_a + 1 digits).
        H.decref(H.allocObject(Kind.Opaque, Math.max(24 + 4 * (digitsOfValue(value) + 1), H.profile.intMinExactBytes)));
        return String(value);
      }
      case 's': {
        // PyObject_Str's temporary (a program's __str__ makes its own and it is dropped in str()).
        const text = this.str(v);
        if (H.kindOf(v) !== Kind.Str && strMethod(this, v) === 0) H.decref(H.newStr(text));
        return text;
      }
      case 'r': {
        const text = this.repr(v);
        if (reprMethod(this, v) === 0) H.decref(H.newStr(text));
        return text;
      }
      case 'f':
      case 'F':
        return (this.num(v) ?? Number.NaN).toFixed(part.precision ?? 6);
      case 'x':
        return Number(H.ints.value(v)).toString(16);
      default:
        throw new PythonException('ValueError', `format %${part.conv} is not simulated yet`);
    }
  }

  /** `a + b` of lists (`list_concat`): a list of exactly len(a) + len(b) slots. */
  private concatLists(a: Ref, b: Ref): Ref {
    const H = this.H;
    const na = H.list.length(a);
    const nb = H.list.length(b);
    const out = H.list.newList(na + nb);
    for (let i = 0; i < na; i++) {
      const item = H.list.get(a, i);
      H.incref(item);
      H.list.init(out, i, item);
    }
    for (let i = 0; i < nb; i++) {
      const item = H.list.get(b, i);
      H.incref(item);
      H.list.init(out, na + i, item);
    }
    return out;
  }

  /** `list * n` (`list_repeat`): a list of exactly len * n slots. */
  /** `s * n` (unicode_repeat): the string itself when n is 1 or it is empty, '' for n <= 0, else a new string. */
  private repeatStr(str: Ref, n: number): Ref {
    const H = this.H;
    const text = H.str.read(str);
    if (n <= 0) return H.str.create('');
    if (n === 1 || text.length === 0) return H.sharedRef(str);
    return H.str.createFresh(text.repeat(n));
  }

  private repeatList(list: Ref, n: number): Ref {
    const H = this.H;
    const len = H.list.length(list);
    if (len === 1) return H.list.repeat(H.list.get(list, 0), Math.max(0, n));
    const out = H.list.newList(Math.max(0, len * n));
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < len; i++) {
        const item = H.list.get(list, i);
        H.incref(item);
        H.list.init(out, k * len + i, item);
      }
    }
    return out;
  }

  /** `issubclass(sub, cls)` for the program's classes and the exception classes (cls may be a tuple). */
  isSubclass(sub: Ref, cls: Ref): boolean {
    const H = this.H;
    if (H.kindOf(cls) === Kind.Tuple) {
      for (let i = 0; i < H.tupleLength(cls); i++) if (this.isSubclass(sub, H.tupleItem(cls, i))) return true;
      return false;
    }
    const s = this.handleOf(sub);
    const c = this.handleOf(cls);
    if (s === undefined || (s.kind !== 'class' && s.kind !== 'exception')) throw new PythonException('TypeError', 'issubclass() arg 1 must be a class');
    if (c?.kind === 'class') return s.kind === 'class' && s.mro.includes(c);
    if (c?.kind === 'exception') {
      const builtin = s.kind === 'exception' ? s.name : s.exception;
      return builtin !== undefined && exceptionDerives(builtin, c.name);
    }
    throw new PythonException('TypeError', 'issubclass() arg 2 must be a class of the program or an exception class (builtin types are not simulated yet)');
  }

  /** `isinstance(obj, cls)` for the program's classes. */
  isInstance(obj: Ref, cls: Ref): boolean {
    const H = this.H;
    if (H.kindOf(cls) === Kind.Tuple) {
      for (let i = 0; i < H.tupleLength(cls); i++) if (this.isInstance(obj, H.tupleItem(cls, i))) return true;
      return false;
    }
    const h = this.handleOf(cls);
    if (h?.kind === 'class') {
      const type = this.I[obj + OB.TYPE];
      const record = type >= CLASS_ID_BASE ? this.classByType[type - CLASS_ID_BASE] : undefined;
      return record !== undefined && record.mro.includes(h);
    }
    if (h?.kind === 'builtin' && h.name in BUILTIN_TYPE_KINDS) {
      // A built-in type as the class: the object's kind (its subclasses share it: a namedtuple is
      // a tuple, a defaultdict a dict, bool an int).
      const kinds = BUILTIN_TYPE_KINDS[h.name];
      return kinds.includes(H.kindOf(obj));
    }
    if (h?.kind === 'exception') {
      // An exception object: the built-in class it is or derives from, then that one's bases.
      const builtin = this.builtinExceptionOf(obj);
      return builtin !== undefined && exceptionDerives(builtin, h.name);
    }
    throw new PythonException('TypeError', `isinstance() arg 2 must be a class of the program or one of ${Object.keys(BUILTIN_TYPE_KINDS).join(', ')}`);
  }

  // ---- comparisons ----------------------------------------------------------------------------

  /** -1, 0 or 1 as a < b, a == b, a > b (NaN unordered); TypeError where Python has no order. */
  orderOf(a: Ref, b: Ref, op: string): number {
    // Two floats, or two ints of at most 53 bits, first: no number-or-undefined on the common path.
    const ta = this.I[a + OB.TYPE];
    const tb = this.I[b + OB.TYPE];
    if ((ta === Kind.Float && tb === Kind.Float) || (ta === Kind.Int && tb === Kind.Int && this.H.ints.isSmallValue(a) && this.H.ints.isSmallValue(b))) {
      const x = ta === Kind.Float ? this.H.floatValue(a) : this.H.intValue(a);
      const y = ta === Kind.Float ? this.H.floatValue(b) : this.H.intValue(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
    }
    const x = this.num(a);
    const y = this.num(b);
    if (x !== undefined && y !== undefined) {
      if (this.isInt(a) && this.isInt(b) && !(this.H.ints.isSmallValue(a) && this.H.ints.isSmallValue(b))) {
        const p = BigInt(this.H.ints.value(a));
        const q = BigInt(this.H.ints.value(b));
        return p < q ? -1 : p > q ? 1 : 0;
      }
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
    }
    const H = this.H;
    if (H.kindOf(a) === Kind.Str && H.kindOf(b) === Kind.Str) {
      const s = H.str.read(a);
      const t = H.str.read(b);
      return s < t ? -1 : s > t ? 1 : 0;
    }
    const ka = H.kindOf(a);
    if ((ka === Kind.Tuple || ka === Kind.List) && H.kindOf(b) === ka) return this.sequenceOrder(a, b, op);
    if (this.I[a + OB.TYPE] >= CLASS_ID_BASE || this.I[b + OB.TYPE] >= CLASS_ID_BASE) {
      const order = orderFromDunder(this, a, b, op);
      if (order !== undefined) return order;
    }
    throw new PythonException('TypeError', `'${op}' not supported between instances of '${H.types.nameOf(H.typeOf(a))}' and '${H.types.nameOf(H.typeOf(b))}'`);
  }

  /**
   * Two tuples or two lists ordered (tuplerichcompare, list_richcompare): the first index where
   * the items differ (`==`, identity first), then those items ordered by `op`; else the lengths.
   * The number reads back under `op` as orderOf's does.
   */
  private sequenceOrder(a: Ref, b: Ref, op: string): number {
    const H = this.H;
    const isTuple = H.kindOf(a) === Kind.Tuple;
    const na = isTuple ? H.tupleLength(a) : H.list.length(a);
    const nb = isTuple ? H.tupleLength(b) : H.list.length(b);
    for (let i = 0; i < na && i < nb; i++) {
      const x = isTuple ? H.tupleItem(a, i) : H.list.get(a, i);
      const y = isTuple ? H.tupleItem(b, i) : H.list.get(b, i);
      if (!this.equal(x, y)) return this.orderOf(x, y, op);
    }
    return na < nb ? -1 : na > nb ? 1 : 0;
  }

  // Comparisons as JS booleans (a comparison feeding a branch).
  test_eq(a: Ref, b: Ref): boolean {
    if (this.I[a + OB.TYPE] >= CLASS_ID_BASE || this.I[b + OB.TYPE] >= CLASS_ID_BASE) return this.truthOfResult(this.compareInstances(a, b, '=='));
    return this.richEqual(a, b);
  }
  test_ne(a: Ref, b: Ref): boolean {
    if (this.I[a + OB.TYPE] >= CLASS_ID_BASE || this.I[b + OB.TYPE] >= CLASS_ID_BASE) return this.truthOfResult(this.compareInstances(a, b, '!='));
    return !this.richEqual(a, b);
  }

  /** The truth of a result (consumed): POP_JUMP_IF_* after COMPARE_OP. */
  private truthOfResult(r: Ref): boolean {
    const t = this.truth(r);
    this.H.decref(r);
    return t;
  }
  test_lt(a: Ref, b: Ref): boolean {
    return this.orderOf(a, b, '<') < 0;
  }
  test_le(a: Ref, b: Ref): boolean {
    return this.orderOf(a, b, '<=') <= 0;
  }
  test_gt(a: Ref, b: Ref): boolean {
    return this.orderOf(a, b, '>') > 0;
  }
  test_ge(a: Ref, b: Ref): boolean {
    return this.orderOf(a, b, '>=') >= 0;
  }

  compare_eq(a: Ref, b: Ref): Ref {
    if (this.I[a + OB.TYPE] >= CLASS_ID_BASE || this.I[b + OB.TYPE] >= CLASS_ID_BASE) return this.compareInstances(a, b, '==');
    return this.bool(this.richEqual(a, b));
  }
  compare_ne(a: Ref, b: Ref): Ref {
    if (this.I[a + OB.TYPE] >= CLASS_ID_BASE || this.I[b + OB.TYPE] >= CLASS_ID_BASE) return this.compareInstances(a, b, '!=');
    return this.bool(!this.richEqual(a, b));
  }
  compare_lt(a: Ref, b: Ref): Ref {
    return this.bool(this.orderOf(a, b, '<') < 0);
  }
  compare_le(a: Ref, b: Ref): Ref {
    return this.bool(this.orderOf(a, b, '<=') <= 0);
  }
  compare_gt(a: Ref, b: Ref): Ref {
    return this.bool(this.orderOf(a, b, '>') > 0);
  }
  compare_ge(a: Ref, b: Ref): Ref {
    return this.bool(this.orderOf(a, b, '>=') >= 0);
  }

  // ---- exceptions -----------------------------------------------------------------------------

  /** `raise X` / `raise X(...)`: the exception (consumed) as a JS exception. */
  /**
   * An exception object (`BaseException_new`): 88 bytes with its GC head (dict, args, notes,
   * traceback, context, cause, suppress_context), `args` the tuple the class call packed. Its
   * traceback and the frame objects an exception leaving frames makes are not simulated yet.
   */
  private newException(type: string, args: readonly Ref[]): Ref {
    const H = this.H;
    let cls = this.exceptionClasses.get(type);
    if (cls === undefined) {
      cls = H.defineClass({ name: type, slots: exceptionFields(type) });
      this.exceptionClasses.set(type, cls);
      this.exceptionNames.set(cls.id, type);
    }
    const tuple = this.buildTupleOf(args, true);
    const exc = H.newInstance(cls);
    H.setSlot(exc, EXC_ARGS, tuple);
    H.decref(tuple);
    return exc;
  }

  private readonly exceptionClasses = new Map<string, ClassInfo>();
  /** The type ids of the built-in exception objects made so far, to their class's name. */
  private readonly exceptionNames = new Map<number, string>();

  /** The built-in exception class an exception object is (or, a program's class, derives from); undefined for any other object. */
  private builtinExceptionOf(v: Ref): string | undefined {
    const type = this.I[v + OB.TYPE];
    if (type < CLASS_ID_BASE) return undefined;
    return this.exceptionNames.get(type) ?? this.classByType[type - CLASS_ID_BASE]?.exception;
  }

  /** The program's exception class of an exception object, undefined for a built-in one or any other object. */
  private exceptionRecordOf(v: Ref): ClassRecord | undefined {
    const type = this.I[v + OB.TYPE];
    const record = type >= CLASS_ID_BASE ? this.classByType[type - CLASS_ID_BASE] : undefined;
    return record?.exception !== undefined ? record : undefined;
  }

  /**
   * `E(args…)` of a program's subclass of a built-in exception class (args consumed):
   * BaseException_new packs the arguments into the tuple that becomes `args` (no call of such a
   * class specialises: its tp_new is not object's), then the class's `__init__`, if it has one,
   * runs with them; BaseException_init would set `args` to the same tuple, and refuses keywords.
   */
  private newProgramException(record: ClassRecord, args: Ref[], kwnames: readonly string[] | undefined): Ref {
    const H = this.H;
    const tuple = this.buildTupleOf(args, true);
    const exc = H.newInstance(record.info);
    H.setSlot(exc, EXC_ARGS, tuple);
    try {
      if (record.init !== 0) {
        for (let i = 0; i < args.length; i++) H.incref(args[i]);
        this.runInit(record.init, exc, args, kwnames);
      } else if (kwnames !== undefined && kwnames.length > 0) {
        throw new PythonException('TypeError', `${record.name}() takes no keyword arguments`);
      }
    } catch (err) {
      H.decref(exc);
      throw err;
    } finally {
      for (const a of args) H.decref(a);
      H.decref(tuple);
    }
    return exc;
  }

  /** `raise X` / `raise X(...)`: the exception (consumed) as a JS exception that holds it. */
  raise(v: Ref): PythonException {
    const H = this.H;
    const h = this.handleOf(v);
    // `raise E`: E() is made.
    if (h?.kind === 'exception') return new PythonException(h.name, '', this.newException(h.name, []));
    if (h?.kind === 'class' && h.exception !== undefined) {
      H.decref(v);
      return this.raise(this.newProgramException(h, [], undefined));
    }
    // The message is BaseException_str's, made now without running Python code: a class's own
    // __str__ is called only where CPython calls it (str(e), printing the traceback).
    const name = this.exceptionRecordOf(v)?.name ?? this.builtinExceptionOf(v);
    if (name !== undefined) return new PythonException(name, this.exceptionText(v, false)!, v);
    H.decref(v);
    return new PythonException('TypeError', 'exceptions must derive from BaseException');
  }

  private reprTuple(t: Ref): string {
    const H = this.H;
    const parts: string[] = [];
    for (let i = 0; i < H.tupleLength(t); i++) parts.push(this.repr(H.tupleItem(t, i)));
    return `(${parts.join(', ')})`;
  }

  private handling: PythonException[] = [];

  reraise(): PythonException {
    const e = this.handling[this.handling.length - 1];
    if (!e) return new PythonException('RuntimeError', 'No active exception to reraise');
    return e;
  }



  /**
   * Implicit exception chaining (_PyErr_SetObject): an exception raised while another is being
   * handled (the innermost handler's, in this frame or a caller's) gets that one's object as its
   * `__context__`, once, where it was raised: at its first frame or handler (passThrough), or
   * leaving the handler body it was raised in (the compiled handler's catch, before the handler is
   * left). Made at once then, as CPython makes it to chain it. A context chain that already leads
   * back to the new exception is cut there (no new reference cycle). Returns the exception (a
   * JS error made a Python one once) to rethrow.
   */
  chainContext(e: unknown): unknown {
    const pe = e instanceof PythonException ? e : this.asPythonException(e);
    if (pe === undefined || pe.chained) return pe ?? e;
    pe.chained = true;
    const handled = this.handling[this.handling.length - 1];
    if (handled === undefined || handled === pe) return pe;
    const H = this.H;
    if (handled.value === 0) this.materialize(handled);
    if (pe.value === 0) this.materialize(pe);
    const context = handled.value;
    const value = pe.value;
    if (context === 0 || value === 0 || context === value) return pe;
    for (let o = context, guard = 0; guard < 10_000; guard++) {
      const next = H.getSlot(o, EXC_CONTEXT);
      if (next === 0 || next === H.None) break;
      if (next === value) {
        H.setSlot(o, EXC_CONTEXT, 0);
        break;
      }
      o = next;
    }
    H.setSlot(value, EXC_CONTEXT, context);
    return pe;
  }

  /** `except T:` with T an exception class or a tuple of them (consumed). */
  exceptionMatches(e: unknown, type: Ref): boolean {
    const H = this.H;
    const pe = e instanceof PythonException ? e : this.asPythonException(e);
    const candidates: Ref[] = [];
    if (H.kindOf(type) === Kind.Tuple) for (let i = 0; i < H.tupleLength(type); i++) candidates.push(H.tupleItem(type, i));
    else candidates.push(type);
    let matches = false;
    // A program's exception class matches along its MRO, then the built-in class it derives from along the built-ins'.
    const record = pe?.value ? this.exceptionRecordOf(pe.value) : undefined;
    for (const c of candidates) {
      const h = this.handleOf(c);
      if (!pe) continue;
      if (h?.kind === 'class' && record?.mro.includes(h)) matches = true;
      if (h?.kind === 'exception' && exceptionDerives(record?.exception ?? pe.type, h.name)) matches = true;
    }
    H.decref(type);
    return matches;
  }

  enterHandler(e: unknown): void {
    this.handling.push(e as PythonException);
  }

  /** The `except` clause is done: the exception (and its traceback) is released, as POP_EXCEPT does. */
  leaveHandler(e: unknown): void {
    this.handling.pop();
    if (e instanceof PythonException) this.dropException(e);
  }

  /** An exception cleared (a handler done, C code swallowing it): its object and traceback go. */
  private dropException(e: PythonException): void {
    for (const a of e.argRefs) this.H.decref(a);
    e.argRefs = [];
    if (e.pendingTraceback !== 0) {
      this.H.decref(e.pendingTraceback);
      e.pendingTraceback = 0;
    }
    if (e.value === 0) return;
    const v = e.value;
    e.value = 0;
    this.H.decref(v);
  }

  /** `KeyError(key)` as the runtime raises it: the key itself its argument (borrowed). */
  private keyError(key: Ref): PythonException {
    const pe = new PythonException('KeyError', this.repr(key));
    this.H.incref(key);
    pe.argRefs = [key];
    return pe;
  }

  /**
   * The object of an exception the runtime raised: its args the objects it was raised with, else
   * its message as a str; it takes over the traceback made while it had none.
   */
  private materialize(pe: PythonException): void {
    const H = this.H;
    const args = pe.argRefs.length > 0 ? pe.argRefs : pe.detail === '' ? [] : [H.newStr(pe.detail)];
    pe.argRefs = [];
    pe.value = this.newException(pe.type, args);
    for (const a of args) H.decref(a);
    if (pe.pendingTraceback !== 0) {
      H.setSlot(pe.value, EXC_TRACEBACK, pe.pendingTraceback);
      H.decref(pe.pendingTraceback);
      pe.pendingTraceback = 0;
    }
  }

  /** A handler is entered, the value stack popped: the exception has its object from here on. */
  normalize(e: unknown): void {
    if (e instanceof PythonException && e.value === 0) this.materialize(e);
  }

  /**
   * BEFORE_WITH's `__exit__` of a manager (borrowed) of a program's class: a bound method where
   * the profile binds it, else the function (the manager is kept beside it). New reference.
   */
  withExit(mgr: Ref): Ref {
    const fn = this.dunder(mgr, '__exit__');
    if (fn === 0 || this.dunder(mgr, '__enter__') === 0) {
      throw new PythonException('TypeError', `'${this.H.types.nameOf(this.H.typeOf(mgr))}' object does not support the context manager protocol (only classes of the program are simulated as managers)`);
    }
    if (this.H.profile.withBindsMethods) return this.H.boundMethod(fn, mgr);
    this.H.incref(fn);
    return fn;
  }

  /** BEFORE_WITH's call of `__enter__` (a bound method made and dropped where the profile binds it); on failure the exit and the manager go. */
  withEnter(mgr: Ref, exit: Ref): Ref {
    const H = this.H;
    const fn = this.dunder(mgr, '__enter__');
    try {
      if (H.profile.withBindsMethods) {
        const bound = H.boundMethod(fn, mgr);
        H.incref(mgr);
        const r = this.callWithSelf(fn, mgr, [], undefined);
        H.decref(bound);
        return r;
      }
      H.incref(mgr);
      return this.callWithSelf(fn, mgr, [], undefined);
    } catch (err) {
      H.decref(exit);
      H.decref(mgr);
      throw err;
    }
  }

  /** The block is left normally: `__exit__(None, None, None)`; the exit and the manager (consumed) go. */
  withExitNormally(exit: Ref, mgr: Ref): void {
    const H = this.H;
    try {
      H.decref(this.callExit(exit, mgr, [this.none(), this.none(), this.none()]));
    } finally {
      H.decref(exit);
      H.decref(mgr);
    }
  }

  /** The block raised `e`: `__exit__(type, value, None)` in an except clause; whether it suppressed the exception. */
  withExitRaised(exit: Ref, mgr: Ref, e: unknown): boolean {
    const H = this.H;
    const pe = e instanceof PythonException ? e : this.asPythonException(e);
    if (pe === undefined) {
      H.decref(exit);
      H.decref(mgr);
      return false;
    }
    this.enterHandler(pe);
    try {
      const record = pe.value !== 0 ? this.exceptionRecordOf(pe.value) : undefined;
      const type = (record !== undefined ? this.handleRefs.get(`class:${record.code}`) : this.handleRefs.get(pe.type)) ?? H.None;
      H.incref(type);
      const r = this.callExit(exit, mgr, [type, this.exceptionValue(pe), this.none()]);
      const suppressed = this.truth(r);
      H.decref(r);
      return suppressed;
    } finally {
      this.leaveHandler(pe);
      H.decref(exit);
      H.decref(mgr);
    }
  }

  /** Calls the exit (borrowed) with three arguments (consumed): a bound method prepends the manager. */
  private callExit(exit: Ref, mgr: Ref, args: Ref[]): Ref {
    const fn = this.I[exit + OB.TYPE] === Kind.BoundMethod ? this.I[exit + FIELD.METHOD_FUNC] : exit;
    this.H.incref(mgr);
    return this.callWithSelf(fn, mgr, args, undefined);
  }

  /** `except E as name`: the exception object (made now for an exception the runtime raised). New reference. */
  exceptionValue(e: unknown): Ref {
    const H = this.H;
    const pe = e instanceof PythonException ? e : this.asPythonException(e);
    if (!pe) return this.none();
    if (pe.value === 0) this.materialize(pe);
    H.incref(pe.value);
    return pe.value;
  }

  assertionError(msg: Ref): PythonException {
    const text = msg === 0 ? '' : this.str(msg);
    if (msg !== 0) this.H.decref(msg);
    return new PythonException('AssertionError', text);
  }

  // ---- modules --------------------------------------------------------------------------------

  /**
   * `import name`: a simulated module (a handle with its attributes), or one of the program's own
   * modules, run once (its body with `__name__` its name) with its globals in sys.modules. New reference.
   */
  importModule(name: string): Ref {
    const key = `module:${name}`;
    const known = this.handleRefs.get(key);
    if (known !== undefined) return known;
    const compiled = this.state.resolveModule(name);
    if (compiled === undefined) return this.handle(key, { kind: 'module', name, attrs: this.moduleAttrs(name) });
    const runtime = new Runtime(this.H, compiled, this.host, { state: this.state, name });
    this.state.modules.set(name, runtime);
    const ref = this.handle(key, { kind: 'pymodule', name, runtime });
    runtime.runModule();
    return ref;
  }

  /** A global of one of the program's own modules (its handle, from importModule), as a new reference. */
  moduleGlobal(module: Ref, name: string): Ref {
    const h = this.handleOf(module);
    if (h?.kind !== 'pymodule') throw new TypeError(`moduleGlobal: not one of the program's modules`);
    return this.programModuleAttr(h.runtime, name);
  }

  /** `from module import name`: a new reference. */
  moduleAttr(module: string, name: string): Ref {
    const m = this.handleOf(this.importModule(module));
    if (m?.kind === 'pymodule') return this.programModuleAttr(m.runtime, name);
    const v = (m as Extract<Handle, { kind: 'module' }>).attrs.get(name)!;
    this.H.incref(v);
    return v;
  }

  /** An attribute of one of the program's modules (a global of its own), as a new reference. */
  private programModuleAttr(module: Runtime, name: string): Ref {
    const H = this.H;
    const key = H.intern(name);
    const v = H.dict.getItem(module.globals, key);
    H.decref(key);
    if (v === 0) throw new PythonException('ImportError', `cannot import name '${name}' from '${module.moduleName}'`);
    H.incref(v);
    return v;
  }

  private moduleAttrs(name: string): Map<string, Ref> {
    const attrs = new Map<string, Ref>();
    const fn = (n: string, breaker: BreakerAfterCall, call: (args: Ref[]) => Ref): void => {
      attrs.set(n, this.handle(`${name}.${n}`, { kind: 'builtin', name: `${name}.${n}`, breaker, packsArguments: this.H.profile.argumentTupleBuiltins.includes(`${name}.${n}`), call }));
    };
    const H = this.H;
    const gc = H.gc;
    switch (name) {
      case 'twin':
        // twin.probe and twin.report are Python functions in twin.py: the lab's probe models their cost.
        fn('probe', 'none', (args) => {
          this.host.probe(this.str(args[0]));
          return this.none();
        });
        fn('report', 'none', (args) => {
          this.host.report(this.str(args[0]), Number(H.ints.value(args[1])));
          return this.none();
        });
        fn('main', 'none', () => this.none());
        break;
      case 'gc':
        fn('collect', 'check', (args) => H.ints.fromValue(gc.collect(args.length > 0 ? H.intValue(args[0]) : 2)));
        fn('enable', 'check', () => (gc.enable(), this.none()));
        fn('disable', 'check', () => (gc.disable(), this.none()));
        fn('isenabled', 'check', () => this.bool(gc.isEnabled()));
        fn('freeze', 'check', () => (gc.freeze(), this.none()));
        fn('unfreeze', 'check', () => (gc.unfreeze(), this.none()));
        fn('get_freeze_count', 'check', () => H.ints.fromValue(gc.getFreezeCount()));
        fn('is_tracked', 'check', (args) => this.bool(gc.isTracked(args[0])));
        fn('set_threshold', 'check', (args) => {
          gc.setThreshold(...(args.map((a) => H.intValue(a)) as [number, number?, number?]));
          return this.none();
        });
        fn('get_threshold', 'check', () => this.buildTuple(...gc.getThreshold().map((t) => H.ints.fromValue(t))));
        fn('get_count', 'check', () => this.buildTuple(...gc.getCount().map((t) => H.ints.fromValue(t))));
        // gc.garbage (the collector's own list, from start-up) and gc.callbacks: real lists, held
        // by the module's dict in sys.modules as CPython's gc module holds them (so the mark from
        // the roots reaches them).
        attrs.set('garbage', gc.garbageList());
        attrs.set('callbacks', this.gcCallbacks());
        this.moduleDict('gc', { garbage: gc.garbageList(), callbacks: this.gcCallbacks() });
        break;
      case 'array':
        fn('array', 'check', (args) => this.newArray(args));
        break;
      case 'itertools':
        fn('count', 'check', (args) => newCount(this, args));
        fn('islice', 'check', (args) => newIslice(this, args));
        break;
      case 'collections.abc': // ABCMeta classes made at start-up (collections.abc is imported at start-up too)
      case '__future__': // `_Feature` instances
        // Objects nothing here reads: a stand-in object for each.
        for (const n of MODULES[name]) attrs.set(n, this.handle(`${name}.${n}`, { kind: 'module', name: `${name}.${n}`, attrs: new Map() }));
        break;
      case 'os': {
        // The child's side of a fork (the twin's child carries on with the run; the parent only
        // waits): os.fork() returns 0 and the heap's copy-on-write page count starts
        // (Heap.forkPoint). /proc/self/smaps_rollup reads back the pages written since, as
        // Private_Dirty in kB, from a 4 KiB read (the bytes os.read makes before shrinking them).
        fn('fork', 'check', () => {
          H.forkPoint();
          return H.int(0);
        });
        fn('open', 'check', (args) => {
          if (this.str(args[0]) !== '/proc/self/smaps_rollup') throw new PythonException('OSError', 'the simulated os opens only /proc/self/smaps_rollup');
          return H.int(3);
        });
        fn('read', 'check', (args) => {
          const size = H.intValue(args[1]);
          const text = `Private_Dirty:     ${H.cowActive ? H.cow.pagesWritten * 4 : 0} kB\n`;
          const data = new Uint8Array(size).fill(32);
          for (let i = 0; i < text.length && i < size; i++) data[i] = text.charCodeAt(i);
          return H.bytes(data);
        });
        fn('close', 'check', () => this.none());
        attrs.set('O_RDONLY', H.int(0));
        const unsupported = (what: string) => () => {
          throw new PythonException('OSError', `os.${what}: the simulation runs the child's side of a fork only`);
        };
        fn('waitpid', 'check', unsupported('waitpid'));
        fn('_exit', 'check', unsupported('_exit'));
        fn('waitstatus_to_exitcode', 'check', unsupported('waitstatus_to_exitcode'));
        break;
      }
      case 'weakref': {
        const weakref = this.weakrefModule();
        fn('ref', 'check', (args) => weakref.ref(args[0], args.length > 1 && args[1] !== H.None ? args[1] : 0));
        fn('WeakValueDictionary', 'check', (args) => {
          if (args.length > 0) throw new PythonException('TypeError', 'WeakValueDictionary(): an initial mapping is not simulated yet');
          return weakref.newWeakValueDictionary();
        });
        break;
      }
      case 'random':
        installRandomModule(this, fn, (self) => this.boundBuiltinMethod(self, 0));
        break;
      case 'collections': {
        const collections = (this.state.collections ??= new CollectionsModule(this, (self) => this.boundBuiltinMethod(self, 0)));
        attrs.set('deque', this.handle('collections.deque', {
          kind: 'builtin',
          name: 'collections.deque',
          breaker: 'check',
          // The type call packs its own arguments (collections-module.ts), keywords or not.
          packsArguments: false,
          call: (args) => collections.newDeque(args, []),
          callKeywords: (args, kwnames) => collections.newDeque(args, kwnames),
        }));
        fn('defaultdict', 'check', (args) => collections.newDefaultDict(args));
        fn('namedtuple', 'check', (args) => this.makeNamedTupleClass(...collections.namedTupleSpec(args)));
        break;
      }
      case '_testcapi':
        // Applied by makeClass (the compiler lets no other class decorator through).
        fn('with_tp_del', 'check', (args) => (H.incref(args[0]), args[0]));
        break;
      case 'sys':
        fn('intern', 'check', (args) => {
          if (H.kindOf(args[0]) !== Kind.Str) throw new PythonException('TypeError', `intern() argument must be str, not ${H.types.nameOf(H.typeOf(args[0]))}`);
          H.incref(args[0]);
          this.counted[Op.HashLookup]++; // a probe of the interned table
          return H.str.internInPlace(args[0]);
        });
        fn('exit', 'check', () => {
          throw new PythonException('SystemExit', '');
        });
        {
          // sys.stdout: its write(s) is the program's output, as print's (TextIOWrapper's buffers are not simulated).
          const stdout = new Map<string, Ref>();
          stdout.set('write', this.handle('sys.stdout.write', { kind: 'builtin', name: 'sys.stdout.write', breaker: 'check', packsArguments: false, call: (args) => {
            if (H.kindOf(args[0]) !== Kind.Str) throw new PythonException('TypeError', `write() argument must be str, not ${H.types.nameOf(H.typeOf(args[0]))}`);
            const text = H.str.read(args[0]);
            this.output(text);
            return H.ints.fromValue(text.length);
          } }));
          attrs.set('stdout', this.handle('sys.stdout', { kind: 'module', name: 'sys.stdout', attrs: stdout }));
        }
        break;
      case 'math': {
        // Each function takes floats (or ints) and returns a new float (PyFloat_FromDouble: the
        // float free list), or an int for floor/ceil; METH_O or METH_FASTCALL, so no argument
        // tuple. The values are V8's Math functions: equal to the C library's except perhaps in
        // the last bit for the transcendental ones.
        const real = (v: Ref, f: string): number => {
          const x = this.num(v);
          if (x === undefined) throw new PythonException('TypeError', `${f}(): must be real number, not ${H.types.nameOf(H.typeOf(v))}`);
          return x;
        };
        const domain = (ok: boolean): void => {
          if (!ok) throw new PythonException('ValueError', 'math domain error');
        };
        // One function literal per name, not closures made in a loop: closures of one literal share
        // V8's type feedback, which would make the call of the Math function megamorphic in all.
        fn('sin', 'check', (args) => H.float(Math.sin(real(args[0], 'sin'))));
        fn('cos', 'check', (args) => H.float(Math.cos(real(args[0], 'cos'))));
        fn('tan', 'check', (args) => H.float(Math.tan(real(args[0], 'tan'))));
        fn('asin', 'check', (args) => H.float(Math.asin(real(args[0], 'asin'))));
        fn('acos', 'check', (args) => H.float(Math.acos(real(args[0], 'acos'))));
        fn('atan', 'check', (args) => H.float(Math.atan(real(args[0], 'atan'))));
        fn('sinh', 'check', (args) => H.float(Math.sinh(real(args[0], 'sinh'))));
        fn('cosh', 'check', (args) => H.float(Math.cosh(real(args[0], 'cosh'))));
        fn('tanh', 'check', (args) => H.float(Math.tanh(real(args[0], 'tanh'))));
        fn('exp', 'check', (args) => H.float(Math.exp(real(args[0], 'exp'))));
        fn('fabs', 'check', (args) => H.float(Math.abs(real(args[0], 'fabs'))));
        fn('sqrt', 'check', (args) => {
          const x = real(args[0], 'sqrt');
          domain(x >= 0 || Number.isNaN(x));
          return H.float(Math.sqrt(x));
        });
        fn('log10', 'check', (args) => {
          const x = real(args[0], 'log10');
          domain(x > 0);
          return H.float(Math.log10(x));
        });
        fn('log2', 'check', (args) => {
          const x = real(args[0], 'log2');
          domain(x > 0);
          return H.float(Math.log2(x));
        });
        fn('log', 'check', (args) => {
          const x = real(args[0], 'log');
          domain(x > 0);
          return H.float(args.length > 1 ? Math.log(x) / Math.log(real(args[1], 'log')) : Math.log(x));
        });
        fn('pow', 'check', (args) => H.float(Math.pow(real(args[0], 'pow'), real(args[1], 'pow'))));
        fn('atan2', 'check', (args) => H.float(Math.atan2(real(args[0], 'atan2'), real(args[1], 'atan2'))));
        fn('hypot', 'check', (args) => H.float(Math.hypot(...args.map((a) => real(a, 'hypot')))));
        fn('floor', 'check', (args) => (this.isInt(args[0]) ? (H.incref(args[0]), args[0]) : H.ints.fromValue(Math.floor(real(args[0], 'floor')))));
        fn('ceil', 'check', (args) => (this.isInt(args[0]) ? (H.incref(args[0]), args[0]) : H.ints.fromValue(Math.ceil(real(args[0], 'ceil')))));
        fn('isnan', 'check', (args) => this.bool(Number.isNaN(real(args[0], 'isnan'))));
        fn('isinf', 'check', (args) => this.bool(Math.abs(real(args[0], 'isinf')) === Infinity));
        attrs.set('pi', H.float(Math.PI));
        attrs.set('e', H.float(Math.E));
        attrs.set('tau', H.float(2 * Math.PI));
        attrs.set('inf', H.float(Infinity));
        attrs.set('nan', H.float(Number.NaN));
        break;
      }
      case 'time':
        // The simulator's own clock (what a pause measured with it means: the simulated
        // collection's wall time), from a base that makes it a two-digit int, as nanoseconds since
        // boot are: the objects are what CPython makes.
        fn('perf_counter_ns', 'check', () => H.ints.fromValue(this.clockNs()));
        fn('perf_counter', 'check', () => H.float(this.clockNs() / 1e9));
        break;
    }
    return attrs;
  }

  /**
   * `_PyObject_CallNoArgs(f)` from C code (f borrowed): no eval-breaker check on its return (a
   * Python callee checks at its own RESUME). New reference.
   */
  callNoArgsFromC(f: Ref): Ref {
    const h = this.handleOf(f);
    if (h?.kind === 'builtin') return h.call([]);
    this.H.incref(f);
    return this.call(0, f, []);
  }

  /** `PyCallable_Check` of what the simulation can call. */
  isCallable(v: Ref): boolean {
    const type = this.I[v + OB.TYPE];
    if (type === Kind.Function || type === Kind.BoundMethod || this.isCType(v, 'builtin_function_or_method')) return true;
    const h = this.handleOf(v);
    return h !== undefined && (h.kind === 'builtin' || h.kind === 'class' || h.kind === 'exception');
  }

  /**
   * `time.perf_counter_ns()`'s value: a simulated clock that advances 1 µs per read, so a program
   * that branches on the time it reads (long-lived-churn's longest-pause watch) takes the same path
   * and makes the same ints on every run. Its values are not CPython's times (the cost model's are);
   * the allocations a read makes are (from 10^12: a 2-digit int, as for any real reading).
   */
  private clockNs(): number {
    return 1_000_000_000_000 + 1000 * ++this.state.clockReads;
  }

  private weakrefModule(): WeakrefModule {
    const state = this.state;
    state.weakref ??= new WeakrefModule(this.H, (name) => this.cType(name), () => this.charge(WVD_REMOVE_OPS), (callback, wr) => {
      if (state.released) {
        this.H.decref(callback);
        this.H.decref(wr);
        return;
      }
      this.H.decref(this.call1(0, callback, wr));
    });
    return state.weakref;
  }

  /** `sys.modules[name]`: a dict of the module's attributes that are heap objects. */
  private moduleDict(name: string, attrs: Readonly<Record<string, Ref>>): void {
    const H = this.H;
    const d = H.dict.newDict();
    for (const [k, v] of Object.entries(attrs)) H.roots.setIn(d, k, v);
    H.roots.setIn(H.roots.modules, name, d);
    H.decref(d);
  }

  /** `array.array(code[, initializer])` from a list, a tuple or bytes. */
  private newArray(args: Ref[]): Ref {
    const H = this.H;
    const code = args.length > 0 && H.kindOf(args[0]) === Kind.Str ? H.str.read(args[0]) : '';
    if (!isArrayTypeCode(code) || code === 'f') throw new PythonException('ValueError', `array type code '${code}' is not simulated (use one of b B h H i I l L q Q d)`);
    const values: number[] = [];
    if (args.length > 1) {
      const init = args[1];
      const kind = H.kindOf(init);
      if (kind === Kind.Bytes) {
        const n = H.i32[init + FIELD.BYTES_SIZE];
        if (n % 8 !== 0 || !'qQdlL'.includes(code)) throw new PythonException('ValueError', 'array from bytes: only 8-byte type codes are simulated');
        for (let i = 0; i < n / 8; i++) values.push(0);
      } else {
        H.incref(init);
        const it = this.getIter(init);
        for (let v = this.next(it); v !== 0; v = this.next(it)) {
          values.push(Number(this.num(v) ?? Number.NaN));
          H.decref(v);
        }
        H.decref(it);
      }
    }
    return H.arrays.newArray(code, values);
  }

  /**
   * `gc.callbacks`: a real list. One dispatcher in the collector's callbacks calls each Python
   * callable in it with the phase string and the info dict the collector made, in list order.
   */
  private gcCallbacks(): Ref {
    const H = this.H;
    if (this.state.gcCallbacksList !== 0) return this.state.gcCallbacksList;
    const list = H.list.newList(0);
    this.state.gcCallbacksList = list;
    this.state.owned.push(list);
    H.gc.callbacks.push((_phase, _info, phaseStr, infoDict) => {
      if (this.state.released) return;
      const n = H.list.length(list);
      for (let i = 0; i < n; i++) {
        const cb = H.list.get(list, i);
        H.incref(cb);
        H.incref(phaseStr);
        H.incref(infoDict);
        H.decref(this.call2(0, cb, phaseStr, infoDict));
      }
    });
    return list;
  }

  // ---- builtins -------------------------------------------------------------------------------

  /**
   * FORMAT_VALUE / CONVERT_VALUE + FORMAT_SIMPLE / FORMAT_WITH_SPEC: the value (consumed) as a
   * str: an exact str without conversion or spec passes through; otherwise the conversion's str
   * (a temporary) and the formatted result are new.
   */
  formatValue(v: Ref, conversion: string, spec: string): Ref {
    const H = this.H;
    if (conversion === '' && spec === '' && this.I[v + OB.TYPE] === Kind.Str) return v;
    this.counted[Op.Format]++;
    if (this.I[v + OB.TYPE] >= CLASS_ID_BASE) {
      const r = this.formatProgramInstance(v, conversion, spec);
      if (r !== 0) return r;
    }
    let text: string;
    if (conversion === 'r' || conversion === 'a') {
      text = this.repr(v);
      // The conversion's str, then formatted (a spec makes another).
      if (spec !== '') H.decref(H.newStr(text));
    } else if (conversion === 's') {
      text = this.str(v);
      if (spec !== '' && H.kindOf(v) !== Kind.Str) H.decref(H.newStr(text));
    } else {
      text = spec === '' ? this.str(v) : this.formatSpec(v, spec);
    }
    if (spec !== '' && (conversion !== '')) text = formatWithSpec(text, spec);
    // f"{n}" of an int is str(n): its own str, one digit included (long_to_decimal_string).
    const fresh = spec === '' && H.kindOf(v) === Kind.Int;
    H.decref(v);
    return fresh ? H.str.createFresh(text) : H.newStr(text);
  }

  /**
   * FORMAT_VALUE of an instance of a program's class with `__str__` or `__repr__` (v consumed): `!r`
   * and `!s` call the method (its str passes through when there is no spec), no conversion is
   * PyObject_Format (dunder-slots.ts formatInstance). 0 when the class has neither method.
   */
  private formatProgramInstance(v: Ref, conversion: string, spec: string): Ref {
    const H = this.H;
    let r: Ref;
    if (conversion === 'r' || conversion === 'a' || conversion === 's') {
      const fn = conversion === 's' ? strMethod(this, v) : reprMethod(this, v);
      if (fn === 0) return 0;
      r = callTextMethod(this, fn, v, conversion === 's' ? 'str' : 'repr');
      if (spec !== '') {
        // The conversion's str, formatted by str.__format__ into a new one.
        const text = formatWithSpec(H.str.read(r), spec);
        H.decref(r);
        r = H.newStr(text);
      }
    } else {
      r = formatInstance(this, v, spec);
      if (r === 0) return 0;
    }
    H.decref(v);
    return r;
  }

  /** `format(v, spec)` for ints, floats and strs: fill, align, sign, width, precision, type. */
  /** A number or str formatted by a spec (the text only: nothing is made). */
  formatSpec(v: Ref, spec: string): string {
    const H = this.H;
    const m = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?(,)?(?:\.(\d+))?([bdeEfFgGnosxX%])?$/.exec(spec);
    if (!m) throw new PythonException('ValueError', `Invalid format specifier '${spec}'`);
    const [, , , sign, , , comma, precision, type] = m;
    let text: string;
    const kind = H.kindOf(v);
    if (kind === Kind.Str) text = precision === undefined ? H.str.read(v) : H.str.read(v).slice(0, Number(precision));
    else {
      const x = this.num(v);
      if (x === undefined) throw new PythonException('TypeError', `unsupported format string passed to ${H.types.nameOf(H.typeOf(v))}.__format__`);
      switch (type) {
        case 'f':
        case 'F':
          text = x.toFixed(precision === undefined ? 6 : Number(precision));
          break;
        case 'e':
          text = x.toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2');
          break;
        case '%':
          text = `${(x * 100).toFixed(precision === undefined ? 6 : Number(precision))}%`;
          break;
        case 'x':
          text = Math.trunc(x).toString(16);
          break;
        case 'b':
          text = Math.trunc(x).toString(2);
          break;
        default:
          text = precision !== undefined && kind === Kind.Float ? x.toFixed(Number(precision)) : this.str(v);
      }
      if (comma) text = text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
      if (sign === '+' && x >= 0) text = `+${text}`;
      else if (sign === ' ' && x >= 0) text = ` ${text}`;
    }
    return formatWithSpec(text, spec);
  }

  /** BUILD_STRING: the pieces (consumed) joined into a new str. */
  buildString(pieces: Ref[]): Ref {
    const H = this.H;
    let text = '';
    for (const p of pieces) text += H.str.read(p);
    const r = H.newStr(text);
    for (const p of pieces) H.decref(p);
    return r;
  }

  /** A bytes object's contents. */
  bytesOf(ref: Ref): Uint8Array {
    const H = this.H;
    if (H.kindOf(ref) !== Kind.Bytes) throw new PythonException('TypeError', `a bytes-like object is required, not '${H.types.nameOf(H.typeOf(ref))}'`);
    const n = H.i32[ref + FIELD.BYTES_SIZE];
    const base = ref * 4 + FIELD.BYTES_DATA_BYTE;
    return H.u8.slice(base, base + n);
  }

  len(v: Ref): number {
    const H = this.H;
    switch (H.kindOf(v)) {
      case Kind.List:
        return H.list.length(v);
      case Kind.Tuple:
        return H.tupleLength(v);
      case Kind.Dict:
        return H.dict.length(v);
      case Kind.Set:
        return H.set.length(v);
      case Kind.Str:
        return H.str.read(v).length;
      case Kind.Bytes:
        return H.i32[v + FIELD.BYTES_SIZE];
      case Kind.Range:
        return H.iter.rangeLength(v);
      case Kind.Array:
        return H.arrays.length(v);
      case Kind.Deque:
        return H.deques.length(v);
      case Kind.DictKeys:
      case Kind.DictValues:
      case Kind.DictItems:
        return H.dict.length(H.dictViews.viewDict(v));
      default: {
        const n = lengthOf(this, v);
        if (n !== undefined) return n;
        if (this.state.weakref?.isWeakValueDict(v)) return this.state.weakref.length(v);
        throw new PythonException('TypeError', `object of type '${H.types.nameOf(H.typeOf(v))}' has no len()`);
      }
    }
  }

  /**
   * `list.extend(x)`, and the filling of `list(x)` (list_extend; both borrowed): a list or tuple
   * is copied; a dict or dict view is read directly where the profile's list_extend does so
   * (3.13+); anything else is iterated, the array first grown by the length hint (8 without one)
   * and shrunk to fit at the end.
   */
  extendList(list: Ref, x: Ref): void {
    const H = this.H;
    const kind = H.kindOf(x);
    if (kind === Kind.List || kind === Kind.Tuple) {
      const n = kind === Kind.List ? H.list.length(x) : H.tupleLength(x);
      if (n === 0) return;
      H.list.reserveForExtend(list, n, true);
      // `x` may be the list itself: its first n items are read while it grows.
      for (let i = 0; i < n; i++) H.list.append(list, kind === Kind.List ? H.list.get(x, i) : H.tupleItem(x, i));
      return;
    }
    // list_extend reads an exact dict directly (PyDict_CheckExact): not a defaultdict.
    if (H.profile.listExtendFromDictsAndSets === 'direct' && (H.typeOf(x) === Kind.Dict || kind === Kind.DictKeys || kind === Kind.DictValues || kind === Kind.DictItems)) {
      const d = kind === Kind.Dict ? x : H.dictViews.viewDict(x);
      H.list.reserveForExtend(list, H.dict.length(d), false);
      for (let ix = H.dict.nextEntry(d, 0); ix >= 0; ix = H.dict.nextEntry(d, ix + 1)) {
        if (kind === Kind.DictValues) H.list.append(list, H.dict.entryValue(d, ix));
        else if (kind === Kind.DictItems) H.list.appendSteal(list, H.tupleOf(H.dict.entryKey(d, ix), H.dict.entryValue(d, ix)));
        else H.list.append(list, H.dict.entryKey(d, ix));
      }
      return;
    }
    H.incref(x);
    const it = this.getIter(x);
    try {
      H.list.reserveForExtend(list, this.lengthHint(x, 8), true);
      for (let v = this.next(it); v !== 0; v = this.next(it)) H.list.appendSteal(list, v);
      H.list.trimAfterExtend(list);
    } finally {
      H.decref(it);
    }
  }

  /** `_PyObject_HasLen`: whether `len(v)` is the C length of one of the built-in sized types. */
  hasLen(v: Ref): boolean {
    return SIZED_KINDS.has(this.H.kindOf(v));
  }

  /**
   * `PyObject_LengthHint(v, dflt)`: the length of a sized object; else an iterator's
   * `__length_hint__` (its int is made and dropped: PyLong_AsSsize_t of the method's result); else
   * the default.
   */
  lengthHint(v: Ref, dflt: number): number {
    const H = this.H;
    if (this.hasLen(v)) return this.len(v);
    let hint = H.iter.lengthHint(v);
    if (hint < 0) hint = cIteratorLengthHint(this, v);
    if (hint < 0) return dflt;
    // _PyObject_LookupSpecial: the bound method (a GC object), its result, the method dropped, then the int.
    const method = this.boundBuiltinMethod(v, 0);
    const n = H.ints.fromValue(hint);
    H.decref(method);
    H.decref(n);
    return hint;
  }

  /** CALL_FUNCTION_EX's lone `*xs` (consumed): an exact tuple as it is, anything else made one. */
  starArgs(v: Ref): Ref {
    if (this.I[v + OB.TYPE] === Kind.Tuple) return v;
    try {
      return this.tupleOf(v);
    } finally {
      this.H.decref(v);
    }
  }

  /** LIST_TO_TUPLE (consumed): PyList_AsTuple, the list's items in a new tuple, then the list dropped. */
  listToTuple(list: Ref): Ref {
    const H = this.H;
    const n = H.list.length(list);
    const items: Ref[] = [];
    for (let i = 0; i < n; i++) items.push(H.list.get(list, i));
    const t = this.buildTupleOf(items, true);
    H.decref(list);
    return t;
  }

  /**
   * CALL_FUNCTION_EX: `f(*tuple, **kwargs)` (all consumed; kwargs 0 for none). The callee gets the
   * tuple's items, then the dict's values by their names.
   */
  callWithTuple(site: number, f: Ref, tuple: Ref, kwargs: Ref): Ref {
    const H = this.H;
    const n = H.tupleLength(tuple);
    const args: Ref[] = [];
    for (let i = 0; i < n; i++) {
      const a = H.tupleItem(tuple, i);
      H.incref(a);
      args.push(a);
    }
    const kwnames: string[] = [];
    if (kwargs !== 0) {
      for (let ix = H.dict.nextEntry(kwargs, 0); ix >= 0; ix = H.dict.nextEntry(kwargs, ix + 1)) {
        kwnames.push(H.str.read(H.dict.entryKey(kwargs, ix)));
        const v = H.dict.entryValue(kwargs, ix);
        H.incref(v);
        args.push(v);
      }
    }
    // A Python function takes keywords by vectorcall: _PyStack_UnpackDict copies the arguments
    // into a PyMem array (one slot more) and the names into a kwnames tuple, both dropped after.
    const callEx: CallEx = { stack: 0, stackBytes: 8 * (1 + args.length), names: 0, tuple, kwargs, keys: undefined, released: false };
    const isFunction = this.I[f + OB.TYPE] === Kind.Function;
    if (kwnames.length > 0 && isFunction) {
      callEx.stack = H.allocator.malloc(callEx.stackBytes);
      const keys: Ref[] = [];
      for (let ix = H.dict.nextEntry(kwargs, 0); ix >= 0; ix = H.dict.nextEntry(kwargs, ix + 1)) keys.push(H.dict.entryKey(kwargs, ix));
      callEx.names = this.buildTupleOf(keys, true);
      callEx.keys = keys;
    }
    if (isFunction) this.callEx = callEx;
    try {
      return this.call(site, f, args, kwnames.length > 0 ? kwnames : undefined);
    } finally {
      this.callEx = undefined;
      // Here, unless the callee's frame set-up released them (f itself may be gone by now).
      this.releaseCallEx(callEx);
    }
  }

  /** What CALL_FUNCTION_EX drops once its call is set up: the unpacked arguments array, the kwnames tuple, the args tuple and the kwargs dict; once. */
  private releaseCallEx(r: CallEx): void {
    if (r.released) return;
    r.released = true;
    const H = this.H;
    if (r.names !== 0) H.decref(r.names);
    if (r.stack !== 0) H.allocator.free(r.stack, r.stackBytes);
    H.decref(r.tuple);
    if (r.kwargs !== 0) H.decref(r.kwargs);
  }

  /**
   * `tuple(iterable)` (PySequence_Tuple): a tuple passes through and a list is copied exactly;
   * anything else is iterated into a tuple of its length hint (default 10), grown by `(n + 10) * 5/4`
   * with _PyTuple_Resize and cut back to its length at the end. The iterable is borrowed.
   */
  tupleOf(v: Ref): Ref {
    const H = this.H;
    const kind = H.kindOf(v);
    if (kind === Kind.Tuple) {
      H.incref(v);
      return v;
    }
    if (kind === Kind.List) {
      const n = H.list.length(v);
      const items: Ref[] = [];
      for (let i = 0; i < n; i++) items.push(H.list.get(v, i));
      return this.buildTupleOf(items, true);
    }
    H.incref(v);
    const it = this.getIter(v);
    let n = 0;
    let result = 0;
    try {
      n = this.lengthHint(v, 10);
      result = H.newTuple(n);
      let j = 0;
      for (let item = this.next(it); item !== 0; item = this.next(it), j++) {
        if (j >= n) {
          n += 10;
          n += n >> 2;
          result = this.resizeTuple(result, n);
        }
        H.tupleInit(result, j, item);
      }
      if (j < n) result = this.resizeTuple(result, j);
      const done = result;
      result = 0;
      return done;
    } finally {
      if (result !== 0) H.decref(result);
      H.decref(it);
    }
  }

  /** `_PyTuple_Resize` as PySequence_Tuple uses it: to or from the empty tuple the object changes. */
  private resizeTuple(t: Ref, n: number): Ref {
    const H = this.H;
    if (n === 0 || t === H.emptyTuple) {
      H.decref(t);
      return H.newTuple(n);
    }
    return H.tuples.resize(t, n);
  }

  /**
   * `reversed(range)` / `reversed(list)`: reversed_new looks `__reversed__` up (a bound builtin
   * method, 72 B, a GC object), calls it (range_reverse, list_reversed: the iterator) and drops
   * the method; a tuple has none, so reversed_new makes its own reversed object.
   */
  reversedOf(v: Ref): Ref {
    const H = this.H;
    const kind = H.kindOf(v);
    // A tuple has no __reversed__: reversed_new's own object over its indices.
    if (kind === Kind.Tuple) return reversedSequence(this, v);
    if (kind !== Kind.Range && kind !== Kind.List) throw new PythonException('TypeError', `reversed() of '${H.types.nameOf(H.typeOf(v))}' is not simulated yet (only of a range, list or tuple)`);
    const method = this.boundBuiltinMethod(v, 0);
    const it = kind === Kind.Range ? H.iter.reversedRangeIter(v) : reversedList(this, v);
    H.decref(method);
    return it;
  }

  /**
   * `zip(*iterables)` (zip_vectorcall; arguments borrowed): the tuple of their iterators, the
   * result tuple (of Nones) it recycles, then the zip object (a GC object of 64 B: ittuple, result,
   * tuplesize, strict).
   */
  zipOf(args: readonly Ref[]): Ref {
    const H = this.H;
    const iterators: Ref[] = [];
    try {
      for (const a of args) {
        H.incref(a);
        iterators.push(this.getIter(a));
      }
    } catch (err) {
      for (const it of iterators) H.decref(it);
      throw err;
    }
    const ittuple = this.buildTupleOf(iterators, true);
    for (const it of iterators) H.decref(it);
    const result = this.buildTupleOf(args.map(() => H.None), true);
    const z = H.newInstance(this.cType('zip'));
    H.setSlot(z, 0, ittuple);
    H.setSlot(z, 1, result);
    H.decref(ittuple);
    H.decref(result);
    return z;
  }

  private isZip(v: Ref): boolean {
    return this.isCType(v, 'zip');
  }

  /** zip_next: the recycled result tuple when only the zip holds it (tracked again), else a new one; 0 at the end. */
  private zipNext(z: Ref): Ref {
    const H = this.H;
    const ittuple = H.getSlot(z, 0);
    const n = H.tupleLength(ittuple);
    if (n === 0) return 0;
    let result = H.getSlot(z, 1);
    if (H.refcount(result) === 1) {
      H.incref(result);
      for (let i = 0; i < n; i++) {
        const item = this.next(H.tupleItem(ittuple, i));
        if (item === 0) {
          H.decref(result);
          return 0;
        }
        const old = H.tupleItem(result, i);
        H.tupleInit(result, i, item);
        H.decref(old);
      }
      if (!H.isTracked(result)) H.track(result);
      return result;
    }
    result = H.newTuple(n);
    for (let i = 0; i < n; i++) {
      const item = this.next(H.tupleItem(ittuple, i));
      if (item === 0) {
        H.decref(result);
        return 0;
      }
      H.tupleInit(result, i, item);
    }
    return result;
  }

  /**
   * A builtin_function_or_method (PyCFunctionObject: 56 B + the GC head) bound to `self`: slot
   * `ml` holds the method's name as a str (0: a method only looked up by C code, never called
   * from the program), `self` the object. New reference.
   */
  private boundBuiltinMethod(self: Ref, name: Ref): Ref {
    const method = this.newCObject('builtin_function_or_method', 1, self);
    if (name !== 0) this.H.setSlot(method, 0, name);
    return method;
  }

  /**
   * `round(x[, ndigits])` (builtin_round): `__round__` looked up on the number's type and bound
   * (_PyObject_LookupSpecial: a builtin_function_or_method, 72 B, a GC object), called, dropped.
   * An int rounds to itself (long_long); a float without ndigits to an int, half to even
   * (PyLong_FromDouble), with ndigits to a float (double_round; its dtoa scratch is not simulated).
   */
  round(x: Ref, ndigits: Ref | undefined): Ref {
    const H = this.H;
    const kind = H.kindOf(x);
    if (kind !== Kind.Int && kind !== Kind.Bool && kind !== Kind.Float) throw new PythonException('TypeError', `type ${H.types.nameOf(H.typeOf(x))} doesn't define __round__ method`);
    const nd = ndigits === undefined || ndigits === H.None ? undefined : ndigits;
    if (nd !== undefined && !this.isInt(nd)) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(nd))}' object cannot be interpreted as an integer`);
    const method = this.boundBuiltinMethod(x, 0);
    try {
      if (kind !== Kind.Float) {
        if (nd !== undefined && H.intValue(nd) < 0) throw new PythonException('NotImplementedError', 'round() of an int to negative ndigits is not simulated yet');
        // long_long: an exact int is itself (a bool becomes its int).
        return kind === Kind.Bool ? H.int(H.intValue(x)) : H.sharedRef(x);
      }
      const v = H.floatValue(x);
      if (nd === undefined) {
        if (!Number.isFinite(v)) throw new PythonException(Number.isNaN(v) ? 'ValueError' : 'OverflowError', Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
        return H.ints.fromValue(roundHalfEven(v));
      }
      return H.float(roundToDigits(v, H.intValue(nd)));
    } finally {
      H.decref(method);
    }
  }

  /**
   * `sum(iterable)`: CPython's C-long fast path adds ints without making any (each item is
   * dropped), then makes the total once; floats likewise with a C double.
   */
  sum(iterable: Ref, start = 0): Ref {
    const H = this.H;
    if (start !== 0 && !this.isInt(start) && H.kindOf(start) !== Kind.Float) return this.sumByAdding(iterable, start);
    H.incref(iterable);
    const it = this.getIter(iterable);
    // builtin_sum_impl: an int or float start is read into the C total (and dropped).
    let total: number | bigint = start === 0 ? 0 : H.kindOf(start) === Kind.Float ? H.floatValue(start) : H.ints.value(start);
    let isFloat = start !== 0 && H.kindOf(start) === Kind.Float;
    for (let v = this.next(it); v !== 0; v = this.next(it)) {
      const t = this.I[v + OB.TYPE];
      if (t === Kind.Int || t === Kind.Bool) {
        const x = H.ints.value(v);
        // Once a float has been added the total is a C double (an int item is converted to one).
        if (isFloat) total = Number(total) + Number(x);
        else total = typeof total === 'number' && typeof x === 'number' && Number.isSafeInteger(total + x) ? total + x : BigInt(total) + BigInt(x);
      } else if (t === Kind.Float) {
        total = Number(total) + H.floatValue(v);
        isFloat = true;
      } else {
        H.decref(v);
        H.decref(it);
        throw new PythonException('TypeError', `unsupported operand type(s) for +: 'int' and '${H.types.nameOf(t)}'`);
      }
      H.decref(v);
    }
    H.decref(it);
    return isFloat ? H.float(Number(total)) : H.ints.fromValue(total);
  }

  /** `sum(it, start)` of a start that is not a number: `result = result + item` (PyNumber_Add) for each item. */
  private sumByAdding(iterable: Ref, start: Ref): Ref {
    const H = this.H;
    if (H.kindOf(start) === Kind.Str) throw new PythonException('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
    H.incref(iterable);
    const it = this.getIter(iterable);
    H.incref(start);
    let result = start;
    try {
      for (let v = this.next(it); v !== 0; v = this.next(it)) {
        let next: Ref;
        try {
          next = this.add(result, v);
        } finally {
          H.decref(v);
        }
        H.decref(result);
        result = next;
      }
    } catch (err) {
      H.decref(result);
      throw err;
    } finally {
      H.decref(it);
    }
    return result;
  }

  // ---- conversions used by the runtime ------------------------------------------------------------

  /** `str(v)` as a JS string (for print, probes, messages). */
  str(v: Ref): string {
    const H = this.H;
    if (v === H.None) return 'None';
    if (v === H.True) return 'True';
    if (v === H.False) return 'False';
    switch (H.kindOf(v)) {
      case Kind.Str:
        return H.str.read(v);
      case Kind.Int:
        return String(H.ints.value(v));
      case Kind.Float:
        return floatRepr(H.floatValue(v));
      default: {
        if (this.I[v + OB.TYPE] < CLASS_ID_BASE) return this.repr(v);
        // A program class's __str__ (or __repr__) first: an exception subclass's overrides BaseException_str.
        return textOf(this, v, 'str') ?? this.exceptionText(v, false) ?? this.repr(v);
      }
    }
  }

  /**
   * str() and repr() of an exception object the runtime made (BaseException_str / _repr): its
   * args' one item as str, more as their tuple's repr, none as ''; repr is `Name(args…)`.
   * Undefined for any other object.
   */
  private exceptionText(v: Ref, repr: boolean): string | undefined {
    const H = this.H;
    const builtin = this.builtinExceptionOf(v);
    if (builtin === undefined) return undefined;
    const name = this.exceptionRecordOf(v)?.name ?? builtin;
    const args = H.getSlot(v, EXC_ARGS);
    const n = args === 0 ? 0 : H.tupleLength(args);
    if (repr) return n === 1 ? `${name}(${this.repr(H.tupleItem(args, 0))})` : `${name}${n === 0 ? '()' : this.reprTuple(args)}`;
    // KeyError_str (a subclass's too): the one key's repr.
    if (n === 1) return exceptionDerives(builtin, 'KeyError') ? this.repr(H.tupleItem(args, 0)) : this.str(H.tupleItem(args, 0));
    return n === 0 ? '' : this.reprTuple(args);
  }

  /** `repr(v)` as a JS string (the text only: a `__repr__` of the program's class is refused, see str). */
  repr(v: Ref): string {
    const H = this.H;
    switch (H.kindOf(v)) {
      case Kind.Str:
        return strRepr(H.str.read(v));
      case Kind.Int:
      case Kind.Float:
      case Kind.None:
      case Kind.Bool:
        return this.str(v);
      case Kind.Bytes: {
        let text = '';
        for (const c of this.bytesOf(v)) {
          if (c === 0x5c) text += '\\\\';
          else if (c === 0x27) text += "\\'";
          else if (c === 9) text += '\\t';
          else if (c === 10) text += '\\n';
          else if (c === 13) text += '\\r';
          else if (c < 0x20 || c >= 0x7f) text += `\\x${c.toString(16).padStart(2, '0')}`;
          else text += String.fromCharCode(c);
        }
        return `b'${text}'`;
      }
      case Kind.List: {
        const parts: string[] = [];
        for (let i = 0; i < H.list.length(v); i++) parts.push(this.repr(H.list.get(v, i)));
        return `[${parts.join(', ')}]`;
      }
      case Kind.Tuple: {
        const parts: string[] = [];
        for (let i = 0; i < H.tupleLength(v); i++) parts.push(this.repr(H.tupleItem(v, i)));
        // A namedtuple's __repr__: its name and fields (the strs it makes are not simulated).
        const record = H.typeOf(v) >= CLASS_ID_BASE ? this.classByType[H.typeOf(v) - CLASS_ID_BASE] : undefined;
        if (record?.fields !== undefined) return `${record.name}(${record.fields.map((f, i) => `${f}=${parts[i]}`).join(', ')})`;
        return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
      }
      case Kind.Set: {
        // set_repr: the keys in table order; an empty set is set().
        const parts: string[] = [];
        for (let e = H.set.entryFrom(v, 0); e !== undefined; e = H.set.entryFrom(v, e[0] + 1)) parts.push(this.repr(e[1]));
        return parts.length === 0 ? 'set()' : `{${parts.join(', ')}}`;
      }
      case Kind.Dict: {
        // dict_repr: the items in insertion order.
        const parts: string[] = [];
        for (let ix = H.dict.nextEntry(v, 0); ix >= 0; ix = H.dict.nextEntry(v, ix + 1)) parts.push(`${this.repr(H.dict.entryKey(v, ix))}: ${this.repr(H.dict.entryValue(v, ix))}`);
        return `{${parts.join(', ')}}`;
      }
      default: {
        const text = this.I[v + OB.TYPE] >= CLASS_ID_BASE ? (textOf(this, v, 'repr') ?? this.exceptionText(v, true)) : undefined;
        if (text !== undefined) return text;
        return `<${H.types.nameOf(H.typeOf(v))} object>`;
      }
    }
  }
}

function digitsOfValue(v: number | bigint): number {
  return digitsOf(v);
}

