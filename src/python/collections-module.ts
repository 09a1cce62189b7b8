/**
 * The `collections` module as the simulated program sees it: `deque` (src/heap/deque.ts holds
 * the object and its blocks), `defaultdict` (a dict of its own type, src/heap/dict.ts) and
 * `namedtuple` (a tuple subclass; its class made at set-up costs nothing here), with
 * what their calls make on each version. MEAS (tracemalloc, 3.11.2, 3.12.1, 3.13.0, after a full
 * collection emptied the free lists):
 *
 *   deque(...)        a type call without vectorcall on 3.11-3.13 (`_PyObject_MakeTpCall`): a
 *                     tuple of the positional arguments (none: the empty tuple), a dict of the
 *                     keyword ones (`_PyStack_AsDict`), both dropped after `deque_init`
 *                     (Profile.argumentTupleBuiltins)
 *   deque(maxlen=n)   3.11 and 3.12 parse keywords with PyArg_ParseTupleAndKeywords, which looks
 *                     each of `iterable`, `maxlen` past the positional ones up by a temporary str
 *                     until every keyword is found (peak + 57 B on 3.11, + 49 B on 3.12 for
 *                     `iterable`); 3.13 makes none (Profile.dequeInitKeywordStrings)
 *   deque(iterable)   `deque_extend`: the iterable's iterator, an append per item, the iterator
 *                     dropped; a deque extended by itself copies itself into a list first
 *   methods           append, appendleft, pop, popleft, extend and clear are METH_O or
 *                     METH_NOARGS: no argument tuple; the call checks the eval breaker
 *   defaultdict(f)    a type call: the 1-tuple (Profile.argumentTupleBuiltins), the 72-byte
 *                     object (the dict's 48 bytes, default_factory, the GC head), tracked at once
 *   d[k], k missing   dict_subscript's `__missing__` look-up: a bound builtin method (72 B, a GC
 *                     object) alive while `defdict_missing` calls the factory with no arguments
 *                     (from C: no eval-breaker check on its return) and stores its result; the
 *                     method dropped after (`d[1]` of `defaultdict(list)`: + 216 B kept, the
 *                     list and a new 8-slot keys object, peak + 288 B)
 *
 * The names `iterable` and `maxlen` exist as interned strs before the program runs (CPython has
 * them in its code objects' constants): interned when the module is imported, at set-up.
 */
import type { Heap } from '../heap/heap.js';
import { clearWords, OB } from '../heap/layout.js';
import { type ClassInfo, Kind } from '../heap/types.js';
import { DEQUE_MUTATED } from '../heap/deque.js';
import type { Ref } from '../heap/layout.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';

/** deque()'s parameters, in `deque_init`'s kwlist order. */
const DEQUE_PARAMETERS = ['iterable', 'maxlen'] as const;

export class CollectionsModule {
  private readonly H: Heap;

  constructor(
    private readonly R: Runtime,
    /** The runtime's builtin_function_or_method bound to `self` (72 B, a GC object): `d.__missing__`. */
    private readonly boundBuiltinMethod: (self: Ref) => Ref,
  ) {
    const H = R.H;
    this.H = H;
    // Held for the program's lifetime, as code constants hold them.
    for (const name of DEQUE_PARAMETERS) H.intern(name);
  }

  /**
   * `deque([iterable[, maxlen]])`, keywords allowed; the arguments borrowed (positional first,
   * then the values of `kwnames`). A new reference.
   */
  newDeque(args: readonly Ref[], kwnames: readonly string[]): Ref {
    const H = this.H;
    const positional = args.length - kwnames.length;
    if (positional > 2) throw new PythonException('TypeError', `deque() takes at most 2 arguments (${positional} given)`);
    for (const k of kwnames) {
      if (!(DEQUE_PARAMETERS as readonly string[]).includes(k)) throw new PythonException('TypeError', `'${k}' is an invalid keyword argument for deque()`);
    }
    // _PyObject_MakeTpCall: the positional arguments' tuple, then the keywords' dict.
    const packs = H.profile.argumentTupleBuiltins.includes('collections.deque');
    const argsTuple = packs ? this.R.buildTupleOf(args.slice(0, positional), true) : 0;
    const kwargs = kwnames.length > 0 ? this.R.keywordDict(args.slice(positional), kwnames) : 0;
    let d = 0;
    try {
      const value = (name: (typeof DEQUE_PARAMETERS)[number]): Ref => {
        const i = DEQUE_PARAMETERS.indexOf(name);
        const k = kwnames.indexOf(name);
        if (i < positional) {
          if (k >= 0) throw new PythonException('TypeError', `argument for deque() given by name ('${name}') and position (${i + 1})`);
          return args[i];
        }
        return k < 0 ? 0 : args[positional + k];
      };
      d = H.deques.newDeque(-1);
      if (kwnames.length > 0 && H.profile.dequeInitKeywordStrings) this.lookUpKeywordNames(positional, kwnames.length);
      const maxlenArg = value('maxlen');
      if (maxlenArg !== 0 && maxlenArg !== H.None) H.deques.setMaxlen(d, this.maxlen(maxlenArg));
      const iterable = value('iterable');
      if (iterable !== 0) this.extend(d, iterable);
    } catch (e) {
      if (d !== 0) H.decref(d);
      throw e;
    } finally {
      if (argsTuple !== 0) H.decref(argsTuple);
      if (kwargs !== 0) H.decref(kwargs);
    }
    return d;
  }

  /** `defaultdict([default_factory])`, the arguments borrowed: a new reference. */
  newDefaultDict(args: readonly Ref[]): Ref {
    const H = this.H;
    if (args.length > 1) throw new PythonException('TypeError', 'defaultdict(factory, ...): an initial mapping or items are not simulated yet');
    const factory = args.length === 0 ? H.None : args[0];
    if (factory !== H.None && !this.R.isCallable(factory)) throw new PythonException('TypeError', 'first argument must be callable or None');
    return H.dict.newDefaultDict(factory);
  }

  /**
   * `d[key]` of a defaultdict without the key: dict_subscript looks `__missing__` up (a bound
   * builtin method, dropped after the call), `defdict_missing` calls the factory with no
   * arguments and stores its result under the key. The value, a new reference.
   */
  missing(d: Ref, key: Ref): Ref {
    const H = this.H;
    const method = this.boundBuiltinMethod(d);
    try {
      const factory = H.dict.defaultFactory(d);
      if (factory === H.None) throw new PythonException('KeyError', this.R.repr(key));
      const value = this.R.callNoArgsFromC(factory);
      H.dict.setItem(d, key, value);
      return value;
    } finally {
      H.decref(method);
    }
  }

  /** `namedtuple(typename, field_names)`'s arguments (borrowed): the name and the fields. */
  namedTupleSpec(args: readonly Ref[]): [string, string[]] {
    const H = this.H;
    const R = this.R;
    if (args.length !== 2) throw new PythonException('TypeError', 'namedtuple(typename, field_names): the other parameters are not simulated');
    const text = (v: Ref): string => {
      if (H.kindOf(v) !== Kind.Str) throw new PythonException('TypeError', `namedtuple(): a name must be a str, not ${H.types.nameOf(H.typeOf(v))}`);
      return H.str.read(v);
    };
    const names = args[1];
    const kind = H.kindOf(names);
    let fields: string[];
    if (kind === Kind.Str) fields = text(names).replace(/,/g, ' ').split(/\s+/).filter((f) => f !== '');
    else if (kind === Kind.List || kind === Kind.Tuple) {
      const n = R.len(names);
      fields = [];
      for (let i = 0; i < n; i++) fields.push(text(kind === Kind.List ? H.list.get(names, i) : H.tupleItem(names, i)));
    } else throw new PythonException('TypeError', 'namedtuple(): field_names must be a str, a list or a tuple of strs');
    for (const f of fields) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(f)) throw new PythonException('ValueError', `Type names and field names must be valid identifiers: '${f}'`);
      if (fields.indexOf(f) !== fields.lastIndexOf(f)) throw new PythonException('ValueError', `Encountered duplicate field name: '${f}'`);
    }
    return [text(args[0]), fields];
  }

  /**
   * `P(...)` of a namedtuple class (the arguments consumed, keyword values last). `type_call`
   * gets the positional tuple and the keywords' dict (`_PyObject_MakeTpCall`); `slot_tp_new`
   * calls the generated `__new__` (`lambda _cls, x, y: _tuple_new(_cls, (x, y))`) with the class
   * prepended: more than 4 arguments take a PyMem_Malloc'd stack of 8 B each, keywords a stack of
   * 8 B per argument plus one and a tuple of their names (`_PyStack_UnpackDict`); the lambda's
   * RESUME checks the eval breaker; it builds the fields' tuple and calls `tuple.__new__`
   * (METH_VARARGS: the 2-tuple `(cls, fields)`; `tp_new_wrapper`'s 1-tuple slice), which allocates
   * the instance (`PyType_GenericAlloc`: one item slot more, tracked) and copies the items; the
   * call's tuples go, the fields' tuple, a check on the call's return. MEAS P(1, 2) on 3.11.2,
   * 3.12.1, 3.13.0: 64 B kept, peak 64 B with the tuple free lists full; P(x=1, y=2) peak 96 B.
   * A new reference.
   */
  newNamedTuple(info: ClassInfo, fields: readonly string[], args: Ref[], kwnames: readonly string[]): Ref {
    const H = this.H;
    const R = this.R;
    const n = fields.length;
    const positional = args.length - kwnames.length;
    try {
      // __new__'s own binding of its parameters (checked first here: CPython raises the same).
      if (positional > n) throw new PythonException('TypeError', `${info.name}.__new__() takes ${n + 1} positional arguments but ${positional + 1} were given`);
      const values: Ref[] = args.slice(0, positional);
      for (let i = positional; i < n; i++) {
        const k = kwnames.indexOf(fields[i]);
        if (k < 0) throw new PythonException('TypeError', `${info.name}.__new__() missing required argument: '${fields[i]}'`);
        values.push(args[positional + k]);
      }
      for (const k of kwnames) {
        const i = fields.indexOf(k);
        if (i < 0) throw new PythonException('TypeError', `${info.name}.__new__() got an unexpected keyword argument '${k}'`);
        if (i < positional) throw new PythonException('TypeError', `${info.name}.__new__() got multiple values for argument '${k}'`);
      }
      const argsTuple = positional > 0 ? R.buildTupleOf(args.slice(0, positional), true) : 0;
      const kwargs = kwnames.length > 0 ? this.R.keywordDict(args.slice(positional), kwnames) : 0;
      // _PyObject_Call_Prepend's stack past its 5 small slots; then _PyStack_UnpackDict's (the
      // class, the positional and keyword values, one slot before them) and the names' tuple.
      const prependSlots = positional + 1 > 5 ? positional + 1 : 0;
      const prependStack = prependSlots > 0 ? H.allocator.malloc(8 * prependSlots) : 0;
      const unpackSlots = kwnames.length > 0 ? args.length + 2 : 0;
      const unpackStack = unpackSlots > 0 ? H.allocator.malloc(8 * unpackSlots) : 0;
      const kwnamesTuple = kwnames.length > 0 ? R.buildTupleOf(kwnames.map(() => H.None), true) : 0;
      // The lambda: RESUME, BUILD_TUPLE, the call of tuple.__new__.
      if (H.gc.isScheduled) H.evalBreaker();
      const items = H.tupleOfArray(values);
      const callArgs = H.tupleOf(H.None, items);
      const slice = H.tupleOf(items);
      const obj = this.namedTupleInstance(info, items);
      H.decref(slice);
      H.decref(callArgs);
      H.decref(items);
      const result = R.checkAfterCall(obj);
      if (unpackStack !== 0) H.allocator.free(unpackStack, 8 * unpackSlots);
      if (kwnamesTuple !== 0) H.decref(kwnamesTuple);
      if (prependStack !== 0) H.allocator.free(prependStack, 8 * prependSlots);
      if (argsTuple !== 0) H.decref(argsTuple);
      if (kwargs !== 0) H.decref(kwargs);
      return result;
    } finally {
      for (const a of args) H.decref(a);
    }
  }

  /** `tuple_subtype_new`: the instance (one item slot more than it holds, tracked) with the items of `items`. */
  private namedTupleInstance(info: ClassInfo, items: Ref): Ref {
    const H = this.H;
    const n = H.tupleLength(items);
    const obj = H.allocObject(info.id, info.baseBytes + 8 * (n + 1));
    const first = obj + H.tupleItemsWord;
    clearWords(H.i32, obj + OB.SIZE, first + 2 * (n + 1));
    H.i32[obj + OB.SIZE] = n;
    H.track(obj);
    for (let i = 0; i < n; i++) {
      const v = H.tupleItem(items, i);
      H.incref(v);
      H.i32[first + 2 * i] = v;
    }
    return obj;
  }

  /**
   * vgetargskeywords: each kwlist name from the first past the positional arguments is looked
   * up in the keywords' dict through a temporary str (`_PyDict_GetItemStringWithError`), until
   * every keyword given has been found.
   */
  private lookUpKeywordNames(positional: number, keywords: number): void {
    const H = this.H;
    let left = keywords;
    for (let i = positional; i < DEQUE_PARAMETERS.length && left > 0; i++) {
      const name = H.newStr(DEQUE_PARAMETERS[i]);
      H.decref(name);
      left--;
    }
  }

  /** `PyLong_AsSsize_t(maxlen)`, non-negative. */
  private maxlen(v: Ref): number {
    const H = this.H;
    if (!this.R.isInt(v)) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(v))}' object cannot be interpreted as an integer`);
    const n = H.intValue(v);
    if (n < 0) throw new PythonException('ValueError', 'maxlen must be non-negative');
    if (n > 0x7fffffff) throw new PythonException('OverflowError', `deque(maxlen=${n}): the simulation's deques hold at most 2**31 - 1 items`);
    return n;
  }

  /** `deque_extend(d, iterable)`, both borrowed. */
  extend(d: Ref, iterable: Ref): void {
    const H = this.H;
    const R = this.R;
    if (iterable === d) {
      // PySequence_List(iterable), then extended from that list.
      const copy = H.list.newList(0);
      try {
        R.extendList(copy, d);
        this.extend(d, copy);
      } finally {
        H.decref(copy);
      }
      return;
    }
    H.incref(iterable);
    const it = R.getIter(iterable);
    try {
      if (H.deques.maxlen(d) === 0) {
        // consume_iterator: the items are taken and dropped.
        for (let item = this.nextItem(it); item !== 0; item = this.nextItem(it)) H.decref(item);
        return;
      }
      H.deques.startFillingFromLeft(d);
      for (let item = this.nextItem(it); item !== 0; item = this.nextItem(it)) H.deques.appendSteal(d, item);
    } finally {
      H.decref(it);
    }
  }

  /** The iterator's next item (new reference), 0 at the end. */
  private nextItem(it: Ref): Ref {
    return this.R.next(it);
  }

  /** `iter(d)` (d consumed): the deque's iterator. */
  iter(d: Ref): Ref {
    const it = this.H.deques.newIter(d);
    this.H.decref(d);
    return it;
  }

  /** FOR_ITER over a deque iterator: the next item (new reference) or 0. */
  iterNext(it: Ref): Ref {
    const item = this.H.deques.iterNext(it);
    if (item === DEQUE_MUTATED) throw new PythonException('RuntimeError', 'deque mutated during iteration');
    return item;
  }

  /** `item in d` (`deque_contains`): each item compared in turn, the deque checked for changes after each. */
  contains(d: Ref, item: Ref, equal: (a: Ref, b: Ref) => boolean): boolean {
    const H = this.H;
    const deques = H.deques;
    const n = deques.length(d);
    const state = deques.state(d);
    for (let i = 0; i < n; i++) {
      const x = deques.item(d, i);
      H.incref(x);
      const same = x === item || equal(x, item);
      H.decref(x);
      if (same) return true;
      if (deques.state(d) !== state) throw new PythonException('RuntimeError', 'deque mutated during iteration');
    }
    return false;
  }

  /** `d[i]` (`deque_item` through PySequence_GetItem): a new reference. */
  item(d: Ref, key: Ref): Ref {
    const H = this.H;
    if (!this.R.isInt(key)) throw new PythonException('TypeError', `sequence index must be integer, not '${H.types.nameOf(H.typeOf(key))}'`);
    const n = H.deques.length(d);
    let i = H.intValue(key);
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw new PythonException('IndexError', 'deque index out of range');
    const v = H.deques.item(d, i);
    H.incref(v);
    return v;
  }

  /** A method of deque, args borrowed: its result (new reference); the caller checks the eval breaker. */
  method(d: Ref, m: string, args: readonly Ref[]): Ref {
    const H = this.H;
    const deques = H.deques;
    const expect = (n: number): void => {
      if (args.length === n) return;
      if (n === 0) throw new PythonException('TypeError', `deque.${m}() takes no arguments (${args.length} given)`);
      throw new PythonException('TypeError', `deque.${m}() takes exactly one argument (${args.length} given)`);
    };
    switch (m) {
      case 'append':
        expect(1);
        H.incref(args[0]);
        deques.appendSteal(d, args[0]);
        return this.R.none();
      case 'appendleft':
        expect(1);
        H.incref(args[0]);
        deques.appendLeftSteal(d, args[0]);
        return this.R.none();
      case 'pop':
        expect(0);
        if (deques.length(d) === 0) throw new PythonException('IndexError', 'pop from an empty deque');
        return deques.pop(d);
      case 'popleft':
        expect(0);
        if (deques.length(d) === 0) throw new PythonException('IndexError', 'pop from an empty deque');
        return deques.popLeft(d);
      case 'extend':
        expect(1);
        this.extend(d, args[0]);
        return this.R.none();
      case 'clear':
        expect(0);
        deques.clear(d);
        return this.R.none();
      default:
        throw new PythonException('AttributeError', `'collections.deque' object has no attribute '${m}'`);
    }
  }
}
