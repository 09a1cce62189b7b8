/**
 * What the simulated program can name: the builtins, the simulated modules and their attributes,
 * and the methods of the built-in types. The compiler refuses anything else before the program
 * runs; the runtime (runtime.ts) implements each entry with the allocations CPython makes for it.
 */

import type { Ref } from '../heap/layout.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';
import { Kind } from '../heap/types.js';

/**
 * How a call of a builtin is checked for the eval breaker on return (3.12+: `CALL_BUILTIN_*`,
 * `CALL_NON_PY_GENERAL` and the generic `CALL` check; `CALL_LEN`, `CALL_ISINSTANCE` and
 * `CALL_LIST_APPEND` do not; `Python/bytecodes.c`).
 */
export type BreakerAfterCall = 'check' | 'none';

/** A builtin function: its eval-breaker rule and what it does (arguments borrowed, result new). */
export interface BuiltinFunction {
  readonly breaker: BreakerAfterCall;
  /** `packed`: the tuple a builtin without vectorcall got its arguments in (profile.argumentTupleBuiltins), or 0. */
  call(R: Runtime, args: Ref[], packed: Ref): Ref;
}

function intArg(R: Runtime, v: Ref, what: string): number {
  if (!R.isInt(v)) throw new PythonException('TypeError', `'${R.H.types.nameOf(R.H.typeOf(v))}' object cannot be interpreted as an integer (${what})`);
  return R.H.intValue(v);
}

/**
 * `max`/`min` of several arguments or of one iterable (min_max): the winner gains a reference,
 * nothing else is made. Over an iterable only the best so far is held: each item that does not
 * beat it (strictly, so the first of equals wins) is dropped as soon as it is compared.
 */
function extreme(R: Runtime, args: Ref[], packed: Ref, sign: 1 | -1, name: string): Ref {
  const H = R.H;
  let best = 0;
  // One argument is the iterable; several are iterated as the tuple they were packed into (a
  // tuple iterator, MEAS 3.11.2 and 3.12.1: 48 B), or read in place where min/max have vectorcall (3.13).
  if (args.length === 0) throw new PythonException('TypeError', `${name} expected at least 1 argument, got 0`);
  const iterable = args.length === 1 ? args[0] : packed;
  if (iterable !== 0) {
    H.incref(iterable);
    const it = R.getIter(iterable);
    try {
      for (let v = R.next(it); v !== 0; v = R.next(it)) {
        if (best === 0) best = v;
        else if (R.orderOf(v, best, name) * sign > 0) {
          H.decref(best);
          best = v;
        } else H.decref(v);
      }
    } catch (err) {
      if (best !== 0) H.decref(best);
      throw err;
    } finally {
      H.decref(it);
    }
    if (best === 0) throw new PythonException('ValueError', `${name}() iterable argument is empty`);
    return best;
  }
  for (const a of args) if (best === 0 || R.orderOf(a, best, name) * sign > 0) best = a;
  H.incref(best);
  return best;
}

/** Every builtin function the front-end simulates. A name not here is refused before a program runs. */
export const BUILTIN_FUNCTIONS: Readonly<Record<string, BuiltinFunction>> = {
  range: {
    breaker: 'check',
    call(R, args) {
      if (args.length === 0 || args.length > 3) throw new PythonException('TypeError', `range expected at most 3 arguments, got ${args.length}`);
      const one = args.length === 1;
      const start = one ? 0 : intArg(R, args[0], 'range');
      const stop = intArg(R, args[one ? 0 : 1], 'range');
      const step = args.length === 3 ? intArg(R, args[2], 'range') : 1;
      if (step === 0) throw new PythonException('ValueError', 'range() arg 3 must not be zero');
      return R.H.iter.newRange(start, stop, step);
    },
  },
  len: { breaker: 'none', call: (R, args) => R.H.ints.fromValue(R.len(args[0])) },
  sum: { breaker: 'check', call: (R, args) => R.sum(args[0]) },
  max: { breaker: 'check', call: (R, args, packed) => extreme(R, args, packed, 1, 'max') },
  min: { breaker: 'check', call: (R, args, packed) => extreme(R, args, packed, -1, 'min') },
  abs: {
    breaker: 'check',
    call(R, args) {
      const H = R.H;
      const a = args[0];
      if (R.isInt(a)) {
        if (H.intValue(a) < 0) return H.ints.neg(a);
        H.incref(a);
        return a;
      }
      return H.float(Math.abs(R.num(a) ?? Number.NaN));
    },
  },
  print: {
    breaker: 'check',
    call(R, args) {
      R.output(`${args.map((a) => R.str(a)).join(' ')}\n`);
      return R.none();
    },
  },
  list: {
    breaker: 'check',
    // list(x): a list object of its own (list_vectorcall never takes the free list), filled as
    // list.extend(x) fills a list (Runtime.extendList). MEAS (3.11.2, 3.13.0): `x = list()` 300
    // times in a loop leaves 78 lists (4368 B) traced on the free list at the end, `x = []` none.
    call(R, args) {
      const list = R.H.list.newList(0, false);
      if (args.length > 0) {
        try {
          R.extendList(list, args[0]);
        } catch (err) {
          R.H.decref(list);
          throw err;
        }
      }
      return list;
    },
  },
  bytes: {
    breaker: 'check',
    call(R, args) {
      const H = R.H;
      if (args.length === 0) return H.sharedRef(H.emptyBytes);
      if (args.length === 1 && R.isInt(args[0])) return H.bytes(H.intValue(args[0]));
      throw new PythonException('TypeError', 'bytes() of this argument is not simulated yet');
    },
  },
  int: {
    breaker: 'check',
    call(R, args) {
      const H = R.H;
      if (args.length === 0) return H.int(0);
      const v = args[0];
      if (R.isInt(v)) {
        H.incref(v);
        return v;
      }
      const kind = H.kindOf(v);
      if (kind === Kind.Float) return H.ints.fromValue(Math.trunc(H.floatValue(v)));
      const text = kind === Kind.Str ? H.str.read(v) : kind === Kind.Bytes ? String.fromCharCode(...R.bytesOf(v)) : undefined;
      if (text === undefined || !/^\s*[+-]?\d[\d_]*\s*$/.test(text)) {
        throw new PythonException('ValueError', `invalid literal for int() with base 10: ${text === undefined ? R.repr(v) : JSON.stringify(text)}`);
      }
      const big = BigInt(text.trim().replace(/_/g, ''));
      return H.ints.fromValue(big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big);
    },
  },
  float: {
    breaker: 'check',
    // float(x): a float is returned as it is (float's tp_new for an exact float), an int or a
    // numeric string makes a new one.
    call(R, args) {
      const H = R.H;
      if (args.length === 0) return H.float(0);
      const v = args[0];
      const kind = H.kindOf(v);
      if (kind === Kind.Float) {
        H.incref(v);
        return v;
      }
      if (R.isInt(v)) return H.float(H.intValue(v));
      const text = kind === Kind.Str ? H.str.read(v).trim().replace(/_/g, '') : undefined;
      const special = text === undefined ? undefined : /^([+-]?)(inf|infinity|nan)$/i.exec(text);
      if (special) return H.float(special[2].toLowerCase() === 'nan' ? Number.NaN : special[1] === '-' ? -Infinity : Infinity);
      if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
        throw new PythonException('ValueError', `could not convert string to float: ${text === undefined ? R.repr(v) : JSON.stringify(text)}`);
      }
      return H.float(Number(text));
    },
  },
  str: {
    breaker: 'check',
    call(R, args) {
      const H = R.H;
      if (args.length === 0) return H.sharedRef(H.emptyStr);
      const v = args[0];
      if (H.kindOf(v) === Kind.Str) {
        H.incref(v);
        return v;
      }
      // An int's decimal digits are written into a str of their own, one digit included.
      if (H.kindOf(v) === Kind.Int) return H.str.createFresh(R.str(v));
      return H.newStr(R.str(v));
    },
  },
  enumerate: {
    breaker: 'check',
    call(R, args) {
      R.H.incref(args[0]);
      const start = args.length > 1 ? intArg(R, args[1], 'enumerate start') : 0;
      return R.H.iter.newEnumerate(R.getIter(args[0]), start);
    },
  },
  tuple: {
    breaker: 'check',
    call(R, args) {
      if (args.length === 0) return R.H.sharedRef(R.H.emptyTuple);
      return R.tupleOf(args[0]);
    },
  },
  set: {
    breaker: 'check',
    // set(iterable) (make_new_set + set_update_internal): the empty set, then each item added.
    call(R, args) {
      const H = R.H;
      const s = H.set.newSet();
      if (args.length === 0) return s;
      H.incref(args[0]);
      const it = R.getIter(args[0]);
      try {
        for (let v = R.next(it); v !== 0; v = R.next(it)) {
          H.set.add(s, v);
          H.decref(v);
        }
      } catch (err) {
        H.decref(s);
        throw err;
      } finally {
        H.decref(it);
      }
      return s;
    },
  },
  zip: {
    breaker: 'check',
    call(R, args) {
      return R.zipOf(args);
    },
  },
  reversed: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 1) throw new PythonException('TypeError', `reversed expected 1 argument, got ${args.length}`);
      return R.reversedOf(args[0]);
    },
  },
  setattr: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 3) throw new PythonException('TypeError', `setattr expected 3 arguments, got ${args.length}`);
      R.setAttrNamed(args[0], args[1], args[2]);
      return R.none();
    },
  },
  ord: {
    breaker: 'check',
    call(R, args) {
      const H = R.H;
      const c = args[0];
      if (args.length !== 1 || H.kindOf(c) !== Kind.Str) throw new PythonException('TypeError', 'ord() expected a string of length 1');
      const text = H.str.read(c);
      const code = text.codePointAt(0);
      if (code === undefined || [...text].length !== 1) throw new PythonException('TypeError', `ord() expected a character, but string of length ${[...text].length} found`);
      return H.ints.fromValue(code);
    },
  },
  chr: {
    breaker: 'check',
    // PyUnicode_FromOrdinal: a Latin-1 character is the cached one-character str.
    call(R, args) {
      const i = intArg(R, args[0], 'chr');
      if (i < 0 || i > 0x10ffff) throw new PythonException('ValueError', 'chr() arg not in range(0x110000)');
      return R.H.str.create(String.fromCodePoint(i));
    },
  },
  type: {
    breaker: 'check',
    // type(obj): the class of an instance of a program's class (its handle); built-in types are not simulated as objects.
    call(R, args) {
      if (args.length !== 1) throw new PythonException('TypeError', 'type() with three arguments (making a class) is not simulated');
      return R.classOf(args[0]);
    },
  },
  open: {
    breaker: 'check',
    call() {
      throw new PythonException('OSError', "open(): the simulated program has no files (the lab does not touch the host's)");
    },
  },
  isinstance: {
    breaker: 'none',
    call(R, args) {
      return R.bool(R.isInstance(args[0], args[1]));
    },
  },
};

export const BUILTIN_NAMES_OF_FUNCTIONS = Object.keys(BUILTIN_FUNCTIONS);

/** Names a program may use without defining them. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  ...BUILTIN_NAMES_OF_FUNCTIONS,
  'None',
  'True',
  'False',
  // Exception classes the runtime knows by name (raised and caught by name).
  'Exception',
  'BaseException',
  'ValueError',
  'TypeError',
  'KeyError',
  'IndexError',
  'RuntimeError',
  'ZeroDivisionError',
  'AttributeError',
  'NameError',
  'StopIteration',
  'AssertionError',
  'NotImplementedError',
  'ArithmeticError',
  'LookupError',
  'MemoryError',
  'RecursionError',
  'OverflowError',
  'UnboundLocalError',
  'KeyboardInterrupt',
  'SystemExit',
  'ImportError',
  'ModuleNotFoundError',
]);

/** The simulated modules and the attributes each has. */
export const MODULES: Readonly<Record<string, readonly string[]>> = {
  twin: ['main', 'probe', 'report'],
  gc: [
    'collect', 'enable', 'disable', 'isenabled', 'get_count', 'get_threshold', 'set_threshold', 'freeze', 'unfreeze',
    'get_freeze_count', 'is_tracked', 'callbacks', 'garbage',
  ],
  sys: ['intern', 'exit', 'stdout'],
  time: ['perf_counter', 'perf_counter_ns'],
  math: ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'fabs', 'sqrt', 'log', 'log10', 'log2', 'pow', 'atan2', 'hypot', 'floor', 'ceil', 'isnan', 'isinf', 'pi', 'e', 'tau', 'inf', 'nan'],
  array: ['array'],
  weakref: ['ref', 'WeakValueDictionary'],
  random: ['seed', 'random', 'getrandbits', 'randrange', 'randint', 'choice', 'shuffle', 'uniform'],
  collections: ['deque', 'defaultdict', 'namedtuple'],
  os: ['fork', 'open', 'read', 'close', 'O_RDONLY', 'waitpid', '_exit', 'waitstatus_to_exitcode'],
  _testcapi: ['with_tp_del'],
};

export const MODULE_NAMES: ReadonlySet<string> = new Set(Object.keys(MODULES));

export function moduleHasAttribute(module: string, name: string): boolean {
  return MODULES[module]?.includes(name) ?? false;
}

/**
 * Methods of the built-in types the runtime implements (runtime.ts callTypeMethod), by kind; a
 * call `obj.m(...)` of another name must be a method of one of the program's classes.
 */
export const TYPE_METHODS: Readonly<Partial<Record<Kind, ReadonlySet<string>>>> = {
  [Kind.List]: new Set(['append', 'pop', 'insert', 'clear', 'remove', 'extend']),
  [Kind.Str]: new Set(['replace', 'strip', 'lstrip', 'rstrip']),
  [Kind.Dict]: new Set(['get', 'keys', 'values', 'items']),
  [Kind.Bytes]: new Set(['index']),
  [Kind.Deque]: new Set(['append', 'appendleft', 'pop', 'popleft', 'extend', 'clear']),
};

/** Methods of the simulated objects that are not of a built-in kind: `sys.stdout.write`. */
const OBJECT_METHODS = ['write'];

/** Every name in TYPE_METHODS and OBJECT_METHODS: what the compiler lets `obj.m(...)` call on an object of no program class. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([...Object.values(TYPE_METHODS).flatMap((names) => [...names]), ...OBJECT_METHODS]);
