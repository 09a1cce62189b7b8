/**
 * The `random` module as the simulated program sees it: the module-level functions of
 * `Lib/random.py` (bound methods of its hidden `Random()` instance) with CPython's numbers and
 * CPython's allocations. The generator is MT19937 (mersenne-twister.ts), seeded as
 * `Modules/_randommodule.c` seeds it; the Python-level functions are modelled here statement by
 * statement, since the front-end cannot compile random.py itself (its class derives from
 * `_random.Random`, calls `super()`, and tests seeds with isinstance against built-in types), and
 * a lib/random.py would shadow the real module on the real side. Each Python-level function runs
 * in a frame of its own (its co_varnames as slots, roots for the collector), checks the eval
 * breaker where its bytecode does (RESUME, a call of C code, a loop's back edge; what 3.12+ runs a
 * scheduled collection at), and makes what its bytecode makes, the same in 3.11.2, 3.11.7, 3.12.1
 * and 3.13.0 unless said (MEAS: tracemalloc peaks of each call, warm, on all four):
 *
 *   seed(a)            Random.seed: the `(str, bytes, bytearray)` 3-tuple and the
 *                      `(type(None), int, float, str, bytes, bytearray)` 6-tuple its isinstance
 *                      tests build; `super().seed(a)`, which on 3.11 makes a super object (56 B)
 *                      and the bound C method (72 B), 3.12+ neither (Profile.superCallObjects);
 *                      then the C seed: |a| (a new int when a < 0) and the key buffer of 4 B per
 *                      32-bit word (PyMem_Malloc), freed when init_by_array is done
 *   random()           the C method: one float (the float free list)
 *   getrandbits(k)     the C method: k <= 32, the int (PyLong_FromUnsignedLong: exact size, or a
 *                      small int); k > 32, a buffer of 4 B per word, then the int from it
 *                      (_PyLong_FromByteArray: its digits counted from the significant bytes,
 *                      so 24 + 4 * ceil(8 * bytes / 30) B), then the buffer freed
 *   _randbelow(n)      `getrandbits = self.getrandbits`: a bound C method (builtin_function_or_method,
 *                      72 B, a GC object) for the call; `n.bit_length()`; getrandbits(k) until
 *                      below n, each new r made before the old one goes
 *   randrange(...)     the int arithmetic of its path (`istart + r` and so on), around _randbelow
 *   randint(a, b)      `b + 1`, then randrange(a, b + 1)
 *   choice(seq)        `len(seq)` twice (the first dropped), `seq[r]`
 *   shuffle(x)         `self._randbelow`: a bound method (64 B); `reversed(range(1, len(x)))`:
 *                      the range (48 B, holding len(x) and its length as ints), reversed's bound
 *                      `__reversed__` (72 B), the range iterator; per item `i + 1` and _randbelow
 *   uniform(a, b)      `b - a`, random(), the product, the sum; on 3.12+ a specialised float
 *                      `*` or `+` writes into an operand only the stack holds
 *                      (Profile.floatOpsReuseOperands, Profile.adaptiveWarmup)
 *
 * Frames live on CPython's data stack, not in traced memory, so they cost no bytes. Stand-ins:
 * the hidden Random instance (`self`) is None, as are the type objects in the tuples (type
 * objects are not simulated memory); the module's dict in sys.modules holds the one of
 * random.py's functions the simulation needs as an object (`_randbelow_with_getrandbits`, which
 * shuffle binds). Not simulated: seeding from the OS (`seed()`/`seed(None)`, and the state at
 * import, are one fixed state here); seeds of float, str or bytes; 3.11's deprecated non-integer
 * randrange arguments (refused as 3.12 refuses them); keyword arguments (no simulated builtin
 * takes any); 3.11's wording of randrange's empty-range messages (3.12's is used); the traceback
 * entries (and frame objects) of random.py's frames when an exception leaves them.
 */
import type { Heap } from '../heap/heap.js';
import type { Ref } from '../heap/layout.js';
import { Kind, type ClassInfo } from '../heap/types.js';
import type { BreakerAfterCall } from './builtins.js';
import { PythonException } from './errors.js';
import { MersenneTwister, seedWords } from './mersenne-twister.js';
import type { Runtime } from './runtime.js';

/**
 * The key `seed()`/`seed(None)` and the import use instead of os.urandom's 624 words: fixed, so
 * a simulated run repeats (the real state is unpredictable anyway).
 */
const NO_SEED_KEY = [0x67636c61, 0x62, 0x72616e64];

/** The largest getrandbits(k): a JS BigInt holds at most 2^30 bits. */
const MAX_BITS = 2 ** 30;

// Frame slots (co_varnames, the same in 3.11-3.13) of the Python-level functions.
const SEED_SLOTS = 5; // self, a, version, x, c
const RANDRANGE_SLOTS = 9; // self, start, stop, step, istart, istop, width, istep, n
const RANDBELOW_SLOTS = 5; // self, n, getrandbits, k, r
const RANDINT_SLOTS = 3; // self, a, b
const CHOICE_SLOTS = 2; // self, seq
const SHUFFLE_SLOTS = 5; // self, x, randbelow, i, j
const UNIFORM_SLOTS = 3; // self, a, b

// uniform's BINARY_OP instructions, in order.
const UNIFORM_SUB = 0; // b - a
const UNIFORM_MUL = 1; // (b - a) * self.random()
const UNIFORM_ADD = 2; // a + ...
// What one of them specialised to (its re-specialisation after a run of misses is not modelled).
const UNSPECIALISED = 0;
const SPECIALISED_FLOAT = 1;
const SPECIALISED_OTHER = 2;
/** 3.11's QUICKENING_WARMUP_DELAY: RESUMEs and back edges before a code object is quickened. */
const QUICKENING_WARMUP_DELAY = 8;

/** Registers one module function (runtime.ts moduleAttrs' `fn`). */
export type ModuleFunctionRegistrar = (name: string, breaker: BreakerAfterCall, call: (args: Ref[]) => Ref) => void;

/**
 * Fills the `random` module's attributes. `boundBuiltinMethod(self)` makes the runtime's
 * builtin_function_or_method (72 B), the object `self.getrandbits` is.
 */
export function installRandomModule(R: Runtime, fn: ModuleFunctionRegistrar, boundBuiltinMethod: (self: Ref) => Ref): void {
  const m = new RandomModule(R, boundBuiltinMethod);
  // C methods of _random.Random, called through their bound method: the generic call's check on return.
  fn('random', 'check', () => m.random());
  fn('getrandbits', 'check', (args) => m.getrandbits(args));
  // Python functions: nothing is checked on their return (their RESUME checked on entry).
  fn('seed', 'none', (args) => m.seed(args));
  fn('randrange', 'none', (args) => m.randrange(args));
  fn('randint', 'none', (args) => m.randint(args));
  fn('choice', 'none', (args) => m.choice(args));
  fn('shuffle', 'none', (args) => m.shuffle(args));
  fn('uniform', 'none', (args) => m.uniform(args));
}

class RandomModule {
  private readonly H: Heap;
  private readonly generator = new MersenneTwister();
  /** Scratch words for seed keys and getrandbits (grown when a call needs more). */
  private words: Uint32Array = new Uint32Array(64);
  /** `_randbelow_with_getrandbits`, the function shuffle's `self._randbelow` binds. */
  private readonly randbelowFunction: Ref;
  /** 3.11's super object (type, obj, obj_type: 56 B with the GC head), once seed() needs it. */
  private superClass: ClassInfo | undefined;
  /** None, as the items of seed()'s isinstance tuples (type objects are not simulated memory). */
  private readonly twoNones: Ref[];
  private readonly threeNones: Ref[];
  private readonly sixNones: Ref[];
  /** Each of uniform's BINARY_OP instructions: UNSPECIALISED, or what it specialised to. */
  private readonly uniformSites = new Int32Array(3);
  /** Each of uniform's BINARY_OP instructions: how many times it ran. */
  private readonly uniformSiteRuns = new Int32Array(3);
  /** uniform's RESUMEs (its code object's warm-up where the profile warms code objects). */
  private uniformCalls = 0;

  constructor(
    private readonly R: Runtime,
    private readonly boundBuiltinMethod: (self: Ref) => Ref,
  ) {
    const H = R.H;
    this.H = H;
    this.twoNones = [H.None, H.None];
    this.threeNones = [H.None, H.None, H.None];
    this.sixNones = [H.None, H.None, H.None, H.None, H.None, H.None];
    this.generator.seedByArray(NO_SEED_KEY, NO_SEED_KEY.length);
    // sys.modules['random'] holds the module's dict, which holds its functions.
    const moduleDict = H.dict.newDict();
    this.randbelowFunction = H.func(moduleDict);
    H.roots.setIn(moduleDict, '_randbelow_with_getrandbits', this.randbelowFunction);
    H.decref(this.randbelowFunction);
    H.roots.setIn(H.roots.modules, 'random', moduleDict);
    H.decref(moduleDict);
  }

  // ---- eval-breaker checks ----------------------------------------------------------------------

  /** Where the bytecode checks the eval breaker (RESUME, a C call's return, JUMP_BACKWARD). */
  private check(): void {
    if (this.H.gc.isScheduled) this.H.evalBreaker();
  }

  // ---- C methods of _random.Random ----------------------------------------------------------------

  /** `random()`: a new float. */
  random(): Ref {
    return this.H.float(this.generator.random());
  }

  /** `getrandbits(k)` as called from the program. */
  getrandbits(args: Ref[]): Ref {
    if (args.length !== 1) throw new PythonException('TypeError', `getrandbits() takes exactly one argument (${args.length} given)`);
    return this.randomBits(this.bitCount(args[0]));
  }

  /** getrandbits' `k: int` (Argument Clinic's C int conversion). */
  private bitCount(v: Ref): number {
    const H = this.H;
    if (!this.R.isInt(v)) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(v))}' object cannot be interpreted as an integer`);
    const k = H.ints.value(v);
    if (k > 2147483647 || k < -2147483648) throw new PythonException('OverflowError', 'Python int too large to convert to C int');
    if (k < 0) throw new PythonException('ValueError', 'number of bits must be non-negative');
    if (k > MAX_BITS) throw new PythonException('OverflowError', `getrandbits(${k}): the simulation's ints hold at most 2**30 bits`);
    return Number(k);
  }

  /** `_random_Random_getrandbits_impl(k)`: a new int of k random bits. */
  private randomBits(k: number): Ref {
    const H = this.H;
    const generator = this.generator;
    if (k === 0) return H.int(0);
    if (k <= 32) return H.int(generator.nextUint32() >>> (32 - k));
    const count = ((k - 1) >> 5) + 1;
    const buffer = H.allocator.malloc(4 * count);
    if (this.words.length < count) this.words = new Uint32Array(count);
    const words = this.words;
    // Least significant word first; the last keeps only its high bits.
    for (let i = 0, left = k; i < count; i++, left -= 32) {
      const r = generator.nextUint32();
      words[i] = left < 32 ? r >>> (32 - left) : r;
    }
    let top = count - 1;
    while (top > 0 && words[top] === 0) top--;
    const bits = 32 * top + (32 - Math.clz32(words[top]));
    // _PyLong_FromByteArray sizes the int by its significant bytes, not bits.
    const digits = Math.ceil((8 * Math.ceil(bits / 8)) / 30);
    const value = bits <= 53 ? words[0] + words[1] * 4294967296 : wordsToBigInt(words, top + 1);
    const result = H.ints.withCapacity(value, digits);
    H.allocator.free(buffer, 4 * count);
    return result;
  }

  /** `random_seed(self, arg)` for an int (or bool) or None. */
  private seedC(a: Ref): void {
    const H = this.H;
    const generator = this.generator;
    if (a === H.None) {
      generator.seedByArray(NO_SEED_KEY, NO_SEED_KEY.length);
      return;
    }
    let n: Ref;
    if (H.kindOf(a) === Kind.Bool) {
      // Not an exact int: int.__abs__ called on it (a slot wrapper: its 1-tuple of arguments).
      const argsTuple = H.tupleOf(a);
      n = H.int(H.intValue(a));
      H.decref(argsTuple);
    } else if (H.ints.value(a) < 0) {
      n = H.ints.neg(a);
    } else {
      H.incref(a);
      n = a;
    }
    const { words, length } = seedWords(H.ints.value(n), this.words);
    this.words = words;
    const key = H.allocator.malloc(4 * length);
    generator.seedByArray(words, length);
    H.decref(n);
    H.allocator.free(key, 4 * length);
  }

  // ---- Python functions of random.Random ------------------------------------------------------

  /** `seed(a=None, version=2)`. */
  seed(args: Ref[]): Ref {
    const H = this.H;
    if (args.length > 2) throw new PythonException('TypeError', `seed() takes from 1 to 3 positional arguments but ${args.length + 1} were given`);
    const a = args.length > 0 ? args[0] : H.None;
    const version = args.length > 1 && this.R.isInt(args[1]) ? H.ints.value(args[1]) : args.length > 1 ? Number.NaN : 2;
    const roots = H.roots;
    const frame = roots.pushFrame(SEED_SLOTS);
    try {
      roots.setLocal(frame, 1, a);
      if (args.length > 1) roots.setLocal(frame, 2, args[1]);
      this.check();
      const kind = H.kindOf(a);
      const text = kind === Kind.Str || kind === Kind.Bytes;
      // if version == 1 and isinstance(a, (str, bytes)): ...
      if (version === 1) H.decref(H.tupleOfArray(this.twoNones));
      // elif version == 2 and isinstance(a, (str, bytes, bytearray)): ...
      if (version === 2) H.decref(H.tupleOfArray(this.threeNones));
      if (text && (version === 1 || version === 2)) throw new PythonException('NotImplementedError', 'random.seed() of a str or bytes is not simulated (only an int or None)');
      // elif not isinstance(a, (type(None), int, float, str, bytes, bytearray)): raise TypeError
      H.decref(H.tupleOfArray(this.sixNones));
      if (kind === Kind.Float || text) throw new PythonException('NotImplementedError', `random.seed() of a ${kind === Kind.Float ? 'float' : 'str or bytes'} is not simulated (only an int or None)`);
      if (a !== H.None && !this.R.isInt(a)) {
        throw new PythonException('TypeError', 'The only supported seed types are: None,\nint, float, str, bytes, and bytearray.');
      }
      // super().seed(a)
      let bound = 0;
      if (H.profile.superCallObjects) {
        this.superClass ??= H.defineClass({ name: 'super', slots: ['type', 'obj', 'obj_type'] });
        const superObject = H.newInstance(this.superClass);
        bound = this.boundBuiltinMethod(H.None);
        H.decref(superObject);
      }
      this.seedC(a);
      if (bound !== 0) H.decref(bound);
      this.check();
      // self.gauss_next = None: the instance's dict already has the key.
    } finally {
      roots.popFrame();
    }
    return H.sharedRef(H.None);
  }

  /**
   * `_randbelow_with_getrandbits(n)`, n > 0 (consumed: the frame takes the caller's reference, as
   * a call moves its arguments into the callee's frame). A new int in [0, n).
   */
  private randbelow(n: Ref): Ref {
    const H = this.H;
    const roots = H.roots;
    const frame = roots.pushFrame(RANDBELOW_SLOTS);
    const slots = frame.locals;
    let r = 0;
    try {
      slots[1] = n;
      this.check();
      // getrandbits = self.getrandbits
      slots[2] = this.boundBuiltinMethod(H.None);
      // k = n.bit_length() (PyLong_FromSize_t: a small int up to 256)
      const limit = H.ints.value(n);
      const k = bitLength(limit);
      slots[3] = H.int(k);
      this.check();
      // r = getrandbits(k); while r >= n: r = getrandbits(k)
      r = this.randomBits(k);
      roots.setLocalSteal(frame, 4, r);
      this.check();
      while (H.ints.value(r) >= limit) {
        r = this.randomBits(k);
        roots.setLocalSteal(frame, 4, r);
        // The call's check (JUMP_BACKWARD checks again, with nothing new to see).
        this.check();
      }
      H.incref(r);
    } finally {
      roots.popFrame();
    }
    return r;
  }

  /** `operator.index(v)` of an int (an exact int passes through; a bool becomes 0 or 1). New reference. */
  private index(v: Ref): Ref {
    const H = this.H;
    if (!this.R.isInt(v)) throw new PythonException('TypeError', `'${H.types.nameOf(H.typeOf(v))}' object cannot be interpreted as an integer`);
    this.check();
    if (H.kindOf(v) === Kind.Bool) return H.int(H.intValue(v));
    H.incref(v);
    return v;
  }

  /** `randrange(start, stop=None, step=1)`. */
  randrange(args: Ref[]): Ref {
    if (args.length < 1 || args.length > 3) throw new PythonException('TypeError', `randrange() takes from 2 to 4 positional arguments but ${args.length + 1} were given`);
    return this.randrangeOf(args[0], args.length > 1 ? args[1] : this.H.None, args.length > 2 ? args[2] : 0);
  }

  /** randrange's body; `step` 0 is the default, `_ONE`. Arguments borrowed. New reference. */
  private randrangeOf(start: Ref, stop: Ref, step: Ref): Ref {
    const H = this.H;
    const R = this.R;
    const roots = H.roots;
    const frame = roots.pushFrame(RANDRANGE_SLOTS);
    const slots = frame.locals;
    try {
      roots.setLocal(frame, 1, start);
      roots.setLocal(frame, 2, stop);
      if (step !== 0) roots.setLocal(frame, 3, step);
      this.check();
      const istart = this.index(start);
      slots[4] = istart;
      if (stop === H.None) {
        // `step is not _ONE`: the small int 1 is the one object _ONE is.
        if (step !== 0 && !(H.kindOf(step) === Kind.Int && H.ints.value(step) === 1)) throw new PythonException('TypeError', 'Missing a non-None stop argument');
        if (H.ints.value(istart) > 0) {
          H.incref(istart);
          return this.randbelow(istart);
        }
        throw new PythonException('ValueError', 'empty range for randrange()');
      }
      const istop = this.index(stop);
      slots[5] = istop;
      const width = R.sub(istop, istart);
      slots[6] = width;
      const istep = step === 0 ? H.int(1) : this.index(step);
      slots[7] = istep;
      const stepValue = H.ints.value(istep);
      if (stepValue === 1) {
        if (H.ints.value(width) > 0) {
          H.incref(width);
          const r = this.randbelow(width);
          const result = R.add(istart, r);
          H.decref(r);
          return result;
        }
        throw new PythonException('ValueError', `empty range in randrange(${R.str(start)}, ${R.str(stop)})`);
      }
      // n = (width + istep - 1) // istep, or + 1 for a negative step
      if (stepValue === 0) throw new PythonException('ValueError', 'zero step for randrange()');
      const sum = R.add(width, istep);
      const one = H.int(1);
      const adjusted = stepValue > 0 ? R.sub(sum, one) : R.add(sum, one);
      H.decref(one);
      H.decref(sum);
      const n = R.floordiv(adjusted, istep);
      H.decref(adjusted);
      slots[8] = n;
      if (H.ints.value(n) <= 0) throw new PythonException('ValueError', `empty range in randrange(${R.str(start)}, ${R.str(stop)}, ${R.str(step)})`);
      // istart + istep * self._randbelow(n)
      H.incref(n);
      const r = this.randbelow(n);
      const scaled = R.mul(istep, r);
      H.decref(r);
      const result = R.add(istart, scaled);
      H.decref(scaled);
      return result;
    } finally {
      roots.popFrame();
    }
  }

  /** `randint(a, b)`: `self.randrange(a, b + 1)`. */
  randint(args: Ref[]): Ref {
    const H = this.H;
    if (args.length !== 2) throw new PythonException('TypeError', `randint() takes 3 positional arguments but ${args.length + 1} were given`);
    const roots = H.roots;
    const frame = roots.pushFrame(RANDINT_SLOTS);
    try {
      roots.setLocal(frame, 1, args[0]);
      roots.setLocal(frame, 2, args[1]);
      this.check();
      const one = H.int(1);
      const stop = this.R.add(args[1], one);
      H.decref(one);
      try {
        return this.randrangeOf(args[0], stop, 0);
      } finally {
        H.decref(stop);
      }
    } finally {
      roots.popFrame();
    }
  }

  /** `choice(seq)`: `seq[self._randbelow(len(seq))]`. */
  choice(args: Ref[]): Ref {
    const H = this.H;
    const R = this.R;
    if (args.length !== 1) throw new PythonException('TypeError', `choice() takes 2 positional arguments but ${args.length + 1} were given`);
    const seq = args[0];
    const roots = H.roots;
    const frame = roots.pushFrame(CHOICE_SLOTS);
    try {
      roots.setLocal(frame, 1, seq);
      this.check();
      // if not len(seq): the length's int is made and dropped
      const length = R.len(seq);
      H.decref(H.ints.fromValue(length));
      if (length === 0) throw new PythonException('IndexError', 'Cannot choose from an empty sequence');
      const r = this.randbelow(H.ints.fromValue(length));
      try {
        return R.getItem(seq, r);
      } finally {
        H.decref(r);
      }
    } finally {
      roots.popFrame();
    }
  }

  /** `shuffle(x)`: Fisher-Yates from the end, `x[i], x[j] = x[j], x[i]`. */
  shuffle(args: Ref[]): Ref {
    const H = this.H;
    const R = this.R;
    if (args.length !== 1) throw new PythonException('TypeError', `shuffle() takes 2 positional arguments but ${args.length + 1} were given`);
    const x = args[0];
    const roots = H.roots;
    const frame = roots.pushFrame(SHUFFLE_SLOTS);
    const slots = frame.locals;
    try {
      roots.setLocal(frame, 1, x);
      this.check();
      // randbelow = self._randbelow
      slots[2] = H.boundMethod(this.randbelowFunction, H.None);
      // reversed(range(1, len(x))): the range holds len(x) as its stop, and its length
      const length = R.len(x);
      const stop = H.ints.fromValue(length);
      const rangeStart = H.int(1);
      const range = H.iter.newRange(rangeStart, stop, rangeStart);
      H.decref(stop);
      H.decref(rangeStart);
      this.check();
      let it: Ref;
      try {
        it = R.reversedOf(range);
      } finally {
        H.decref(range);
      }
      this.check();
      const one = H.int(1);
      try {
        for (let i = R.next(it); i !== 0; i = R.next(it)) {
          roots.setLocalSteal(frame, 3, i);
          // j = randbelow(i + 1)
          const j = this.randbelow(R.add(i, one));
          roots.setLocalSteal(frame, 4, j);
          // x[i], x[j] = x[j], x[i]
          const atJ = R.getItem(x, j);
          const atI = R.getItem(x, i);
          try {
            R.setItem(x, i, atJ);
            R.setItem(x, j, atI);
          } finally {
            H.decref(atJ);
            H.decref(atI);
          }
          this.check();
        }
      } finally {
        H.decref(one);
        H.decref(it);
      }
    } finally {
      roots.popFrame();
    }
    return H.sharedRef(H.None);
  }

  /** `uniform(a, b)`: `a + (b - a) * self.random()`. */
  uniform(args: Ref[]): Ref {
    const H = this.H;
    if (args.length !== 2) throw new PythonException('TypeError', `uniform() takes 3 positional arguments but ${args.length + 1} were given`);
    const a = args[0];
    const b = args[1];
    const roots = H.roots;
    const frame = roots.pushFrame(UNIFORM_SLOTS);
    try {
      roots.setLocal(frame, 1, a);
      roots.setLocal(frame, 2, b);
      this.check();
      this.uniformCalls++;
      H.incref(b);
      H.incref(a);
      const width = this.uniformOp(UNIFORM_SUB, b, a);
      const r = this.random();
      this.check();
      const product = this.uniformOp(UNIFORM_MUL, width, r);
      H.incref(a);
      return this.uniformOp(UNIFORM_ADD, a, product);
    } finally {
      roots.popFrame();
    }
  }

  /**
   * One of uniform's BINARY_OPs (operands consumed, as the value stack's are): the generic
   * operation until the instruction specialises (Profile.adaptiveWarmup: its second run, or on
   * 3.11 its first once the code object is warm), then, if it specialised for two floats and the
   * profile's float forms reuse an operand (Profile.floatOpsReuseOperands), the operand only the
   * stack holds, left first, with the result written into it.
   */
  private uniformOp(site: number, left: Ref, right: Ref): Ref {
    const H = this.H;
    const R = this.R;
    const bothFloats = H.kindOf(left) === Kind.Float && H.kindOf(right) === Kind.Float;
    if (this.uniformSites[site] === UNSPECIALISED) {
      const warm = H.profile.adaptiveWarmup === 'site' ? this.uniformSiteRuns[site] >= 1 : this.uniformCalls >= QUICKENING_WARMUP_DELAY;
      if (warm) this.uniformSites[site] = bothFloats ? SPECIALISED_FLOAT : SPECIALISED_OTHER;
    }
    this.uniformSiteRuns[site]++;
    if (this.uniformSites[site] === SPECIALISED_FLOAT && bothFloats && H.profile.floatOpsReuseOperands) {
      const x = H.floatValue(left);
      const y = H.floatValue(right);
      const value = site === UNIFORM_SUB ? x - y : site === UNIFORM_MUL ? x * y : x + y;
      if (H.refcount(left) === 1) {
        H.setFloatValue(left, value);
        H.decref(right);
        return left;
      }
      if (H.refcount(right) === 1) {
        H.setFloatValue(right, value);
        H.decref(left);
        return right;
      }
    }
    try {
      return site === UNIFORM_SUB ? R.sub(left, right) : site === UNIFORM_MUL ? R.mul(left, right) : R.add(left, right);
    } finally {
      H.decref(left);
      H.decref(right);
    }
  }
}

/** Bits of a non-negative int's value (`int.bit_length`). */
function bitLength(v: number | bigint): number {
  if (typeof v === 'bigint') return v.toString(2).length - (v < 0n ? 1 : 0);
  const a = Math.abs(v);
  if (a < 4294967296) return 32 - Math.clz32(a);
  return 32 + bitLength(Math.floor(a / 4294967296));
}

/** The int whose 32-bit words, least significant first, are `words[0 .. count)`. */
function wordsToBigInt(words: Uint32Array, count: number): bigint {
  let hex = '';
  for (let i = count - 1; i >= 0; i--) {
    const part = words[i].toString(16);
    hex += i === count - 1 ? part : part.padStart(8, '0');
  }
  return BigInt(`0x${hex}`);
}
