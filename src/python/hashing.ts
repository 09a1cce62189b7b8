/**
 * The values `hash()` returns, as CPython 3.11–3.13 computes them on a 64-bit build
 * (`Python/pyhash.c`, `Objects/longobject.c` long_hash, `Objects/floatobject.c` float_hash):
 * numbers reduce modulo the Mersenne prime 2**61 - 1, so that equal ints and floats hash alike.
 * The simulated heap's own dict and set hashes (heap.ts hashOf) are a 32-bit stand-in; these are
 * the values a program sees. A str's or bytes' hash is salted per process in CPython (SipHash
 * with a random key): the simulation returns a deterministic 64-bit value of the same size.
 */

const MODULUS = (1n << 61n) - 1n;
const INF_HASH = 314159n;

/** hash(n) of an int: sign · (|n| mod 2**61 - 1), with -1 made -2. */
export function hashOfInt(value: number | bigint): bigint {
  const v = BigInt(value);
  const m = (v < 0n ? -v : v) % MODULUS;
  const h = v < 0n ? -m : m;
  return h === -1n ? -2n : h;
}

/** hash(x) of a float (`_Py_HashDouble`): its exact rational value mod 2**61 - 1; NaN is identity-hashed (given `identity`). */
export function hashOfFloat(x: number, identity: bigint): bigint {
  if (Number.isNaN(x)) return identity;
  if (!Number.isFinite(x)) return x > 0 ? INF_HASH : -INF_HASH;
  if (x === 0) return 0n;
  // x = mantissa · 2**exponent with an integer mantissa of at most 53 bits.
  let exponent = 0;
  let m = Math.abs(x);
  while (!Number.isInteger(m)) {
    m *= 2;
    exponent--;
  }
  let mantissa = BigInt(m);
  while (mantissa % 2n === 0n && mantissa !== 0n) {
    mantissa /= 2n;
    exponent++;
  }
  // 2**61 ≡ 1 (mod 2**61 - 1), so 2**e ≡ 2**(e mod 61).
  const e = ((exponent % 61) + 61) % 61;
  let h = (mantissa % MODULUS) * ((1n << BigInt(e)) % MODULUS) % MODULUS;
  if (x < 0) h = -h;
  return h === -1n ? -2n : h;
}

/** A deterministic 64-bit stand-in for a salted str or bytes hash, spread from the heap's 32-bit one. */
export function hashOfText(heapHash: number): bigint {
  const spread = (BigInt(heapHash >>> 0) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  const signed = spread >= 1n << 63n ? spread - (1n << 64n) : spread;
  return signed === -1n ? -2n : signed;
}

/** `_Py_HashPointer` of an object at simulated address `address`: the address rotated by 4 bits. */
export function hashOfAddress(address: bigint): bigint {
  const rotated = ((address >> 4n) | (address << 60n)) & 0xffffffffffffffffn;
  const signed = rotated >= 1n << 63n ? rotated - (1n << 64n) : rotated;
  return signed === -1n ? -2n : signed;
}

/**
 * The simulated address of an object, as `id()` reports it: a 64-bit user-space address (so the
 * int `id()` makes has CPython's two 30-bit digits), 16-byte aligned as pymalloc's blocks are, stable while it lives.
 */
export function addressOf(ref: number): bigint {
  return 0x7f0000000000n + BigInt(ref) * 16n;
}
