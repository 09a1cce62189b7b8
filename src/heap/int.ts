/**
 * int arithmetic as `Objects/longobject.c` allocates it (3.11–3.14): which result objects each
 * operation makes and how many 30-bit digits they are given, so that a program's ints cost what
 * they cost in CPython, and values stay exact (beyond 2^53 through a bigint side table).
 *
 *   both operands compact (one digit)  `_PyLong_FromSTwoDigits` / `PyLong_FromLong`: a small int
 *                                      (-5..256, static), a medium int (32 B), or exactly the
 *                                      digits of the result (24 + 4 n B)
 *   add                                `x_add`: size_a + 1 digits (size_a the larger), normalised
 *                                      in place (the block keeps its size), a small result freed
 *   sub                                `x_sub`: size_a digits
 *   mul                                `x_mul`: size_a + size_b digits, not shrunk
 *   and, or, xor                       `long_bitwise`: the result's width in digits (the smaller
 *                                      operand's for `&` of non-negatives)
 *   %, //, divmod by one digit         `rem1` / `divrem1`: the remainder via PyLong_FromLong, the
 *                                      quotient size_a digits
 * The block of a result made with spare digits keeps them (tracemalloc sees the allocation).
 */
import type { Heap } from './heap.js';
import { FIELD, OB, type Ref } from './layout.js';
import { Kind } from './types.js';

const DIGIT = 1073741824; // 2^30
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Digits of |v| (0 for 0). */
export function digitsOf(v: number | bigint): number {
  if (typeof v === 'number') {
    let a = Math.abs(v);
    if (a < 1) return 0;
    if (a < DIGIT) return 1;
    let n = 0;
    while (a >= 1) {
      a = Math.floor(a / DIGIT);
      n++;
    }
    return n;
  }
  const a = v < 0n ? -v : v;
  if (a === 0n) return 0;
  // From the hex digits' count (linear in the size; shifting 30 bits at a time is quadratic).
  const hex = a.toString(16);
  const bits = 4 * hex.length - (Math.clz32(Number.parseInt(hex[0], 16)) - 28);
  return Math.ceil(bits / 30);
}

/** A number when it is exact as one, else the bigint. */
function norm(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

export class IntOps {
  /** Values beyond 2^53 by object: consulted only when the object's double is not a safe integer. */
  private readonly big = new Map<Ref, bigint>();

  constructor(private readonly heap: Heap) {}

  /** The value of an int (or bool) object. */
  value(ref: Ref): number | bigint {
    const v = this.heap.f64[(ref >> 1) + FIELD.INT_VALUE_F64];
    if (v >= -MAX_SAFE && v <= MAX_SAFE) return v;
    return this.big.get(ref) ?? BigInt(v);
  }

  /** Whether the int's value is a safe JS integer (the fast paths' condition). */
  isSmallValue(ref: Ref): boolean {
    const v = this.heap.f64[(ref >> 1) + FIELD.INT_VALUE_F64];
    return v >= -MAX_SAFE && v <= MAX_SAFE;
  }

  /** Whether the int is compact (one digit at most): CPython's fast paths. */
  isCompact(ref: Ref): boolean {
    const size = this.heap.i32[ref + OB.SIZE];
    return size >= -1 && size <= 1;
  }

  size(ref: Ref): number {
    return Math.abs(this.heap.i32[ref + OB.SIZE]);
  }

  /** `PyLong_FromLong` / `_PyLong_FromSTwoDigits`: small, medium (32 B), or exactly sized. New reference. */
  fromValue(v: number | bigint): Ref {
    if (typeof v === 'number') {
      if (v > -DIGIT && v < DIGIT) return v >= -5 && v <= 256 ? this.heap.int(v) : this.heap.mediumInt(v);
      if (v >= -MAX_SAFE && v <= MAX_SAFE) return this.heap.int(v, 'exact');
      return this.withCapacity(BigInt(v), 0);
    }
    const n = norm(v);
    if (typeof n === 'number') return this.fromValue(n);
    return this.withCapacity(v, 0);
  }

  /**
   * An int given `capacity` digits (at least its own), as `_PyLong_New(capacity)` then
   * normalisation: a result in -5..256 comes back as the small int and the block is freed.
   */
  withCapacity(v: number | bigint, capacity: number): Ref {
    const heap = this.heap;
    const n = typeof v === 'bigint' ? norm(v) : v;
    const ndigits = digitsOf(n);
    const digits = Math.max(capacity, ndigits, 1);
    if (typeof n === 'number' && n >= -5 && n <= 256) {
      // maybe_small_long: the block was allocated, then freed for the cached small int.
      if (capacity > 0) heap.decref(this.alloc(n, digits, ndigits));
      return heap.int(n);
    }
    return this.alloc(n, digits, ndigits);
  }

  private alloc(v: number | bigint, digits: number, ndigits: number): Ref {
    const heap = this.heap;
    let ref = 0;
    if (digits === 1) ref = heap.freeLists.pop(heap.freeLists.int);
    if (ref !== 0) heap.reuse(ref);
    else ref = heap.allocObject(Kind.Int, Math.max(24 + 4 * digits, heap.profile.intMinExactBytes));
    const negative = typeof v === 'number' ? v < 0 : v < 0n;
    heap.i32[ref + OB.SIZE] = negative ? -ndigits : ndigits;
    heap.f64[(ref >> 1) + FIELD.INT_VALUE_F64] = Number(v);
    if (typeof v === 'bigint') this.big.set(ref, v);
    return ref;
  }

  // ---- arithmetic (operands borrowed, results new references) ----------------------------------

  add(a: Ref, b: Ref): Ref {
    if (this.isCompact(a) && this.isCompact(b)) return this.fromValue(this.heap.intValue(a) + this.heap.intValue(b));
    const x = this.value(a);
    const y = this.value(b);
    const sameSign = (x >= 0) === (y >= 0);
    const size = Math.max(this.size(a), this.size(b));
    return this.withCapacity(addValues(x, y), sameSign ? size + 1 : size);
  }

  sub(a: Ref, b: Ref): Ref {
    if (this.isCompact(a) && this.isCompact(b)) return this.fromValue(this.heap.intValue(a) - this.heap.intValue(b));
    const x = this.value(a);
    const y = this.value(b);
    const sameSign = (x >= 0) === (y >= 0);
    const size = Math.max(this.size(a), this.size(b));
    return this.withCapacity(subValues(x, y), sameSign ? size : size + 1);
  }

  mul(a: Ref, b: Ref): Ref {
    const x = this.value(a);
    const y = this.value(b);
    const product = mulValues(x, y);
    if (this.isCompact(a) && this.isCompact(b)) return this.fromValue(product);
    const n = typeof product === 'number' ? product : norm(product);
    if (n === 0) return this.heap.int(0);
    return this.alloc(n, this.size(a) + this.size(b), digitsOf(n));
  }

  /** `a & b`, `a | b`, `a ^ b`. */
  bitwise(op: '&' | '|' | '^', a: Ref, b: Ref): Ref {
    const x = BigInt(this.value(a));
    const y = BigInt(this.value(b));
    const r = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
    if (this.isCompact(a) && this.isCompact(b)) return this.fromValue(r);
    const sa = this.size(a);
    const sb = this.size(b);
    let width: number;
    if (op === '&' && x >= 0n && y >= 0n) width = Math.min(sa, sb);
    else if (op === '&' && x >= 0n) width = sa;
    else if (op === '&' && y >= 0n) width = sb;
    else width = Math.max(sa, sb);
    return this.withCapacity(r, width);
  }

  /** `a // b` (floor division). Throws RangeError on division by zero (the caller raises ZeroDivisionError). */
  floordiv(a: Ref, b: Ref): Ref {
    const x = this.value(a);
    const y = this.value(b);
    if (y === 0 || y === 0n) throw new RangeError('integer division or modulo by zero');
    const q = floorDiv(x, y);
    if (this.isCompact(a) && this.isCompact(b)) return this.fromValue(q);
    return this.withCapacity(q, this.size(a));
  }

  /** `a % b` (sign of b). */
  mod(a: Ref, b: Ref): Ref {
    const x = this.value(a);
    const y = this.value(b);
    if (y === 0 || y === 0n) throw new RangeError('integer division or modulo by zero');
    const r = floorMod(x, y);
    // rem1 for a one-digit divisor; otherwise the remainder gets the divisor's size.
    if (this.size(b) <= 1) return this.fromValue(r);
    return this.withCapacity(r, this.size(b));
  }

  lshift(a: Ref, shift: number): Ref {
    const x = BigInt(this.value(a));
    const r = x << BigInt(shift);
    if (this.isCompact(a) && shift < 30) return this.fromValue(r);
    return this.withCapacity(r, this.size(a) + Math.floor(shift / 30) + 1);
  }

  rshift(a: Ref, shift: number): Ref {
    const x = BigInt(this.value(a));
    const r = x >> BigInt(shift);
    if (this.isCompact(a)) return this.fromValue(r);
    return this.withCapacity(r, Math.max(1, this.size(a) - Math.floor(shift / 30)));
  }

  neg(a: Ref): Ref {
    const x = this.value(a);
    const r = typeof x === 'number' ? -x : -x;
    if (this.isCompact(a)) return this.fromValue(r);
    return this.withCapacity(r, this.size(a));
  }

  /** `a ** b` for b >= 0: the result exactly sized (long_pow builds it by repeated multiplication). */
  pow(a: Ref, b: Ref): Ref {
    const x = BigInt(this.value(a));
    const y = BigInt(this.value(b));
    return this.fromValue(x ** y);
  }
}

function addValues(x: number | bigint, y: number | bigint): number | bigint {
  if (typeof x === 'number' && typeof y === 'number') {
    const r = x + y;
    if (r >= -MAX_SAFE && r <= MAX_SAFE) return r;
  }
  return norm(BigInt(x) + BigInt(y));
}

function subValues(x: number | bigint, y: number | bigint): number | bigint {
  if (typeof x === 'number' && typeof y === 'number') {
    const r = x - y;
    if (r >= -MAX_SAFE && r <= MAX_SAFE) return r;
  }
  return norm(BigInt(x) - BigInt(y));
}

function mulValues(x: number | bigint, y: number | bigint): number | bigint {
  if (typeof x === 'number' && typeof y === 'number') {
    const r = x * y;
    if (r >= -MAX_SAFE && r <= MAX_SAFE) return r;
  }
  return norm(BigInt(x) * BigInt(y));
}

function floorDiv(x: number | bigint, y: number | bigint): number | bigint {
  if (typeof x === 'number' && typeof y === 'number') return Math.floor(x / y);
  const a = BigInt(x);
  const b = BigInt(y);
  let q = a / b;
  if ((a % b !== 0n) && ((a < 0n) !== (b < 0n))) q -= 1n;
  return norm(q);
}

function floorMod(x: number | bigint, y: number | bigint): number | bigint {
  if (typeof x === 'number' && typeof y === 'number') {
    const r = x % y;
    return r !== 0 && (r < 0) !== (y < 0) ? r + y : r === 0 ? 0 : r;
  }
  const a = BigInt(x);
  const b = BigInt(y);
  let r = a % b;
  if (r !== 0n && (r < 0n) !== (b < 0n)) r += b;
  return norm(r);
}
