/**
 * MT19937, the generator behind CPython's `random` (Modules/_randommodule.c), as plain arithmetic
 * with no heap: the 624-word state, `init_genrand`, `init_by_array`, one 32-bit output, and the
 * 53-bit float `random()` makes from two outputs. The algorithm is Matsumoto and Nishimura's
 * (2002); CPython seeds an int through init_by_array over the 32-bit words of its absolute value,
 * least significant first (`seedWords`).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MersenneTwister {
  private readonly mt = new Uint32Array(N);
  /** The next word of `mt` to temper; N or more: regenerate the block first. */
  private index = N + 1;

  /** `init_genrand(s)`. */
  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      // Math.imul: the product mod 2^32, as the C uint32_t arithmetic has it.
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  /** `init_by_array(key, length)`: the seeding of every non-None seed. */
  seedByArray(key: ArrayLike<number>, length: number): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, length); k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // non-zero initial state
  }

  /** `genrand_uint32`: the next 32-bit output, as a non-negative number. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random()`: 27 high bits of one output and 26 of the next, over 2^53 (exact in a double). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * (1 / 9007199254740992);
  }
}

/**
 * The 32-bit words of |v|, least significant first, into `out` (grown when too short): what
 * random_seed hands init_by_array (`_PyLong_AsByteArray`, little-endian, unsigned). 0 is one word.
 * Returns the words and how many were written.
 */
export function seedWords(v: number | bigint, out: Uint32Array): { readonly words: Uint32Array; readonly length: number } {
  if (typeof v === 'number') {
    const a = Math.abs(v);
    const words = out.length >= 2 ? out : new Uint32Array(2);
    words[0] = a % 4294967296;
    words[1] = Math.floor(a / 4294967296);
    return { words, length: words[1] === 0 ? 1 : 2 };
  }
  const a = v < 0n ? -v : v;
  const hex = a.toString(16);
  const length = Math.max(1, Math.ceil(hex.length / 8));
  const words = out.length >= length ? out : new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    const end = hex.length - 8 * i;
    words[i] = Number.parseInt(hex.slice(Math.max(0, end - 8), end), 16);
  }
  return { words, length };
}
