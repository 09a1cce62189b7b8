/**
 * What the compiled code executed, counted cheaply: the compiler splits each code object into
 * basic blocks (straight-line runs of generated code), records at compile time how many
 * operations of each class a block holds, and the block's entry increments one counter
 * (`B[id]++`). A run's operations by class are then Σ blocks' counts × their operations. These are
 * the mutator's cost drivers for the cost model (src/lab/cost-model.ts); allocations, frees and
 * each collection's work come from the heap.
 *
 * The classes follow the bytecode families whose cost differs most on CPython 3.11–3.13; a few
 * classes (not forty opcodes) so a fit on a few dozen programs stays determined.
 */
import type { CompiledModule } from './compile.js';

export const enum Op {
  /** A Python frame entered: a function, lambda, comprehension or generator body (RESUME). */
  Frame = 0,
  /** A generator resumed after a `yield` (its frame is already there). */
  Resume,
  /** LOAD_FAST, STORE_FAST, LOAD_CONST, DELETE_FAST: a frame slot or a constant. */
  Local,
  /** LOAD_GLOBAL (builtins too), STORE_GLOBAL, LOAD_NAME, LOAD_DEREF, STORE_DEREF. */
  Global,
  /** LOAD_ATTR, including the method loads of calls. */
  Attr,
  /** STORE_ATTR. */
  AttrStore,
  /** BINARY_SUBSCR, STORE_SUBSCR, DELETE_SUBSCR and slices. */
  Subscript,
  /** CALL of any callable (the callee's own frame, if it is Python, counts under Frame). */
  Call,
  /** BINARY_OP and UNARY_OP. */
  Arith,
  /** COMPARE_OP, IS_OP, CONTAINS_OP and the truth test of a conditional jump. */
  Compare,
  /** FOR_ITER (each step of a loop or comprehension) and GET_ITER. */
  Iter,
  /** BUILD_LIST/TUPLE/SET/MAP/STRING, FORMAT_VALUE, LIST_APPEND and the like, MAKE_FUNCTION, UNPACK_SEQUENCE. */
  Build,
  /** An exception caught by a handler (the unwinding, the traceback entry). */
  Handled,
  // The classes below are counted by the runtime, for C work the bytecode alone does not say
  // (and charged by the shims for the Python code they stand for, as are those above).
  /**
   * Items a C loop handled: each step of any iterator (Runtime.next: for loops, and the loops of
   * sum, list(), sorted, join…), each item a slice copies or assigns (`perm[:k + 1] = perm[k::-1]`
   * moves 2(k + 1)), each item an `in` test of a list or tuple compares, each item list.insert
   * and list.pop(i) move. One class, not four: a program that alone has many slices must not
   * leave its price to the others' few.
   */
  CItem,
  /** Values formatted into text (`%`-formatting, an f-string's fields not already strs). */
  Format,
  /** Dict and set subscripts, stores, deletions, `in` tests and one-key methods; sys.intern (a hash and a probe). */
  HashLookup,
  /**
   * `+ - *`, `//` and `%` of two ints: BINARY_OP's specialised forms cost differently per type (a
   * float class beside it was tried and fitted to 0 ns: not counted).
   */
  IntArith,
  COUNT,
}

/** The classes a basic block counts (the compiler's; those from CItem on are the runtime's). */
export const BLOCK_CLASSES = Op.CItem;

export const OP_NAMES: readonly string[] = [
  'frame', 'resume', 'local', 'global', 'attr', 'attrStore', 'subscript', 'call', 'arith', 'compare', 'iter', 'build', 'handled',
  'cItem', 'format', 'hashLookup', 'intArith',
];

/** Operations by class as a vector indexed by Op (what a shim charges for the Python code it stands for). */
export function opVector(ops: Readonly<Partial<Record<(typeof OP_NAMES)[number], number>>>): Float64Array {
  const v = new Float64Array(Op.COUNT);
  for (const [name, n] of Object.entries(ops)) {
    const k = OP_NAMES.indexOf(name);
    if (k < 0) throw new Error(`opVector: no operation class '${name}'`);
    v[k] = n ?? 0;
  }
  return v;
}

/** Operations by class, keyed by OP_NAMES. */
export type OpCounts = Record<string, number>;

export function zeroOpCounts(): OpCounts {
  return Object.fromEntries(OP_NAMES.map((n) => [n, 0]));
}

/**
 * Adds to `into` the operations a module's blocks executed (`blockRuns[id]` runs of block id) and
 * those the runtime counted (`counted`, indexed by Op).
 */
export function addOpCounts(into: OpCounts, module: CompiledModule, blockRuns: Float64Array, counted: Float64Array): void {
  const ops = module.blockOps;
  const totals = Float64Array.from(counted);
  for (let id = 0; id < module.blocks; id++) {
    const runs = blockRuns[id];
    if (runs === 0) continue;
    for (let k = 0; k < BLOCK_CLASSES; k++) totals[k] += runs * ops[id * BLOCK_CLASSES + k];
  }
  for (let k = 0; k < Op.COUNT; k++) into[OP_NAMES[k]] += totals[k];
}
