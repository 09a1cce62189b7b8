/**
 * `str.format(*args, **kwargs)` as `Objects/stringlib/unicode_format.h` runs it, with what it
 * makes (MEAS 3.11.2, 3.12.1, 3.13.0: test/fixtures/python/str_methods.py's formats variant):
 *
 * - the call: str.format is METH_VARARGS | METH_KEYWORDS, so its positional arguments come in a
 *   tuple (the empty tuple when there are none) and its keywords in a dict, both dropped when it
 *   returns;
 * - the result is written by a _PyUnicodeWriter: its first buffer holds at least the format
 *   string's length + 100 characters (min_length), and 25 % more than asked while pieces remain
 *   (overallocate); it grows by PyObject_Realloc, and the finished string is the buffer shrunk to
 *   its length (a one-character result is the cached character, an empty one the empty string);
 * - the last piece is written without overallocation, and a writer that is still empty takes a
 *   whole str as it is (readonly): a format that is a single `{}` of a str, or of what a float's
 *   str() or an object's __format__ returned, gives that very string, and a format without fields
 *   gives the format string itself;
 * - each field: an exact str without a spec is written as it is; an int without a spec is written
 *   digit by digit (no object); a float without a spec, any other object, and a `!r`/`!s`/`!a`
 *   conversion make a str first (dropped once written); a spec of an int or float is formatted
 *   into a temporary str.
 *
 * Not simulated: PyOS_double_to_string's PyMem buffer of a float's digits (a few bytes while a
 * float is formatted; MEAS a 5-B lower peak when a float's str() is the peak's moment).
 *
 * Field names are automatic (`{}`), positional (`{0}`) or keywords (`{name}`); attribute and
 * index look-ups in a field and nested fields in a spec are refused, as are non-ASCII results
 * (the writer widens its buffer for them).
 */
import type { Ref } from '../heap/layout.js';
import { Kind } from '../heap/types.js';
import { PythonException } from './errors.js';
import type { Runtime } from './runtime.js';

/** _PyUnicodeWriter's overallocation divisor (OVERALLOCATE_FACTOR, 4 outside Windows). */
const OVERALLOCATE_FACTOR = 4;
/** build_string's extra room over the format string's length (writer.min_length). */
const MIN_LENGTH_EXTRA = 100;

interface Field {
  readonly name: string;
  readonly conversion: string;
  readonly spec: string;
}
type Piece = { readonly literal: string } | { readonly field: Field };

/** The pieces of a format string: literals ({{ and }} unescaped) and fields. */
function parseFormat(text: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' && text[i + 1] === '{') {
      literal += '{';
      i++;
    } else if (c === '}' && text[i + 1] === '}') {
      literal += '}';
      i++;
    } else if (c === '}') {
      throw new PythonException('ValueError', "Single '}' encountered in format string");
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      if (end < 0) throw new PythonException('ValueError', "Single '{' encountered in format string");
      const inner = text.slice(i + 1, end);
      if (inner.includes('{')) throw new PythonException('NotImplementedError', 'str.format() with a nested field in a format spec is not simulated yet');
      const m = /^([^!:]*)(?:!([^:]*))?(?::(.*))?$/s.exec(inner)!;
      const [, name, conversion = '', spec = ''] = m;
      if (/[.[]/.test(name)) throw new PythonException('NotImplementedError', `str.format() field '${name}' (an attribute or index look-up) is not simulated yet`);
      if (conversion !== '' && !['r', 's', 'a'].includes(conversion)) throw new PythonException('ValueError', `Unknown conversion specifier ${conversion}`);
      // A literal and the field after it come out of MarkupIterator together.
      if (literal !== '') pieces.push({ literal });
      literal = '';
      pieces.push({ field: { name, conversion, spec } });
      i = end;
    } else literal += c;
  }
  if (literal !== '') pieces.push({ literal });
  return pieces;
}

/**
 * The _PyUnicodeWriter of one format call: its buffer is a block of the size PyUnicode_New
 * would request for `size` characters (an ASCII string), or a str it took whole (readonly).
 */
class FormatWriter {
  private block = 0;
  private blockBytes = 0;
  private readonlyStr = 0;
  private size = 0;
  /** What is written (ASCII: its length is the writer's pos). */
  private text = '';
  overallocate = true;

  constructor(
    private readonly R: Runtime,
    private readonly minLength: number,
  ) {}

  private bytesFor(chars: number): number {
    return this.R.H.profile.strAsciiHeader + chars + 1;
  }

  /** _PyUnicodeWriter_WriteStr of a whole str (borrowed). */
  writeStr(str: Ref): void {
    const text = this.R.H.str.read(str);
    if (text.length === 0) return;
    if (this.block === 0 && this.readonlyStr === 0 && !this.overallocate) {
      this.readonlyStr = this.R.H.sharedRef(str);
      this.size = text.length;
      this.text = text;
      return;
    }
    this.write(text);
  }

  /** Characters written into the buffer (a literal, digits, a padded field). */
  write(text: string): void {
    if (text.length === 0) return;
    if (!/^[\x00-\x7f]*$/.test(text)) throw new PythonException('NotImplementedError', 'str.format() of a non-ASCII result is not simulated yet');
    const end = this.text.length + text.length;
    if (end > this.size) this.prepare(end);
    this.text += text;
  }

  /** _PyUnicodeWriter_PrepareInternal: a first buffer, a new one after a readonly str, or a realloc. */
  private prepare(needed: number): void {
    const allocator = this.R.H.allocator;
    let newlen = needed;
    if (this.overallocate) newlen += Math.floor(newlen / OVERALLOCATE_FACTOR);
    if (newlen < this.minLength) newlen = this.minLength;
    const bytes = this.bytesFor(newlen);
    if (this.block === 0) {
      this.block = allocator.malloc(bytes);
      if (this.readonlyStr !== 0) {
        this.R.H.decref(this.readonlyStr);
        this.readonlyStr = 0;
      }
    } else {
      this.block = allocator.realloc(this.block, this.blockBytes, bytes);
    }
    this.blockBytes = bytes;
    this.size = newlen;
  }

  /**
   * _PyUnicodeWriter_Finish: the readonly str, or the buffer shrunk to the text (resize_compact's
   * realloc: tracemalloc sees the old size leave and the new one come, as here the block's free
   * and the str's allocation), then unicode_result_ready's cached characters.
   */
  finish(): Ref {
    const H = this.R.H;
    if (this.readonlyStr !== 0) {
      const str = this.readonlyStr;
      this.readonlyStr = 0;
      return str;
    }
    if (this.block !== 0) H.allocator.free(this.block, this.blockBytes);
    this.block = 0;
    return this.text.length <= 1 ? H.str.create(this.text) : H.str.createFresh(this.text);
  }

  /** Frees what an unfinished writer holds (an error while formatting). */
  dispose(): void {
    if (this.block !== 0) this.R.H.allocator.free(this.block, this.blockBytes);
    if (this.readonlyStr !== 0) this.R.H.decref(this.readonlyStr);
    this.block = 0;
    this.readonlyStr = 0;
  }
}

/** `fmt.format(*args, **kwargs)`: positional values first, then the keywords' (all borrowed). */
export function formatString(R: Runtime, fmt: Ref, args: readonly Ref[], kwnames: readonly string[]): Ref {
  const H = R.H;
  const text = H.str.read(fmt);
  const npos = args.length - kwnames.length;
  const pieces = parseFormat(text);
  // METH_VARARGS | METH_KEYWORDS: the tuple of the positional arguments and the dict of the keywords.
  const tuple = R.buildTupleOf(args.slice(0, npos), true);
  const kwargs = kwnames.length > 0 ? R.keywordDict(args.slice(npos), kwnames) : 0;
  const writer = new FormatWriter(R, text.length + MIN_LENGTH_EXTRA);
  try {
    let auto = 0;
    let manual = false;
    pieces.forEach((piece, i) => {
      // Nothing left after this piece: the writer stops overallocating.
      if (i === pieces.length - 1) writer.overallocate = false;
      if ('literal' in piece) {
        // A format that is all literal (no field, no escaped brace) writes the format string itself.
        if (piece.literal === text) writer.writeStr(fmt);
        else writer.write(piece.literal);
        return;
      }
      const { name, conversion, spec } = piece.field;
      let value: Ref;
      if (name === '') {
        if (manual) throw new PythonException('ValueError', 'cannot switch from manual field specification to automatic field numbering');
        if (auto >= npos) throw new PythonException('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
        value = args[auto++];
      } else if (/^\d+$/.test(name)) {
        if (auto > 0) throw new PythonException('ValueError', 'cannot switch from automatic field numbering to manual field specification');
        manual = true;
        const k = Number(name);
        if (k >= npos) throw new PythonException('IndexError', `Replacement index ${k} out of range for positional args tuple`);
        value = args[k];
      } else {
        const k = kwnames.indexOf(name);
        if (k < 0) throw new PythonException('KeyError', name);
        value = args[npos + k];
      }
      renderField(R, writer, value, conversion, spec);
    });
  } catch (err) {
    writer.dispose();
    H.decref(tuple);
    if (kwargs !== 0) H.decref(kwargs);
    throw err;
  }
  const result = writer.finish();
  H.decref(tuple);
  if (kwargs !== 0) H.decref(kwargs);
  return result;
}

/** render_field: one field's text into the writer, with the temporaries its type makes. */
function renderField(R: Runtime, writer: FormatWriter, value: Ref, conversion: string, spec: string): void {
  const H = R.H;
  const type = H.typeOf(value);
  if (conversion === '' && type === Kind.Str) {
    // _PyUnicode_FormatAdvancedWriter: the str itself, or (with a spec) its padded characters.
    // With a spec that changes nothing (a width within its length, no precision cutting it) the
    // str is written whole, as without one (format_string_internal's fast path).
    const text = spec === '' ? H.str.read(value) : R.formatSpec(value, spec);
    if (text === H.str.read(value)) writer.writeStr(value);
    else writer.write(text);
    return;
  }
  const parts = /^(?:.?[<>^=])?([+\- ])?0?(\d+)?(,)?((?:\.\d+)?)([bdeEfFgGnosxX%]?)$/.exec(spec);
  if (conversion === '' && type === Kind.Int && parts !== null && ['', 'd', 'n'].includes(parts[5])) {
    // long_to_decimal_string_internal works in a scratch int of 1 + size_a + size_a / 99 digits.
    const sizeA = H.ints.size(value);
    const scratch = H.allocObject(Kind.Opaque, Math.max(24 + 4 * (1 + sizeA + Math.floor(sizeA / 99)), H.profile.intMinExactBytes));
    if (spec === '') {
      // _PyLong_FormatWriter: the digits straight into the writer, while the scratch is held.
      writer.write(R.str(value));
      H.decref(scratch);
      return;
    }
    // format_long_internal: _PyLong_Format's str of the digits, then the padded field.
    const digits = H.str.createFresh(R.str(value));
    H.decref(scratch);
    writer.write(R.formatSpec(value, spec));
    H.decref(digits);
    return;
  }
  if (conversion === '' && type === Kind.Float && spec !== '' && parts !== null) {
    // format_float_internal: without a width or sign the digits go straight from
    // PyOS_double_to_string's buffer (a PyMem block, not simulated); otherwise through a str of them.
    const [, sign, width, comma, precision, kind] = parts;
    if (sign === undefined && width === undefined && comma === undefined) {
      writer.write(R.formatSpec(value, spec));
      return;
    }
    const digits = H.str.createFresh(R.formatSpec(value, `${sign ?? ''}${comma ?? ''}${precision}${kind}`));
    writer.write(R.formatSpec(value, spec));
    H.decref(digits);
    return;
  }
  // Anything else is formatted into a str first: a float's str(), a conversion, PyObject_Format.
  // A spec of a str (converted or not), int or float is then written as characters; what
  // PyObject_Format or str() returned is written as a whole str (which an empty writer takes).
  H.incref(value);
  const s = R.formatValue(value, conversion, spec);
  try {
    const characters = spec !== '' && (conversion !== '' || type === Kind.Str || type === Kind.Int || type === Kind.Float);
    if (characters) writer.write(H.str.read(s));
    else writer.writeStr(s);
  } finally {
    H.decref(s);
  }
}
