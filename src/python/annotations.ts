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
import { ELLIPSIS, PythonSyntaxError } from './parse.js';
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
  tree.body.forEach((s, i) => {
    const isDocstring = i === 0 && s.nodeType === 'Expr' && s.value.nodeType === 'Constant' && typeof s.value.value === 'string';
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

/** The annotated assignments of a body, nested blocks included, defs and classes not (compile.c `find_ann`). */
export function annotatedAssignments(body: readonly ast.StmtNode[]): ast.AnnAssign[] {
  const out: ast.AnnAssign[] = [];
  const walk = (stmts: readonly ast.StmtNode[] | undefined): void => {
    for (const s of stmts ?? []) {
      switch (s.nodeType) {
        case 'AnnAssign':
          out.push(s);
          break;
        case 'For':
        case 'AsyncFor':
        case 'While':
        case 'If':
          walk(s.body);
          walk(s.orelse);
          break;
        case 'With':
        case 'AsyncWith':
          walk(s.body);
          break;
        case 'Try':
        case 'TryStar':
          walk(s.body);
          for (const h of s.handlers) walk(h.body);
          walk(s.orelse);
          walk(s.finalbody);
          break;
        case 'Match':
          for (const c of s.cases) walk(c.body);
          break;
        default:
          break;
      }
    }
  };
  walk(body);
  return out;
}

/** Whether a body defines, at its own level, a function with an annotation (3.14: its `__annotate__` reads the class dict). */
export function definesAnnotatedFunction(body: readonly ast.StmtNode[]): boolean {
  const walk = (stmts: readonly ast.StmtNode[] | undefined): boolean =>
    (stmts ?? []).some((s) => {
      switch (s.nodeType) {
        case 'FunctionDef':
        case 'AsyncFunctionDef':
          return hasAnnotations(s as ast.FunctionDef);
        case 'For':
        case 'While':
        case 'If':
          return walk(s.body) || walk(s.orelse);
        case 'With':
          return walk(s.body);
        case 'Try':
          return walk(s.body) || s.handlers.some((h) => walk(h.body)) || walk(s.orelse) || walk(s.finalbody);
        default:
          return false;
      }
    });
  return walk(body);
}

function hasAnnotations(s: ast.FunctionDef): boolean {
  const a = s.args;
  return s.returns != null || [...a.posonlyargs, ...a.args, ...a.kwonlyargs, a.vararg, a.kwarg].some((p) => p?.annotation != null);
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
