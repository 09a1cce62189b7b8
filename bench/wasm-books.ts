/**
 * A ceiling for `bench:heap`: its loop (allocate + incref + decref + free of a 32-byte GC object)
 * on a WebAssembly module, written out below, that does only the heap fast path's memory work on a
 * shared memory: the trigger check, the usedpools lookup, the pool's count and free-list pop, the
 * object header, the GC head linked into the young list, six counters; and on free the unlink, the
 * pool's free-list push and the counters. No map checks, bounds checks or overflow checks, no
 * profiles, no flags, no slow paths (it returns 0 where the heap would take one, which this loop
 * never reaches). What it reaches is what any heap keeping these books, called from JS once per
 * operation, could reach on the machine. It is not a second heap: nothing else uses this module.
 */
import { bestSeconds } from './best-of.js';

// ---- the WebAssembly module -------------------------------------------------------------------

// Byte addresses in the module's memory.
const COUNTERS = 64; // f64: 0 allocated, 1 freed, 2 requested, 3 requested peak, 4 blocks, 5 heap size, 6 count0, 7 trigger
const YOUNG = 1024; // the young list's sentinel object; its GC head (next, prev, refs, flags) is the 16 bytes before
const USEDPOOLS = 4096; // one 16-byte sentinel per size class: word 0 is the first pool with free blocks
const POOL = 1 << 20; // one pool: word 1 free list head, word 2 blocks in use; blocks from byte 48
const RESIDENT = 1000; // blocks on the pool's free list, as bench:heap keeps a resident population

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const I32 = 0x7f;
// Instructions.
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const tee = (l: number) => [0x22, l];
const i32c = (v: number) => [0x41, ...sleb(v)];
const load = (offset = 0) => [0x28, 2, ...uleb(offset)];
const store = (offset = 0) => [0x36, 2, ...uleb(offset)];
const f64load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const f64store = (offset: number) => [0x39, 3, ...uleb(offset)];
const f64c = (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const [ADD, SUB, AND, SHL, SHR_S, EQ, EQZ, GT_S] = [[0x6a], [0x6b], [0x71], [0x74], [0x75], [0x46], [0x45], [0x4a]];
const [F64ADD, F64SUB, F64GE, F64_FROM_I32, F64_MAX] = [[0xa0], [0xa1], [0x66], [0xb7], [0xa5]];
const IF = [0x04, 0x40];
const END = [0x0b];
const RETURN0 = [...i32c(0), 0x0f];
const counter = (k: number) => COUNTERS + 8 * k;
const addCounter = (k: number, delta: number[]) => [...i32c(0), ...i32c(0), ...f64load(counter(k)), ...delta, ...F64ADD, ...f64store(counter(k))];

// alloc(bytes) -> object address (0: a slow path). Locals: 0 bytes, 1 sentinel, 2 pool, 3 block, 4 next, 5 obj, 6 last.
const alloc = [
  ...i32c(0), ...f64load(counter(6)), ...i32c(0), ...f64load(counter(7)), ...F64GE, ...IF, ...RETURN0, ...END,
  ...get(0), ...i32c(1), ...SUB, ...i32c(4), ...SHR_S, ...i32c(4), ...SHL, ...i32c(USEDPOOLS), ...ADD, ...tee(1),
  ...load(), ...tee(2), ...get(1), ...EQ, ...IF, ...RETURN0, ...END,
  ...get(2), ...get(2), ...load(8), ...i32c(1), ...ADD, ...store(8),
  ...get(2), ...load(4), ...tee(3), ...load(), ...tee(4), ...EQZ, ...IF, ...RETURN0, ...END,
  ...get(2), ...get(4), ...store(4),
  ...addCounter(4, f64c(1)),
  ...addCounter(2, [...get(0), ...F64_FROM_I32]),
  ...i32c(0), ...i32c(0), ...f64load(counter(2)), ...i32c(0), ...f64load(counter(3)), ...F64_MAX, ...f64store(counter(3)),
  // The header: refcount 1, type, size, 0.
  ...get(3), ...i32c(16), ...ADD, ...tee(5), ...i32c(1), ...store(0),
  ...get(5), ...i32c(40), ...store(4), ...get(5), ...get(0), ...store(8), ...get(5), ...i32c(0), ...store(12),
  ...addCounter(0, f64c(1)), ...addCounter(5, f64c(1)), ...addCounter(6, f64c(1)),
  // Track: append to the young list (next, prev, refs 0, flags 0).
  ...i32c(YOUNG - 12), ...load(), ...set(6),
  ...get(3), ...i32c(YOUNG), ...store(0), ...get(3), ...get(6), ...store(4), ...get(3), ...i32c(0), ...store(8), ...get(3), ...i32c(0), ...store(12),
  ...get(6), ...i32c(16), ...SUB, ...get(5), ...store(0),
  ...i32c(YOUNG - 12), ...get(5), ...store(0),
  ...get(5),
];
const incref = [...get(0), ...get(0), ...load(), ...i32c(1), ...ADD, ...store()];
// decref(obj). Locals: 0 obj, 1 refcount, 2 prev, 3 next, 4 block, 5 pool, 6 size.
const decref = [
  ...get(0), ...load(), ...tee(1), ...i32c(1), ...GT_S, ...IF, ...get(0), ...get(1), ...i32c(1), ...SUB, ...store(), 0x0f, ...END,
  ...get(0), ...i32c(0), ...store(),
  // Untrack.
  ...get(0), ...i32c(16), ...SUB, ...tee(4), ...load(), ...tee(3), ...IF,
  ...get(4), ...load(4), ...set(2),
  ...get(2), ...i32c(16), ...SUB, ...get(3), ...store(0),
  ...get(3), ...i32c(16), ...SUB, ...get(2), ...store(4),
  ...get(4), ...i32c(0), ...store(0), ...get(4), ...i32c(0), ...store(4),
  ...END,
  ...addCounter(5, f64c(-1)), ...addCounter(6, f64c(-1)), ...addCounter(1, f64c(1)),
  // Free: push the block on its pool's free list.
  ...get(0), ...load(8), ...set(6),
  ...get(4), ...i32c(-16384), ...AND, ...tee(5), ...load(4), ...set(2),
  ...get(4), ...get(2), ...store(0), ...get(5), ...get(4), ...store(4),
  ...get(5), ...get(5), ...load(8), ...i32c(1), ...SUB, ...store(8),
  ...addCounter(4, f64c(-1)),
  ...i32c(0), ...i32c(0), ...f64load(counter(2)), ...get(6), ...F64_FROM_I32, ...F64SUB, ...f64store(counter(2)),
];
const body = (locals: number, code: number[]) => {
  const b = [...(locals > 0 ? vec([[...uleb(locals), I32]]) : [0]), ...code, ...END];
  return [...uleb(b.length), ...b];
};
const moduleBytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, vec([[0x60, 1, I32, 1, I32], [0x60, 1, I32, 0]])),
  ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(32), ...uleb(32)]])),
  ...section(3, vec([[0], [1], [1]])),
  ...section(7, vec([[...name('alloc'), 0, 0], [...name('incref'), 0, 1], [...name('decref'), 0, 2]])),
  ...section(10, vec([body(7, alloc), body(0, incref), body(7, decref)])),
]);

/** M objects/s of the loop on the WebAssembly books: the best of `rounds` rounds of `count` objects. */
export async function wasmBooksRate(count: number, rounds: number): Promise<number> {
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 32, shared: true });
  const { instance } = await WebAssembly.instantiate(moduleBytes, { env: { memory } });
  const wasm = instance.exports as unknown as { alloc(bytes: number): number; incref(obj: number): void; decref(obj: number): void };
  const words = new Int32Array(memory.buffer);
  const counters = new Float64Array(memory.buffer, COUNTERS, 8);
  words[(YOUNG - 16) >> 2] = YOUNG;
  words[(YOUNG - 12) >> 2] = YOUNG;
  for (let idx = 0; idx < 32; idx++) words[(USEDPOOLS + 16 * idx) >> 2] = USEDPOOLS + 16 * idx;
  words[(USEDPOOLS + 16) >> 2] = POOL; // size class 1 (17-32 bytes) has the pool
  let head = 0;
  for (let k = RESIDENT - 1; k >= 0; k--) {
    const block = POOL + 48 + 32 * k;
    words[block >> 2] = head;
    head = block;
  }
  words[(POOL >> 2) + 1] = head;
  counters[7] = Infinity;

  const rate = count / bestSeconds(rounds, () => {
    for (let i = 0; i < count; i++) {
      const o = wasm.alloc(32);
      wasm.incref(o);
      wasm.decref(o);
      wasm.decref(o);
    }
  }) / 1e6;
  if (counters[0] !== counters[1] || counters[0] !== count * rounds) throw new Error('the WebAssembly loop took a slow path');
  return rate;
}
