/**
 * The symbol table: for every scope of a module (the module, each def, lambda, class body,
 * comprehension and generator expression) which names are local, cell, free or global, decided
 * as CPython's `Python/symtable.c` decides them:
 *
 *   - a name bound in a function (assignment, augmented assignment, `for`/`with`/`except` target,
 *     `del`, `def`, `class`, `import`, a parameter) is local, unless declared `global`/`nonlocal`;
 *   - a name only used is free if an enclosing *function* scope binds it (class scopes are
 *     skipped), else an implicit global;
 *   - a local that an inner scope uses as free is a cell;
 *   - module and class bodies keep their names in a dict: everything there is global (module) or
 *     class-local with global fall-back (class).
 *
 * Comprehensions are scopes of their own here, as in CPython; whether one runs inline (PEP 709,
 * 3.12+) is the compiler's choice from the profile, and `inlinable` says whether it may.
 */
import type { ast } from './parse.js';
import { annotationsOf } from './annotations.js';

export type ScopeKind = 'module' | 'function' | 'class' | 'comprehension';

export interface Scope {
  readonly kind: ScopeKind;
  readonly name: string;
  readonly node: ast.ASTNode;
  readonly parent: Scope | undefined;
  readonly children: Scope[];
  /** Parameters in order (functions and comprehensions: `.0` for the outermost iterable). */
  readonly params: string[];
  /** Names bound in this scope (before global/nonlocal declarations are applied). */
  readonly bound: Set<string>;
  /** Names used (loaded) in this scope. */
  readonly used: Set<string>;
  readonly declaredGlobal: Set<string>;
  readonly declaredNonlocal: Set<string>;
  /** Resolved: locals (fast slots; cells included), in slot order. */
  locals: string[];
  /** Resolved: locals that inner scopes close over. */
  cells: Set<string>;
  /** Resolved: names this scope takes from an enclosing function, in closure order. */
  frees: string[];
  /** The scope contains `yield` or `yield from` (a generator function). */
  generator: boolean;
  /** A comprehension that PEP 709 may inline (not a generator expression, no class scope visible). */
  inlinable: boolean;
  /** For a comprehension: the outermost iterable, evaluated in the enclosing scope. */
  readonly comprehensionKind?: 'listcomp' | 'setcomp' | 'dictcomp' | 'genexpr';
  /** The method calls `super()` or uses `__class__` (CPython gives it a `__class__` cell). */
  usesClassCell: boolean;
}

function newScope(kind: ScopeKind, name: string, node: ast.ASTNode, parent: Scope | undefined, comprehensionKind?: Scope['comprehensionKind']): Scope {
  const s: Scope = {
    kind,
    name,
    node,
    parent,
    children: [],
    params: [],
    bound: new Set(),
    used: new Set(),
    declaredGlobal: new Set(),
    declaredNonlocal: new Set(),
    locals: [],
    cells: new Set(),
    frees: [],
    generator: false,
    inlinable: false,
    comprehensionKind,
    usesClassCell: false,
  };
  parent?.children.push(s);
  return s;
}

/** How a name is reached from a scope. */
export type NameAccess = 'fast' | 'cell' | 'free' | 'global' | 'name';

/** The symbol table of a module: its root scope and each scope-making node's scope. */
export interface SymbolTable {
  readonly module: Scope;
  readonly scopeOf: Map<ast.ASTNode, Scope>;
}

export interface SymbolTableOptions {
  /** PEP 709 (3.12+): list, set and dict comprehensions run inline in the enclosing code. */
  readonly inlineComprehensions: boolean;
  /**
   * Whether annotations are expressions of the scope they appear in (3.11-3.13 without `from
   * __future__ import annotations`): a def's in the enclosing scope, an annotated assignment's in
   * its own (even in a function, where it is never evaluated, as symtable.c visits it). Otherwise
   * they are strings or (3.14) an annotation scope's, and use no name here.
   */
  readonly evaluatesAnnotations: boolean;
}

export function buildSymbolTable(tree: ast.Module, options: SymbolTableOptions): SymbolTable {
  const scopeOf = new Map<ast.ASTNode, Scope>();
  const module = newScope('module', '<module>', tree, undefined);
  scopeOf.set(tree, module);
  const builder = new Builder(scopeOf, options.evaluatesAnnotations);
  builder.body(module, tree.body);
  markInlined(module, options.inlineComprehensions);
  resolve(module);
  return { module, scopeOf };
}

/**
 * Which comprehensions run inline: not generator expressions, and (3.13, `symtable.c`) not one
 * that can see a class scope, nor one containing a scope of its own (not simulated inline here).
 */
function markInlined(scope: Scope, inline: boolean): void {
  for (const child of scope.children) {
    child.inlinable = inline && child.kind === 'comprehension' && child.comprehensionKind !== 'genexpr' && scope.kind !== 'class' && child.children.length === 0;
    markInlined(child, inline);
  }
}

/** How `name` is accessed from `scope` (after resolution). */
export function accessOf(scope: Scope, name: string): NameAccess {
  if (scope.kind === 'module') return 'global';
  if (scope.declaredGlobal.has(name)) return 'global';
  if (scope.kind === 'class') {
    if (scope.frees.includes(name) && !scope.bound.has(name)) return 'free';
    return 'name';
  }
  if (scope.cells.has(name)) return 'cell';
  if (scope.frees.includes(name)) return 'free';
  if (scope.locals.includes(name)) return 'fast';
  return 'global';
}

class Builder {
  constructor(
    private readonly scopeOf: Map<ast.ASTNode, Scope>,
    private readonly evaluatesAnnotations: boolean,
  ) {}

  body(scope: Scope, stmts: readonly ast.StmtNode[]): void {
    for (const s of stmts) this.stmt(scope, s);
  }

  private bind(scope: Scope, name: string): void {
    scope.bound.add(name);
  }

  private stmt(scope: Scope, s: ast.StmtNode): void {
    switch (s.nodeType) {
      case 'FunctionDef':
      case 'AsyncFunctionDef': {
        for (const d of s.decorator_list) this.expr(scope, d);
        this.defaults(scope, s.args);
        if (this.evaluatesAnnotations) for (const a of annotationsOf(s)) this.expr(scope, a.value);
        this.bind(scope, s.name);
        const fn = newScope('function', s.name, s, scope);
        this.scopeOf.set(s, fn);
        this.params(fn, s.args);
        this.body(fn, s.body);
        break;
      }
      case 'ClassDef': {
        for (const d of s.decorator_list) this.expr(scope, d);
        for (const b of s.bases) this.expr(scope, b);
        for (const k of s.keywords) this.expr(scope, k.value);
        this.bind(scope, s.name);
        const cls = newScope('class', s.name, s, scope);
        this.scopeOf.set(s, cls);
        this.body(cls, s.body);
        break;
      }
      case 'Return':
        if (s.value) this.expr(scope, s.value);
        break;
      case 'Delete':
        for (const t of s.targets) this.target(scope, t);
        break;
      case 'Assign':
        this.expr(scope, s.value);
        for (const t of s.targets) this.target(scope, t);
        break;
      case 'AugAssign':
        this.expr(scope, s.value);
        if (s.target.nodeType === 'Name') {
          scope.used.add(s.target.id);
          this.bind(scope, s.target.id);
        } else this.target(scope, s.target);
        break;
      case 'AnnAssign':
        if (s.value) this.expr(scope, s.value);
        this.target(scope, s.target);
        if (this.evaluatesAnnotations) this.expr(scope, s.annotation);
        break;
      case 'For':
      case 'AsyncFor':
        this.expr(scope, s.iter);
        this.target(scope, s.target);
        this.body(scope, s.body);
        this.body(scope, s.orelse);
        break;
      case 'While':
        this.expr(scope, s.test);
        this.body(scope, s.body);
        this.body(scope, s.orelse);
        break;
      case 'If':
        this.expr(scope, s.test);
        this.body(scope, s.body);
        this.body(scope, s.orelse);
        break;
      case 'With':
      case 'AsyncWith':
        for (const item of s.items) {
          this.expr(scope, item.context_expr);
          if (item.optional_vars) this.target(scope, item.optional_vars);
        }
        this.body(scope, s.body);
        break;
      case 'Raise':
        if (s.exc) this.expr(scope, s.exc);
        if (s.cause) this.expr(scope, s.cause);
        break;
      case 'Try':
      case 'TryStar':
        this.body(scope, s.body);
        for (const h of s.handlers) {
          if (h.type) this.expr(scope, h.type);
          if (h.name) this.bind(scope, h.name);
          this.body(scope, h.body);
        }
        this.body(scope, s.orelse);
        this.body(scope, s.finalbody);
        break;
      case 'Assert':
        this.expr(scope, s.test);
        if (s.msg) this.expr(scope, s.msg);
        break;
      case 'Import':
        for (const a of s.names) this.bind(scope, a.asname ?? a.name.split('.')[0]);
        break;
      case 'ImportFrom':
        for (const a of s.names) this.bind(scope, a.asname ?? a.name);
        break;
      case 'Global':
        for (const n of s.names) scope.declaredGlobal.add(n);
        break;
      case 'Nonlocal':
        for (const n of s.names) scope.declaredNonlocal.add(n);
        break;
      case 'Expr':
        this.expr(scope, s.value);
        break;
      case 'Match':
        this.expr(scope, s.subject);
        for (const c of s.cases) this.body(scope, c.body);
        break;
      default:
        break;
    }
  }

  private defaults(scope: Scope, args: ast.Arguments): void {
    for (const d of args.defaults) this.expr(scope, d);
    for (const d of args.kw_defaults) if (d) this.expr(scope, d);
  }

  private params(fn: Scope, args: ast.Arguments): void {
    const all = [...args.posonlyargs, ...args.args];
    // co_varnames' order: positional, keyword-only, then *args and **kwargs.
    for (const a of all) fn.params.push(a.arg);
    for (const a of args.kwonlyargs) fn.params.push(a.arg);
    if (args.vararg) fn.params.push(args.vararg.arg);
    if (args.kwarg) fn.params.push(args.kwarg.arg);
    for (const p of fn.params) this.bind(fn, p);
  }

  private target(scope: Scope, t: ast.ExprNode): void {
    switch (t.nodeType) {
      case 'Name':
        this.bind(scope, t.id);
        break;
      case 'Tuple':
      case 'List':
        for (const e of t.elts) this.target(scope, e);
        break;
      case 'Starred':
        this.target(scope, t.value);
        break;
      case 'Attribute':
        this.expr(scope, t.value);
        break;
      case 'Subscript':
        this.expr(scope, t.value);
        this.expr(scope, t.slice);
        break;
      default:
        this.expr(scope, t);
    }
  }

  private comprehension(scope: Scope, node: ast.ExprNode, kind: NonNullable<Scope['comprehensionKind']>, generators: readonly ast.Comprehension[], elts: readonly ast.ExprNode[]): void {
    // The outermost iterable is evaluated in the enclosing scope.
    this.expr(scope, generators[0].iter);
    const comp = newScope('comprehension', `<${kind}>`, node, scope, kind);
    this.scopeOf.set(node, comp);
    comp.params.push('.0');
    comp.bound.add('.0');
    generators.forEach((g, i) => {
      if (i > 0) this.expr(comp, g.iter);
      this.target(comp, g.target);
      for (const cond of g.ifs) this.expr(comp, cond);
    });
    for (const e of elts) this.expr(comp, e);
    if (kind === 'genexpr') comp.generator = true;
  }

  expr(scope: Scope, e: ast.ExprNode | undefined | null): void {
    if (!e) return;
    switch (e.nodeType) {
      case 'Name':
        if (e.ctx.nodeType === 'Load') scope.used.add(e.id);
        else this.bind(scope, e.id);
        if (e.id === 'super' && e.ctx.nodeType === 'Load') markClassCell(scope);
        break;
      case 'NamedExpr': {
        this.expr(scope, e.value);
        // The target binds in the nearest enclosing non-comprehension scope.
        let s: Scope = scope;
        while (s.kind === 'comprehension' && s.parent) s = s.parent;
        if (e.target.nodeType === 'Name') {
          this.bind(s, e.target.id);
          if (s !== scope) scope.used.add(e.target.id);
        }
        break;
      }
      case 'Lambda': {
        this.defaults(scope, e.args);
        const fn = newScope('function', '<lambda>', e, scope);
        this.scopeOf.set(e, fn);
        this.params(fn, e.args);
        this.expr(fn, e.body);
        break;
      }
      case 'ListComp':
        this.comprehension(scope, e, 'listcomp', e.generators, [e.elt]);
        break;
      case 'SetComp':
        this.comprehension(scope, e, 'setcomp', e.generators, [e.elt]);
        break;
      case 'DictComp':
        this.comprehension(scope, e, 'dictcomp', e.generators, [e.key, e.value]);
        break;
      case 'GeneratorExp':
        this.comprehension(scope, e, 'genexpr', e.generators, [e.elt]);
        break;
      case 'Yield':
      case 'YieldFrom':
        scope.generator = true;
        this.expr(scope, e.value ?? undefined);
        break;
      default:
        for (const key of Object.keys(e)) {
          if (key === 'ctx') continue;
          const v = (e as unknown as Record<string, unknown>)[key];
          if (Array.isArray(v)) {
            for (const item of v) if (isNode(item)) this.child(scope, item);
          } else if (isNode(v)) this.child(scope, v);
        }
    }
  }

  private child(scope: Scope, n: ast.ASTNode): void {
    if (n.nodeType === 'Keyword') this.expr(scope, (n as ast.Keyword).value);
    else if (n.nodeType === 'Comprehension' || n.nodeType === 'Arguments') return;
    else this.expr(scope, n as ast.ExprNode);
  }
}

function isNode(v: unknown): v is ast.ASTNode {
  return typeof v === 'object' && v !== null && typeof (v as { nodeType?: unknown }).nodeType === 'string';
}

/** `super()` in a method: the method (and every scope up to the class) needs `__class__`. */
function markClassCell(scope: Scope): void {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.kind === 'function') {
      s.usesClassCell = true;
      return;
    }
  }
}

/** Resolves locals, cells and frees, innermost scopes first (their free names decide cells above). */
function resolve(scope: Scope): void {
  if (scope.kind === 'function' || scope.kind === 'comprehension') {
    const locals: string[] = [];
    const add = (n: string): void => {
      if (!locals.includes(n)) locals.push(n);
    };
    for (const p of scope.params) add(p);
    for (const n of scope.bound) if (!scope.declaredGlobal.has(n) && !scope.declaredNonlocal.has(n)) add(n);
    scope.locals = locals;
  }
  for (const child of scope.children) resolve(child);
  // A child's free names are this scope's cells (if it binds them) or this scope's frees too. An
  // inlined comprehension reads this scope's locals directly: they need no cell (PEP 709).
  const needed = new Set<string>();
  for (const child of scope.children) {
    for (const f of child.frees) {
      if (child.inlinable && (scope.kind === 'function' || scope.kind === 'comprehension') && scope.locals.includes(f)) continue;
      needed.add(f);
    }
  }
  // Names used here but bound in an enclosing function are free here.
  if (scope.kind !== 'module') {
    for (const n of scope.used) if (!isBoundHere(scope, n) && !scope.declaredGlobal.has(n)) needed.add(n);
    for (const n of scope.declaredNonlocal) needed.add(n);
  }
  for (const n of needed) {
    if ((scope.kind === 'function' || scope.kind === 'comprehension') && scope.locals.includes(n) && !scope.declaredNonlocal.has(n)) {
      scope.cells.add(n);
    } else if (scope.kind !== 'module' && !(scope.kind === 'class' && scope.bound.has(n) && !childNeeds(scope, n)) && enclosingFunctionBinds(scope, n)) {
      if (!scope.frees.includes(n)) scope.frees.push(n);
    }
  }
}

function childNeeds(scope: Scope, n: string): boolean {
  return scope.children.some((c) => c.frees.includes(n));
}

function isBoundHere(scope: Scope, n: string): boolean {
  return scope.bound.has(n) && !scope.declaredNonlocal.has(n);
}

function enclosingFunctionBinds(scope: Scope, n: string): boolean {
  for (let s = scope.parent; s; s = s.parent) {
    if (s.kind === 'module') return false;
    if (s.kind === 'class') continue;
    if (s.declaredGlobal.has(n)) return false;
    if (s.bound.has(n) || s.declaredNonlocal.has(n)) return true;
  }
  return false;
}
