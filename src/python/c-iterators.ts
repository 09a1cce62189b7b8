/**
 * Iterators and lazy builtins implemented in C that the heap has no kind of its own for, as
 * C-level objects of their measured sizes (runtime.ts C_TYPES; MEAS sys.getsizeof on 3.11–3.13,
 * GC head included): `map` and `filter` (48 B), `reversed(list)`'s list_reverseiterator and
 * `reversed(tuple)`'s reversed object (48 B), a str's iterator (48 B), a set's iterator (64 B).
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
  return kind === 'map' || kind === 'filter' || kind === 'list_reverseiterator' || kind === 'reversed' || kind === 'str_iterator' || kind === 'set_iterator';
}
