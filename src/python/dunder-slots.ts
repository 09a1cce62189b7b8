/**
 * The special methods of a program's class that the interpreter itself calls, as the type's slot
 * functions do (`Objects/typeobject.c`: slot_tp_repr, slot_tp_str, slot_tp_richcompare,
 * slot_tp_hash, slot_sq_length, slot_nb_bool, slot_sq_contains). Each looks the method up on the
 * type (never the instance) and calls the plain function with the instance first: no bound method
 * and no argument tuple is made (`lookup_maybe_method` + `vectorcall_unbound`; MEAS 3.11.2, 3.12.1,
 * 3.13.0: `a == b`, `a < b`, `hash(a)`, `len(a)`, `bool(a)`, `repr(a)`, `1 in a` with methods that
 * return a constant allocate nothing). What they allocate is what the Python function does.
 *
 * The runtime calls in here only on its slow paths, where an operand is an instance of a
 * program's class (type id >= CLASS_ID_BASE), so the built-in types' fast paths are untouched.
 */
import { OB, type Ref } from '../heap/layout.js';
import { CLASS_ID_BASE, Kind } from '../heap/types.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';

/** The rich comparisons by operator, and the reflected one tried on the right operand. */
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
const COMPARE_DUNDER: Readonly<Record<CompareOp, string>> = { '<': '__lt__', '<=': '__le__', '>': '__gt__', '>=': '__ge__', '==': '__eq__', '!=': '__ne__' };
/** The rich comparison methods a class may define (Runtime.definesRichCompare looks for any). */
export const RICH_COMPARE_DUNDERS: readonly string[] = Object.values(COMPARE_DUNDER);
const REFLECTED: Readonly<Record<CompareOp, CompareOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** Whether `v` is an instance of one of the program's classes (or of a C type the runtime defines as one). */
export function isProgramInstance(R: Runtime, v: Ref): boolean {
  return R.I[v + OB.TYPE] >= CLASS_ID_BASE;
}

function typeName(R: Runtime, v: Ref): string {
  return R.H.types.nameOf(R.H.typeOf(v));
}

/** Calls the special method `fn` (borrowed) with `self` and `args` (borrowed): its result, a new reference. */
function callSlot(R: Runtime, fn: Ref, self: Ref, args: readonly Ref[]): Ref {
  return R.callSpecial(fn, self, args);
}

// ---- __repr__ and __str__ ------------------------------------------------------------------------

/** The method `repr(v)` calls (slot_tp_repr), borrowed; 0 when v's class has none (object.__repr__). */
export function reprMethod(R: Runtime, v: Ref): Ref {
  return isProgramInstance(R, v) ? R.special(v, '__repr__') : 0;
}

/** The method `str(v)` calls: `__str__`, else `__repr__` (object_str falls back on repr); 0 when neither. */
export function strMethod(R: Runtime, v: Ref): Ref {
  if (!isProgramInstance(R, v)) return 0;
  const s = R.special(v, '__str__');
  return s !== 0 ? s : R.special(v, '__repr__');
}

/** Calls `__repr__`/`__str__` (fn borrowed) on v: its str (a new reference); a TypeError if it returned something else. */
export function callTextMethod(R: Runtime, fn: Ref, v: Ref, which: 'repr' | 'str'): Ref {
  const r = callSlot(R, fn, v, []);
  if (R.H.kindOf(r) !== Kind.Str) {
    const name = typeName(R, r);
    R.H.decref(r);
    // PyObject_Repr / PyObject_Str check the result's type.
    throw new PythonException('TypeError', `__${which}__ returned non-string (type ${name})`);
  }
  return r;
}

/** The text of v's `__repr__`/`__str__` (its str object made and dropped), or undefined when its class has none. */
export function textOf(R: Runtime, v: Ref, which: 'repr' | 'str'): string | undefined {
  const fn = which === 'repr' ? reprMethod(R, v) : strMethod(R, v);
  if (fn === 0) return undefined;
  const r = callTextMethod(R, fn, v, which);
  const text = R.H.str.read(r);
  R.H.decref(r);
  return text;
}

/**
 * `format(v, spec)` of an instance of a program's class (PyObject_Format, FORMAT_VALUE's or
 * FORMAT_SIMPLE's generic path): `_PyObject_LookupSpecial` binds object.__format__ to v (a
 * builtin_function_or_method, 72 B, a GC object; MEAS 3.11.2, 3.12.1, 3.13.0: f"{a}" makes a 72 B
 * temporary), which calls `str(v)` and returns its str as it is; the bound method is dropped after
 * the call. A non-empty spec is object.__format__'s TypeError. Returns a new reference, or 0 when
 * the class has neither `__str__` nor `__repr__` (the runtime's default text).
 */
export function formatInstance(R: Runtime, v: Ref, spec: string): Ref {
  const fn = strMethod(R, v);
  if (fn === 0) return 0;
  const bound = R.boundFormatMethod(v);
  try {
    if (spec !== '') throw new PythonException('TypeError', `unsupported format string passed to ${typeName(R, v)}.__format__`);
    return callTextMethod(R, fn, v, 'str');
  } finally {
    R.H.decref(bound);
  }
}

// ---- rich comparisons ----------------------------------------------------------------------------


/**
 * slot_tp_richcompare(self, other, op) of a class that defines some rich comparison: the class's
 * method for `op`, or object's slot wrapper for it (object_richcompare: `==` is identity, `!=`
 * the inverted `==` of self's type, the orderings NotImplemented), called as a generic call
 * (Profile.objectCompareWrapperTuples). The result (new reference), or 0 for NotImplemented.
 */
function slotRichCompare(R: Runtime, self: Ref, other: Ref, op: CompareOp): Ref {
  const fn = R.special(self, COMPARE_DUNDER[op]);
  if (fn !== 0) return callSlot(R, fn, self, [other]);
  const H = R.H;
  const tuples = H.profile.objectCompareWrapperTuples;
  const both = tuples ? R.buildTupleOf([self, other], true) : 0;
  const rest = tuples ? R.buildTupleOf([other], true) : 0;
  try {
    if (op === '==') return self === other ? R.bool(true) : 0;
    if (op !== '!=') return 0;
    const r = slotRichCompare(R, self, other, '==');
    if (r === 0) return 0;
    const t = R.truth(r);
    H.decref(r);
    return R.bool(!t);
  } finally {
    if (rest !== 0) H.decref(rest);
    if (both !== 0) H.decref(both);
  }
}

/**
 * `a op b` where an operand is an instance of a program's class (do_richcompare, operands
 * borrowed): the right operand's reflected slot first when its class is a proper subclass of the
 * left's, then the left's slot, then the right's reflected one (also when both are of one class:
 * `a > b` with only `__lt__` is object.__gt__'s NotImplemented, then `b < a`). Only classes that
 * define a comparison have the slot; object_richcompare of the others makes nothing and its
 * answer is the caller's default. The result (new reference), or 0 when no slot answers
 * (identity for == and !=, a TypeError for the orderings). A program's method cannot return
 * NotImplemented (not simulated): its answer stands.
 */
export function richCompare(R: Runtime, a: Ref, b: Ref, op: CompareOp): Ref {
  const ta = R.I[a + OB.TYPE];
  const tb = R.I[b + OB.TYPE];
  const bHasSlot = R.definesRichCompare(b);
  let checkedReverse = false;
  if (bHasSlot && ta !== tb && R.isSubclassType(tb, ta)) {
    checkedReverse = true;
    const r = slotRichCompare(R, b, a, REFLECTED[op]);
    if (r !== 0) return r;
  }
  if (R.definesRichCompare(a)) {
    const r = slotRichCompare(R, a, b, op);
    if (r !== 0) return r;
  }
  if (bHasSlot && !checkedReverse) return slotRichCompare(R, b, a, REFLECTED[op]);
  return 0;
}

/**
 * The number `orderOf` returns for an ordering answered by a special method: its result's truth,
 * encoded so that `orderOf(a, b, op) < 0` (for '<'), `<= 0`, `> 0` or `>= 0` reads it back.
 */
export function orderFromDunder(R: Runtime, a: Ref, b: Ref, op: string): number | undefined {
  if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return undefined;
  const r = richCompare(R, a, b, op);
  if (r === 0) return undefined;
  const t = R.truth(r);
  R.H.decref(r);
  switch (op) {
    case '<':
      return t ? -1 : 0;
    case '<=':
      return t ? 0 : 1;
    case '>':
      return t ? 1 : 0;
    case '>=':
      return t ? 0 : -1;
  }
}

// ---- __hash__ ------------------------------------------------------------------------------------

/**
 * `hash(v)` of an instance of a program's class (slot_tp_hash): its `__hash__`'s int (a new
 * reference), or 0 when the class has none (object's identity hash). A class that defines `__eq__`
 * and no `__hash__` has `__hash__ = None` (type_ready_set_hash): a TypeError, as for any
 * unhashable value.
 */
export function hashResult(R: Runtime, v: Ref): Ref {
  const f = R.classAttribute(v, '__hash__');
  if (f === 0) return 0;
  if (f === R.H.None) throw new PythonException('TypeError', `unhashable type: '${typeName(R, v)}'`);
  const fn = R.special(v, '__hash__');
  if (fn === 0) return 0;
  const r = callSlot(R, fn, v, []);
  if (!R.isInt(r)) {
    R.H.decref(r);
    throw new PythonException('TypeError', '__hash__ method should return an integer');
  }
  return r;
}

// ---- __len__, __bool__, __contains__ --------------------------------------------------------------

/** `len(v)` through the class's `__len__` (slot_sq_length), or undefined when it has none. */
export function lengthOf(R: Runtime, v: Ref): number | undefined {
  const fn = isProgramInstance(R, v) ? R.special(v, '__len__') : 0;
  if (fn === 0) return undefined;
  const r = callSlot(R, fn, v, []);
  const isInt = R.isInt(r);
  const n = isInt ? Number(R.H.ints.value(r)) : 0;
  const name = typeName(R, r);
  R.H.decref(r);
  // PyNumber_AsSsize_t of the result, then the sign check.
  if (!isInt) throw new PythonException('TypeError', `'${name}' object cannot be interpreted as an integer`);
  if (n < 0) throw new PythonException('ValueError', '__len__() should return >= 0');
  if (!Number.isSafeInteger(n) || n > 2 ** 63 - 1) throw new PythonException('OverflowError', 'cannot fit \'int\' into an index-sized integer');
  return n;
}

/** The truth of an instance of a program's class (slot_nb_bool): `__bool__`, else `__len__` != 0, else true. */
export function truthOf(R: Runtime, v: Ref): boolean {
  const b = R.special(v, '__bool__');
  if (b !== 0) {
    const r = callSlot(R, b, v, []);
    const isBool = r === R.H.True || r === R.H.False;
    const t = r === R.H.True;
    const name = typeName(R, r);
    R.H.decref(r);
    if (!isBool) throw new PythonException('TypeError', `__bool__ should return bool, returned ${name}`);
    return t;
  }
  const n = lengthOf(R, v);
  return n === undefined || n !== 0;
}

/**
 * `item in v` for an instance of a program's class (slot_sq_contains): `__contains__`'s truth;
 * without one, `_PySequence_IterSearch` over `iter(v)` (its iterator made and dropped), each item
 * compared as `PyObject_RichCompareBool` does (identity first). Undefined when the class has
 * neither `__contains__` nor `__iter__`.
 */
export function containsOf(R: Runtime, v: Ref, item: Ref): boolean | undefined {
  if (!isProgramInstance(R, v)) return undefined;
  const fn = R.special(v, '__contains__');
  if (fn !== 0) {
    const r = callSlot(R, fn, v, [item]);
    const t = R.truth(r);
    R.H.decref(r);
    return t;
  }
  if (R.special(v, '__iter__') === 0) return undefined;
  const H = R.H;
  H.incref(v);
  const it = R.getIter(v);
  try {
    for (let x = R.next(it); x !== 0; x = R.next(it)) {
      const found = R.equalBool(x, item);
      H.decref(x);
      if (found) return true;
    }
    return false;
  } finally {
    H.decref(it);
  }
}
