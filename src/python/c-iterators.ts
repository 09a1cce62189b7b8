/**
 * Iterators and lazy builtins implemented in C that the heap has no kind of its own for, as
 * C-level objects of their measured sizes (runtime.ts C_TYPES; MEAS sys.getsizeof on 3.11–3.13,
 * GC head included): `map` and `filter` (48 B), `reversed(list)`'s list_reverseiterator and
 * `reversed(tuple)`'s reversed object (48 B), a str's iterator (48 B), a set's iterator (64 B),
 * `itertools.count` (56 B) and `itertools.islice` (72 B).
 * Their slots hold the objects they reference (so the collector and the deallocation see them)
 * and, in the slots' integer words, the position an iterator has reached.
 */
import type { Ref } from '../heap/layout.js';
import { Kind } from '../heap/types.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';

/**
 * `map(func, *iterables)` (map_vectorcall; all borrowed): the tuple of the iterables' iterators,
 * then the map object holding it and the function.
 */
export function newMap(R: Runtime, args: readonly Ref[]): Ref {
  const H = R.H;
  if (args.length < 2) throw new PythonException('TypeError', 'map() must have at least two arguments.');
  const iterators: Ref[] = [];
  try {
    for (const a of args.slice(1)) {
      H.incref(a);
      iterators.push(R.getIter(a));
    }
  } catch (err) {
    for (const it of iterators) H.decref(it);
    throw err;
  }
  const iters = R.buildTupleOf(iterators, true);
  for (const it of iterators) H.decref(it);
  const m = R.newCObject('map', 0, iters);
  H.decref(iters);
  H.setSlot(m, 1, args[0]);
  return m;
}

/** map_next: one item from each iterator (0 when one is exhausted), the function called with them (vectorcall: no tuple). */
function mapNext(R: Runtime, m: Ref): Ref {
  const H = R.H;
  const iters = H.getSlot(m, 0);
  const n = H.tupleLength(iters);
  const items: Ref[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const v = R.next(H.tupleItem(iters, i));
      if (v === 0) {
        for (const x of items) H.decref(x);
        return 0;
      }
      items.push(v);
    }
  } catch (err) {
    for (const x of items) H.decref(x);
    throw err;
  }
  const f = H.getSlot(m, 1);
  H.incref(f);
  return R.callFromC(f, items);
}

/** `filter(func, iterable)` (filter_vectorcall; borrowed): the iterable's iterator, then the filter object. */
export function newFilter(R: Runtime, args: readonly Ref[]): Ref {
  const H = R.H;
  if (args.length !== 2) throw new PythonException('TypeError', `filter expected 2 arguments, got ${args.length}`);
  H.incref(args[1]);
  const it = R.getIter(args[1]);
  const f = R.newCObject('filter', 1, it);
  H.decref(it);
  if (args[0] !== H.None) H.setSlot(f, 0, args[0]);
  return f;
}

/** filter_next: items until one is true (the item itself with None or bool as the function, else the function's result). */
function filterNext(R: Runtime, f: Ref): Ref {
  const H = R.H;
  const it = H.getSlot(f, 1);
  const func = H.getSlot(f, 0);
  const checkTrue = func === 0 || R.isBuiltinNamed(func, 'bool');
  for (;;) {
    const item = R.next(it);
    if (item === 0) return 0;
    let ok: boolean;
    try {
      if (checkTrue) ok = R.truth(item);
      else {
        H.incref(func);
        H.incref(item);
        const good = R.callFromC(func, [item]);
        try {
          ok = R.truth(good);
        } finally {
          H.decref(good);
        }
      }
    } catch (err) {
      H.decref(item);
      throw err;
    }
    if (ok) return item;
    H.decref(item);
  }
}

/**
 * Slots of the C_TYPES iterator layouts (runtime.ts). The integer fields (an index, si_used,
 * si_pos, len) are kept in their slot's integer word (Heap.slotInt), so the position is part of
 * the object and goes with it.
 */
const SEQ_INDEX = 0; // list_reverseiterator, reversed, str_iterator: ['index', 'seq']
const SEQ_SEQ = 1;
const SET_SET = 0; // set_iterator: ['set', 'used', 'pos', 'len']
const SET_USED = 1;
const SET_POS = 2;
const SET_LEN = 3;

const COUNT_CNT = 0; // count: ['cnt', 'long_cnt', 'long_step']
const COUNT_LONG_CNT = 1;
const COUNT_LONG_STEP = 2;
const ISLICE_IT = 0; // islice: ['it', 'next', 'stop', 'step', 'cnt']
const ISLICE_NEXT = 1;
const ISLICE_STOP = 2;
const ISLICE_STEP = 3;
const ISLICE_CNT = 4;

/**
 * The count range kept in fast mode here (the slot's integer word; CPython's is a Py_ssize_t, so
 * past 2^31 it would still make each item exactly where this one adds).
 */
const COUNT_FAST_MIN = -0x80000000;
const COUNT_FAST_MAX = 0x7fffffff;

/**
 * `itertools.count(start=0, step=1)` (itertools_count_impl; borrowed). With an int start and a
 * step of 1 it counts in a C integer (fast mode: `long_cnt` cleared, each item a new int); else
 * it keeps the current value and the step, and each item is the previous `long_cnt + long_step`.
 */
export function newCount(R: Runtime, args: readonly Ref[]): Ref {
  const H = R.H;
  if (args.length > 2) throw new PythonException('TypeError', `count expected at most 2 arguments, got ${args.length}`);
  const start = args.length > 0 ? args[0] : H.int(0);
  const step = args.length > 1 ? args[1] : H.int(1);
  try {
    for (const v of [start, step]) if (R.num(v) === undefined) throw new PythonException('TypeError', 'a number is required');
    const first = R.isInt(start) ? H.ints.value(start) : undefined;
    const fast = typeof first === 'number' && first >= COUNT_FAST_MIN && first < COUNT_FAST_MAX && R.isInt(step) && H.ints.value(step) === 1;
    const c = R.newCObject('count', COUNT_LONG_STEP, step);
    // Slow mode is the one with a long_cnt.
    if (fast) H.setSlotInt(c, COUNT_CNT, first);
    else H.setSlot(c, COUNT_LONG_CNT, start);
    return c;
  } finally {
    if (args.length < 1) H.decref(start);
    if (args.length < 2) H.decref(step);
  }
}

/** count_next: fast mode's next int; slow mode returns `long_cnt` and keeps `long_cnt + long_step`. */
function countNext(R: Runtime, c: Ref): Ref {
  const H = R.H;
  if (H.getSlot(c, COUNT_LONG_CNT) === 0) {
    const cnt = H.slotInt(c, COUNT_CNT);
    if (cnt < COUNT_FAST_MAX) {
      H.setSlotInt(c, COUNT_CNT, cnt + 1);
      return H.int(cnt);
    }
    // Out of the fast range: on from a long, as count_nextlong does.
    const v = H.int(cnt);
    H.setSlot(c, COUNT_LONG_CNT, v);
    H.decref(v);
  }
  const current = H.getSlot(c, COUNT_LONG_CNT);
  const stepped = R.add(current, H.getSlot(c, COUNT_LONG_STEP));
  H.incref(current);
  H.setSlot(c, COUNT_LONG_CNT, stepped);
  H.decref(stepped);
  return current;
}

/** An index argument of islice (None: the default), as islice_new reads it; `message` when it is not one. */
function sliceIndex(R: Runtime, v: Ref, none: number, message: string): number {
  const H = R.H;
  if (v === H.None) return none;
  if (!R.isInt(v)) throw new PythonException('ValueError', message);
  const n = H.ints.value(v);
  if (typeof n !== 'number' || n < 0 || n > 0x7fffffff) throw new PythonException('ValueError', message);
  return n;
}

const ISLICE_STOP_MESSAGE = 'Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.';
const ISLICE_INDICES_MESSAGE = 'Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.';
const ISLICE_STEP_MESSAGE = 'Step for islice() must be a positive integer or None.';

/** `itertools.islice(iterable, stop)` / `(iterable, start, stop[, step])` (islice_new; borrowed). */
export function newIslice(R: Runtime, args: readonly Ref[]): Ref {
  const H = R.H;
  if (args.length < 2 || args.length > 4) throw new PythonException('TypeError', `islice expected at most 4 arguments, got ${args.length}`);
  let start = 0;
  let stop: number;
  let step = 1;
  if (args.length === 2) stop = sliceIndex(R, args[1], -1, ISLICE_STOP_MESSAGE);
  else {
    start = sliceIndex(R, args[1], 0, ISLICE_INDICES_MESSAGE);
    stop = sliceIndex(R, args[2], -1, ISLICE_STOP_MESSAGE);
    if (args.length === 4) {
      step = sliceIndex(R, args[3], 1, ISLICE_STEP_MESSAGE);
      if (step < 1) throw new PythonException('ValueError', ISLICE_STEP_MESSAGE);
    }
  }
  H.incref(args[0]);
  const it = R.getIter(args[0]);
  const lz = R.newCObject('islice', ISLICE_IT, it);
  H.decref(it);
  H.setSlotInt(lz, ISLICE_NEXT, start);
  H.setSlotInt(lz, ISLICE_STOP, stop);
  H.setSlotInt(lz, ISLICE_STEP, step);
  H.setSlotInt(lz, ISLICE_CNT, 0);
  return lz;
}

/** islice_next: skips to `next`, stops at `stop`; once exhausted the iterator is let go (`Py_CLEAR(lz->it)`). */
function isliceNext(R: Runtime, lz: Ref): Ref {
  const H = R.H;
  const it = H.getSlot(lz, ISLICE_IT);
  if (it === 0) return 0;
  const stop = H.slotInt(lz, ISLICE_STOP);
  let cnt = H.slotInt(lz, ISLICE_CNT);
  const empty = (): Ref => {
    H.clearSlot(lz, ISLICE_IT);
    return 0;
  };
  while (cnt < H.slotInt(lz, ISLICE_NEXT)) {
    const item = R.next(it);
    if (item === 0) return empty();
    H.decref(item);
    H.setSlotInt(lz, ISLICE_CNT, ++cnt);
  }
  if (stop !== -1 && cnt >= stop) return empty();
  const item = R.next(it);
  if (item === 0) return empty();
  H.setSlotInt(lz, ISLICE_CNT, cnt + 1);
  let next = H.slotInt(lz, ISLICE_NEXT) + H.slotInt(lz, ISLICE_STEP);
  if (stop !== -1 && next > stop) next = stop;
  H.setSlotInt(lz, ISLICE_NEXT, next);
  return item;
}

/** An index-and-sequence iterator over `seq` (borrowed), starting at `index`. */
function indexed(R: Runtime, name: 'list_reverseiterator' | 'reversed' | 'str_iterator', seq: Ref, index: number): Ref {
  const it = R.newCObject(name, SEQ_SEQ, seq);
  R.H.setSlotInt(it, SEQ_INDEX, index);
  return it;
}

/** list_reversed: a list_reverseiterator from the last item. */
export function reversedList(R: Runtime, list: Ref): Ref {
  return indexed(R, 'list_reverseiterator', list, R.H.list.length(list) - 1);
}

/** reversed_new of a sequence without `__reversed__` (a tuple): the reversed object over its indices, from the last. */
export function reversedSequence(R: Runtime, seq: Ref): Ref {
  return indexed(R, 'reversed', seq, R.len(seq) - 1);
}

/** iter(str): the str's iterator (unicode_iter; 3.12+'s ASCII iterator has the same size). */
export function strIterator(R: Runtime, s: Ref): Ref {
  return indexed(R, 'str_iterator', s, 0);
}

/** iter(set): setiterobject, remembering the set's size (a change is a RuntimeError, as setiter_iternext checks). */
export function setIterator(R: Runtime, s: Ref): Ref {
  const H = R.H;
  const it = R.newCObject('set_iterator', SET_SET, s);
  const used = H.set.length(s);
  H.setSlotInt(it, SET_USED, used);
  H.setSlotInt(it, SET_POS, 0);
  H.setSlotInt(it, SET_LEN, used);
  return it;
}

/** The next item of one of these iterators (new reference), 0 at the end, undefined when `it` is none of them. */
export function cIteratorNext(R: Runtime, it: Ref): Ref | undefined {
  const kind = R.cTypeNameOf(it);
  switch (kind) {
    case 'map':
      return mapNext(R, it);
    case 'filter':
      return filterNext(R, it);
    case 'list_reverseiterator':
    case 'reversed':
      return reversedNext(R, it, kind);
    case 'str_iterator':
      return strNext(R, it);
    case 'set_iterator':
      return setNext(R, it);
    case 'count':
      return countNext(R, it);
    case 'islice':
      return isliceNext(R, it);
    default:
      return undefined;
  }
}

/** listreviter_next / reversed_next: the item at the index, which steps down; at the end the sequence is let go. */
function reversedNext(R: Runtime, it: Ref, kind: 'list_reverseiterator' | 'reversed'): Ref {
  const H = R.H;
  const seq = H.getSlot(it, SEQ_SEQ);
  if (seq === 0) return 0;
  const i = H.slotInt(it, SEQ_INDEX);
  const n = kind === 'list_reverseiterator' ? H.list.length(seq) : R.len(seq);
  if (i >= 0 && i < n) {
    H.setSlotInt(it, SEQ_INDEX, i - 1);
    const item = H.kindOf(seq) === Kind.List ? H.list.get(seq, i) : H.tupleItem(seq, i);
    H.incref(item);
    return item;
  }
  H.setSlotInt(it, SEQ_INDEX, -1);
  H.clearSlot(it, SEQ_SEQ);
  return 0;
}

/** unicodeiter_next: the code point at the index as a str (unicode_char: the cached one below 256). */
function strNext(R: Runtime, it: Ref): Ref {
  const H = R.H;
  const s = H.getSlot(it, SEQ_SEQ);
  if (s === 0) return 0;
  const i = H.slotInt(it, SEQ_INDEX);
  if (i < H.str.length(s)) {
    H.setSlotInt(it, SEQ_INDEX, i + 1);
    return H.str.create(String.fromCodePoint(H.str.codePointAt(s, i)));
  }
  H.clearSlot(it, SEQ_SEQ);
  return 0;
}

/** setiter_iternext: the next live entry of the table; a changed size is a RuntimeError, and stays one. */
function setNext(R: Runtime, it: Ref): Ref {
  const H = R.H;
  const s = H.getSlot(it, SET_SET);
  if (s === 0) return 0;
  if (H.slotInt(it, SET_USED) !== H.set.length(s)) {
    H.setSlotInt(it, SET_USED, -1);
    throw new PythonException('RuntimeError', 'Set changed size during iteration');
  }
  const found = H.set.entryFrom(s, H.slotInt(it, SET_POS));
  if (found === undefined) {
    H.clearSlot(it, SET_SET);
    return 0;
  }
  H.setSlotInt(it, SET_POS, found[0] + 1);
  H.setSlotInt(it, SET_LEN, H.slotInt(it, SET_LEN) - 1);
  H.incref(found[1]);
  return found[1];
}

/**
 * `__length_hint__` of one of these iterators (listreviter_len, reversed_len, unicodeiter_len,
 * setiter_len: the items left, 0 once let go or after the set changed size), or -1 where the type
 * has none (map, filter) or `it` is none of them.
 */
export function cIteratorLengthHint(R: Runtime, it: Ref): number {
  const H = R.H;
  const kind = R.cTypeNameOf(it);
  switch (kind) {
    case 'list_reverseiterator':
    case 'reversed': {
      const seq = H.getSlot(it, SEQ_SEQ);
      if (seq === 0) return 0;
      const left = H.slotInt(it, SEQ_INDEX) + 1;
      const size = kind === 'list_reverseiterator' ? H.list.length(seq) : R.len(seq);
      return size < left ? 0 : left;
    }
    case 'str_iterator': {
      const s = H.getSlot(it, SEQ_SEQ);
      return s === 0 ? 0 : H.str.length(s) - H.slotInt(it, SEQ_INDEX);
    }
    case 'set_iterator': {
      const s = H.getSlot(it, SET_SET);
      return s !== 0 && H.slotInt(it, SET_USED) === H.set.length(s) ? H.slotInt(it, SET_LEN) : 0;
    }
    default:
      return -1;
  }
}

/** Whether `it` is one of these iterators (GET_ITER returns it as it is). */
export function isCIterator(R: Runtime, it: Ref): boolean {
  const kind = R.cTypeNameOf(it);
  return kind === 'map' || kind === 'filter' || kind === 'list_reverseiterator' || kind === 'reversed' || kind === 'str_iterator' || kind === 'set_iterator' || kind === 'count' || kind === 'islice';
}
