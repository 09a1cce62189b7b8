/**
 * What the compiler needs to know about a module's annotations before it compiles them
 * (Profile.annotations says what each version makes of them):
 *
 *   - `from __future__ import …`: the features a module asks for, checked where CPython's
 *     future.c checks them (only at the top of the file, after the docstring and other future
 *     imports; a feature it does not know is a SyntaxError);
 *   - which bodies hold annotated assignments (compile.c's `find_ann`: the statement list and the
 *     blocks nested in it, not nested defs or classes), which makes SETUP_ANNOTATIONS run;
 *   - an annotation's text under `from __future__ import annotations` (the str constant it
 *     becomes, as `ast.unparse` writes it for the common forms).
 */
import { UnsupportedError } from './errors.js';
import { docstringOf, ELLIPSIS, PythonSyntaxError } from './parse.js';
import type { ast } from './parse.js';

/** The features `from __future__ import` accepts (Lib/__future__.py); all but `annotations` change nothing from 3.11 on. */
const FUTURE_FEATURES: ReadonlySet<string> = new Set([
  'nested_scopes', 'generators', 'division', 'absolute_import', 'with_statement', 'print_function',
  'unicode_literals', 'generator_stop', 'annotations',
]);

/** Whether `from __future__ import annotations` is in force, after checking every future import of the module. */
export function futureAnnotations(file: string, tree: ast.Module): boolean {
  let annotations = false;
  let atTop = true;
  const docstring = docstringOf(tree.body);
  tree.body.forEach((s) => {
    const isDocstring = docstring !== undefined && s === tree.body[0];
    const isFuture = s.nodeType === 'ImportFrom' && s.module === '__future__' && !s.level;
    if (!isFuture) {
      if (!isDocstring) atTop = false;
      return;
    }
    const at = (s as ast.Located).lineno ?? 1;
    const col = ((s as ast.Located).col_offset ?? 0) + 1;
    if (!atTop) throw new PythonSyntaxError(file, at, col, 'from __future__ imports must occur at the beginning of the file');
    for (const a of (s as ast.ImportFrom).names) {
      if (a.name === 'braces') throw new PythonSyntaxError(file, at, col, 'not a chance');
      if (a.name === 'barry_as_FLUFL') throw new UnsupportedError(file, at, col, "future feature 'barry_as_FLUFL' (the <> operator)");
      if (!FUTURE_FEATURES.has(a.name)) throw new PythonSyntaxError(file, at, col, `future feature ${a.name} is not defined`);
      if (a.name === 'annotations') annotations = true;
    }
  });
  return annotations;
}

/** The statement lists nested in a statement (a loop's body and else, a try's handlers…), not a def's or a class's. */
function nestedBlocks(s: ast.StmtNode): (readonly ast.StmtNode[])[] {
  switch (s.nodeType) {
    case 'For':
    case 'AsyncFor':
    case 'While':
    case 'If':
      return [s.body, s.orelse];
    case 'With':
    case 'AsyncWith':
      return [s.body];
    case 'Try':
    case 'TryStar':
      return [s.body, ...s.handlers.map((h) => h.body), s.orelse, s.finalbody];
    case 'Match':
      return s.cases.map((c) => c.body);
    default:
      return [];
  }
}

/** Every statement of a body and of the blocks nested in it, defs' and classes' bodies excluded (compile.c `find_ann`'s walk). */
function* bodyStatements(body: readonly ast.StmtNode[]): Generator<ast.StmtNode> {
  for (const s of body) {
    yield s;
    for (const block of nestedBlocks(s)) yield* bodyStatements(block);
  }
}

/** The annotated assignments of a body, nested blocks included, defs and classes not (compile.c `find_ann`). */
export function annotatedAssignments(body: readonly ast.StmtNode[]): ast.AnnAssign[] {
  return [...bodyStatements(body)].filter((s): s is ast.AnnAssign => s.nodeType === 'AnnAssign');
}

/** Whether a body defines, at its own level, a function with an annotation (3.14: its `__annotate__` reads the class dict). */
export function definesAnnotatedFunction(body: readonly ast.StmtNode[]): boolean {
  for (const s of bodyStatements(body)) {
    if ((s.nodeType === 'FunctionDef' || s.nodeType === 'AsyncFunctionDef') && annotationsOf(s).length > 0) return true;
  }
  return false;
}

/**
 * A def's annotations in the order MAKE_FUNCTION's tuple has them (compiler_visit_annotations):
 * the positional parameters, `*args`, the keyword-only ones, `**kwargs`, then `return`.
 */
export function annotationsOf(s: ast.FunctionDef | ast.AsyncFunctionDef): { readonly name: string; readonly value: ast.ExprNode }[] {
  const out: { name: string; value: ast.ExprNode }[] = [];
  const add = (a: ast.Arg | null | undefined): void => {
    if (a?.annotation) out.push({ name: a.arg, value: a.annotation });
  };
  const args = s.args;
  for (const a of [...args.args, ...args.posonlyargs]) add(a);
  add(args.vararg);
  for (const a of args.kwonlyargs) add(a);
  add(args.kwarg);
  if (s.returns) out.push({ name: 'return', value: s.returns });
  return out;
}

/** The names an annotation's expression reads. */
export function namesRead(e: ast.ExprNode, out = new Set<string>()): Set<string> {
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      n.forEach(visit);
      return;
    }
    const node = n as { nodeType?: string; id?: string };
    if (node.nodeType === 'Name' && typeof node.id === 'string') out.add(node.id);
    for (const [k, v] of Object.entries(n)) if (k !== 'parent' && typeof v === 'object') visit(v);
  };
  visit(e);
  return out;
}

const BINARY_SYMBOLS: Record<string, string> = {
  Add: '+', Sub: '-', Mult: '*', MatMult: '@', Div: '/', Mod: '%', Pow: '**', LShift: '<<', RShift: '>>',
  BitOr: '|', BitXor: '^', BitAnd: '&', FloorDiv: '//',
};

/**
 * An annotation as the str `from __future__ import annotations` makes of it (ast_unparse.c, the
 * forms annotations take: names, attributes, subscripts, `|`, constants, tuples, lists, calls).
 * The str is a code constant, made before anything runs, so a rarer form written differently
 * changes no measured figure.
 */
export function annotationText(e: ast.ExprNode, inSubscript = false): string {
  switch (e.nodeType) {
    case 'Name':
      return e.id;
    case 'Attribute':
      return `${annotationText(e.value)}.${e.attr}`;
    case 'Subscript':
      return `${annotationText(e.value)}[${annotationText(e.slice, true)}]`;
    case 'Constant':
      return constantText(e.value as unknown);
    case 'BinOp':
      return `${annotationText(e.left)} ${BINARY_SYMBOLS[e.op.nodeType] ?? '?'} ${annotationText(e.right)}`;
    case 'Tuple': {
      const items = e.elts.map((x) => annotationText(x));
      const inner = items.length === 1 ? `${items[0]},` : items.join(', ');
      return inSubscript && items.length > 0 ? inner : `(${inner})`;
    }
    case 'List':
      return `[${e.elts.map((x) => annotationText(x)).join(', ')}]`;
    case 'Call':
      return `${annotationText(e.func)}(${[...e.args.map((x) => annotationText(x)), ...e.keywords.map((k) => (k.arg ? `${k.arg}=${annotationText(k.value)}` : `**${annotationText(k.value)}`))].join(', ')})`;
    case 'Starred':
      return `*${annotationText(e.value)}`;
    case 'UnaryOp':
      return `${e.op.nodeType === 'USub' ? '-' : e.op.nodeType === 'UAdd' ? '+' : e.op.nodeType === 'Invert' ? '~' : 'not '}${annotationText(e.operand)}`;
    default:
      return e.nodeType;
  }
}

function constantText(v: unknown): string {
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === ELLIPSIS) return '...';
  return String(v);
}
