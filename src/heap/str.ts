/**
 * str objects (fact sheet §2.2, §3): compact ASCII / Latin-1 / UCS-2 / UCS-4 layouts with their
 * per-version headers, the characters stored in simulated memory, the empty-string and
 * 1-character caches, and interning (mortal in 3.11, immortal in 3.12, split in 3.13+).
 */
import { FIELD, OB, type Ref } from './layout.js';
import { Kind } from './types.js';
import type { Heap } from './heap.js';

const STATE_WIDTH_MASK = 7;
const STATE_ASCII = 8;
const STATE_INTERNED = 16;

/** FNV-1a over UTF-16 code units; -1 is reserved (CPython: "not computed"). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h === -1 ? -2 : h;
}

/** What decides a str's layout: character width (1, 2 or 4 bytes), ASCII or not, length in code points. */
interface StrShape {
  readonly width: 1 | 2 | 4;
  readonly ascii: boolean;
  readonly length: number;
}

/** The compact representation a string needs. */
function charWidth(s: string): StrShape {
  let max = 0;
  let length = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp > max) max = cp;
    length++;
  }
  return { width: max < 256 ? 1 : max < 65536 ? 2 : 4, ascii: max < 128, length };
}

export class StrOps {
  private readonly interned = new Map<string, Ref>();
  /** The text of each interned string, so reading one (dict keys, attribute names) decodes nothing. */
  private readonly internedText = new Map<Ref, string>();

  constructor(private readonly heap: Heap) {}

  /** Bytes requested for a str of this shape: header + (length + 1) characters. */
  private requestedBytes({ width, ascii, length }: StrShape): number {
    const p = this.heap.profile;
    return (ascii ? p.strAsciiHeader : p.strCompactHeader) + (length + 1) * width;
  }

  create(s: string): Ref {
    const heap = this.heap;
    if (s.length === 0) return heap.sharedRef(heap.emptyStr);
    if (s.length === 1 && s.charCodeAt(0) < 256) return heap.sharedRef(heap.latin1Chars[s.charCodeAt(0)]);
    const shape = charWidth(s);
    const ref = heap.allocObject(Kind.Str, this.requestedBytes(shape));
    this.write(ref, s, shape);
    return ref;
  }

  /**
   * A new str even of one character (where `create` gives the cached one): what a C function that
   * writes its own result makes, e.g. `str(7)` (long_to_decimal_string: PyUnicode_New, no cache).
   */
  createFresh(s: string): Ref {
    if (s.length === 0) return this.create(s);
    const shape = charWidth(s);
    const ref = this.heap.allocObject(Kind.Str, this.requestedBytes(shape));
    this.write(ref, s, shape);
    return ref;
  }

  /** A static (never freed) str for the caches built at start-up. */
  staticStr(s: string): Ref {
    const shape = charWidth(s);
    const ref = this.heap.staticObject(Kind.Str, this.requestedBytes(shape), 0);
    this.write(ref, s, shape);
    return ref;
  }

  private write(ref: Ref, s: string, { width, ascii, length }: StrShape): void {
    const heap = this.heap;
    const i32 = heap.i32;
    i32[ref + FIELD.STR_LENGTH] = length;
    i32[ref + FIELD.STR_HASH] = hashString(s);
    i32[ref + FIELD.STR_STATE] = width | (ascii ? STATE_ASCII : 0);
    const header = ascii ? heap.profile.strAsciiHeader : heap.profile.strCompactHeader;
    const data = ref * 4 + header;
    let i = 0;
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (width === 1) heap.u8[data + i] = cp;
      else if (width === 2) heap.u16[(data >> 1) + i] = cp;
      else i32[(data >> 2) + i] = cp;
      i++;
    }
    if (width === 1) heap.u8[data + length] = 0;
    else if (width === 2) heap.u16[(data >> 1) + length] = 0;
    else i32[(data >> 2) + length] = 0;
  }

  /** Reads a str object back into a JS string. */
  read(ref: Ref): string {
    const heap = this.heap;
    const i32 = heap.i32;
    const state = i32[ref + FIELD.STR_STATE];
    if ((state & STATE_INTERNED) !== 0) {
      const text = this.internedText.get(ref);
      if (text !== undefined) return text;
    }
    const length = i32[ref + FIELD.STR_LENGTH];
    const width = state & STATE_WIDTH_MASK;
    const data = ref * 4 + ((state & STATE_ASCII) !== 0 ? heap.profile.strAsciiHeader : heap.profile.strCompactHeader);
    if (width === 1) {
      const u8 = heap.u8;
      let text = '';
      for (let i = 0; i < length; i++) text += String.fromCharCode(u8[data + i]);
      return text;
    }
    const codes: number[] = [];
    for (let i = 0; i < length; i++) codes.push(width === 2 ? heap.u16[(data >> 1) + i] : i32[(data >> 2) + i]);
    return String.fromCodePoint(...codes);
  }

  /** The length in code points (what `len` gives). */
  length(ref: Ref): number {
    return this.heap.i32[ref + FIELD.STR_LENGTH];
  }

  /** Code point `i` of a str (PyUnicode_READ), 0 <= i < length. */
  codePointAt(ref: Ref, i: number): number {
    const heap = this.heap;
    const state = heap.i32[ref + FIELD.STR_STATE];
    const width = state & STATE_WIDTH_MASK;
    const data = ref * 4 + ((state & STATE_ASCII) !== 0 ? heap.profile.strAsciiHeader : heap.profile.strCompactHeader);
    return width === 1 ? heap.u8[data + i] : width === 2 ? heap.u16[(data >> 1) + i] : heap.i32[(data >> 2) + i];
  }

  hash(ref: Ref): number {
    return this.heap.i32[ref + FIELD.STR_HASH];
  }

  /**
   * `sys.intern(s)`, and the interning of identifiers and attribute names. Returns a new reference.
   * 3.12 makes every interned string immortal; 3.11 and 3.13+ keep them mortal here (3.13's
   * immortal code-name interning happens at compile time, which the simulation has no part of).
   */
  intern(s: string): Ref {
    const heap = this.heap;
    const existing = this.interned.get(s);
    if (existing !== undefined) {
      heap.incref(existing);
      return existing;
    }
    const ref = this.create(s);
    if (heap.isStatic(ref)) return ref;
    heap.i32[ref + FIELD.STR_STATE] |= STATE_INTERNED;
    if (heap.profile.interning === 'immortal') heap.i32[ref + OB.REFCNT] = heap.staticRefcnt;
    this.interned.set(s, ref);
    this.internedText.set(ref, s);
    return ref;
  }

  /**
   * `PyUnicode_InternInPlace` (setattr's name, `sys.intern(s)`): `ref` (consumed) itself, now
   * interned, when no equal string is; else the interned one (a new reference) and `ref` dropped.
   */
  internInPlace(ref: Ref): Ref {
    const heap = this.heap;
    if ((heap.i32[ref + FIELD.STR_STATE] & STATE_INTERNED) !== 0 || heap.isStatic(ref)) return ref;
    const s = this.read(ref);
    const existing = this.interned.get(s);
    if (existing !== undefined) {
      heap.incref(existing);
      heap.decref(ref);
      return existing;
    }
    heap.i32[ref + FIELD.STR_STATE] |= STATE_INTERNED;
    if (heap.profile.interning === 'immortal') heap.i32[ref + OB.REFCNT] = heap.staticRefcnt;
    this.interned.set(s, ref);
    this.internedText.set(ref, s);
    return ref;
  }

  /** A mortal interned string died: it leaves the interned table. */
  onDealloc(ref: Ref): void {
    if ((this.heap.i32[ref + FIELD.STR_STATE] & STATE_INTERNED) !== 0) {
      this.interned.delete(this.read(ref));
      this.internedText.delete(ref);
    }
  }

  /** Frees the immortal interned strings (teardown only; mortal ones died with their last reference). */
  releaseInterned(): void {
    for (const ref of this.interned.values()) this.heap.freeObject(ref);
    this.interned.clear();
    this.internedText.clear();
  }

  equal(a: Ref, b: Ref): boolean {
    if (a === b) return true;
    const i32 = this.heap.i32;
    if (i32[a + FIELD.STR_HASH] !== i32[b + FIELD.STR_HASH] || i32[a + FIELD.STR_LENGTH] !== i32[b + FIELD.STR_LENGTH]) return false;
    return this.read(a) === this.read(b);
  }
}
