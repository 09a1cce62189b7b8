/**
 * What the simulated program can name: the builtins, the simulated modules and their attributes,
 * and the methods of the built-in types. The compiler refuses anything else before the program
 * runs; the runtime (runtime.ts) implements each entry with the allocations CPython makes for it.
 */

import type { Ref } from '../heap/layout.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';
import { Kind } from '../heap/types.js';
import { STR_METHOD_NAMES } from './str-methods.js';
import { callTextMethod, hashResult, reprMethod, strMethod } from './dunder-slots.js';
import { newFilter, newMap } from './c-iterators.js';
import { addressOf, hashOfAddress, hashOfFloat, hashOfInt, hashOfText } from './hashing.js';
import { Op } from './work-counts.js';

/**
 * How a call of a builtin is checked for the eval breaker on return (3.12+: `CALL_BUILTIN_*`,
 * `CALL_NON_PY_GENERAL` and the generic `CALL` check; `CALL_LEN`, `CALL_ISINSTANCE` and
 * `CALL_LIST_APPEND` do not; `Python/bytecodes.c`).
 */
export type BreakerAfterCall = 'check' | 'none';

/** A builtin function: its eval-breaker rule and what it does (arguments borrowed, result new). */
export interface BuiltinFunction {
  readonly breaker: BreakerAfterCall;
  call(R: Runtime, args: Ref[]): Ref;
  /** A call with keyword arguments (their values after the positional ones; all borrowed); without it keywords are a TypeError. */
  callWithKeywords?(R: Runtime, args: Ref[], kwnames: readonly string[]): Ref;
  /** The builtin packs its own argument tuple (and keyword dict) where the profile says it is METH_VARARGS: the call does not. */
  readonly packsOwnArguments?: boolean;
}

function intArg(R: Runtime, v: Ref, what: string): number {
  if (!R.isInt(v)) throw new PythonException('TypeError', `'${R.H.types.nameOf(R.H.typeOf(v))}' object cannot be interpreted as an integer (${what})`);
  return R.H.intValue(v);
}

/**
 * `max(...)` / `min(...)` (min_max in `Python/bltinmodule.c`; arguments borrowed, the keyword
 * values after the positional ones). Where the profile's min and max are METH_VARARGS (3.11,
 * 3.12: Profile.argumentTupleBuiltins), the call packs the positional arguments into a tuple and
 * the keywords into a dict (_PyObject_MakeTpCall), and several positional arguments are iterated
 * through that tuple's iterator; 3.13's METH_FASTCALL reads them in place. Each item is kept only
 * while it is the best so far (its key too): a loser is dropped at once.
 */
function extreme(R: Runtime, args: Ref[], kwnames: readonly string[] | undefined, op: '<' | '>', name: 'max' | 'min'): Ref {
  const H = R.H;
  const nk = kwnames?.length ?? 0;
  const npos = args.length - nk;
  const varargs = H.profile.argumentTupleBuiltins.includes(name);
  const tuple = varargs ? R.buildTupleOf(args.slice(0, npos), true) : 0;
  const kwdict = varargs && nk > 0 ? R.keywordDict(args.slice(npos), kwnames!) : 0;
  let it = 0;
  let maxitem = 0;
  let maxval = 0;
  try {
    let key = 0;
    let dflt = 0;
    for (let k = 0; k < nk; k++) {
      const v = args[npos + k];
      if (kwnames![k] === 'key') key = v === H.None ? 0 : v;
      else if (kwnames![k] === 'default') dflt = v;
      else throw new PythonException('TypeError', `'${kwnames![k]}' is an invalid keyword argument for ${name}()`);
    }
    if (npos === 0) throw new PythonException('TypeError', `${name} expected at least 1 argument, got 0`);
    const positional = npos > 1;
    if (positional && dflt !== 0) throw new PythonException('TypeError', `Cannot specify a default for ${name}() with multiple positional arguments`);
    const source = !positional ? args[0] : tuple;
    if (source !== 0) {
      H.incref(source);
      it = R.getIter(source);
    }
    for (let i = 0; ; ) {
      let item: Ref;
      if (it === 0) {
        if (i >= npos) break;
        item = args[i++];
        H.incref(item);
      } else {
        item = R.next(it);
        if (item === 0) break;
      }
      let val = item;
      if (key !== 0) {
        try {
          H.incref(key);
          H.incref(item);
          val = R.callFromC(key, [item]);
        } catch (err) {
          H.decref(item);
          throw err;
        }
      } else H.incref(val);
      if (maxval === 0) {
        maxitem = item;
        maxval = val;
        continue;
      }
      let better: boolean;
      try {
        const order = R.orderOf(val, maxval, op);
        better = op === '>' ? order > 0 : order < 0;
      } catch (err) {
        H.decref(item);
        H.decref(val);
        throw err;
      }
      if (better) {
        H.decref(maxval);
        H.decref(maxitem);
        maxval = val;
        maxitem = item;
      } else {
        H.decref(item);
        H.decref(val);
      }
    }
    if (maxval === 0) {
      if (dflt === 0) throw new PythonException('ValueError', `${name}() iterable argument is empty`);
      H.incref(dflt);
      return dflt;
    }
    H.decref(maxval);
    maxval = 0;
    const result = maxitem;
    maxitem = 0;
    return result;
  } finally {
    if (maxval !== 0) H.decref(maxval);
    if (maxitem !== 0) H.decref(maxitem);
    if (it !== 0) H.decref(it);
    if (tuple !== 0) H.decref(tuple);
    if (kwdict !== 0) H.decref(kwdict);
  }
}

/**
 * `hash(v)`'s value (builtin_hash: PyObject_Hash, then PyLong_FromSsize_t of it). A program's
 * `__hash__` returns an int that is dropped once its hash is read; None, functions and instances
 * without one hash by address.
 */
function hashValue(R: Runtime, v: Ref): bigint {
  const H = R.H;
  switch (H.kindOf(v)) {
    case Kind.Int:
    case Kind.Bool:
      return hashOfInt(H.ints.value(v));
    case Kind.Float:
      return hashOfFloat(H.floatValue(v), hashOfAddress(addressOf(v)));
    case Kind.Str:
    case Kind.Bytes:
      return hashOfText(H.hashOf(v));
    case Kind.Tuple: {
      // tuplehash (xxHash's round over the items' hashes, 64-bit).
      const M = 0xffffffffffffffffn;
      const P1 = 11400714785074694791n;
      const P2 = 14029467366897019727n;
      const P5 = 2870177450012600261n;
      const n = H.tupleLength(v);
      let acc = P5;
      for (let i = 0; i < n; i++) {
        const lane = hashValue(R, H.tupleItem(v, i)) & M;
        acc = (acc + lane * P2) & M;
        acc = ((acc << 31n) | (acc >> 33n)) & M;
        acc = (acc * P1) & M;
      }
      acc = (acc + (BigInt(n) ^ (P5 ^ 3527539n))) & M;
      if (acc === M) return 1546275796n;
      return acc >= 1n << 63n ? acc - (1n << 64n) : acc;
    }
    case Kind.List:
    case Kind.Dict:
    case Kind.Set:
      throw new PythonException('TypeError', `unhashable type: '${H.types.nameOf(H.typeOf(v))}'`);
    default: {
      const r = hashResult(R, v);
      if (r === 0) return hashOfAddress(addressOf(v));
      const h = hashOfInt(H.ints.value(r));
      H.decref(r);
      return h;
    }
  }
}

/** An int of a bigint value (a Number when it is exactly one). */
function intOf(R: Runtime, v: bigint): Ref {
  return R.H.ints.fromValue(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

/** Whether `v` can be called: a function, class, builtin, bound method, weakref, or an instance whose class has `__call__`. */
function isCallable(R: Runtime, v: Ref): boolean {
  const H = R.H;
  switch (H.kindOf(v)) {
    case Kind.Function:
    case Kind.BoundMethod:
    case Kind.WeakRef:
      return true;
    case Kind.Handle:
      return R.isCallableHandle(v);
    default:
      return R.special(v, '__call__') !== 0 || R.isBuiltinMethodObject(v);
  }
}

/** `any(it)` / `all(it)`: the iterator, each item's truth until one decides. */
function anyAll(R: Runtime, iterable: Ref, want: boolean): Ref {
  const H = R.H;
  H.incref(iterable);
  const it = R.getIter(iterable);
  try {
    for (let v = R.next(it); v !== 0; v = R.next(it)) {
      const t = R.truth(v);
      H.decref(v);
      if (t === want) return R.bool(want);
    }
    return R.bool(!want);
  } finally {
    H.decref(it);
  }
}

/**
 * `sorted(iterable, key=, reverse=)` (builtin_sorted): PySequence_List of the iterable (a list
 * from the free list, filled as list.extend fills one), its bound `sort` method (a
 * builtin_function_or_method, 72 B, a GC object) called with the keywords, the method dropped.
 */
function sortedOf(R: Runtime, positional: readonly Ref[], keywords: readonly (readonly [string, Ref])[]): Ref {
  const H = R.H;
  if (positional.length !== 1) throw new PythonException('TypeError', `sorted expected 1 argument, got ${positional.length}`);
  const list = H.list.newList(0, true);
  try {
    R.extendList(list, positional[0]);
    const method = R.boundSortMethod(list);
    try {
      let key = 0;
      let reverse = false;
      for (const [k, v] of keywords) {
        if (k === 'key') key = v === H.None ? 0 : v;
        else if (k === 'reverse') reverse = R.isInt(v) ? H.intValue(v) !== 0 : R.truth(v);
        else throw new PythonException('TypeError', `sort() got an unexpected keyword argument '${k}'`);
      }
      R.sortList(list, key, reverse);
    } finally {
      H.decref(method);
    }
  } catch (err) {
    H.decref(list);
    throw err;
  }
  return list;
}

/** `dict(...)`: a new dict from an iterable of pairs (or nothing), then the keyword items. Arguments borrowed. */
function newDict(R: Runtime, positional: readonly Ref[], keywords: readonly (readonly [string, Ref])[]): Ref {
  const H = R.H;
  if (positional.length > 1) throw new PythonException('TypeError', `dict expected at most 1 argument, got ${positional.length}`);
  const d = H.dict.newDict();
  try {
    if (positional.length === 1) {
      const src = positional[0];
      if (H.kindOf(src) === Kind.Dict) throw new PythonException('NotImplementedError', 'dict(mapping) is not simulated yet (dict_merge copies the keys wholesale; only an iterable of pairs is)');
      H.incref(src);
      const it = R.getIter(src);
      try {
        for (let item = R.next(it), i = 0; item !== 0; item = R.next(it), i++) {
          const kind = H.kindOf(item);
          const n = kind === Kind.Tuple ? H.tupleLength(item) : kind === Kind.List ? H.list.length(item) : -1;
          if (n !== 2) {
            H.decref(item);
            if (n < 0) throw new PythonException('TypeError', `cannot convert dictionary update sequence element #${i} to a sequence`);
            throw new PythonException('ValueError', `dictionary update sequence element #${i} has length ${n}; 2 is required`);
          }
          const at = (j: number): Ref => (kind === Kind.Tuple ? H.tupleItem(item, j) : H.list.get(item, j));
          H.dict.setItem(d, at(0), at(1));
          H.decref(item);
        }
      } finally {
        H.decref(it);
      }
    }
    for (const [k, v] of keywords) {
      const key = H.intern(k);
      H.dict.setItem(d, key, v);
      H.decref(key);
    }
  } catch (err) {
    H.decref(d);
    throw err;
  }
  return d;
}

/** Every builtin function the front-end simulates. A name not here is refused before a program runs. */
export const BUILTIN_FUNCTIONS: Readonly<Record<string, BuiltinFunction>> = {
  range: {
    breaker: 'check',
    call(R, args) {
      if (args.length === 0 || args.length > 3) throw new PythonException('TypeError', `range expected at most 3 arguments, got ${args.length}`);
      const H = R.H;
      const one = args.length === 1;
      // PyNumber_Index, a new reference: an int is itself, a bool its int (0 or 1).
      const index = (v: Ref): Ref => {
        const value = intArg(R, v, 'range');
        if (H.kindOf(v) !== Kind.Int) return H.int(value);
        H.incref(v);
        return v;
      };
      // The defaults are the small ints 0 and 1.
      const start = one ? H.int(0) : index(args[0]);
      const stop = index(args[one ? 0 : 1]);
      const step = args.length === 3 ? index(args[2]) : H.int(1);
      try {
        if (H.intValue(step) === 0) throw new PythonException('ValueError', 'range() arg 3 must not be zero');
        return H.iter.newRange(start, stop, step);
      } finally {
        H.decref(start);
        H.decref(stop);
        H.decref(step);
      }
    },
  },
  len: { breaker: 'none', call: (R, args) => R.H.ints.fromValue(R.len(args[0])) },
  sum: {
    breaker: 'check',
    call(R, args) {
      if (args.length < 1 || args.length > 2) throw new PythonException('TypeError', `sum() takes at most 2 arguments (${args.length} given)`);
      return R.sum(args[0], args[1] ?? 0);
    },
    callWithKeywords(R, args, kwnames) {
      if (kwnames.length !== 1 || kwnames[0] !== 'start' || args.length !== 2) throw new PythonException('TypeError', `sum() got an unexpected keyword argument '${kwnames.find((k) => k !== 'start') ?? kwnames[0]}'`);
      return R.sum(args[0], args[1]);
    },
  },
  max: { breaker: 'check', packsOwnArguments: true, call: (R, args) => extreme(R, args, undefined, '>', 'max'), callWithKeywords: (R, args, kw) => extreme(R, args, kw, '>', 'max') },
  min: { breaker: 'check', packsOwnArguments: true, call: (R, args) => extreme(R, args, undefined, '<', 'min'), callWithKeywords: (R, args, kw) => extreme(R, args, kw, '<', 'min') },
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
  round: {
    breaker: 'check',
    call(R, args) {
      if (args.length < 1 || args.length > 2) throw new PythonException('TypeError', `round() takes at most 2 arguments (${args.length} given)`);
      return R.round(args[0], args[1]);
    },
  },
  divmod: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 2) throw new PythonException('TypeError', `divmod expected 2 arguments, got ${args.length}`);
      return R.divmod(args[0], args[1]);
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
      // PyObject_Str: a program's __str__ (or __repr__) gives its str as it is.
      const fn = strMethod(R, v);
      if (fn !== 0) return callTextMethod(R, fn, v, 'str');
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
          R.count(Op.HashLookup);
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
  repr: {
    breaker: 'check',
    // PyObject_Repr: a program's __repr__'s str as it is; a str's or a number's repr is a new str.
    call(R, args) {
      if (args.length !== 1) throw new PythonException('TypeError', `repr() takes exactly one argument (${args.length} given)`);
      const H = R.H;
      const v = args[0];
      const fn = reprMethod(R, v);
      if (fn !== 0) return callTextMethod(R, fn, v, 'repr');
      if (H.kindOf(v) === Kind.Int) return H.str.createFresh(R.repr(v));
      return H.newStr(R.repr(v));
    },
  },
  hash: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 1) throw new PythonException('TypeError', `hash() takes exactly one argument (${args.length} given)`);
      return intOf(R, hashValue(R, args[0]));
    },
  },
  id: {
    breaker: 'check',
    // PyLong_FromVoidPtr: an int of two digits (a 64-bit address).
    call(R, args) {
      if (args.length !== 1) throw new PythonException('TypeError', `id() takes exactly one argument (${args.length} given)`);
      return intOf(R, addressOf(args[0]));
    },
  },
  callable: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 1) throw new PythonException('TypeError', `callable() takes exactly one argument (${args.length} given)`);
      return R.bool(isCallable(R, args[0]));
    },
  },
  getattr: {
    breaker: 'check',
    // builtin_getattr (METH_FASTCALL): with a default, an AttributeError is swallowed (_PyObject_LookupAttr).
    call(R, args) {
      if (args.length < 2 || args.length > 3) throw new PythonException('TypeError', `getattr expected 2 or 3 arguments, got ${args.length}`);
      const found = R.lookupAttrNamed(args[0], args[1]);
      if (found !== 0) return found;
      if (args.length === 3) {
        R.H.incref(args[2]);
        return args[2];
      }
      throw new PythonException('AttributeError', `'${R.H.types.nameOf(R.H.typeOf(args[0]))}' object has no attribute '${R.H.str.read(args[1])}'`);
    },
  },
  hasattr: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 2) throw new PythonException('TypeError', `hasattr expected 2 arguments, got ${args.length}`);
      const found = R.lookupAttrNamed(args[0], args[1]);
      if (found !== 0) R.H.decref(found);
      return R.bool(found !== 0);
    },
  },
  bool: {
    breaker: 'check',
    // bool(x) (bool_vectorcall, no tuple; MEAS 3.11.2, 3.12.1, 3.13.0): PyObject_IsTrue.
    call(R, args) {
      if (args.length > 1) throw new PythonException('TypeError', `bool expected at most 1 argument, got ${args.length}`);
      return R.bool(args.length === 1 && R.truth(args[0]));
    },
  },
  any: {
    breaker: 'check',
    call: (R, args) => anyAll(R, args[0], true),
  },
  all: {
    breaker: 'check',
    call: (R, args) => anyAll(R, args[0], false),
  },
  sorted: {
    breaker: 'check',
    call: (R, args) => sortedOf(R, args, []),
    callWithKeywords: (R, args, kwnames) => sortedOf(R, args.slice(0, args.length - kwnames.length), kwnames.map((k, i) => [k, args[args.length - kwnames.length + i]] as const)),
  },
  map: { breaker: 'check', call: (R, args) => newMap(R, args) },
  iter: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 1) throw new PythonException('NotImplementedError', `iter() with a sentinel is not simulated (got ${args.length} arguments)`);
      R.H.incref(args[0]);
      return R.getIter(args[0]);
    },
  },
  next: {
    breaker: 'check',
    // builtin_next: the iterator's next item; at the end the default, else StopIteration.
    call(R, args) {
      if (args.length < 1 || args.length > 2) throw new PythonException('TypeError', `next expected ${args.length < 1 ? 'at least 1 argument' : 'at most 2 arguments'}, got ${args.length}`);
      if (args.length === 1) return R.nextOrRaise(args[0]);
      const v = R.next(args[0]);
      if (v !== 0) return v;
      R.H.incref(args[1]);
      return args[1];
    },
  },
  filter: { breaker: 'check', call: (R, args) => newFilter(R, args) },
  issubclass: {
    breaker: 'check',
    call(R, args) {
      if (args.length !== 2) throw new PythonException('TypeError', `issubclass expected 2 arguments, got ${args.length}`);
      return R.bool(R.isSubclass(args[0], args[1]));
    },
  },
  dict: {
    breaker: 'check',
    // dict(iterable of pairs) (dict_vectorcall, no tuple; PyDict_MergeFromSeq2: each pair's key and value set in turn).
    call: (R, args) => newDict(R, args, []),
    // dict(a=1, ...): the keywords set in order after the positional argument's items (no kwargs dict).
    callWithKeywords: (R, args, kwnames) => newDict(R, args.slice(0, args.length - kwnames.length), kwnames.map((k, i) => [k, args[args.length - kwnames.length + i]] as const)),
  },
  isinstance: {
    breaker: 'none',
    call(R, args) {
      return R.bool(R.isInstance(args[0], args[1]));
    },
  },
};

export const BUILTIN_NAMES_OF_FUNCTIONS = Object.keys(BUILTIN_FUNCTIONS);

/** The built-in exception classes a program can name, raise, catch and subclass. */
export const EXCEPTION_NAMES: ReadonlySet<string> = new Set([
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

/** Names a program may use without defining them. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  ...BUILTIN_NAMES_OF_FUNCTIONS,
  'None',
  'True',
  'False',
  // Exception classes the runtime knows by name (raised, caught and subclassed by name).
  ...EXCEPTION_NAMES,
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
  itertools: ['count', 'islice'],
  // The abstract base classes, for annotations and imports only (isinstance with them, or one as a base, is refused when reached).
  'collections.abc': ['Iterable', 'Iterator', 'Generator', 'Reversible', 'Container', 'Collection', 'Sized', 'Hashable', 'Callable', 'Sequence', 'MutableSequence', 'Set', 'MutableSet', 'Mapping', 'MutableMapping', 'KeysView', 'ItemsView', 'ValuesView', 'Awaitable', 'Coroutine', 'AsyncIterable', 'AsyncIterator', 'AsyncGenerator'],
  __future__: ['nested_scopes', 'generators', 'division', 'absolute_import', 'with_statement', 'print_function', 'unicode_literals', 'generator_stop', 'annotations'],
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
  [Kind.List]: new Set(['append', 'pop', 'insert', 'clear', 'remove', 'extend', 'sort', 'index', 'count', 'reverse', 'copy']),
  [Kind.Str]: new Set(STR_METHOD_NAMES),
  [Kind.Dict]: new Set(['get', 'keys', 'values', 'items', 'setdefault', 'pop']),
  [Kind.Set]: new Set(['add', 'discard', 'remove', 'clear']),
  [Kind.Bytes]: new Set(['index']),
  [Kind.Deque]: new Set(['append', 'appendleft', 'pop', 'popleft', 'extend', 'clear']),
};

/** Methods of the simulated objects that are not of a built-in kind: `sys.stdout.write`. */
const OBJECT_METHODS = ['write'];

/** Every name in TYPE_METHODS and OBJECT_METHODS: what the compiler lets `obj.m(...)` call on an object of no program class. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([...Object.values(TYPE_METHODS).flatMap((names) => [...names]), ...OBJECT_METHODS]);
