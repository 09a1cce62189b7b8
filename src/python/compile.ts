/**
 * The compiler: a module's tree and symbol table -> JavaScript source, one JS function per Python
 * code object (module body, def, lambda, class body, comprehension, generator expression), which
 * V8 then optimises. The generated code drives the simulated heap the way CPython's bytecode
 * drives the real one: every value is a Ref into the heap, each expression yields a *new*
 * reference that its consumer drops, locals live in the frame's slots (roots the collector sees),
 * and the per-version rules (comprehension inlining, cells and closures, the eval-breaker checks
 * at RESUME and JUMP_BACKWARD, the calls that build argument tuples) come from the profile.
 *
 * Conventions of the generated code (names the runtime binds, see runtime.ts):
 *   R  the Runtime        H  the Heap          K  constants (Refs)     N  interned names (Refs)
 *   C  code objects       L  the frame's slots  line  the current line (for tracebacks)
 * A generator's slots live in its heap object: `I[G + 2*k]` instead of `L[k]`.
 *
 * Anything the front-end does not simulate is refused here, before anything runs.
 */
import { UnsupportedError } from './errors.js';
import { docstringOf, ELLIPSIS } from './parse.js';
import type { ast } from './parse.js';
import { accessOf, buildSymbolTable, type Scope, type SymbolTable } from './symtable.js';
import { annotatedAssignments, annotationsOf, annotationText, definesAnnotatedFunction, futureAnnotations, namesRead } from './annotations.js';
import type { Profile } from '../heap/profiles.js';
import { foldConstants } from './fold.js';
import { BUILTIN_NAMES, EXCEPTION_NAMES, MODULE_NAMES, moduleHasAttribute, KNOWN_METHODS } from './builtins.js';
import { IMMORTAL_REFCNT } from '../heap/layout.js';
import { BLOCK_CLASSES, Op } from './work-counts.js';

/**
 * Py_INCREF and Py_DECREF as generated code (Heap.incref's and Heap.decref's bodies, the last
 * reference going to Heap.decrefLast): the compiled functions are large, and V8 stops
 * inlining calls into a function once its inlining budget is spent, so these stay calls otherwise.
 */
const increfJs = (v: string): string => `{ const rc = I[${v}]; if (rc !== ${IMMORTAL_REFCNT}) { I[${v}] = rc + 1; if (H.cowActive === true) H.cow.touch(${v}); } }`;
const decrefJs = (v: string): string => `{ const rc = I[${v}]; if (rc > 1) { if (rc !== ${IMMORTAL_REFCNT}) { I[${v}] = rc - 1; if (H.cowActive === true) H.cow.touch(${v}); } } else H.decrefLast(${v}, rc); }`;

/** A compile-time constant the runtime creates in the heap when the program is loaded. */
export type ConstantSpec =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string; readonly interned: boolean }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'none' | 'true' | 'false' | 'ellipsis' }
  | { readonly kind: 'tuple'; readonly items: readonly number[] };

/** A code object: what the runtime needs to make a function of it and to call it. */
export interface CodeSpec {
  readonly id: number;
  readonly name: string;
  readonly qualname: string;
  readonly kind: Scope['kind'];
  readonly firstLine: number;
  /** Positional parameter names (posonly + regular), then keyword-only. */
  readonly argNames: readonly string[];
  readonly positional: number;
  readonly kwonly: number;
  readonly varargs: boolean;
  readonly varkw: boolean;
  /** Frame slots: locals (cells included) then free variables. */
  readonly nslots: number;
  readonly nfree: number;
  readonly generator: boolean;
  /** A generator's frame slots in its heap object (locals + value stack), per the profile. */
  readonly generatorSlots: number;
  /** The JS source of the function (its parameters are `(fn, a0, a1, …)`, args owned). */
  readonly js: string;
  /** Class body: the names assigned in it, for the runtime's class namespace. */
  readonly classHasDel?: boolean;
}

export interface CompiledModule {
  readonly file: string;
  readonly codes: readonly CodeSpec[];
  readonly constants: readonly ConstantSpec[];
  /** Names interned at compile time (attribute and global names, co_names). */
  readonly names: readonly string[];
  /** Call sites (each gets a counter of how many times it ran, for specialisation). */
  readonly sites: number;
  /** The module code's id (0). */
  readonly moduleCode: number;
  /** Basic blocks of all its code objects (work-counts.ts): how many, and each one's operations by class (BLOCK_CLASSES per block). */
  readonly blocks: number;
  readonly blockOps: Int32Array;
}

/**
 * The module's basic blocks as they are generated: each block's operations by class
 * (BLOCK_CLASSES numbers per block). A block's entry increments its counter `B[id]`.
 */
class BlockTable {
  readonly ops: number[] = [];
  get count(): number {
    return this.ops.length / BLOCK_CLASSES;
  }
  newBlock(): number {
    const id = this.count;
    for (let k = 0; k < BLOCK_CLASSES; k++) this.ops.push(0);
    return id;
  }
}

/**
 * Whether straight-line code ends after a generated line: it opens or closes a JS block that spans
 * lines (a branch, a loop, a handler: its braces do not balance, or it starts with `}` as
 * `} else {` does), or it may jump (break, continue, return, throw, yield). A line whose braces
 * balance is straight-line code (the inline incref and decref), however many it holds.
 */
const JUMPS = /\b(?:break|continue|return|throw|yield)\b/;
function endsBlock(line: string): boolean {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === 123 /* { */) depth++;
    else if (ch === 125 /* } */) depth--;
  }
  return depth !== 0 || line.trimStart().startsWith('}') || JUMPS.test(line);
}

/** A value an operation uses: a JS variable, and whether it holds a reference to drop after. */
interface Operand {
  readonly v: string;
  readonly owned: boolean;
}

/** A loop's iterator on the value stack: the JS variable and the frame slot that owns it. */
interface StackIter {
  readonly v: string;
  readonly slot: number;
}

interface Loop {
  readonly label: string;
  /** A loop with an `else`: the JS variable a `break` sets, so the else body is skipped. */
  readonly broke?: string;
}

/** Per code object state while its body is generated. */
class CodeBuilder {
  readonly lines: string[] = [];
  private temp = 0;
  readonly loops: Loop[] = [];
  labels = 0;
  /** Slot index of each local/cell/free name of the scope. */
  readonly slot = new Map<string, number>();
  /** `co_stacksize`, estimated from the body (stackDepth below): the frame object's size needs it. */
  stackEstimate = 0;
  /**
   * The fast locals certainly bound where code is being generated (definite assignment, as
   * CPython's compiler decides LOAD_FAST against LOAD_FAST_CHECK): a load of one needs no
   * UnboundLocalError check. Conservative: control flow that joins keeps only what every way in
   * binds (`boundAtJoin`), and a handler, a `finally` or a loop's next iteration keep only what was
   * bound before their statement and nothing in it deletes (`boundSurviving`).
   */
  bound = new Set<string>();
  /** Names of comprehensions inlined here (PEP 709) while their loop is being generated. */
  readonly inlined = new Map<string, number>();
  /** 3.14: the JS variable of a class body's `__classdict__` cell, when its annotations need one. */
  classDictCell: string | undefined = undefined;
  private nextSlot = 0;
  indent = 1;
  /** The basic block the next operation belongs to (-1: none open, the next operation opens one). */
  private block = -1;
  constructor(
    readonly scope: Scope,
    readonly spec: { id: number; generator: boolean },
    private readonly blocks: BlockTable,
  ) {
    for (const n of scope.locals) this.slot.set(n, this.nextSlot++);
    for (const n of scope.frees) this.slot.set(n, this.nextSlot++);
  }
  get nslots(): number {
    return this.nextSlot;
  }
  /** A fresh slot for an inlined comprehension's variable. */
  newSlot(): number {
    return this.nextSlot++;
  }
  /** Value-stack slots holding the iterators of the loops in progress, by nesting depth. */
  private readonly stackSlots: number[] = [];
  private stackDepth = 0;
  /** The slot of the next loop iterator (the value stack is part of the frame: the collector sees it). */
  pushStack(): number {
    if (this.stackDepth === this.stackSlots.length) this.stackSlots.push(this.newSlot());
    return this.stackSlots[this.stackDepth++];
  }
  popStack(): void {
    this.stackDepth--;
  }
  /** How many slots stand for the value stack's loop iterators (counted in stackEstimate too). */
  get stackSlotCount(): number {
    return this.stackSlots.length;
  }
  /** How many loop iterators are on the value stack here. */
  get depth(): number {
    return this.stackDepth;
  }
  /** The value-stack slots at `depth` and deeper that the code so far has used. */
  stackSlotsFrom(depth: number): readonly number[] {
    return this.stackSlots.slice(depth);
  }
  t(): string {
    return `t${this.temp++}`;
  }
  emit(line: string): void {
    this.lines.push('  '.repeat(this.indent) + line);
    if (endsBlock(line)) this.block = -1;
  }
  /**
   * Counts `n` operations of class `op` where the next line is emitted: in the open block, or in
   * a new one whose counter increment goes first.
   */
  op(op: Op, n = 1): void {
    if (this.block === -1) {
      this.block = this.blocks.newBlock();
      this.lines.push(`${'  '.repeat(this.indent)}B[${this.block}]++;`);
    }
    this.blocks.ops[this.block * BLOCK_CLASSES + op] += n;
  }
  /** The JS lvalue of frame slot k. */
  slotRef(k: number): string {
    return this.spec.generator ? `I[G + ${2 * k}]` : `L[${k}]`;
  }
}

export interface CompileOptions {
  readonly file: string;
  readonly profile: Profile;
  /** Statements of the module body to leave out (the `if __name__ == "__main__":` block of a twin). */
  readonly skip?: ReadonlySet<ast.StmtNode>;
  /** The program's own modules it may import (files beside it), with the names each binds at top level. */
  readonly programModules?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Methods the classes of those modules define (`obj.m()` may call one of them). */
  readonly programMethods?: ReadonlySet<string>;
}

export function compileModule(tree: ast.Module, options: CompileOptions): CompiledModule {
  return new Compiler(tree, options).run();
}

const BINOPS: Record<string, string> = {
  Add: 'add', Sub: 'sub', Mult: 'mul', Div: 'truediv', FloorDiv: 'floordiv', Mod: 'mod', Pow: 'pow',
  LShift: 'lshift', RShift: 'rshift', BitOr: 'or', BitXor: 'xor', BitAnd: 'and',
};
const CMPOPS: Record<string, string> = { Eq: 'eq', NotEq: 'ne', Lt: 'lt', LtE: 'le', Gt: 'gt', GtE: 'ge' };

/** Items in first-use order, each stored once under its key; an item's number is its index. */
class IndexedTable<T> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();

  /** The number of the item under `key`, appending `item` if the key is new. */
  indexOf(key: string, item: T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(item);
      this.index.set(key, i);
    }
    return i;
  }
}

/** Statements and expressions the front-end does not simulate yet, as its refusals name them. */
const NOT_SIMULATED: Record<string, string> = {
  With: "'with' statement",
  AsyncFunctionDef: "'async def'",
  AsyncFor: "'async' statement",
  AsyncWith: "'async' statement",
  Match: "'match' statement",
  TryStar: "'try … except*'",
  TypeAlias: "'type' alias statement",
  NamedExpr: "':=' (assignment expression)",
  Starred: "'*' here",
  Await: "'await'",
};

/** What a refusal says of a node the compiler has no case for. */
function refusalOf(nodeType: string, what: 'statement' | 'expression'): string {
  return NOT_SIMULATED[nodeType] ?? `${what} ${nodeType}`;
}

class Compiler {
  private readonly file: string;
  private readonly profile: Profile;
  private readonly table: SymbolTable;
  private readonly codes: CodeSpec[] = [];
  /** co_consts and co_names: each entry once, in first-use order. */
  private readonly constants = new IndexedTable<ConstantSpec>();
  private readonly names = new IndexedTable<string>();
  private sites = 0;
  private readonly blockTable = new BlockTable();
  /** Each scope's code object id (a class body's is what zero-argument super() names). */
  private readonly codeIdOfScope = new Map<Scope, number>();
  /** Names bound at module level (globals the program defines). */
  private readonly moduleGlobals: Set<string>;
  /** Method names defined by the program's classes. */
  private readonly programMethods = new Set<string>();
  /** Modules imported, by the global name bound to them. */
  private readonly importedModules = new Map<string, string>();
  /** Names bound by `from M import x`: name -> 'M.x'. */
  private readonly importedNames = new Map<string, string>();
  /** `from __future__ import annotations`: every annotation is a str constant. */
  private readonly futureAnnotations: boolean;

  constructor(
    private readonly tree: ast.Module,
    private readonly options: CompileOptions,
  ) {
    this.file = options.file;
    this.profile = options.profile;
    foldConstants(tree);
    this.futureAnnotations = futureAnnotations(this.file, tree);
    this.table = buildSymbolTable(tree, {
      inlineComprehensions: options.profile.inlinedComprehensions,
      evaluatesAnnotations: this.evaluatesAnnotations,
    });
    this.moduleGlobals = new Set(this.table.module.bound);
    if (this.makesAnnotationsDict && annotatedAssignments(tree.body).length > 0) this.moduleGlobals.add('__annotations__');
    collectMethods(tree, this.programMethods);
    for (const m of options.programMethods ?? []) this.programMethods.add(m);
  }

  run(): CompiledModule {
    const body = this.tree.body.filter((s) => !this.options.skip?.has(s));
    this.compileCode(this.table.module, '<module>', body, 1);
    return {
      file: this.file,
      codes: this.codes,
      constants: this.constants.items,
      names: this.names.items,
      sites: this.sites,
      moduleCode: 0,
      blocks: this.blockTable.count,
      blockOps: Int32Array.from(this.blockTable.ops),
    };
  }

  // ---- errors ------------------------------------------------------------------------------------

  private unsupported(node: ast.ASTNode, what: string): never {
    throw new UnsupportedError(this.file, node.lineno ?? 1, (node.col_offset ?? 0) + 1, what);
  }

  // ---- tables ------------------------------------------------------------------------------------

  private name(n: string): number {
    return this.names.indexOf(n, n);
  }

  private constant(spec: ConstantSpec): number {
    return this.constants.indexOf(constantKey(spec), spec);
  }

  private constantOf(node: ast.Constant): number {
    const v: unknown = node.value;
    if (typeof v === 'bigint') return this.constant({ kind: 'int', value: v });
    if (typeof v === 'number') return this.constant({ kind: 'float', value: v });
    if (typeof v === 'string') return this.constant({ kind: 'str', value: v, interned: isIdentifierLike(v) });
    if (v instanceof Uint8Array) return this.constant({ kind: 'bytes', value: v });
    if (v === null) return this.constant({ kind: 'none' });
    if (v === true) return this.constant({ kind: 'true' });
    if (v === false) return this.constant({ kind: 'false' });
    if (v === ELLIPSIS) return this.constant({ kind: 'ellipsis' });
    return this.unsupported(node, 'constant (complex numbers)');
  }

  /** The constant an expression is after folding (a constant, or a tuple of them), or undefined. */
  private foldedConstant(e: ast.ExprNode): number | undefined {
    if (e.nodeType === 'Constant') return this.constantOf(e);
    if (e.nodeType === 'Tuple') return this.constantTuple(e);
    return undefined;
  }

  /** A tuple of constants folded at compile time, as CPython's optimiser folds `("a", "b")`. */
  private constantTuple(node: ast.Tuple): number | undefined {
    const items: number[] = [];
    for (const e of node.elts) {
      if (e.nodeType === 'Constant') items.push(this.constantOf(e));
      else if (e.nodeType === 'Tuple') {
        const inner = this.constantTuple(e);
        if (inner === undefined) return undefined;
        items.push(inner);
      } else return undefined;
    }
    if (items.length === 0) return undefined;
    return this.constant({ kind: 'tuple', items });
  }

  // ---- code objects ------------------------------------------------------------------------------

  /** Compiles one code object and returns its id. `body` is a statement list or an expression (lambda). */
  private compileCode(scope: Scope, qualname: string, body: readonly ast.StmtNode[] | ast.ExprNode, firstLine: number, comprehension?: ast.ExprNode): number {
    const id = this.codes.length;
    this.codes.push(undefined as unknown as CodeSpec); // reserve the id
    this.codeIdOfScope.set(scope, id);
    const generator = scope.generator;
    const b = new CodeBuilder(scope, { id, generator }, this.blockTable);
    if (scope.kind === 'function' || scope.kind === 'comprehension') for (const p of scope.params) b.bound.add(p);
    const args = scope.node.nodeType === 'FunctionDef' || scope.node.nodeType === 'Lambda' ? (scope.node as ast.FunctionDef).args : undefined;
    const positional = args ? args.posonlyargs.length + args.args.length : scope.kind === 'comprehension' ? 1 : 0;
    const kwonly = args ? args.kwonlyargs.length : 0;
    const argNames = scope.kind === 'comprehension' ? ['.0'] : args ? [...args.posonlyargs, ...args.args, ...args.kwonlyargs].map((a) => a.arg) : [];
    if (args?.posonlyargs.length) this.unsupported(scope.node, 'positional-only parameters');

    // Prologue: MAKE_CELL for each cell (in slot order), COPY_FREE_VARS, RESUME.
    b.op(Op.Frame);
    for (const n of scope.locals) {
      if (scope.cells.has(n)) {
        const ref = b.slotRef(b.slot.get(n)!);
        b.emit(`${ref} = R.makeCell(${ref}); // MAKE_CELL`);
      }
    }
    if (scope.frees.length > 0) b.emit(`R.copyFreeVars(fn, ${generator ? 'I, G' : 'L, 0'}, ${scope.locals.length}, ${scope.frees.length});`);
    if (scope.kind === 'function' || scope.kind === 'comprehension') b.emit(this.checkpoint(b, 'RESUME'));
    else if (this.profile.adaptiveWarmup === 'code') b.emit(`R.warmUp(${id}); // RESUME`);

    const annotationsEnd = Array.isArray(body) && (scope.kind === 'module' || scope.kind === 'class') ? this.setupAnnotations(b, scope, body as readonly ast.StmtNode[]) : undefined;
    if (scope.kind === 'module' && Array.isArray(body)) this.moduleDocstring(b, body as readonly ast.StmtNode[]);
    if (comprehension) this.comprehensionBody(b, comprehension, scope);
    else if (Array.isArray(body)) this.block(b, body as readonly ast.StmtNode[]);
    else {
      const v = this.expr(b, body as ast.ExprNode);
      b.emit(`return ${v};`);
    }
    annotationsEnd?.();
    if (scope.kind === 'class' || scope.kind === 'module') b.emit('return 0;');
    else if (!(comprehension && !generator)) b.emit('return R.none();');

    const stack = new StackEstimator((e) => this.table.scopeOf.get(e)?.inlinable === true);
    b.stackEstimate = comprehension
      ? stack.comprehension(comprehension as ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp)
      : Array.isArray(body)
        ? stack.statements(body as readonly ast.StmtNode[], 0)
        : stack.expr(body as ast.ExprNode);
    const nslots = b.nslots;
    const genSlots = generator ? this.generatorSlots(scope, nslots) : 0;
    // The parameters' slots: the named ones, then the *args tuple, then the **kwargs dict.
    const paramSlots = argNames.length + (args?.vararg ? 1 : 0) + (args?.kwarg ? 1 : 0);
    const js = this.wrap(b, scope, qualname, paramSlots, nslots);
    const node = scope.node as ast.ClassDef;
    this.codes[id] = {
      id,
      name: scope.name,
      qualname,
      kind: scope.kind,
      firstLine,
      argNames,
      positional,
      kwonly,
      varargs: !!args?.vararg,
      varkw: !!args?.kwarg,
      nslots,
      nfree: scope.frees.length,
      generator,
      generatorSlots: genSlots,
      js,
      classHasDel: scope.kind === 'class' ? node.body.some((s) => s.nodeType === 'FunctionDef' && s.name === '__del__') : undefined,
    };
    return id;
  }

  /**
   * Frame slots of a generator's code (`co_nlocalsplus + co_stacksize`): the profile gives the one
   * the twins' generator expressions have (a single `for` yielding a simple expression); others
   * add their extra locals to it.
   */
  private generatorSlots(scope: Scope, nslots: number): number {
    return this.profile.genexprSlots + Math.max(0, nslots - 2);
  }

  /** The JS function text of a code object: frame set-up, tracebacks, frame tear-down. */
  private wrap(b: CodeBuilder, scope: Scope, qualname: string, paramSlots: number, nslots: number): string {
    const funcName = JSON.stringify(scope.kind === 'module' ? '<module>' : scope.kind === 'class' ? qualname : scope.name);
    const file = JSON.stringify(this.file);
    // co_nlocalsplus + co_stacksize: the loop iterators' slots are part of the stack estimate.
    const frameSlots = nslots - b.stackSlotCount + b.stackEstimate;
    const body = b.lines.join('\n').replaceAll('FRAME_SLOTS', String(frameSlots));
    const firstLine = (scope.node as ast.Located).lineno ?? 1;
    const frameArg = nslots > 0 && !b.spec.generator ? 'F' : 'null';
    const rethrow = `catch (e) { throw R.traceback(e, ${file}, line, ${funcName}, ${frameArg}, ${frameSlots}); }`;
    if (b.spec.generator) {
      // R.makeGenerator made the generator object and stored the arguments in its slots (word G on).
      return `function* (fn, G) {
  let line = ${firstLine};
  try {
${body}
  } ${rethrow}
}`;
    }
    const slots = Array.from({ length: paramSlots }, (_, i) => i);
    const params = scope.kind === 'class' ? ['fn', 'ns'] : ['fn', ...slots.map((i) => `a${i}`)];
    const store = slots.map((i) => `L[${i}] = a${i};`).join(' ');
    // Module and class bodies have fast slots only for the comprehensions inlined in them.
    const frame = nslots > 0 ? `const F = R.pushFrame(${nslots}, ${frameSlots}, ${nslots - b.stackSlotCount}); const L = F.locals;` : 'const F = null; const L = null;';
    const pop = nslots > 0 ? 'finally { R.popFrame(); }' : '';
    return `function (${params.join(', ')}) {
  let line = ${firstLine};
  ${frame}
  ${store}
  try {
${body}
  } ${rethrow}
  ${pop}
}`;
  }

  // ---- statements --------------------------------------------------------------------------------

  private block(b: CodeBuilder, stmts: readonly ast.StmtNode[]): void {
    for (const s of stmts) this.stmt(b, s);
  }

  private stmt(b: CodeBuilder, s: ast.StmtNode): void {
    if (s.nodeType !== 'Comment') b.emit(`line = ${s.lineno};`);
    switch (s.nodeType) {
      case 'Comment':
      case 'Pass':
        return;
      case 'Expr': {
        if (s.value.nodeType === 'Constant' && typeof s.value.value === 'string') return; // a docstring
        const v = this.expr(b, s.value);
        b.emit(`${decrefJs(v)}`);
        return;
      }
      case 'Assign': {
        // `a, b = x, y` (2 or 3 names): the values are evaluated and swapped on the stack, no
        // tuple is built (3.11+ compiler, SWAP), then stored first to last.
        const t0 = s.targets[0];
        if (
          s.targets.length === 1 &&
          (t0.nodeType === 'Tuple' || t0.nodeType === 'List') &&
          s.value.nodeType === 'Tuple' &&
          t0.elts.length === s.value.elts.length &&
          t0.elts.length >= 2 &&
          t0.elts.length <= 3 &&
          ![...t0.elts, ...s.value.elts].some((x) => x.nodeType === 'Starred')
        ) {
          const values = s.value.elts.map((x) => this.expr(b, x));
          t0.elts.forEach((x, i) => this.store(b, x, values[i]));
          return;
        }
        const v = this.expr(b, s.value);
        for (let i = 0; i < s.targets.length; i++) {
          if (i < s.targets.length - 1) b.emit(`${increfJs(v)}`);
          this.store(b, s.targets[i], v);
        }
        return;
      }
      case 'AugAssign':
        return this.augAssign(b, s);
      case 'AnnAssign':
        return this.annAssign(b, s);
      case 'Delete':
        for (const t of s.targets) this.del(b, t);
        return;
      case 'If': {
        const c = this.condition(b, s.test);
        const before = new Set(b.bound);
        b.emit(`if (${c}) {`);
        b.indent++;
        this.block(b, s.body);
        b.indent--;
        const afterBody = b.bound;
        b.bound = before;
        if (s.orelse.length > 0) {
          b.emit('} else {');
          b.indent++;
          this.block(b, s.orelse);
          b.indent--;
        }
        b.emit('}');
        b.bound = boundAtJoin(afterBody, b.bound);
        return;
      }
      case 'While':
        return this.whileLoop(b, s);
      case 'For':
        return this.forLoop(b, s);
      case 'Break': {
        const loop = b.loops[b.loops.length - 1];
        b.emit(loop.broke !== undefined ? `${loop.broke} = true; break ${loop.label};` : `break ${loop.label};`);
        return;
      }
      case 'Continue':
        b.emit(this.checkpoint(b, 'JUMP_BACKWARD'));
        b.emit(`continue ${b.loops[b.loops.length - 1].label};`);
        return;
      case 'Return': {
        if (b.scope.kind !== 'function') this.unsupported(s, "'return' outside a function");
        const v = s.value ? this.expr(b, s.value) : 'R.none()';
        b.emit(`return ${v};`);
        return;
      }
      case 'FunctionDef':
        return this.functionDef(b, s);
      case 'ClassDef':
        return this.classDef(b, s);
      case 'Global':
        return;
      case 'Nonlocal':
        return;
      case 'Import':
        for (const a of s.names) {
          if (!this.isModule(a.name)) this.unsupported(s, `import of module '${a.name}' (the simulated modules: ${[...MODULE_NAMES].sort().join(', ')}; or a .py file beside the program)`);
          const bound = a.asname ?? a.name;
          this.importedModules.set(bound, a.name);
          this.storeName(b, bound, `R.importModule(${JSON.stringify(a.name)})`, s);
        }
        return;
      case 'ImportFrom': {
        const mod = s.module ?? '';
        if (!this.isModule(mod) || s.level) this.unsupported(s, `import from module '${mod}'`);
        for (const a of s.names) {
          if (a.name === '*') this.unsupported(s, "'from … import *'");
          if (!this.moduleHas(mod, a.name)) this.unsupported(s, `name '${a.name}' of module '${mod}'`);
          this.importedNames.set(a.asname ?? a.name, `${mod}.${a.name}`);
          this.storeName(b, a.asname ?? a.name, `R.moduleAttr(${JSON.stringify(mod)}, ${JSON.stringify(a.name)})`, s);
        }
        return;
      }
      case 'Raise': {
        if (s.cause) this.unsupported(s, "'raise … from …'");
        if (!s.exc) {
          b.emit('throw R.reraise();');
          return;
        }
        const v = this.expr(b, s.exc);
        b.emit(`throw R.raise(${v});`);
        return;
      }
      case 'Try':
        return this.tryStmt(b, s);
      case 'With':
        return this.withStmt(b, s, 0);
      case 'Assert': {
        const c = this.condition(b, s.test);
        b.emit(`if (!(${c})) {`);
        b.indent++;
        const m = s.msg ? this.expr(b, s.msg) : '0';
        b.emit(`throw R.assertionError(${m});`);
        b.indent--;
        b.emit('}');
        return;
      }
      default:
        return this.unsupported(s, refusalOf((s as ast.ASTNode).nodeType, 'statement'));
    }
  }

  /**
   * `while`, as CPython compiles it (compiler_while): the test once at the top, then the body and
   * the test again at the bottom, whose true branch is the JUMP_BACKWARD (the eval-breaker check)
   * to the body. So a collection scheduled in the body runs after the bottom test has read the
   * state it may change, and not at all on the way out; `continue` jumps back to the top test.
   */
  private whileLoop(b: CodeBuilder, s: ast.While): void {
    const entry = boundSurviving(b, s);
    b.bound = new Set(entry);
    const label = `w${b.labels++}`;
    const broke = this.loopElseFlag(b, s, label);
    b.loops.push({ label, broke });
    b.emit(`${label}: for (;;) {`);
    b.indent++;
    const top = this.condition(b, s.test);
    b.emit(`if (!(${top})) break;`);
    b.emit('for (;;) {');
    b.indent++;
    this.block(b, s.body);
    const bottom = this.condition(b, s.test);
    b.emit(`if (!(${bottom})) break ${label};`);
    b.emit(this.checkpoint(b, 'JUMP_BACKWARD'));
    b.indent--;
    b.emit('}');
    b.indent--;
    b.emit('}');
    b.loops.pop();
    this.loopElse(b, s, broke, entry);
  }

  /** A loop with an `else`: the flag its `break`s set (declared now), else undefined. */
  private loopElseFlag(b: CodeBuilder, s: ast.While | ast.For, label: string): string | undefined {
    if (s.orelse.length === 0) return undefined;
    const broke = `${label}broke`;
    b.emit(`let ${broke} = false;`);
    return broke;
  }

  /**
   * The `else` of a loop: run when it ended without `break` (its iterator already gone). After
   * the loop only what was bound at its entry (`entry`, from boundSurviving) is certainly bound:
   * the body may not have run.
   */
  private loopElse(b: CodeBuilder, s: ast.While | ast.For, broke: string | undefined, entry: Set<string>): void {
    b.bound = new Set(entry);
    if (broke === undefined) return;
    b.emit(`if (!${broke}) {`);
    b.indent++;
    this.block(b, s.orelse);
    b.indent--;
    b.emit('}');
    b.bound = boundAtJoin(entry, b.bound);
  }

  private forLoop(b: CodeBuilder, s: ast.For): void {
    const it = this.stackIter(b, s.iter);
    const entry = boundSurviving(b, s);
    b.bound = new Set(entry);
    const label = `f${b.labels++}`;
    const broke = this.loopElseFlag(b, s, label);
    b.loops.push({ label, broke });
    const v = b.t();
    b.emit(`${label}: for (;;) {`);
    b.indent++;
    b.op(Op.Iter);
    b.emit(`const ${v} = R.next(${it.v});`);
    b.emit(`if (${v} === 0) break;`);
    this.store(b, s.target, v);
    this.block(b, s.body);
    b.emit(this.checkpoint(b, 'JUMP_BACKWARD'));
    b.indent--;
    b.emit('}');
    this.popIter(b, it);
    b.loops.pop();
    this.loopElse(b, s, broke, entry);
  }

  /**
   * `GET_ITER` onto the value stack: the iterator lives in a frame slot while its loop runs (a root
   * the incremental collector marks from, as CPython's stack is; and dropped with the frame if an
   * exception leaves it). Returns the JS variable that reads it.
   */
  private stackIter(b: CodeBuilder, e: ast.ExprNode): StackIter {
    const v = this.expr(b, e);
    const slot = b.pushStack();
    const it = b.t();
    b.op(Op.Iter);
    b.emit(`const ${it} = R.getIter(${v}); ${b.slotRef(slot)} = ${it};`);
    return { v: it, slot };
  }

  /** The loop is done: its iterator leaves the value stack (END_FOR / POP_TOP). */
  private popIter(b: CodeBuilder, it: StackIter): void {
    b.emit(`${b.slotRef(it.slot)} = 0; ${decrefJs(it.v)}`);
    b.popStack();
  }

  /** `GET_ITER` of an expression: a new reference to its iterator. */
  private iterOf(b: CodeBuilder, e: ast.ExprNode): string {
    const v = this.expr(b, e);
    const it = b.t();
    b.op(Op.Iter);
    b.emit(`const ${it} = R.getIter(${v});`);
    return it;
  }

  private tryStmt(b: CodeBuilder, s: ast.Try): void {
    // A handler or the finally may be entered from anywhere in the statement before it.
    const entry = boundSurviving(b, s);
    if (s.handlers.length === 0) {
      b.emit('try {');
      b.indent++;
      this.block(b, s.body);
      b.indent--;
      b.bound = new Set(entry);
      b.emit('} finally {');
      b.indent++;
      this.block(b, s.finalbody);
      b.indent--;
      b.emit('}');
      return;
    }
    if (s.finalbody.length > 0) {
      b.emit('try {');
      b.indent++;
    }
    const e = b.t();
    const depth = b.depth;
    // `else`: runs when the body ran to its end (no exception, no return, break or continue),
    // outside the handlers' reach and inside the finally's.
    const completed = s.orelse.length > 0 ? b.t() : undefined;
    if (completed !== undefined) b.emit(`let ${completed} = false;`);
    b.emit('try {');
    b.indent++;
    this.block(b, s.body);
    if (completed !== undefined) b.emit(`${completed} = true;`);
    b.indent--;
    const afterBody = b.bound;
    let afterHandlers: Set<string> | undefined;
    b.emit(`} catch (${e}) {`);
    b.indent++;
    b.emit(this.caught(b, e));
    this.unwindStack(b, depth, e);
    // Each clause's type is evaluated only when the clauses before it did not match: the next
    // clause is in the else-branch of the one before.
    for (const h of s.handlers) {
      b.bound = new Set(entry);
      let test = 'true';
      if (h.type) {
        const ty = this.expr(b, h.type);
        test = `R.exceptionMatches(${e}, ${ty})`;
      }
      b.emit(`if (${test}) {`);
      b.indent++;
      b.emit(`R.enterHandler(${e});`);
      if (h.name) this.storeName(b, h.name, `R.exceptionValue(${e})`, h);
      b.emit('try {');
      b.indent++;
      this.block(b, h.body);
      b.indent--;
      // An exception leaving the handler body is chained to this one before the handler is left.
      // A fast `as` name is cleared on every way out of the body (CPython's `name = None; del
      // name` in the handler's cleanup, on a return too): after POP_EXCEPT, or before the
      // re-raise on the exception's way out.
      const x = b.t();
      const y = b.t();
      const fast = h.name !== undefined && h.name !== null && this.where(b, h.name).access === 'fast';
      const clear = fast ? this.quietClear(b, h.name as string) : '';
      if (fast) {
        b.op(Op.Local);
        b.bound.delete(h.name as string);
      }
      b.emit(`} catch (${x}) { const ${y} = R.chainContext(${x});${clear} throw ${y}; } finally { R.leaveHandler(${e});${clear} }`);
      if (h.name && !fast) this.delName(b, h.name, h, true);
      afterHandlers = afterHandlers === undefined ? b.bound : boundAtJoin(afterHandlers, b.bound);
      b.indent--;
      b.emit('} else {');
      b.indent++;
    }
    b.emit(`throw ${e};`);
    for (let i = 0; i < s.handlers.length; i++) {
      b.indent--;
      b.emit('}');
    }
    b.indent--;
    b.emit('}');
    b.bound = afterBody;
    if (completed !== undefined) {
      b.emit(`if (${completed}) {`);
      b.indent++;
      this.block(b, s.orelse);
      b.indent--;
      b.emit('}');
    }
    b.bound = boundAtJoin(b.bound, afterHandlers!);
    if (s.finalbody.length > 0) {
      b.bound = new Set(entry);
      b.indent--;
      b.emit('} finally {');
      b.indent++;
      this.block(b, s.finalbody);
      b.indent--;
      b.emit('}');
    }
  }

  /**
   * `with mgr as target: body` (item `i` of the statement, the rest nested inside): BEFORE_WITH
   * looks `__enter__` and `__exit__` up on the manager's class (R.withExit, R.withEnter make what
   * each profile makes), the body runs, then `__exit__(None, None, None)`, or, when the body
   * raises, `__exit__(type, value, None)` as an except clause would run it, the exception
   * suppressed if that returns a true value. A return, break or continue leaves through the
   * normal exit.
   */
  private withStmt(b: CodeBuilder, s: ast.With, i: number): void {
    // `__exit__` may swallow an exception from anywhere in the body.
    const entry = i === 0 ? boundSurviving(b, s) : undefined;
    const item = s.items[i];
    const mgr = this.expr(b, item.context_expr);
    const exit = b.t();
    b.op(Op.Call, 2);
    b.emit(`const ${exit} = R.withExit(${mgr});`);
    const value = b.t();
    b.emit(`const ${value} = R.withEnter(${mgr}, ${exit});`);
    if (item.optional_vars) this.store(b, item.optional_vars, value);
    else b.emit(`${decrefJs(value)}`);
    const raised = b.t();
    const e = b.t();
    const depth = b.depth;
    b.emit(`let ${raised} = false;`);
    b.emit('try {');
    b.indent++;
    if (i + 1 < s.items.length) this.withStmt(b, s, i + 1);
    else this.block(b, s.body);
    b.indent--;
    b.emit(`} catch (${e}) {`);
    b.indent++;
    b.emit(`${raised} = true;`);
    b.emit(this.caught(b, e));
    this.unwindStack(b, depth, e);
    b.emit(`if (!R.withExitRaised(${exit}, ${mgr}, ${e})) throw ${e};`);
    b.indent--;
    b.emit(`} finally { if (!${raised}) R.withExitNormally(${exit}, ${mgr}); }`);
    if (entry !== undefined) b.bound = entry;
  }

  /** The start of a handler of the JS exception `e`: its traceback entry and frame object, as CPython's unwinding leaves them. */
  private caught(b: CodeBuilder, e: string): string {
    b.op(Op.Handled);
    const func = b.scope.kind === 'module' ? '<module>' : b.scope.name;
    // The handler goes on with the Python exception (a JS error, a RangeError of a division, made one once).
    return `${e} = R.caught(${e}, ${JSON.stringify(this.file)}, line, ${JSON.stringify(func)}, ${b.spec.generator ? 'null' : 'F'}, FRAME_SLOTS);`;
  }

  /**
   * A handler's start after its traceback entry: the value stack is popped to the handler's
   * depth, so the iterators of the loops the exception left are dropped (exception_unwind's pops,
   * before the handler runs; an iterator left in its slot would be overwritten by the next loop),
   * then the exception is normalized.
   */
  private unwindStack(b: CodeBuilder, depth: number, e: string): void {
    for (const k of b.stackSlotsFrom(depth)) {
      const ref = b.slotRef(k);
      const t = b.t();
      b.emit(`if (${ref} !== 0) { const ${t} = ${ref}; ${ref} = 0; H.decref(${t}); }`);
    }
    // Then _PyErr_NormalizeException: an exception raised in C has its object now (3.11).
    b.emit(`R.normalize(${e});`);
  }

  private augAssign(b: CodeBuilder, s: ast.AugAssign): void {
    const op = BINOPS[s.op.nodeType];
    if (!op) this.unsupported(s, `operator ${s.op.nodeType}`);
    const t = s.target;
    if (t.nodeType === 'Name') {
      const cur = this.operand(b, t);
      const rhs = this.operand(b, s.value);
      const r = this.binaryOp(b, `inplace_${op}`, cur, rhs);
      this.storeName(b, t.id, r, t);
    } else if (t.nodeType === 'Attribute') {
      const obj = this.expr(b, t.value);
      const cur = b.t();
      b.emit(`const ${cur} = R.getAttr(${obj}, ${this.name(t.attr)});`);
      const rhs = this.expr(b, s.value);
      const r = this.binaryOp(b, `inplace_${op}`, { v: cur, owned: true }, { v: rhs, owned: true });
      b.emit(`R.setAttr(${obj}, ${this.name(t.attr)}, ${r}); ${decrefJs(r)} ${decrefJs(obj)}`);
    } else if (t.nodeType === 'Subscript') {
      const obj = this.expr(b, t.value);
      const key = this.expr(b, t.slice);
      const cur = b.t();
      b.emit(`const ${cur} = R.getItem(${obj}, ${key});`);
      const rhs = this.expr(b, s.value);
      const r = this.binaryOp(b, `inplace_${op}`, { v: cur, owned: true }, { v: rhs, owned: true });
      b.emit(`R.setItem(${obj}, ${key}, ${r}); ${decrefJs(r)} ${decrefJs(obj)} ${decrefJs(key)}`);
    } else this.unsupported(t, 'augmented assignment target');
  }

  // ---- definitions -------------------------------------------------------------------------------

  private functionDef(b: CodeBuilder, s: ast.FunctionDef): void {
    const scope = this.table.scopeOf.get(s)!;
    // classmethod, staticmethod, property and a property's setter, getter or deleter on a method
    // make what each makes; any other decorators are values called with the function, the
    // nearest first (all evaluated first, top to bottom, as CPython loads them before MAKE_FUNCTION).
    const wrapper = this.methodWrapperOf(b, s);
    const accessor = wrapper === undefined ? this.propertyAccessorOf(b, s) : undefined;
    const decorators = wrapper === undefined && accessor === undefined ? s.decorator_list.map((d) => this.decorator(b, d)) : [];
    // `@x.setter`: the decorator (x's bound setter method) is evaluated before the function is made.
    let boundAccessor = '';
    if (accessor !== undefined) {
      const p = this.expr(b, accessor.property);
      boundAccessor = b.t();
      b.emit(`const ${boundAccessor} = R.boundPropertyMethod(${p});`);
    }
    const defaults = this.defaultsTuple(b, s.args);
    const kwdefaults = this.kwDefaultsDict(b, s.args);
    const annotations = this.functionAnnotations(b, s);
    const id = this.compileCode(scope, qualnameOf(scope), s.body, s.lineno);
    const closure = this.closureTuple(b, scope);
    const fn = b.t();
    b.op(Op.Build);
    b.emit(`const ${fn} = R.makeFunction(${id}, ${closure}, ${defaults}, ${kwdefaults}, ${annotations});`);
    if (accessor !== undefined) {
      const p = b.t();
      b.emit(`const ${p} = R.propertyCopy(${boundAccessor}, '${accessor.slot}', ${fn});`);
      return this.storeName(b, s.name, p, s);
    }
    if (wrapper === undefined) return this.storeName(b, s.name, this.applyDecorators(b, decorators, fn), s);
    const w = b.t();
    b.emit(`const ${w} = R.${wrapper}(${fn});`);
    this.storeName(b, s.name, w, s);
  }

  /** A decorator expression's value (a new reference), evaluated before the function is made. */
  private decorator(b: CodeBuilder, d: ast.ExprNode): string {
    if (d.nodeType === 'Name' && !this.moduleGlobals.has(d.id) && ['classmethod', 'staticmethod', 'property'].includes(d.id)) {
      this.unsupported(d, `@${d.id} with other decorators, or outside a class body`);
    }
    return this.expr(b, d);
  }

  /** The decorators' calls (CALL with one argument each, the nearest first): the last result, a new reference. */
  private applyDecorators(b: CodeBuilder, decorators: readonly string[], fn: string): string {
    let v = fn;
    for (let i = decorators.length - 1; i >= 0; i--) {
      const t = b.t();
      b.op(Op.Call);
      b.emit(`const ${t} = R.call1(${this.sites++}, ${decorators[i]}, ${v});`);
      v = t;
    }
    return v;
  }

  /** 'classMethod', 'staticMethod' or 'property' for a method decorated with exactly that builtin, else undefined. */
  private methodWrapperOf(b: CodeBuilder, s: ast.FunctionDef): 'classMethod' | 'staticMethod' | 'property' | undefined {
    if (s.decorator_list.length !== 1 || b.scope.kind !== 'class') return undefined;
    const d = s.decorator_list[0];
    if (d.nodeType !== 'Name' || this.moduleGlobals.has(d.id)) return undefined;
    return d.id === 'classmethod' ? 'classMethod' : d.id === 'staticmethod' ? 'staticMethod' : d.id === 'property' ? 'property' : undefined;
  }

  /** `@x.setter` (getter, deleter) on a method, x a name: the property expression and the slot the function fills. */
  private propertyAccessorOf(b: CodeBuilder, s: ast.FunctionDef): { property: ast.Name; slot: 'fget' | 'fset' | 'fdel' } | undefined {
    if (s.decorator_list.length !== 1 || b.scope.kind !== 'class') return undefined;
    const d = s.decorator_list[0];
    if (d.nodeType !== 'Attribute' || d.value.nodeType !== 'Name') return undefined;
    const slot = d.attr === 'setter' ? 'fset' : d.attr === 'getter' ? 'fget' : d.attr === 'deleter' ? 'fdel' : undefined;
    return slot === undefined ? undefined : { property: d.value, slot };
  }

  /** The defaults tuple (a constant when every default is one), or 0. */
  private defaultsTuple(b: CodeBuilder, args: ast.Arguments): string {
    if (args.defaults.length === 0) return '0';
    // Every default a constant: the optimiser folds the BUILD_TUPLE into one constant tuple.
    const constants = args.defaults.map((d) => this.foldedConstant(d));
    if (constants.every((c) => c !== undefined)) return this.loadConstant(b, this.constant({ kind: 'tuple', items: constants as number[] }));
    const items = args.defaults.map((d) => this.expr(b, d));
    const t = b.t();
    b.emit(`const ${t} = R.buildTuple(${items.join(', ')});`);
    return t;
  }

  /**
   * The keyword-only parameters' defaults, after the positional ones (compiler_default_arguments):
   * their values, then BUILD_CONST_KEY_MAP of the names that have one (a dict), or 0 for none.
   */
  private kwDefaultsDict(b: CodeBuilder, args: ast.Arguments): string {
    const pairs: string[] = [];
    args.kwonlyargs.forEach((a, i) => {
      const d = args.kw_defaults[i];
      if (d === null || d === undefined) return;
      pairs.push(this.nameConstant(b, a.arg), this.expr(b, d));
    });
    if (pairs.length === 0) return '0';
    const t = b.t();
    b.emit(`const ${t} = R.buildDict(${pairs.join(', ')});`);
    return t;
  }

  /** LOAD_CONST of constant `id`: a new reference. */
  private loadConstant(b: CodeBuilder, id: number): string {
    const t = b.t();
    b.emit(`const ${t} = K[${id}]; ${increfJs(t)}`);
    return t;
  }

  // ---- annotations (Profile.annotations) ---------------------------------------------------------

  /** 3.11-3.13 without the future import: annotations are expressions, evaluated where CPython evaluates them. */
  private get evaluatesAnnotations(): boolean {
    return this.profile.annotations === 'eager' && !this.futureAnnotations;
  }

  /** Whether SETUP_ANNOTATIONS makes module and class bodies an `__annotations__` dict (all but 3.14 without the future import). */
  private get makesAnnotationsDict(): boolean {
    return this.profile.annotations === 'eager' || this.futureAnnotations;
  }

  /**
   * A def's annotations: 3.11-3.13, the tuple of names and values MAKE_FUNCTION keeps (a
   * constant when every value is one, always so under the future import); 3.14, an
   * `__annotate__` function (with the class dict's cell as its closure in a class body). '0' for
   * a def without annotations.
   */
  private functionAnnotations(b: CodeBuilder, s: ast.FunctionDef): string {
    const annotations = annotationsOf(s);
    if (annotations.length === 0) return '0';
    if (this.profile.annotations === 'lazy') {
      if (!this.futureAnnotations && b.scope.kind === 'function') {
        const local = [...new Set(annotations.flatMap((a) => [...namesRead(a.value)]))].find((n) => accessOf(b.scope, n) !== 'global');
        if (local !== undefined) this.unsupported(s, `annotation reading the enclosing function's '${local}' (on 3.14 its __annotate__ closure is not simulated)`);
      }
      const closure = b.scope.kind === 'class' && !this.futureAnnotations ? this.classDictClosure(b) : '0';
      const fn = b.t();
      b.emit(`const ${fn} = R.makeAnnotateFunction(${closure});`);
      return fn;
    }
    const values = annotations.map((a) => (this.futureAnnotations ? this.annotationString(a.value) : this.foldedConstant(a.value)));
    if (values.every((v) => v !== undefined)) {
      const items = annotations.flatMap((a, i) => [this.constant({ kind: 'str', value: a.name, interned: true }), values[i] as number]);
      return this.loadConstant(b, this.constant({ kind: 'tuple', items }));
    }
    const items: string[] = [];
    for (const a of annotations) items.push(this.nameConstant(b, a.name), this.expr(b, a.value));
    const t = b.t();
    b.emit(`const ${t} = R.buildTuple(${items.join(', ')});`);
    return t;
  }

  /** An annotation as the str constant the future import makes of it. */
  private annotationString(e: ast.ExprNode): number {
    const text = annotationText(e);
    return this.constant({ kind: 'str', value: text, interned: isIdentifierLike(text) });
  }

  /** 3.14: BUILD_TUPLE of the class body's `__classdict__` cell (a new reference), the closure of an `__annotate__` made in it. */
  private classDictClosure(b: CodeBuilder): string {
    const cell = b.classDictCell;
    if (cell === undefined) throw new Error(`compiler: no __classdict__ cell in ${b.scope.name}`);
    const t = b.t();
    b.emit(`${increfJs(cell)} const ${t} = R.buildTuple(${cell});`);
    return t;
  }

  /**
   * What a module or class body with annotations runs first (and, returned, last). 3.11-3.13 and
   * the future import: SETUP_ANNOTATIONS. 3.14: a module makes its `__annotate__` function (with a
   * simple annotated name) and its `__conditional_annotations__` set, its frame holding a cell
   * meanwhile; a class body (with an annotated name or an annotated method) a `__classdict__`
   * cell, and at its end its `__annotate__` (as `__annotate_func__`, over the cell) and the cell
   * (as `__classdictcell__`). The future import on 3.14 makes the module's set too.
   */
  private setupAnnotations(b: CodeBuilder, scope: Scope, body: readonly ast.StmtNode[]): (() => void) | undefined {
    const annotated = annotatedAssignments(body);
    const simple = annotated.some((a) => a.simple && a.target.nodeType === 'Name');
    const isModule = scope.kind === 'module';
    let end: (() => void) | undefined;
    if (this.profile.annotations === 'lazy' && isModule && annotated.length > 0) {
      // MAKE_CELL __conditional_annotations__: the module frame's cell, dropped when it returns.
      b.emit('const moduleAnnotationsCell = R.makeCell(0); // MAKE_CELL __conditional_annotations__');
      if (simple && !this.futureAnnotations) {
        b.emit(`R.storeGlobal(${this.name('__annotate__')}, R.makeAnnotateFunction(0));`);
      }
      b.emit(`R.storeGlobal(${this.name('__conditional_annotations__')}, R.buildSet());`);
      end = () => b.emit(`${decrefJs('moduleAnnotationsCell')}`);
    }
    if (this.profile.annotations === 'lazy' && !this.futureAnnotations && !isModule && (simple || definesAnnotatedFunction(body))) {
      b.classDictCell = 'classDictCell';
      b.emit('const classDictCell = R.makeCell(R.none()); // MAKE_CELL __classdict__, LOAD_LOCALS, STORE_DEREF');
      end = () => {
        if (simple) b.emit(`R.storeClassName(ns, ${this.name('__annotate_func__')}, R.makeAnnotateFunction(${this.classDictClosure(b)}));`);
        b.emit(`R.storeClassName(ns, ${this.name('__classdictcell__')}, classDictCell);`);
      };
    }
    if (this.makesAnnotationsDict && annotated.length > 0) {
      const name = this.name('__annotations__');
      b.emit(isModule ? `R.setupModuleAnnotations(${name}); // SETUP_ANNOTATIONS` : `R.setupClassAnnotations(ns, ${name}); // SETUP_ANNOTATIONS`);
    }
    if (this.profile.annotations === 'lazy' && isModule) this.conditionalAnnotationIndex = new Map(annotated.filter((a) => a.simple && a.target.nodeType === 'Name').map((a, i) => [a, i]));
    return end;
  }

  /** A module's docstring is stored as the global `__doc__` (compiler_body, after SETUP_ANNOTATIONS). */
  private moduleDocstring(b: CodeBuilder, body: readonly ast.StmtNode[]): void {
    const docstring = docstringOf(body);
    if (docstring === undefined) return;
    const doc = this.loadConstant(b, this.constantOf(docstring));
    b.op(Op.Global);
    b.emit(`R.storeGlobal(${this.name('__doc__')}, ${doc});`);
  }

  /** 3.14 module bodies: each simple annotated name's index in `__conditional_annotations__`. */
  private conditionalAnnotationIndex = new Map<ast.AnnAssign, number>();

  /**
   * An annotated assignment (compiler_annassign): the value stored first; then, in a module or
   * class body, a simple name's annotation stored in `__annotations__` (evaluated, or its str
   * under the future import; 3.14: the name's index added to the module's
   * `__conditional_annotations__`), a complex target's annotation evaluated and dropped (3.11-3.13).
   * A function body evaluates no annotation.
   */
  private annAssign(b: CodeBuilder, s: ast.AnnAssign): void {
    if (s.value) this.store(b, s.target, this.expr(b, s.value));
    else if (s.target.nodeType === 'Attribute' || s.target.nodeType === 'Subscript') {
      // check_ann_expr: an attribute's object (a subscript's object and index) is evaluated.
      const parts = s.target.nodeType === 'Attribute' ? [s.target.value] : [s.target.value, s.target.slice];
      for (const p of parts) b.emit(`${decrefJs(this.expr(b, p))}`);
    }
    const kind = b.scope.kind;
    if (kind !== 'module' && kind !== 'class') return;
    const simple = s.simple && s.target.nodeType === 'Name';
    if (this.profile.annotations === 'lazy' && !this.futureAnnotations) {
      const index = this.conditionalAnnotationIndex.get(s);
      if (kind === 'module' && index !== undefined) {
        const set = b.t();
        b.op(Op.Global);
        b.emit(`const ${set} = R.loadGlobal(${this.name('__conditional_annotations__')});`);
        b.emit(`{ const index = H.int(${index}); H.set.add(${set}, index); H.decref(index); } ${decrefJs(set)}`);
      }
      return;
    }
    if (!simple) {
      if (!this.futureAnnotations) b.emit(`${decrefJs(this.expr(b, s.annotation))}`);
      return;
    }
    const value = this.futureAnnotations ? this.loadConstant(b, this.annotationString(s.annotation)) : this.expr(b, s.annotation);
    // LOAD_NAME __annotations__ (SETUP_ANNOTATIONS made it).
    const dict = b.t();
    const name = this.name('__annotations__');
    b.op(Op.Global);
    b.emit(`const ${dict} = ${kind === 'module' ? `R.loadGlobal(${name})` : `R.loadClassName(ns, ${name})`};`);
    const key = this.nameConstant(b, (s.target as ast.Name).id);
    b.emit(`R.setItem(${dict}, ${key}, ${value}); ${decrefJs(value)} ${decrefJs(dict)} ${decrefJs(key)}`);
  }

  /** A name as an interned str constant, loaded as a new reference (a dict key of a call or a def). */
  private nameConstant(b: CodeBuilder, name: string): string {
    const t = b.t();
    b.emit(`const ${t} = K[${this.constant({ kind: 'str', value: name, interned: true })}]; ${increfJs(t)}`);
    return t;
  }

  /** LOAD_CLOSURE of each free name of `scope` + BUILD_TUPLE, or 0 when it has none. */
  private closureTuple(b: CodeBuilder, scope: Scope): string {
    if (scope.frees.length === 0) return '0';
    const cells = scope.frees.map((n) => {
      const k = b.slot.get(n);
      if (k === undefined) throw new Error(`compiler: no cell for '${n}' in ${b.scope.name}`);
      const t = b.t();
      b.emit(`const ${t} = ${b.slotRef(k)}; ${increfJs(t)}`);
      return t;
    });
    const t = b.t();
    b.emit(`const ${t} = R.buildTuple(${cells.join(', ')});`);
    return t;
  }

  private classDef(b: CodeBuilder, s: ast.ClassDef): void {
    // The one class decorator simulated: _testcapi.with_tp_del (a C-level tp_del, as CPython's own
    // test_gc uses), by the name a `from _testcapi import with_tp_del` bound.
    const decorators: string[] = [];
    for (const d of s.decorator_list) {
      if (d.nodeType !== 'Name' || this.importedNames.get(d.id) !== '_testcapi.with_tp_del') this.unsupported(d, 'class decorator (only _testcapi.with_tp_del is simulated)');
      decorators.push(this.loadName(b, d.id, d));
    }
    // `class C(object):` is `class C:`; other bases must be the program's classes (checked when
    // the class is made), list or a built-in exception class.
    const isBuiltin = (base: ast.ExprNode): boolean => base.nodeType === 'Name' && !this.moduleGlobals.has(base.id) && BUILTIN_NAMES.has(base.id);
    const bases = s.bases.filter((base) => !(base.nodeType === 'Name' && base.id === 'object' && !this.moduleGlobals.has('object')));
    for (const base of bases) {
      const id = isBuiltin(base) ? (base as ast.Name).id : undefined;
      if (id !== undefined && id !== 'list' && !EXCEPTION_NAMES.has(id)) this.unsupported(base, `base class '${id}' (of the built-in types only list and the exception classes are simulated as bases)`);
    }
    if (s.keywords.length > 0) this.unsupported(s, 'class keywords');
    const scope = this.table.scopeOf.get(s)!;
    if (scope.frees.length > 0) this.unsupported(s, 'class body using enclosing function variables');
    const baseRefs = bases.map((base) => this.expr(b, base));
    const id = this.compileCode(scope, s.name, s.body, s.lineno);
    const cls = b.t();
    b.op(Op.Call);
    b.emit(`const ${cls} = R.makeClass(${id}, ${JSON.stringify(s.name)}, [${decorators.join(', ')}], [${baseRefs.join(', ')}]);`);
    this.storeName(b, s.name, cls, s);
  }

  // ---- comprehensions ----------------------------------------------------------------------------

  /**
   * A comprehension or generator expression in the enclosing code: MAKE_FUNCTION and a call with
   * the outermost iterator (3.11; generator expressions always), or inline (PEP 709, 3.12+).
   */
  private comprehension(b: CodeBuilder, e: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp): string {
    const scope = this.table.scopeOf.get(e)!;
    const kind = scope.comprehensionKind!;
    for (const g of e.generators) if (g.is_async) this.unsupported(e, 'async comprehension');
    const inline = scope.inlinable;
    if (inline) return this.inlineComprehension(b, e as ast.ListComp | ast.SetComp | ast.DictComp, scope);
    const id = this.compileCode(scope, `${qualnameOf(scope)}`, [], e.lineno, e);
    const closure = this.closureTuple(b, scope);
    const fn = b.t();
    b.op(Op.Build);
    b.emit(`const ${fn} = R.makeFunction(${id}, ${closure}, 0);`);
    const it = this.iterOf(b, e.generators[0].iter);
    const r = b.t();
    b.op(Op.Call);
    b.emit(`const ${r} = R.callComprehension(${fn}, ${it});`);
    return r;
  }

  /** The body of a comprehension's own code: build the result while iterating `.0`. */
  private comprehensionBody(b: CodeBuilder, e: ast.ExprNode, scope: Scope): void {
    const c = e as ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp;
    const kind = scope.comprehensionKind!;
    const result = kind === 'genexpr' ? '' : b.t();
    if (kind !== 'genexpr') b.op(Op.Build);
    if (kind === 'listcomp') b.emit(`const ${result} = H.list.newList(0);`);
    else if (kind === 'setcomp') b.emit(`const ${result} = H.set.newSet();`);
    else if (kind === 'dictcomp') b.emit(`const ${result} = H.dict.newDict();`);
    const outer = b.t();
    b.emit(`const ${outer} = ${b.slotRef(b.slot.get('.0')!)};`);
    this.comprehensionLoops(b, c, 0, outer, result, kind, false);
    if (kind !== 'genexpr') b.emit(`return ${result};`);
  }

  /** PEP 709: the comprehension runs in the enclosing frame, its iteration variables saved and restored. */
  private inlineComprehension(b: CodeBuilder, e: ast.ListComp | ast.SetComp | ast.DictComp, scope: Scope): string {
    // The comprehension's names become slots of the enclosing code (when they are not already).
    const own = scope.locals.filter((n) => n !== '.0');
    const it = this.stackIter(b, e.generators[0].iter);
    const outerInlined = new Map(b.inlined);
    for (const n of own) {
      if (scope.cells.has(n)) this.unsupported(e, 'inlined comprehension whose variable is captured by a closure');
      const shared = b.scope.kind !== 'module' && b.scope.kind !== 'class' && accessOf(b.scope, n) === 'fast' ? b.slot.get(n) : undefined;
      b.inlined.set(n, shared ?? b.inlined.get(n) ?? b.newSlot());
    }
    // LOAD_FAST_AND_CLEAR: the enclosing values of the comprehension's names are set aside.
    const saved = own.map((n) => {
      const t = b.t();
      const ref = b.slotRef(b.inlined.get(n)!);
      b.emit(`const ${t} = ${ref}; ${ref} = 0;`);
      return [n, t] as const;
    });
    const kind = scope.comprehensionKind!;
    const result = b.t();
    b.op(Op.Build);
    if (kind === 'listcomp') b.emit(`const ${result} = H.list.newList(0);`);
    else if (kind === 'setcomp') b.emit(`const ${result} = H.set.newSet();`);
    else b.emit(`const ${result} = H.dict.newDict();`);
    this.comprehensionLoops(b, e, 0, it.v, result, kind, true);
    this.popIter(b, it); // END_FOR
    // STORE_FAST of the saved values: the comprehension's last bindings go.
    for (const [n, t] of saved) {
      const ref = b.slotRef(b.inlined.get(n)!);
      b.emit(`{ const old = ${ref}; ${ref} = ${t}; if (old !== 0) ${decrefJs('old')} }`);
    }
    b.inlined.clear();
    for (const [k, v] of outerInlined) b.inlined.set(k, v);
    return result;
  }

  private comprehensionLoops(
    b: CodeBuilder,
    e: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
    depth: number,
    iter: string,
    result: string,
    kind: NonNullable<Scope['comprehensionKind']>,
    inlined: boolean,
  ): void {
    const g = e.generators[depth];
    const label = `c${b.labels++}`;
    const v = b.t();
    b.emit(`${label}: for (;;) {`);
    b.indent++;
    b.op(Op.Iter);
    b.emit(`const ${v} = R.next(${iter});`);
    b.emit(`if (${v} === 0) break;`);
    this.store(b, g.target, v);
    for (const cond of g.ifs) {
      const c = this.condition(b, cond);
      b.emit(`if (!(${c})) { ${this.checkpoint(b)} continue ${label}; }`);
    }
    if (depth + 1 < e.generators.length) {
      const inner = this.stackIter(b, e.generators[depth + 1].iter);
      this.comprehensionLoops(b, e, depth + 1, inner.v, result, kind, inlined);
      this.popIter(b, inner);
    } else if (kind === 'listcomp') {
      const x = this.expr(b, (e as ast.ListComp).elt);
      b.op(Op.Build);
      b.emit(`H.list.appendSteal(${result}, ${x}); // LIST_APPEND`);
    } else if (kind === 'setcomp') {
      const x = this.expr(b, (e as ast.SetComp).elt);
      b.op(Op.Build);
      b.emit(`H.set.add(${result}, ${x}); ${decrefJs(x)} // SET_ADD`);
    } else if (kind === 'dictcomp') {
      const k = this.expr(b, (e as ast.DictComp).key);
      const x = this.expr(b, (e as ast.DictComp).value);
      b.op(Op.Build);
      b.emit(`R.setItem(${result}, ${k}, ${x}); ${decrefJs(k)} ${decrefJs(x)} // MAP_ADD`);
    } else {
      const x = this.expr(b, (e as ast.GeneratorExp).elt);
      b.emit(`yield ${x};`);
      b.op(Op.Resume);
      b.emit(this.checkpoint(b, 'RESUME after yield'));
    }
    b.emit(this.checkpoint(b, 'JUMP_BACKWARD'));
    b.indent--;
    b.emit('}');
  }

  // ---- names -------------------------------------------------------------------------------------

  /** Where a name lives for this code: an inlined comprehension's slot, or as the scope decides. */
  private where(b: CodeBuilder, n: string): { access: ReturnType<typeof accessOf> | 'inlined'; slot: number } {
    const inl = b.inlined.get(n);
    if (inl !== undefined) return { access: 'inlined', slot: inl };
    const access = accessOf(b.scope, n);
    return { access, slot: b.slot.get(n) ?? -1 };
  }

  private loadName(b: CodeBuilder, n: string, node: ast.ASTNode): string {
    const t = b.t();
    const { access, slot } = this.where(b, n);
    b.op(access === 'fast' || access === 'inlined' ? Op.Local : Op.Global);
    switch (access) {
      case 'fast':
      case 'inlined': {
        const ref = b.slotRef(slot);
        b.emit(`const ${t} = ${ref};${this.boundCheck(b, n, t, access)} ${increfJs(t)}`);
        return t;
      }
      case 'cell':
      case 'free':
        b.emit(`const ${t} = R.cellGet(${b.slotRef(slot)}, ${JSON.stringify(n)});`);
        return t;
      case 'name':
        // A name the class body binds is looked up in its namespace first (`__rmul__ = __mul__`).
        if (!b.scope.bound.has(n)) this.checkGlobal(n, node);
        b.emit(`const ${t} = R.loadClassName(ns, ${this.name(n)});`);
        return t;
      default:
        this.checkGlobal(n, node);
        b.emit(`const ${t} = R.loadGlobal(${this.name(n)});`);
        return t;
    }
  }

  /** The UnboundLocalError check of a fast local's load, unless the name is certainly bound here (CodeBuilder.bound). */
  private boundCheck(b: CodeBuilder, n: string, t: string, access: string): string {
    if (access === 'fast' && b.bound.has(n)) return '';
    return ` if (${t} === 0) throw R.unboundLocal(${JSON.stringify(n)});`;
  }

  /** A global the module never binds must be a builtin the front-end has. */
  private checkGlobal(n: string, node: ast.ASTNode): void {
    if (this.moduleGlobals.has(n) || n === '__name__') return;
    if (!BUILTIN_NAMES.has(n)) this.unsupported(node, `builtin '${n}'`);
  }

  /** Binds `n` to the new reference in JS variable `v` (stolen). */
  private storeName(b: CodeBuilder, n: string, v: string, node: ast.ASTNode): void {
    void node;
    const { access, slot } = this.where(b, n);
    b.op(access === 'fast' || access === 'inlined' ? Op.Local : Op.Global);
    switch (access) {
      case 'fast':
      case 'inlined': {
        const ref = b.slotRef(slot);
        b.emit(`{ const old = ${ref}; ${ref} = ${v}; if (old !== 0) ${decrefJs('old')} }`);
        if (access === 'fast') b.bound.add(n);
        return;
      }
      case 'cell':
      case 'free':
        b.emit(`R.cellSet(${b.slotRef(slot)}, ${v});`);
        return;
      case 'name':
        b.emit(`R.storeClassName(ns, ${this.name(n)}, ${v});`);
        return;
      default:
        b.emit(`R.storeGlobal(${this.name(n)}, ${v});`);
    }
  }

  private delName(b: CodeBuilder, n: string, node: ast.ASTNode, quiet = false): void {
    const { access, slot } = this.where(b, n);
    b.op(access === 'fast' || access === 'inlined' ? Op.Local : Op.Global);
    switch (access) {
      case 'fast':
      case 'inlined': {
        const ref = b.slotRef(slot);
        const check = quiet ? '' : `if (old === 0) throw R.unboundLocal(${JSON.stringify(n)}); `;
        b.emit(`{ const old = ${ref}; ${check}${ref} = 0; if (old !== 0) ${decrefJs('old')} }`);
        b.bound.delete(n);
        return;
      }
      case 'cell':
      case 'free':
        b.emit(`R.cellSet(${b.slotRef(slot)}, 0);`);
        return;
      case 'name':
        return this.unsupported(node, "'del' of a class attribute in the class body");
      default:
        b.emit(`R.delGlobal(${this.name(n)});`);
    }
  }

  // ---- targets -----------------------------------------------------------------------------------

  /** Stores the new reference `v` (stolen) into a target. */
  private store(b: CodeBuilder, t: ast.ExprNode, v: string): void {
    switch (t.nodeType) {
      case 'Name':
        return this.storeName(b, t.id, v, t);
      case 'Attribute': {
        const obj = this.operand(b, t.value);
        b.op(Op.AttrStore);
        b.emit(`R.setAttr(${obj.v}, ${this.name(t.attr)}, ${v}); ${decrefJs(v)}${this.drop(obj)}`);
        return;
      }
      case 'Subscript': {
        if (t.slice.nodeType === 'Slice') {
          const obj = this.operand(b, t.value);
          const parts = this.sliceParts(b, t.slice);
          b.op(Op.Subscript);
          b.emit(`R.setSlice(${obj.v}, ${parts.map((p) => p.v).join(', ')}, ${v}); ${decrefJs(v)}${this.drop(obj)}${parts.map((p) => this.drop(p)).join('')}`);
          return;
        }
        const obj = this.operand(b, t.value);
        const key = this.operand(b, t.slice);
        b.op(Op.Subscript);
        b.emit(`R.setItem(${obj.v}, ${key.v}, ${v}); ${decrefJs(v)}${this.drop(obj)}${this.drop(key)}`);
        return;
      }
      case 'Tuple':
      case 'List': {
        if (t.elts.some((x) => x.nodeType === 'Starred')) this.unsupported(t, 'starred assignment target');
        // UNPACK_SEQUENCE pushes the items and drops the sequence; they are stored first to last.
        const first = b.t();
        b.op(Op.Build);
        b.emit(`const ${first} = R.unpackCheck(${this.sites++}, ${b.spec.id}, ${v}, ${t.elts.length});`);
        const items = t.elts.map((_, i) => {
          const item = b.t();
          b.emit(`const ${item} = I[${first} + ${2 * i}]; ${increfJs(item)}`);
          return item;
        });
        b.emit(`${decrefJs(v)}`);
        t.elts.forEach((x, i) => this.store(b, x, items[i]));
        return;
      }
      default:
        return this.unsupported(t, `assignment target ${t.nodeType}`);
    }
  }

  /** `del name` of a fast local that may already be unbound, as code (no check, no error). */
  private quietClear(b: CodeBuilder, n: string): string {
    const ref = b.slotRef(this.where(b, n).slot);
    return ` { const old = ${ref}; ${ref} = 0; if (old !== 0) ${decrefJs('old')} }`;
  }

  private del(b: CodeBuilder, t: ast.ExprNode): void {
    switch (t.nodeType) {
      case 'Name':
        return this.delName(b, t.id, t);
      case 'Attribute':
        return this.unsupported(t, "'del' of an attribute");
      case 'Subscript': {
        if (t.slice.nodeType === 'Slice') {
          const obj = this.operand(b, t.value);
          const parts = this.sliceParts(b, t.slice);
          b.op(Op.Subscript);
          b.emit(`R.delSlice(${obj.v}, ${parts.map((p) => p.v).join(', ')});${this.drop(obj)}${parts.map((p) => this.drop(p)).join('')}`);
          return;
        }
        const obj = this.expr(b, t.value);
        const key = this.expr(b, t.slice);
        b.op(Op.Subscript);
        b.emit(`R.delItem(${obj}, ${key}); ${decrefJs(obj)} ${decrefJs(key)}`);
        return;
      }
      case 'Tuple':
      case 'List':
        for (const x of t.elts) this.del(b, x);
        return;
      default:
        return this.unsupported(t, `'del' of ${t.nodeType}`);
    }
  }

  // ---- expressions -------------------------------------------------------------------------------

  /**
   * An operand of an operation that only borrows it (arithmetic, comparisons, attribute and item
   * access, truth tests). A fast local or a constant is read in place: LOAD_FAST's incref and the
   * operation's decref cancel out, and neither can free the object while the frame holds it. The
   * one effect they have besides, the refcount write a copy-on-write page count sees, is kept
   * (`touchRefcount`). Anything else is evaluated to a new reference, dropped after the use.
   */
  private operand(b: CodeBuilder, e: ast.ExprNode): Operand {
    if (e.nodeType === 'Constant') {
      const t = b.t();
      b.op(Op.Local);
      b.emit(`const ${t} = K[${this.constantOf(e)}]; if (H.cowActive === true) H.touchRefcount(${t});`);
      return { v: t, owned: false };
    }
    if (e.nodeType === 'Name') {
      const { access, slot } = this.where(b, e.id);
      if (access === 'fast' || access === 'inlined') {
        const t = b.t();
        b.op(Op.Local);
        b.emit(`const ${t} = ${b.slotRef(slot)};${this.boundCheck(b, e.id, t, access)} if (H.cowActive === true) H.touchRefcount(${t});`);
        return { v: t, owned: false };
      }
    }
    return { v: this.expr(b, e), owned: true };
  }

  /**
   * BINARY_OP `op` (a Runtime method name, `inplace_…` for an augmented assignment) on two
   * operands, which it drops; the result is a new reference. Where the profile's specialised
   * float `+ - *` may reuse an operand, the call site is numbered and the runtime told which
   * operands the stack alone holds (owned ones: a borrowed local or constant is also held by
   * its frame or code object, so its refcount is never 1 in CPython).
   */
  private binaryOp(b: CodeBuilder, op: string, l: Operand, r: Operand): string {
    const t = b.t();
    b.op(Op.Arith);
    const base = op.replace(/^inplace_/, '');
    if (this.profile.floatOpsReuseOperands && (base === 'add' || base === 'sub' || base === 'mul')) {
      const owned = (l.owned ? 1 : 0) | (r.owned ? 2 : 0);
      b.emit(`const ${t} = R.${op}Specialising(${this.sites++}, ${b.spec.id}, ${l.v}, ${r.v}, ${owned});`);
      return t;
    }
    b.emit(`const ${t} = R.${op}(${l.v}, ${r.v});${this.drop(l)}${this.drop(r)}`);
    return t;
  }

  /**
   * The eval-breaker check of RESUME or JUMP_BACKWARD, with the code object's warm-up count
   * where the profile quickens a code object after its eighth (3.11: `_PyCode_Warmup`).
   */
  private checkpoint(b: CodeBuilder, what?: string): string {
    const warm = this.profile.adaptiveWarmup === 'code' ? ` R.warmUp(${b.spec.id});` : '';
    return `H.evalBreaker();${warm}${what === undefined ? '' : ` // ${what}`}`;
  }

  /** Drops an operand after its use (nothing for a borrowed one). */
  private drop(o: Operand): string {
    return o.owned ? ` ${decrefJs(o.v)}` : '';
  }

  /** A JS boolean expression for a Python condition (the value is dropped). */
  private condition(b: CodeBuilder, e: ast.ExprNode): string {
    if (e.nodeType === 'UnaryOp' && e.op.nodeType === 'Not') return `!(${this.condition(b, e.operand)})`;
    // COMPARE_OP feeding a jump: the specialised forms (3.11's COMPARE_OP_*_JUMP, 3.12+'s
    // COMPARE_OP_INT and friends on immortal bools) make no object and write no refcount.
    if (e.nodeType === 'Compare' && e.ops.length === 1) return this.compareTest(b, e);
    const v = this.operand(b, e);
    const c = b.t();
    b.op(Op.Compare);
    b.emit(`const ${c} = R.truth(${v.v});${this.drop(v)}`);
    return c;
  }

  /** Compiles an expression; returns the JS variable holding its value (a new reference). */
  private expr(b: CodeBuilder, e: ast.ExprNode): string {
    switch (e.nodeType) {
      case 'Constant': {
        const t = b.t();
        b.op(Op.Local);
        b.emit(`const ${t} = K[${this.constantOf(e)}]; ${increfJs(t)}`);
        return t;
      }
      case 'Name':
        return this.loadName(b, e.id, e);
      case 'BinOp': {
        const op = BINOPS[e.op.nodeType];
        if (!op) this.unsupported(e, `operator ${e.op.nodeType}`);
        const l = this.operand(b, e.left);
        const r = this.operand(b, e.right);
        return this.binaryOp(b, op, l, r);
      }
      case 'UnaryOp': {
        if (e.op.nodeType === 'Not') {
          const c = this.condition(b, e.operand);
          const t = b.t();
          b.op(Op.Arith);
          b.emit(`const ${t} = R.bool(!(${c}));`);
          return t;
        }
        const v = this.operand(b, e.operand);
        const fn = { USub: 'neg', UAdd: 'pos', Invert: 'invert' }[e.op.nodeType as 'USub' | 'UAdd' | 'Invert'];
        const t = b.t();
        b.op(Op.Arith);
        b.emit(`const ${t} = R.${fn}(${v.v});${this.drop(v)}`);
        return t;
      }
      case 'BoolOp': {
        const t = b.t();
        b.emit(`let ${t};`);
        const isAnd = e.op.nodeType === 'And';
        const emitValue = (i: number): void => {
          const v = this.expr(b, e.values[i]);
          if (i === e.values.length - 1) {
            b.emit(`${t} = ${v};`);
            return;
          }
          b.op(Op.Compare);
          b.emit(`if (${isAnd ? '!' : ''}R.truth(${v})) { ${t} = ${v}; } else {`);
          b.indent++;
          b.emit(`${decrefJs(v)}`);
          emitValue(i + 1);
          b.indent--;
          b.emit('}');
        };
        emitValue(0);
        return t;
      }
      case 'Compare':
        return this.compare(b, e);
      case 'IfExp': {
        const t = b.t();
        b.emit(`let ${t};`);
        const c = this.condition(b, e.test);
        b.emit(`if (${c}) {`);
        b.indent++;
        b.emit(`${t} = ${this.expr(b, e.body)};`);
        b.indent--;
        b.emit('} else {');
        b.indent++;
        b.emit(`${t} = ${this.expr(b, e.orelse)};`);
        b.indent--;
        b.emit('}');
        return t;
      }
      case 'Attribute': {
        const obj = this.operand(b, e.value);
        const t = b.t();
        this.checkModuleAttribute(e);
        b.op(Op.Attr);
        b.emit(`const ${t} = R.getAttr(${obj.v}, ${this.name(e.attr)});${this.drop(obj)}`);
        return t;
      }
      case 'Subscript': {
        const obj = this.operand(b, e.value);
        if (e.slice.nodeType === 'Slice') return this.sliceLoad(b, obj, e.slice);
        const key = this.operand(b, e.slice);
        const t = b.t();
        b.op(Op.Subscript);
        b.emit(`const ${t} = R.getItem(${obj.v}, ${key.v});${this.drop(obj)}${this.drop(key)}`);
        return t;
      }
      case 'Slice':
        return this.unsupported(e, 'slice outside a subscript');
      case 'Call':
        return this.call(b, e);
      case 'List': {
        if (e.elts.some((x) => x.nodeType === 'Starred')) this.unsupported(e, 'starred item in a list display');
        const items = e.elts.map((x) => this.expr(b, x));
        const t = b.t();
        b.op(Op.Build);
        if (items.length <= 2) b.emit(`const ${t} = R.buildList${items.length}(${items.join(', ')});`);
        else b.emit(`const ${t} = R.buildList(${items.join(', ')});`);
        return t;
      }
      case 'Tuple': {
        if (e.elts.some((x) => x.nodeType === 'Starred')) this.unsupported(e, 'starred item in a tuple display');
        const k = this.constantTuple(e);
        const t = b.t();
        if (k !== undefined) {
          b.op(Op.Local);
          b.emit(`const ${t} = K[${k}]; ${increfJs(t)}`);
          return t;
        }
        const items = e.elts.map((x) => this.expr(b, x));
        b.op(Op.Build);
        if (items.length >= 1 && items.length <= 3) b.emit(`const ${t} = R.buildTuple${items.length}(${items.join(', ')});`);
        else b.emit(`const ${t} = R.buildTuple(${items.join(', ')});`);
        return t;
      }
      case 'Dict': {
        if (e.keys.some((k) => k === null)) this.unsupported(e, "'**' in a dict display");
        const parts: string[] = [];
        e.keys.forEach((k, i) => {
          parts.push(this.expr(b, k as ast.ExprNode));
          parts.push(this.expr(b, e.values[i]));
        });
        const t = b.t();
        b.op(Op.Build);
        b.emit(`const ${t} = R.buildDict(${parts.join(', ')});`);
        return t;
      }
      case 'Set': {
        if (e.elts.some((x) => x.nodeType === 'Starred')) this.unsupported(e, 'starred item in a set display');
        const items = e.elts.map((x) => this.expr(b, x));
        const t = b.t();
        b.op(Op.Build);
        b.emit(`const ${t} = R.buildSet(${items.join(', ')});`);
        return t;
      }
      case 'ListComp':
      case 'SetComp':
      case 'DictComp':
      case 'GeneratorExp':
        return this.comprehension(b, e);
      case 'Lambda': {
        const scope = this.table.scopeOf.get(e)!;
        const defaults = this.defaultsTuple(b, e.args);
        const kwdefaults = this.kwDefaultsDict(b, e.args);
        const id = this.compileCode(scope, qualnameOf(scope), e.body, e.lineno);
        const closure = this.closureTuple(b, scope);
        const t = b.t();
        b.op(Op.Build);
        b.emit(`const ${t} = R.makeFunction(${id}, ${closure}, ${defaults}, ${kwdefaults});`);
        return t;
      }
      case 'Yield': {
        if (!b.spec.generator) this.unsupported(e, "'yield' outside a generator");
        const v = e.value ? this.expr(b, e.value) : 'R.none()';
        const t = b.t();
        b.emit(`const ${t} = yield ${v};`);
        b.op(Op.Resume);
        b.emit(this.checkpoint(b, 'RESUME after yield'));
        return t;
      }
      case 'YieldFrom': {
        if (!b.spec.generator) this.unsupported(e, "'yield from' outside a generator");
        const it = this.iterOf(b, e.value);
        const t = b.t();
        b.op(Op.Call);
        b.emit(`const ${t} = yield* R.yieldFrom(${it});`);
        return t;
      }
      case 'JoinedStr':
        return this.fString(b, e);
      default:
        return this.unsupported(e, refusalOf((e as ast.ASTNode).nodeType, 'expression'));
    }
  }

  /**
   * An f-string: each replacement field formatted (FORMAT_VALUE on 3.11, CONVERT_VALUE and
   * FORMAT_SIMPLE / FORMAT_WITH_SPEC from 3.13: an exact str with no conversion or spec passes
   * through, anything else is a new str), then BUILD_STRING joins the pieces into the result and
   * drops them. Format specs must be literal.
   */
  private fString(b: CodeBuilder, e: ast.JoinedStr): string {
    const pieces: string[] = [];
    for (const part of e.values) {
      if (part.nodeType === 'Constant') {
        pieces.push(this.expr(b, part));
        continue;
      }
      const fv = part as ast.FormattedValue;
      let spec = '';
      if (fv.format_spec) {
        const specNode = fv.format_spec as ast.JoinedStr;
        if (specNode.values.some((v) => v.nodeType !== 'Constant')) this.unsupported(specNode, 'f-string format spec with a replacement field');
        spec = specNode.values.map((v) => String((v as ast.Constant).value)).join('');
      }
      const v = this.expr(b, fv.value);
      const t = b.t();
      b.op(Op.Build);
      const conversion = fv.conversion === 114 ? 'r' : fv.conversion === 115 ? 's' : fv.conversion === 97 ? 'a' : '';
      b.emit(`const ${t} = R.formatValue(${v}, ${JSON.stringify(conversion)}, ${JSON.stringify(spec)});`);
      pieces.push(t);
    }
    const t = b.t();
    b.op(Op.Build);
    b.emit(`const ${t} = R.buildString([${pieces.join(', ')}]);`);
    return t;
  }

  /**
   * `obj[a:b]` (3.12+ BINARY_SLICE; 3.11's BUILD_SLICE takes its one-entry slice cache, so no
   * slice object is counted either way) and `obj[a:b:c]`. A missing bound is None.
   */
  private sliceLoad(b: CodeBuilder, obj: Operand, s: ast.Slice): string {
    const parts = this.sliceParts(b, s);
    const t = b.t();
    b.op(Op.Subscript);
    b.emit(`const ${t} = R.getSlice(${obj.v}, ${parts.map((p) => p.v).join(', ')});${this.drop(obj)}${parts.map((p) => this.drop(p)).join('')}`);
    return t;
  }

  /** A slice's lower, upper and step, in that order (a missing one is None). */
  private sliceParts(b: CodeBuilder, s: ast.Slice): Operand[] {
    return [s.lower, s.upper, s.step].map((x) => (x ? this.operand(b, x) : { v: 'H.None', owned: false }));
  }

  private checkModuleAttribute(e: ast.Attribute): void {
    if (e.value.nodeType !== 'Name') return;
    const mod = this.importedModules.get(e.value.id);
    if (mod !== undefined && !this.moduleHas(mod, e.attr)) this.unsupported(e, `name '${e.attr}' of module '${mod}'`);
  }

  /** A simulated module, or one of the program's own. */
  private isModule(name: string): boolean {
    return MODULE_NAMES.has(name) || (this.options.programModules?.has(name) ?? false);
  }

  private moduleHas(module: string, name: string): boolean {
    const own = this.options.programModules?.get(module);
    return own !== undefined ? own.has(name) : moduleHasAttribute(module, name);
  }

  /** A single comparison as a JS boolean. */
  private compareTest(b: CodeBuilder, e: ast.Compare): string {
    const l = this.operand(b, e.left);
    const r = this.operand(b, e.comparators[0]);
    const op = e.ops[0].nodeType;
    const t = b.t();
    b.op(Op.Compare);
    const drops = `${this.drop(l)}${this.drop(r)}`;
    if (op === 'Is' || op === 'IsNot') b.emit(`const ${t} = ${l.v} ${op === 'Is' ? '===' : '!=='} ${r.v};${drops}`);
    else if (op === 'In' || op === 'NotIn') b.emit(`const ${t} = ${op === 'In' ? '' : '!'}R.contains(${r.v}, ${l.v});${drops}`);
    else b.emit(`const ${t} = R.test_${CMPOPS[op]}(${l.v}, ${r.v});${drops}`);
    return t;
  }

  private compare(b: CodeBuilder, e: ast.Compare): string {
    if (e.ops.length === 1) {
      const l = this.operand(b, e.left);
      const r = this.operand(b, e.comparators[0]);
      const t = this.compareValue(b, l, e.ops[0].nodeType, r);
      if (l.owned || r.owned) b.emit(`${this.drop(l)}${this.drop(r)}`);
      return t;
    }
    // `a < b < c`: each middle operand is kept (COPY) for the next comparison, which runs only
    // while the results are true; the value is the first false result, or the last one.
    const result = b.t();
    b.emit(`let ${result};`);
    let left = this.operand(b, e.left);
    let open = 0;
    e.ops.forEach((op, i) => {
      const right = this.operand(b, e.comparators[i]);
      const t = this.compareValue(b, left, op.nodeType, right);
      if (left.owned) b.emit(this.drop(left));
      if (i === e.ops.length - 1) {
        b.emit(`${result} = ${t};${this.drop(right)}`);
        return;
      }
      b.op(Op.Compare);
      b.emit(`if (!R.truth(${t})) { ${result} = ${t};${this.drop(right)} } else {`);
      b.indent++;
      open++;
      b.emit(`${decrefJs(t)}`);
      left = right;
    });
    for (; open > 0; open--) {
      b.indent--;
      b.emit('}');
    }
    return result;
  }

  /** One comparison of two operands (not dropped here) as a new reference. */
  private compareValue(b: CodeBuilder, l: Operand, op: string, r: Operand): string {
    const t = b.t();
    b.op(Op.Compare);
    if (op === 'Is' || op === 'IsNot') b.emit(`const ${t} = R.bool(${l.v} ${op === 'Is' ? '===' : '!=='} ${r.v});`);
    else if (op === 'In' || op === 'NotIn') b.emit(`const ${t} = R.bool(${op === 'In' ? '' : '!'}R.contains(${r.v}, ${l.v}));`);
    else b.emit(`const ${t} = R.compare_${CMPOPS[op]}(${l.v}, ${r.v});`);
    return t;
  }

  /**
   * A call. Method calls (`obj.m(...)`) go through R.callMethod (LOAD_METHOD: no bound method
   * object); everything else evaluates the callable, then the arguments. Arguments and the callable
   * are handed to the runtime as new references, which it consumes.
   */
  private call(b: CodeBuilder, e: ast.Call): string {
    const starred = e.args.find((a) => a.nodeType === 'Starred');
    const doubleStarred = e.keywords.find((k) => k.arg === null || k.arg === undefined);
    if (doubleStarred !== undefined && e.func.nodeType === 'Attribute' && this.isSuperCall(b, e.func.value)) this.unsupported(doubleStarred, "'**kwargs' in a super() method call");
    if (starred !== undefined || doubleStarred !== undefined) {
      if (starred !== undefined && e.func.nodeType === 'Attribute' && this.isSuperCall(b, e.func.value)) this.unsupported(starred, "'*args' in a super() method call");
      if (e.func.nodeType === 'Attribute' && !this.isModuleRef(b, e.func.value) && !KNOWN_METHODS.has(e.func.attr) && !this.programMethods.has(e.func.attr)) this.unsupported(e.func, `method '${e.func.attr}'`);
      return this.starCall(b, e);
    }
    const site = this.sites++;
    const kwnames = e.keywords.map((k) => k.arg as string);
    // The call's kwnames tuple is a constant of interned strs, made with the code object.
    for (const k of kwnames) this.name(k);
    const kwArg = kwnames.length > 0 ? `, ${JSON.stringify(kwnames)}` : '';
    const t = b.t();
    if (e.func.nodeType === 'Attribute' && this.isSuperCall(b, e.func.value)) {
      // `super().m(...)` / `super(C, self).m(...)`: LOAD_SUPER_ATTR (3.12+) or a super object's
      // LOAD_METHOD (3.11); the runtime makes what each makes.
      const sup = e.func.value as ast.Call;
      let cls: string;
      let self: string;
      if (sup.args.length === 2) {
        cls = this.expr(b, sup.args[0]);
        self = this.expr(b, sup.args[1]);
      } else {
        const fnScope = b.scope;
        const classScope = fnScope.parent;
        const first = fnScope.params[0];
        if (fnScope.kind !== 'function' || classScope?.kind !== 'class' || first === undefined) this.unsupported(sup, 'super() outside a method (give it the class and the instance)');
        cls = b.t();
        b.emit(`const ${cls} = R.classOfCode(${this.codeIdOfScope.get(classScope)!});`);
        self = this.loadName(b, first, sup);
      }
      const args = [...e.args.map((a) => this.expr(b, a)), ...e.keywords.map((k) => this.expr(b, k.value))];
      b.op(Op.Attr);
      b.op(Op.Call);
      b.emit(`const ${t} = R.callSuper(${site}, ${b.spec.id}, ${cls}, ${self}, ${this.name(e.func.attr)}, [${args.join(', ')}]${kwArg});`);
      return t;
    }
    if (e.func.nodeType === 'Attribute' && !this.isModuleRef(b, e.func.value) && e.func.attr !== '__class__') {
      const m = e.func.attr;
      if (!KNOWN_METHODS.has(m) && !this.programMethods.has(m)) this.unsupported(e.func, `method '${m}'`);
      const obj = this.expr(b, e.func.value);
      const args = [...e.args.map((a) => this.expr(b, a)), ...e.keywords.map((k) => this.expr(b, k.value))];
      b.op(Op.Attr);
      b.op(Op.Call);
      if (kwnames.length === 0 && args.length <= 2) b.emit(`const ${t} = R.callMethod${args.length}(${[site, obj, this.name(m), ...args].join(', ')});`);
      else b.emit(`const ${t} = R.callMethod(${site}, ${obj}, ${this.name(m)}, [${args.join(', ')}]${kwArg});`);
      return t;
    }
    const f = this.expr(b, e.func);
    const args = [...e.args.map((a) => this.expr(b, a)), ...e.keywords.map((k) => this.expr(b, k.value))];
    b.op(Op.Call);
    if (kwnames.length === 0 && args.length <= 3) b.emit(`const ${t} = R.call${args.length}(${site}, ${[f, ...args].join(', ')});`);
    else b.emit(`const ${t} = R.call(${site}, ${f}, [${args.join(', ')}]${kwArg});`);
    return t;
  }

  /**
   * `f(*xs)`, `f(a, *xs, b)`: CALL_FUNCTION_EX. A lone starred argument is passed as it is when it
   * is a tuple, else made one (PySequence_Tuple); otherwise the arguments are gathered in a list
   * (BUILD_LIST of those before the first star, then LIST_EXTEND / LIST_APPEND) that becomes a
   * tuple (LIST_TO_TUPLE). The callee reads the tuple's items; it is dropped after the call. A
   * method is looked up as an attribute first (LOAD_ATTR: a bound method object, not LOAD_METHOD).
   */
  private starCall(b: CodeBuilder, e: ast.Call): string {
    const site = this.sites++;
    const f = this.expr(b, e.func);
    let tuple: string;
    if (!e.args.some((a) => a.nodeType === 'Starred')) {
      // `f(a, b, **d)`: BUILD_TUPLE of the positional arguments (the empty tuple for none).
      const items = e.args.map((a) => this.expr(b, a));
      tuple = b.t();
      b.emit(`const ${tuple} = R.buildTuple(${items.join(', ')});`);
    } else if (e.args.length === 1) {
      const v = this.expr(b, (e.args[0] as ast.Starred).value);
      tuple = b.t();
      b.emit(`const ${tuple} = R.starArgs(${v});`);
    } else {
      const first = e.args.findIndex((a) => a.nodeType === 'Starred');
      const leading = e.args.slice(0, first).map((a) => this.expr(b, a));
      const list = b.t();
      b.emit(`const ${list} = R.buildList(${leading.join(', ')});`);
      for (const a of e.args.slice(first)) {
        if (a.nodeType === 'Starred') {
          const v = this.expr(b, a.value);
          b.emit(`R.extendList(${list}, ${v}); ${decrefJs(v)}`);
        } else {
          const v = this.expr(b, a);
          b.emit(`H.list.append(${list}, ${v}); ${decrefJs(v)}`);
        }
      }
      tuple = b.t();
      b.emit(`const ${tuple} = R.listToTuple(${list});`);
    }
    // Keywords: CALL_FUNCTION_EX's kwargs dict (Runtime.callWithTuple makes what a vectorcall
    // callee gets them through), built as compiler_call_helper builds it: a run of named keywords
    // is a BUILD_MAP of them (their names' interned constants); a `**d` merges d (DICT_MERGE) into
    // the dict so far, or into a new empty one (BUILD_MAP 0) when it comes first; a run after
    // the dict exists is built on its own, then merged.
    let kwargs = '0';
    let named: string[] = [];
    const flushNamed = (): void => {
      if (named.length === 0) return;
      const sub = b.t();
      b.emit(`const ${sub} = R.buildDict(${named.join(', ')});`);
      named = [];
      if (kwargs === '0') kwargs = sub;
      else b.emit(`R.mergeKeywords(${f}, ${kwargs}, ${sub});`);
    };
    for (const k of e.keywords) {
      if (k.arg !== null && k.arg !== undefined) {
        named.push(this.nameConstant(b, k.arg), this.expr(b, k.value));
        continue;
      }
      flushNamed();
      if (kwargs === '0') {
        kwargs = b.t();
        b.emit(`const ${kwargs} = H.dict.newDict();`);
      }
      const v = this.expr(b, k.value);
      b.emit(`R.mergeKeywords(${f}, ${kwargs}, ${v});`);
    }
    flushNamed();
    const t = b.t();
    b.op(Op.Build);
    b.op(Op.Call);
    b.emit(`const ${t} = R.callWithTuple(${site}, ${f}, ${tuple}, ${kwargs});`);
    return t;
  }

  /** Whether `e` is `super()` or `super(C, obj)` of the builtin super. */
  private isSuperCall(b: CodeBuilder, e: ast.ExprNode): boolean {
    if (e.nodeType !== 'Call' || e.func.nodeType !== 'Name' || e.func.id !== 'super' || e.keywords.length > 0) return false;
    if (accessOf(b.scope, 'super') !== 'global' || this.moduleGlobals.has('super')) return false;
    if (e.args.length !== 0 && e.args.length !== 2) this.unsupported(e, 'super() with one argument');
    return true;
  }

  /** Whether `e` names an imported module (its attributes are functions, not methods). */
  private isModuleRef(b: CodeBuilder, e: ast.ExprNode): boolean {
    return e.nodeType === 'Name' && this.importedModules.has(e.id) && accessOf(b.scope, e.id) === 'global';
  }
}

function qualnameOf(scope: Scope): string {
  const parts: string[] = [];
  for (let s: Scope | undefined = scope; s && s.kind !== 'module'; s = s.parent) {
    parts.unshift(s.kind === 'function' && s.parent?.kind === 'function' ? `${s.name}.<locals>` : s.name);
  }
  return parts.join('.').replace(/\.<locals>$/, '');
}

function isIdentifierLike(s: string): boolean {
  return /^[A-Za-z0-9_]*$/.test(s);
}

function constantKey(c: ConstantSpec): string {
  switch (c.kind) {
    case 'int':
      return `i${c.value}`;
    case 'float':
      return `f${Object.is(c.value, -0) ? '-0' : c.value}`;
    case 'str':
      return `s${c.value}`;
    case 'bytes':
      return `b${Array.from(c.value).join(',')}`;
    case 'tuple':
      return `t${c.items.join(',')}`;
    default:
      return c.kind;
  }
}

/**
 * `co_stacksize`, estimated: the deepest value stack a statement needs (a call pushes NULL and the
 * callable, then its arguments; an operator's left operand waits while the right is evaluated),
 * plus one per enclosing loop (its iterator). An estimate: CPython's compiler counts exactly.
 */
class StackEstimator {
  constructor(
    /** Whether a comprehension is inlined into the code that contains it (3.12+, PEP 709). */
    private readonly inlined: (e: ast.ExprNode) => boolean,
  ) {}

  statements(stmts: readonly ast.StmtNode[], loops: number): number {
    let max = 0;
    for (const s of stmts) {
      let d = 0;
      switch (s.nodeType) {
        case 'Expr':
        case 'Return':
          d = s.value ? this.expr(s.value) : 1;
          break;
        case 'Assign':
          d = Math.max(this.expr(s.value), ...s.targets.map((t) => 1 + this.target(t)));
          break;
        case 'AugAssign':
          // o.a += v: o, o (COPY), o.a, v; a[i] += v: a, i, a, i (COPY 2), then a, i, a[i], v.
          if (s.target.nodeType === 'Attribute') d = Math.max(this.expr(s.target.value) + 1, 2 + this.expr(s.value));
          else if (s.target.nodeType === 'Subscript') d = Math.max(this.expr(s.target.value), 1 + this.expr(s.target.slice), 4, 3 + this.expr(s.value));
          else d = 1 + this.expr(s.value);
          break;
        case 'If':
        case 'While':
          d = Math.max(this.expr(s.test), this.statements(s.body, loops + (s.nodeType === 'While' ? 0 : 0)), this.statements(s.orelse, loops));
          break;
        case 'For':
          d = Math.max(this.expr(s.iter), 1 + this.statements(s.body, loops + 1), this.statements(s.orelse, loops));
          break;
        case 'Try':
          // A handler's body runs above the previous exception (PUSH_EXC_INFO pushed it under the
          // exception, which the match and its POP_TOP or `as` store take off): 1; its cleanup
          // block is entered with lasti pushed and copies the previous exception up (COPY 3): 4.
          // The finally body's exceptional copy runs above the previous exception and the
          // exception (2), its cleanup at 4 too. MEAS co_stacksize on 3.11.2, 3.12.1, 3.13.0.
          d = Math.max(
            this.statements(s.body, loops),
            this.statements(s.orelse, loops),
            ...s.handlers.map((h) => Math.max(4, 1 + this.statements(h.body, loops))),
            s.finalbody.length === 0 ? 0 : Math.max(4, 2 + this.statements(s.finalbody, loops)),
          );
          break;
        case 'Raise':
          d = s.exc ? this.expr(s.exc) : 1;
          break;
        case 'Assert':
          // The test, then LOAD_ASSERTION_ERROR with the message above it.
          d = Math.max(this.expr(s.test), s.msg ? 1 + this.expr(s.msg) : 1);
          break;
        case 'Delete':
          d = Math.max(1, ...s.targets.map((x) => this.target(x)));
          break;
        default:
          d = 1;
      }
      max = Math.max(max, d);
    }
    return max;
  }

  private target(t: ast.ExprNode): number {
    if (t.nodeType === 'Attribute') return this.expr(t.value);
    if (t.nodeType === 'Subscript') return Math.max(this.expr(t.value), 1 + this.expr(t.slice));
    if (t.nodeType === 'Tuple' || t.nodeType === 'List') return t.elts.length + Math.max(0, ...t.elts.map((x) => this.target(x)));
    return 0;
  }

  expr(e: ast.ExprNode): number {
    switch (e.nodeType) {
      case 'BinOp':
        return Math.max(this.expr(e.left), 1 + this.expr(e.right));
      case 'Compare':
        return Math.max(this.expr(e.left), ...e.comparators.map((c) => 1 + this.expr(c)));
      case 'BoolOp':
        return Math.max(...e.values.map((x) => this.expr(x)));
      case 'UnaryOp':
        return this.expr(e.operand);
      case 'Attribute':
        return this.expr(e.value);
      case 'Subscript':
        return Math.max(this.expr(e.value), 1 + this.expr(e.slice));
      case 'Call': {
        const base = e.func.nodeType === 'Attribute' ? this.expr(e.func.value) + 1 : 2;
        const args = [...e.args, ...e.keywords.map((k) => k.value)];
        return Math.max(base, ...args.map((a, k) => base + k + this.expr(a)));
      }
      case 'Tuple':
      case 'List':
      case 'Set':
        return Math.max(1, ...e.elts.map((x, k) => k + this.expr(x)));
      case 'Dict':
        return Math.max(1, ...e.values.map((v, k) => 2 * k + 1 + this.expr(v)));
      case 'IfExp':
        return Math.max(this.expr(e.test), this.expr(e.body), this.expr(e.orelse));
      case 'ListComp':
      case 'SetComp':
      case 'DictComp':
      case 'GeneratorExp':
        // Inlined (PEP 709): each variable's old value saved (LOAD_FAST_AND_CLEAR), then the
        // loop's stack here; else MAKE_FUNCTION's function below the first iterator.
        return this.inlined(e) ? this.comprehensionNames(e) + this.comprehension(e) : 1 + this.expr(e.generators[0].iter);
      default:
        return 1;
    }
  }

  /**
   * A comprehension's loops: the result (none for a generator expression), each iterator of the
   * loops entered, then the element or a condition being evaluated above them.
   */
  comprehension(e: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp): number {
    const base = e.nodeType === 'GeneratorExp' ? 0 : 1;
    let max = base + 1;
    e.generators.forEach((g, k) => {
      if (k > 0) max = Math.max(max, base + k + this.expr(g.iter));
      for (const cond of g.ifs) max = Math.max(max, base + k + 1 + this.expr(cond));
    });
    const depth = base + e.generators.length;
    const element = e.nodeType === 'DictComp' ? Math.max(this.expr(e.key), 1 + this.expr(e.value)) : this.expr(e.elt);
    return Math.max(max, depth + element);
  }

  /** The names a comprehension's loops bind (an inlined one saves each one's outer value first). */
  private comprehensionNames(e: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp): number {
    const names = new Set<string>();
    const visit = (t: ast.ExprNode): void => {
      if (t.nodeType === 'Name') names.add(t.id);
      else if (t.nodeType === 'Tuple' || t.nodeType === 'List') t.elts.forEach(visit);
    };
    for (const g of e.generators) visit(g.target);
    return names.size;
  }
}

/** What is certainly bound where two ways of getting somewhere join: what both bind. */
function boundAtJoin(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const n of a) if (b.has(n)) out.add(n);
  return out;
}

/**
 * The locals bound now that `s` deletes nowhere (a `del`, an `except … as` name): what is still
 * certainly bound at any point `s` may jump back to or from (a loop's next iteration, a handler,
 * a `finally`, the end of a `with` whose `__exit__` swallowed an exception). A copy.
 */
function boundSurviving(b: CodeBuilder, s: ast.StmtNode): Set<string> {
  const deleted = new Set<string>();
  collectDeleted(s, deleted, true);
  const out = new Set<string>();
  for (const n of b.bound) if (!deleted.has(n)) out.add(n);
  return out;
}

/** Names a scope's own code deletes (`del x`, and `except … as x`, which deletes x), nested scopes excluded. */
function collectDeleted(node: unknown, out: Set<string>, top: boolean): void {
  if (Array.isArray(node)) {
    for (const n of node) collectDeleted(n, out, false);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as { nodeType?: string };
  if (!top && (n.nodeType === 'FunctionDef' || n.nodeType === 'ClassDef' || n.nodeType === 'Lambda' || n.nodeType === 'AsyncFunctionDef')) return;
  if (n.nodeType === 'Name' && (n as ast.Name).ctx.nodeType === 'Del') out.add((n as ast.Name).id);
  if (n.nodeType === 'ExceptHandler' && (n as ast.ExceptHandler).name) out.add((n as ast.ExceptHandler).name as string);
  for (const v of Object.values(n)) if (typeof v === 'object' && v !== null) collectDeleted(v, out, false);
}

/** The names of the methods the classes of a module define. */
export function methodNames(tree: ast.Module): Set<string> {
  const out = new Set<string>();
  collectMethods(tree, out);
  return out;
}

function collectMethods(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectMethods(n, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as { nodeType?: string; body?: unknown; name?: string };
  if (n.nodeType === 'ClassDef') {
    for (const s of (n as ast.ClassDef).body) if (s.nodeType === 'FunctionDef') out.add(s.name);
  }
  for (const v of Object.values(n)) if (typeof v === 'object' && v !== null) collectMethods(v, out);
}
