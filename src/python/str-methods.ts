/**
 * The methods of str a program calls, with what `Objects/unicodeobject.c` and
 * `Objects/stringlib/` make for them (MEAS 3.11.2, 3.12.1, 3.13.0: identities and tracemalloc
 * figures, test/fixtures/python/str_methods.py):
 *
 *   lower upper swapcase    always a new string (the ASCII case loop writes into PyUnicode_New),
 *   title capitalize        even of one character or unchanged; the empty string stays itself
 *   casefold
 *   strip lstrip rstrip     the string itself when nothing goes; a substring otherwise
 *   replace                 the string itself when nothing is replaced; a new string otherwise,
 *                           even of one character
 *   split rsplit            a list preallocated for 12 items (PREALLOC_SIZE, maxsplit+1 when
 *                           smaller) that appends past them and keeps its allocation; the string
 *                           itself as the only item when nothing splits; one-character items are
 *                           the cached ones (STRINGLIB_NEW); rsplit fills then reverses
 *   splitlines              an empty list grown by append
 *   join                    a list or tuple used as it is, any other iterable made a list first;
 *                           one str item is returned itself; otherwise a new string
 *   partition rpartition    a 3-tuple: the parts (cached when of one character) and the separator,
 *                           or the string itself and two empty strings
 *   center ljust rjust      the string itself when it is already wide enough; a new one otherwise
 *   zfill
 *   startswith endswith     bools, ints: nothing is made beyond the result (an int above 256)
 *   find rfind index rindex
 *   count, is...()
 *   format                  str-format.ts
 *   encode                  an ASCII string's bytes (PyBytes_FromStringAndSize: b'' and one byte cached)
 *
 * The case methods are simulated for ASCII strings only (other strings go through a per-call
 * buffer that is not simulated); such a call is refused with a one-line message.
 */
import type { Ref } from '../heap/layout.js';
import { Kind } from '../heap/types.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';
import { formatString } from './str-format.js';

/** The names this module runs (the compiler lets a program call them on any object). */
export const STR_METHOD_NAMES: readonly string[] = [
  'replace', 'strip', 'lstrip', 'rstrip',
  'lower', 'upper', 'swapcase', 'title', 'capitalize', 'casefold',
  'startswith', 'endswith', 'find', 'rfind', 'index', 'rindex', 'count',
  'split', 'rsplit', 'splitlines', 'join', 'partition', 'rpartition',
  'center', 'ljust', 'rjust', 'zfill', 'encode', 'format',
  'isdigit', 'isdecimal', 'isnumeric', 'isalpha', 'isalnum', 'isspace', 'isupper', 'islower', 'isascii', 'istitle', 'isidentifier',
];

/** split's list preallocation (MAX_PREALLOC in stringlib/split.h). */
const MAX_PREALLOC = 12;

const ASCII_WHITESPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

function isPySpace(c: string): boolean {
  return ASCII_WHITESPACE.test(c);
}

/** `str.m(*args)` (args borrowed): a new reference, or 0 when `m` is not one of these methods. */
export function callStrMethod(R: Runtime, obj: Ref, m: string, args: readonly Ref[]): Ref {
  const H = R.H;
  const text = H.str.read(obj);
  const strArg = (i: number, what: string): string => {
    const a = args[i];
    if (a === undefined || H.kindOf(a) !== Kind.Str) throw new PythonException('TypeError', `${what} must be str, not ${a === undefined ? 'nothing' : H.types.nameOf(H.typeOf(a))}`);
    return H.str.read(a);
  };
  const intArg = (i: number, fallback: number): number => {
    const a = args[i];
    if (a === undefined || a === H.None) return fallback;
    if (!R.isInt(a)) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(a))}' object cannot be interpreted as an integer`);
    return H.intValue(a);
  };
  const arity = (min: number, max: number): void => {
    if (args.length < min || args.length > max) throw new PythonException('TypeError', `${m}() takes ${min === max ? `exactly ${min}` : `at most ${max}`} argument${max === 1 ? '' : 's'} (${args.length} given)`);
  };
  /** The string itself (a new reference). */
  const self = (): Ref => H.sharedRef(obj);
  /** A new string made by the method's own loop (PyUnicode_New: never the one-character cache). */
  const fresh = (s: string): Ref => H.str.createFresh(s);
  /** A substring (STRINGLIB_NEW / PyUnicode_Substring: one-character results are the cached ones). */
  const part = (s: string): Ref => H.str.create(s);

  switch (m) {
    case 'replace': {
      arity(2, 3);
      const out = replaceText(text, strArg(0, 'replace() argument 1'), strArg(1, 'replace() argument 2'), intArg(2, -1));
      return out === text ? self() : fresh(out);
    }
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      arity(0, 1);
      const chars = args.length > 0 && args[0] !== H.None ? strArg(0, `${m} arg`) : undefined;
      const out = stripText(text, chars, m !== 'rstrip', m !== 'lstrip');
      return out === text ? self() : part(out);
    }
    case 'lower':
    case 'upper':
    case 'swapcase':
    case 'title':
    case 'capitalize':
    case 'casefold': {
      arity(0, 0);
      if (!/^[\x00-\x7f]*$/.test(text)) throw new PythonException('NotImplementedError', `str.${m}() of a non-ASCII string is not simulated yet`);
      return fresh(caseOf(text, m));
    }
    case 'startswith':
    case 'endswith': {
      arity(1, 3);
      const [lo, hi] = bounds(text.length, intArg(1, 0), intArg(2, text.length));
      // tailmatch: the affix must fit between start and end; an empty one then always matches.
      const hit = affixes(R, args[0], m).some((p) => {
        const last = hi - p.length;
        if (last < lo) return false;
        return p.length === 0 || text.startsWith(p, m === 'startswith' ? lo : last);
      });
      return H.sharedRef(hit ? H.True : H.False);
    }
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex': {
      arity(1, 3);
      const sub = strArg(0, 'must be str, not');
      const [lo, hi] = bounds(text.length, intArg(1, 0), intArg(2, text.length));
      let at = -1;
      if (lo <= text.length && sub.length <= hi - lo) at = m === 'find' || m === 'index' ? text.indexOf(sub, lo) : text.lastIndexOf(sub, hi - sub.length);
      if (at >= 0 && (at < lo || at + sub.length > hi)) at = -1;
      if (at < 0 && (m === 'index' || m === 'rindex')) throw new PythonException('ValueError', 'substring not found');
      return H.ints.fromValue(at);
    }
    case 'count': {
      arity(1, 3);
      const sub = strArg(0, 'must be str, not');
      const [lo, hi] = bounds(text.length, intArg(1, 0), intArg(2, text.length));
      return H.ints.fromValue(countText(text, sub, lo, hi));
    }
    case 'split':
    case 'rsplit': {
      arity(0, 2);
      const sep = args.length > 0 && args[0] !== H.None ? strArg(0, 'must be str or None, not') : undefined;
      if (sep === '') throw new PythonException('ValueError', 'empty separator');
      const maxsplit = intArg(1, -1);
      return splitList(R, obj, text, sep, maxsplit, m === 'rsplit', part);
    }
    case 'splitlines': {
      arity(0, 1);
      const keepends = args.length > 0 && R.truth(args[0]);
      const list = H.list.newList(0);
      for (const line of splitLines(text, keepends)) {
        const item = line === text ? self() : part(line);
        H.list.append(list, item);
        H.decref(item);
      }
      return list;
    }
    case 'join':
      arity(1, 1);
      return joinItems(R, text, args[0]);
    case 'partition':
    case 'rpartition': {
      arity(1, 1);
      const sep = strArg(0, 'must be str, not');
      if (sep === '') throw new PythonException('ValueError', 'empty separator');
      const at = m === 'partition' ? text.indexOf(sep) : text.lastIndexOf(sep);
      const t = H.newTuple(3);
      if (at < 0) {
        const empty = (): Ref => H.str.create('');
        if (m === 'partition') {
          H.tupleInit(t, 0, self());
          H.tupleInit(t, 1, empty());
          H.tupleInit(t, 2, empty());
        } else {
          H.tupleInit(t, 0, empty());
          H.tupleInit(t, 1, empty());
          H.tupleInit(t, 2, self());
        }
        return t;
      }
      H.tupleInit(t, 0, part(text.slice(0, at)));
      H.tupleInit(t, 1, H.sharedRef(args[0]));
      H.tupleInit(t, 2, part(text.slice(at + sep.length)));
      return t;
    }
    case 'center':
    case 'ljust':
    case 'rjust': {
      arity(1, 2);
      const width = intArg(0, 0);
      const fill = args.length > 1 ? strArg(1, 'The fill character') : ' ';
      if (fill.length !== 1) throw new PythonException('TypeError', 'The fill character must be exactly one character long');
      if (width <= text.length) return self();
      const marg = width - text.length;
      // pad(): center puts the odd character on the left when both the margin and the width are odd.
      const left = m === 'ljust' ? 0 : m === 'rjust' ? marg : Math.floor(marg / 2) + (marg & width & 1);
      return fresh(fill.repeat(left) + text + fill.repeat(marg - left));
    }
    case 'zfill': {
      arity(1, 1);
      const width = intArg(0, 0);
      if (width <= text.length) return self();
      const fill = width - text.length;
      const sign = text[0] === '+' || text[0] === '-' ? text[0] : '';
      return fresh(sign + '0'.repeat(fill) + text.slice(sign.length));
    }
    case 'format':
      return formatString(R, obj, args, []);
    case 'encode': {
      // An ASCII string's UTF-8 is its own data: PyBytes_FromStringAndSize of it (b'' and one
      // byte are the cached objects). Other strings go through a bytes writer, not simulated.
      arity(0, 2);
      const encoding = args.length > 0 && args[0] !== H.None ? strArg(0, "encode() argument 'encoding'").toLowerCase().replace('_', '-') : 'utf-8';
      if (!['utf-8', 'utf8', 'ascii', 'us-ascii', 'latin-1', 'latin1'].includes(encoding)) throw new PythonException('NotImplementedError', `str.encode('${encoding}') is not simulated yet`);
      if (!/^[\x00-\x7f]*$/.test(text)) throw new PythonException('NotImplementedError', 'str.encode() of a non-ASCII string is not simulated yet');
      return H.bytes(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    }
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
    case 'isalpha':
    case 'isalnum':
    case 'isspace':
    case 'isupper':
    case 'islower':
    case 'isascii':
    case 'istitle':
    case 'isidentifier':
      arity(0, 0);
      return H.sharedRef(predicate(text, m) ? H.True : H.False);
    default:
      return 0;
  }
}

/** The keyword parameters of the str methods that have them (Argument Clinic), by position. */
const KEYWORD_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  split: ['sep', 'maxsplit'],
  rsplit: ['sep', 'maxsplit'],
  splitlines: ['keepends'],
  encode: ['encoding', 'errors'],
};

/**
 * A str method's arguments with its keywords (their values after the positional ones) put at
 * their parameters' positions (a missing one before a given one as None), or undefined when the
 * method takes no keywords; an unknown keyword is a TypeError. Nothing is made for them.
 */
export function strMethodPositional(R: Runtime, m: string, args: readonly Ref[], kwnames: readonly string[]): Ref[] | undefined {
  const names = KEYWORD_PARAMETERS[m];
  if (names === undefined) return undefined;
  const npos = args.length - kwnames.length;
  const out: (Ref | undefined)[] = args.slice(0, npos);
  kwnames.forEach((k, i) => {
    const at = names.indexOf(k);
    if (at < 0) throw new PythonException('TypeError', `${m}() got an unexpected keyword argument '${k}'`);
    if (at < npos || out[at] !== undefined) throw new PythonException('TypeError', `argument for ${m}() given by name ('${k}') and position (${at + 1})`);
    out[at] = args[npos + i];
  });
  return Array.from(out, (v) => v ?? R.H.None);
}

/**
 * The list split and rsplit return (parts first to last): PyList_New(PREALLOC_SIZE(maxcount)),
 * the parts (past the preallocation by append), then FIX_PREALLOC_SIZE; rsplit fills it last part
 * first, then reverses it. A string shorter than the separator is the only item of a list of one.
 */
function splitList(R: Runtime, obj: Ref, text: string, sep: string | undefined, maxsplit: number, reversed: boolean, part: (s: string) => Ref): Ref {
  const H = R.H;
  const parts = reversed ? rsplitText(text, sep, maxsplit) : splitText(text, sep, maxsplit);
  if (sep !== undefined && text.length < sep.length) {
    const list = H.list.newList(1);
    H.list.init(list, 0, H.sharedRef(obj));
    return list;
  }
  let maxcount = maxsplit;
  if (maxcount < 0) maxcount = H.profile.strSplitPrealloc === 'twelve' ? Infinity : sep === undefined ? Math.floor((text.length + 1) / 2) : Math.floor(text.length / sep.length) + 1;
  const prealloc = maxcount >= MAX_PREALLOC ? MAX_PREALLOC : maxcount + 1;
  const list = H.list.newList(prealloc);
  const order = reversed ? [...parts].reverse() : parts;
  let count = 0;
  for (const p of order) {
    // Nothing split: the string itself is the only item (an exact str).
    const item = p === text ? H.sharedRef(obj) : part(p);
    if (count < prealloc) H.list.init(list, count, item);
    else {
      H.list.append(list, item);
      H.decref(item);
    }
    count++;
  }
  if (count < prealloc) H.list.setSizeKeepingAllocation(list, count);
  if (reversed) H.list.reverse(list);
  return list;
}

/** `sep.join(iterable)` (PyUnicode_Join). */
function joinItems(R: Runtime, sep: string, iterable: Ref): Ref {
  const H = R.H;
  const kind = H.kindOf(iterable);
  // PySequence_Fast: a list or tuple as it is, anything else made a list.
  let seq: Ref;
  if (kind === Kind.List || kind === Kind.Tuple) seq = H.sharedRef(iterable);
  else {
    // PySequence_List: PyList_New(0), then list_extend.
    seq = H.list.newList(0);
    try {
      R.extendList(seq, iterable);
    } catch (err) {
      H.decref(seq);
      throw err;
    }
  }
  try {
    const seqKind = H.kindOf(seq);
    const n = seqKind === Kind.List ? H.list.length(seq) : H.tupleLength(seq);
    if (n === 0) return H.str.create('');
    const item = (i: number): Ref => (seqKind === Kind.List ? H.list.get(seq, i) : H.tupleItem(seq, i));
    const texts: string[] = [];
    for (let i = 0; i < n; i++) {
      const it = item(i);
      if (H.kindOf(it) !== Kind.Str) throw new PythonException('TypeError', `sequence item ${i}: expected str instance, ${H.types.nameOf(H.typeOf(it))} found`);
      texts.push(H.str.read(it));
    }
    // One exact str: returned itself.
    if (n === 1 && H.typeOf(item(0)) === Kind.Str) return H.sharedRef(item(0));
    return H.str.createFresh(texts.join(sep));
  } finally {
    H.decref(seq);
  }
}

/** The affixes startswith/endswith test: a str, or a tuple of them. */
function affixes(R: Runtime, a: Ref | undefined, m: string): string[] {
  const H = R.H;
  if (a !== undefined && H.kindOf(a) === Kind.Str) return [H.str.read(a)];
  if (a !== undefined && H.kindOf(a) === Kind.Tuple) {
    const out: string[] = [];
    for (let i = 0; i < H.tupleLength(a); i++) {
      const x = H.tupleItem(a, i);
      if (H.kindOf(x) !== Kind.Str) throw new PythonException('TypeError', `tuple for ${m} must only contain str, not ${H.types.nameOf(H.typeOf(x))}`);
      out.push(H.str.read(x));
    }
    return out;
  }
  throw new PythonException('TypeError', `${m} first arg must be str or a tuple of str, not ${a === undefined ? 'nothing' : H.types.nameOf(H.typeOf(a))}`);
}

/** ADJUST_INDICES: start and end clipped into the string as slices clip them. */
function bounds(length: number, start: number, end: number): [number, number] {
  let lo = start;
  let hi = end;
  if (hi > length) hi = length;
  else if (hi < 0) hi = Math.max(0, hi + length);
  if (lo < 0) lo = Math.max(0, lo + length);
  return [lo, hi];
}

function countText(text: string, sub: string, lo: number, hi: number): number {
  if (lo > text.length || hi < lo) return 0;
  if (sub.length === 0) return hi - lo + 1;
  let n = 0;
  for (let at = text.indexOf(sub, lo); at >= 0 && at + sub.length <= hi; at = text.indexOf(sub, at + sub.length)) n++;
  return n;
}

/** str.split's parts, first to last. */
function splitText(text: string, sep: string | undefined, maxsplit: number): string[] {
  const limit = maxsplit < 0 ? Infinity : maxsplit;
  const parts: string[] = [];
  if (sep === undefined) {
    let i = 0;
    const n = text.length;
    while (i < n) {
      while (i < n && isPySpace(text[i])) i++;
      if (i === n) break;
      if (parts.length === limit) {
        // The rest, trailing whitespace and all.
        parts.push(text.slice(i));
        return parts;
      }
      let j = i;
      while (j < n && !isPySpace(text[j])) j++;
      parts.push(text.slice(i, j));
      i = j;
    }
    return parts;
  }
  let from = 0;
  for (let at = text.indexOf(sep); at >= 0 && parts.length < limit; at = text.indexOf(sep, from)) {
    parts.push(text.slice(from, at));
    from = at + sep.length;
  }
  parts.push(text.slice(from));
  return parts;
}

/** str.rsplit's parts, first to last. */
function rsplitText(text: string, sep: string | undefined, maxsplit: number): string[] {
  const limit = maxsplit < 0 ? Infinity : maxsplit;
  const parts: string[] = [];
  if (sep === undefined) {
    let j = text.length;
    while (j > 0) {
      while (j > 0 && isPySpace(text[j - 1])) j--;
      if (j === 0) break;
      if (parts.length === limit) {
        // The rest, leading whitespace and all.
        parts.push(text.slice(0, j));
        break;
      }
      let i = j;
      while (i > 0 && !isPySpace(text[i - 1])) i--;
      parts.push(text.slice(i, j));
      j = i;
    }
    return parts.reverse();
  }
  let end = text.length;
  for (let at = text.lastIndexOf(sep, end - sep.length); at >= 0 && parts.length < limit; at = end - sep.length >= 0 ? text.lastIndexOf(sep, end - sep.length) : -1) {
    parts.push(text.slice(at + sep.length, end));
    end = at;
  }
  parts.push(text.slice(0, end));
  return parts.reverse();
}

/** str.splitlines: the line boundaries CPython's unicode splitlines knows. */
function splitLines(text: string, keepends: boolean): string[] {
  const lines: string[] = [];
  let i = 0;
  let start = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if ('\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029'.includes(c)) {
      let eol = i + 1;
      if (c === '\r' && text[i + 1] === '\n') eol = i + 2;
      lines.push(text.slice(start, keepends ? eol : i));
      start = i = eol;
    } else i++;
  }
  if (start < n) lines.push(text.slice(start));
  return lines;
}

function caseOf(text: string, m: string): string {
  switch (m) {
    case 'lower':
    case 'casefold':
      return text.toLowerCase();
    case 'upper':
      return text.toUpperCase();
    case 'swapcase':
      return [...text].map((c) => (c >= 'a' && c <= 'z' ? c.toUpperCase() : c >= 'A' && c <= 'Z' ? c.toLowerCase() : c)).join('');
    case 'capitalize':
      return text.slice(0, 1).toUpperCase() + text.slice(1).toLowerCase();
    default: {
      // title: upper after a non-letter, lower after a letter.
      let out = '';
      let previousCased = false;
      for (const c of text) {
        const letter = /[A-Za-z]/.test(c);
        out += letter ? (previousCased ? c.toLowerCase() : c.toUpperCase()) : c;
        previousCased = letter;
      }
      return out;
    }
  }
}

function predicate(text: string, m: string): boolean {
  const chars = [...text];
  const all = (test: (c: string) => boolean): boolean => chars.length > 0 && chars.every(test);
  switch (m) {
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
      return all((c) => /\p{Nd}/u.test(c));
    case 'isalpha':
      return all((c) => /\p{L}/u.test(c));
    case 'isalnum':
      return all((c) => /[\p{L}\p{Nd}]/u.test(c));
    case 'isspace':
      return all(isPySpace);
    case 'isupper':
      return chars.some((c) => c !== c.toLowerCase()) && chars.every((c) => c === c.toUpperCase());
    case 'islower':
      return chars.some((c) => c !== c.toUpperCase()) && chars.every((c) => c === c.toLowerCase());
    case 'isascii':
      return chars.every((c) => c.charCodeAt(0) < 128);
    case 'istitle':
      return text.length > 0 && caseOf(text, 'title') === text && /[A-Za-z]/.test(text);
    default:
      return /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(text);
  }
}

/** `str.replace(from, to, count)` on the text. */
function replaceText(text: string, from: string, to: string, count: number): string {
  if (count === 0) return text;
  if (from === '') {
    const chars = [...text];
    const n = count < 0 ? chars.length + 1 : Math.min(count, chars.length + 1);
    let out = '';
    for (let i = 0; i < chars.length; i++) out += (i < n ? to : '') + chars[i];
    return n > chars.length ? out + to : out;
  }
  const parts = text.split(from);
  if (count < 0 || count >= parts.length - 1) return parts.join(to);
  return parts.slice(0, count + 1).join(to) + from + parts.slice(count + 1).join(from);
}

/** `str.strip/lstrip/rstrip(chars)`: whitespace when chars is undefined. */
function stripText(text: string, chars: string | undefined, left: boolean, right: boolean): string {
  const strips = (c: string): boolean => (chars === undefined ? isPySpace(c) : chars.includes(c));
  let lo = 0;
  let hi = text.length;
  if (left) while (lo < hi && strips(text[lo])) lo++;
  if (right) while (hi > lo && strips(text[hi - 1])) hi--;
  return text.slice(lo, hi);
}

/**
 * `repr(str)` (unicode_repr): single quotes unless the text has one and no double quote; the
 * backslash, that quote, \t \n \r escaped, other non-printable characters as \xhh, \uhhhh or
 * \Uhhhhhhhh (printable: not in Unicode's categories C and Z, but for the space).
 */
export function strRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x7f || c === ' ' || !/[\p{C}\p{Z}]/u.test(c)) out += c;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}
