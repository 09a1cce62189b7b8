/**
 * The one module that knows the parser: py-ast (pinned exactly in package.json), which produces
 * CPython's `ast` shape and positions. Everything else imports the tree's types from here.
 * test/python-parse.test.ts checks the result against the real interpreter's `ast` over every
 * Python file in the repository and a corpus of tricky literals.
 *
 * py-ast's known slips are corrected from the source text at the constant's position, so the
 * tree's constants are unambiguous Python values:
 *   int      -> bigint (py-ast gives a number for `2.` and `1000.0` too, and for most ints)
 *   float    -> number
 *   complex  -> Complex {real: 0, imag} (an imaginary literal; `1+2j` is a BinOp, as in CPython)
 *   str      -> string (decoded again from the source: py-ast leaves `\N{...}` as written)
 *   bytes    -> Uint8Array (py-ast gives a str)
 *   ...      -> ELLIPSIS (py-ast gives the string '...')
 *   None, True, False -> null, true, false
 *
 * and, where py-ast's shape is not CPython's:
 *   non-ASCII identifiers are NFKC-normalised, as CPython stores them (`ｗｉｄｔｈ` is `width`)
 *   `a[*b]`'s slice is Tuple([Starred]), not a bare Starred
 *   AnnAssign's `simple` is 0 for a parenthesised name (`(y): int`)
 * Node names are CPython's class names except py-ast's Alias, Arg, Arguments, Comprehension,
 * Keyword, MatchCase and WithItem (CPython's alias, arg, arguments, ...); py-ast also adds
 * `comments`, `quote_style` and the like, which CPython has not.
 *
 * The source is normalised first as CPython reads it: a leading BOM dropped, `\r\n` and `\r` as
 * `\n`, and form feeds on otherwise blank lines (old-style page breaks, which py-ast rejects)
 * read as spaces, column for column.
 *
 * A named escape `\N{BULLET}` would need Unicode's name table, which JavaScript lacks: it is refused
 * with PythonUnsupportedError rather than kept as the wrong string.
 */
import { parse } from 'py-ast';
import type * as pyast from 'py-ast';

/**
 * The tree's types. py-ast declares an interface for every node but exports only some of them
 * by name, so each node type is picked out of its union here by `nodeType`.
 */
export declare namespace ast {
  type ASTNode = pyast.ASTNode;
  type ASTNodeUnion = pyast.ASTNodeUnion;
  type Located = pyast.Located;
  type ExprNode = pyast.ExprNode;
  type StmtNode = pyast.StmtNode;
  type ExprContextNode = pyast.ExprContextNode;
  type BoolOpNode = pyast.BoolOpNode;
  type OperatorNode = pyast.OperatorNode;
  type UnaryOpNode = pyast.UnaryOpNode;
  type CmpOpNode = pyast.CmpOpNode;
  type ModuleNode = Node<'Module' | 'Interactive' | 'Expression' | 'FunctionType'>;
  type PatternNode = Node<'MatchValue' | 'MatchSingleton' | 'MatchSequence' | 'MatchMapping' | 'MatchClass' | 'MatchStar' | 'MatchAs' | 'MatchOr'>;
  type TypeParamNode = Node<'TypeVar' | 'ParamSpec' | 'TypeVarTuple'>;
  type Module = Node<'Module'>;
  type Interactive = Node<'Interactive'>;
  type Expression = Node<'Expression'>;
  type FunctionType = Node<'FunctionType'>;
  type FunctionDef = Node<'FunctionDef'>;
  type AsyncFunctionDef = Node<'AsyncFunctionDef'>;
  type ClassDef = Node<'ClassDef'>;
  type Return = Node<'Return'>;
  type Delete = Node<'Delete'>;
  type Assign = Node<'Assign'>;
  type TypeAlias = Node<'TypeAlias'>;
  type AugAssign = Node<'AugAssign'>;
  type AnnAssign = Node<'AnnAssign'>;
  type For = Node<'For'>;
  type AsyncFor = Node<'AsyncFor'>;
  type While = Node<'While'>;
  type If = Node<'If'>;
  type With = Node<'With'>;
  type AsyncWith = Node<'AsyncWith'>;
  type Match = Node<'Match'>;
  type Raise = Node<'Raise'>;
  type Try = Node<'Try'>;
  type TryStar = Node<'TryStar'>;
  type Assert = Node<'Assert'>;
  type Import = Node<'Import'>;
  type ImportFrom = Node<'ImportFrom'>;
  type Global = Node<'Global'>;
  type Nonlocal = Node<'Nonlocal'>;
  type Expr = Node<'Expr'>;
  type Pass = Node<'Pass'>;
  type Break = Node<'Break'>;
  type Continue = Node<'Continue'>;
  type Comment = Node<'Comment'>;
  type BoolOp = Node<'BoolOp'>;
  type NamedExpr = Node<'NamedExpr'>;
  type BinOp = Node<'BinOp'>;
  type UnaryOp = Node<'UnaryOp'>;
  type Lambda = Node<'Lambda'>;
  type IfExp = Node<'IfExp'>;
  type Dict = Node<'Dict'>;
  type Set = Node<'Set'>;
  type ListComp = Node<'ListComp'>;
  type SetComp = Node<'SetComp'>;
  type DictComp = Node<'DictComp'>;
  type GeneratorExp = Node<'GeneratorExp'>;
  type Await = Node<'Await'>;
  type Yield = Node<'Yield'>;
  type YieldFrom = Node<'YieldFrom'>;
  type Compare = Node<'Compare'>;
  type Call = Node<'Call'>;
  type FormattedValue = Node<'FormattedValue'>;
  type Interpolation = Node<'Interpolation'>;
  type JoinedStr = Node<'JoinedStr'>;
  type TemplateStr = Node<'TemplateStr'>;
  type Constant = Node<'Constant'>;
  type Attribute = Node<'Attribute'>;
  type Subscript = Node<'Subscript'>;
  type Starred = Node<'Starred'>;
  type Name = Node<'Name'>;
  type List = Node<'List'>;
  type Tuple = Node<'Tuple'>;
  type Slice = Node<'Slice'>;
  type Load = Node<'Load'>;
  type Store = Node<'Store'>;
  type Del = Node<'Del'>;
  type And = Node<'And'>;
  type Or = Node<'Or'>;
  type Add = Node<'Add'>;
  type Sub = Node<'Sub'>;
  type Mult = Node<'Mult'>;
  type MatMult = Node<'MatMult'>;
  type Div = Node<'Div'>;
  type Mod = Node<'Mod'>;
  type Pow = Node<'Pow'>;
  type LShift = Node<'LShift'>;
  type RShift = Node<'RShift'>;
  type BitOr = Node<'BitOr'>;
  type BitXor = Node<'BitXor'>;
  type BitAnd = Node<'BitAnd'>;
  type FloorDiv = Node<'FloorDiv'>;
  type Invert = Node<'Invert'>;
  type Not = Node<'Not'>;
  type UAdd = Node<'UAdd'>;
  type USub = Node<'USub'>;
  type Eq = Node<'Eq'>;
  type NotEq = Node<'NotEq'>;
  type Lt = Node<'Lt'>;
  type LtE = Node<'LtE'>;
  type Gt = Node<'Gt'>;
  type GtE = Node<'GtE'>;
  type Is = Node<'Is'>;
  type IsNot = Node<'IsNot'>;
  type In = Node<'In'>;
  type NotIn = Node<'NotIn'>;
  type MatchValue = Node<'MatchValue'>;
  type MatchSingleton = Node<'MatchSingleton'>;
  type MatchSequence = Node<'MatchSequence'>;
  type MatchMapping = Node<'MatchMapping'>;
  type MatchClass = Node<'MatchClass'>;
  type MatchStar = Node<'MatchStar'>;
  type MatchAs = Node<'MatchAs'>;
  type MatchOr = Node<'MatchOr'>;
  type TypeVar = Node<'TypeVar'>;
  type ParamSpec = Node<'ParamSpec'>;
  type TypeVarTuple = Node<'TypeVarTuple'>;
  type Comprehension = Node<'Comprehension'>;
  type ExceptHandler = Node<'ExceptHandler'>;
  type Arguments = Node<'Arguments'>;
  type Arg = Node<'Arg'>;
  type Keyword = Node<'Keyword'>;
  type Alias = Node<'Alias'>;
  type WithItem = Node<'WithItem'>;
  type MatchCase = Node<'MatchCase'>;
}
type Node<K extends string> = Extract<pyast.ASTNodeUnion, { nodeType: K }>;

/** A body's docstring: its first statement when that is a str constant, as CPython takes it. */
export function docstringOf(body: readonly ast.StmtNode[]): ast.Constant | undefined {
  const first = body[0];
  return first?.nodeType === 'Expr' && first.value.nodeType === 'Constant' && typeof first.value.value === 'string' ? first.value : undefined;
}

/** The value of the `...` constant. */
export const ELLIPSIS: unique symbol = Symbol('Ellipsis');

/** An imaginary literal's value (`2.5j` is {real: 0, imag: 2.5}). */
export interface Complex {
  real: number;
  imag: number;
}

export type ConstantValue = bigint | number | string | Uint8Array | boolean | null | typeof ELLIPSIS | Complex;

/** A syntax error with the parser's message and its place (line 1-based, column 1-based, in characters). */
export class PythonSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: SyntaxError: ${detail}`);
    this.name = 'PythonSyntaxError';
  }
}

/** Valid Python that this parser cannot represent faithfully (a PythonSyntaxError, so callers report it the same way). */
export class PythonUnsupportedError extends PythonSyntaxError {
  constructor(file: string, line: number, col: number, detail: string) {
    super(file, line, col, detail);
    this.message = `${file}:${line}:${col}: not supported: ${detail}`;
    this.name = 'PythonUnsupportedError';
  }
}

/** Parses a module's source. Throws PythonSyntaxError with the parser's message and position. */
export function parseModule(text: string, file: string): ast.Module {
  // CPython's universal newlines, also inside string literals; its tokenizer drops a BOM.
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const source = new SourceText(normalised, file);
  let tree: ast.Module;
  try {
    // One character for one, so positions hold for both texts; string values are read from `normalised`.
    tree = parse(normalised.replace(/^[ \t\f]*\f[ \t\f]*$/gm, (line) => line.replace(/\f/g, ' ')), { filename: file });
  } catch (err) {
    throw syntaxError(err, source);
  }
  fixTree(tree, source);
  return tree;
}

/** py-ast's error as a PythonSyntaxError: its position is on the error or, for the lexer's, only in the message. */
function syntaxError(err: unknown, source: SourceText): PythonSyntaxError {
  const e = err as { message?: string; lineno?: number; col_offset?: number };
  const m = /^([\s\S]*?) at line (\d+)(?:, column (\d+))?$/.exec(String(e.message ?? err));
  const detail = m ? m[1] : String(e.message ?? err);
  const line = e.lineno ?? (m ? Number(m[2]) : 1);
  const byteCol = e.col_offset ?? (m?.[3] !== undefined ? Number(m[3]) : 0);
  return new PythonSyntaxError(source.file, line, source.column(line, byteCol) + 1, detail);
}

/** Line starts and UTF-8 byte columns -> string offsets (py-ast's columns are UTF-8 bytes, as CPython's). */
class SourceText {
  private readonly lineStarts: number[] = [0];
  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  /** The string offset of (1-based line, UTF-8 byte column). */
  offset(line: number, byteCol: number): number {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    let bytes = 0;
    let i = start;
    while (bytes < byteCol && i < this.text.length) {
      const c = this.text.codePointAt(i) as number;
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      i += c >= 0x10000 ? 2 : 1;
    }
    return i;
  }
  /** The 0-based character column of (1-based line, UTF-8 byte column). */
  column(line: number, byteCol: number): number {
    return this.offset(line, byteCol) - (this.lineStarts[line - 1] ?? this.text.length);
  }
  /** The (1-based line, 1-based character column) of a string offset. */
  place(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.lineStarts[lo] + 1 };
  }
  /** The string offsets a node spans. */
  span(node: ast.Located): [number, number] {
    const from = this.offset(node.lineno, node.col_offset);
    return [from, this.offset(node.end_lineno ?? node.lineno, node.end_col_offset ?? node.col_offset)];
  }
}

/** Identifier fields: CPython stores identifiers NFKC-normalised (`ｗｉｄｔｈ` is `width`), py-ast as written. */
const IDENTIFIER_FIELDS = new Set(['id', 'attr', 'name', 'asname', 'arg', 'module', 'names', 'rest', 'kwd_attrs']);

/** Corrects the tree in place: constants, identifiers, `a[*b]`'s slice and AnnAssign's `simple`. */
function fixTree(node: unknown, source: SourceText): void {
  if (Array.isArray(node)) {
    for (const item of node) fixTree(item, source);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as { nodeType?: string } & Record<string, unknown>;
  if (n.nodeType === 'Constant') {
    fixConstant(n as unknown as ast.Constant, source);
    return;
  }
  if (n.nodeType === 'JoinedStr') {
    fixJoinedStr(n as unknown as ast.JoinedStr, source);
    return;
  }
  if (n.nodeType === 'Subscript') {
    // CPython (3.11+) wraps a lone starred subscript in a tuple: `a[*b]` is `a[(*b,)]`.
    const sub = n as unknown as ast.Subscript;
    if (sub.slice.nodeType === 'Starred') {
      const star = sub.slice;
      const { lineno, col_offset, end_lineno, end_col_offset } = star;
      (sub as { slice: unknown }).slice = { nodeType: 'Tuple', elts: [star], ctx: { nodeType: 'Load' }, lineno, col_offset, end_lineno, end_col_offset };
    }
  }
  if (n.nodeType === 'AnnAssign') {
    // `simple` is 1 only for a bare name: `(y): int` is not simple.
    const a = n as unknown as ast.AnnAssign;
    const opens = source.text[source.offset(a.lineno, a.col_offset)] === '(';
    a.simple = a.target.nodeType === 'Name' && !opens ? 1 : 0;
  }
  for (const key of Object.keys(n)) {
    const v = n[key];
    if (typeof v === 'object' && v !== null) fixTree(v, source);
    else if (typeof v === 'string' && IDENTIFIER_FIELDS.has(key) && /[^\x00-\x7f]/.test(v)) n[key] = v.normalize('NFKC');
    if (Array.isArray(v) && IDENTIFIER_FIELDS.has(key)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string' && /[^\x00-\x7f]/.test(v[i])) v[i] = (v[i] as string).normalize('NFKC');
    }
  }
}

/** py-ast decodes the literal parts of an f-string right, except `\N{...}`; the expressions inside hold ordinary constants. */
function fixJoinedStr(s: ast.JoinedStr, source: SourceText): void {
  const [from, to] = source.span(s as unknown as ast.Located);
  // The replacement fields `{...}` (whose nested quotes may be the literal's own, from 3.12).
  const fields = s.values.filter((v) => v.nodeType === 'FormattedValue').map((v) => source.span(v as unknown as ast.Located));
  forEachLiteral(source, from, to, fields, (lit) => {
    if (!lit.raw) for (const [a, b] of lit.segments) findNamedEscape(source, a, b);
  });
  fixFormattedValues(s, source);
}

/** The expressions inside an f-string and inside its format specs. */
function fixFormattedValues(s: ast.JoinedStr, source: SourceText): void {
  for (const v of s.values) {
    if (v.nodeType !== 'FormattedValue') continue;
    fixTree(v.value, source);
    if (v.format_spec) fixFormattedValues(v.format_spec as ast.JoinedStr, source);
  }
}

function fixConstant(c: ast.Constant, source: SourceText): void {
  const v: unknown = c.value;
  const [from, to] = source.span(c);
  const text = source.text.slice(from, to);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const digits = text.replace(/_/g, '');
    c.value = isFloatLiteral(digits) ? Number(digits) : BigInt(digits);
  } else if (typeof v === 'object' && v !== null && 'imag' in v) {
    (c as { value: unknown }).value = { real: 0, imag: Number(text.replace(/_/g, '').slice(0, -1)) } satisfies Complex;
  } else if (typeof v === 'string') {
    if (text === '...' && v === '...') (c as { value: unknown }).value = ELLIPSIS;
    else (c as { value: unknown }).value = stringValue(source, from, to);
  }
}

function isFloatLiteral(text: string): boolean {
  if (/^0[xob]/i.test(text)) return false;
  return /[.eE]/.test(text);
}

interface Literal {
  raw: boolean;
  bytes: boolean;
  /** The first character of the literal (its prefix). */
  start: number;
  /** Between the quotes. */
  bodyStart: number;
  bodyEnd: number;
  /** The body's literal text: all of it, or for an f-string the stretches between replacement fields. */
  segments: [number, number][];
}

/**
 * Calls `each` for every string literal in an implicit concatenation spanning [from, to): the
 * literals may be separated by whitespace, line continuations and (inside brackets) comments.
 * `fields` are the f-strings' replacement fields, in order, skipped whole.
 */
function forEachLiteral(source: SourceText, from: number, to: number, fields: [number, number][], each: (lit: Literal) => void): void {
  const text = source.text;
  let field = 0;
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\\') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < to && text[i] !== '\n') i++;
      continue;
    }
    const m = /^([A-Za-z]{0,2})('''|"""|'|")/.exec(text.slice(i, i + 5));
    if (!m) throw new Error(`${source.file}: no string literal at offset ${i} (parser positions out of step)`);
    const prefix = m[1].toLowerCase();
    const quote = m[2];
    const bodyStart = i + m[0].length;
    const segments: [number, number][] = [];
    let segment = bodyStart;
    let j = bodyStart;
    while (j < to && !text.startsWith(quote, j)) {
      while (field < fields.length && fields[field][0] < j) field++;
      if (field < fields.length && fields[field][0] === j) {
        segments.push([segment, j]);
        j = segment = fields[field][1];
        continue;
      }
      // Even in a raw literal a backslash keeps the next character (a quote, say) in the body.
      j += text[j] === '\\' ? 2 : 1;
    }
    segments.push([segment, j]);
    each({ raw: prefix.includes('r'), bytes: prefix.includes('b'), start: i, bodyStart, bodyEnd: j, segments });
    i = j + quote.length;
  }
}

/** The value of a (possibly implicitly concatenated) str or bytes literal spanning [from, to). */
function stringValue(source: SourceText, from: number, to: number): string | Uint8Array {
  const parts: string[] = [];
  let bytes = false;
  forEachLiteral(source, from, to, [], (lit) => {
    bytes = lit.bytes;
    const body = source.text.slice(lit.bodyStart, lit.bodyEnd);
    if (lit.bytes && /[^\x00-\x7f]/.test(body)) {
      const at = source.place(lit.start);
      throw new PythonSyntaxError(source.file, at.line, at.col, 'bytes can only contain ASCII literal characters');
    }
    parts.push(lit.raw ? body : unescape(source, lit));
  });
  const value = parts.join('');
  if (!bytes) return value;
  // Each char is one byte: ASCII, or an escape's value (octal escapes wrap, as CPython's do).
  return Uint8Array.from(value, (ch) => ch.charCodeAt(0) & 0xff);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** A non-raw literal's body with its escapes decoded (for bytes, each char one byte value). */
function unescape(source: SourceText, lit: Literal): string {
  const text = source.text;
  let out = '';
  let i = lit.bodyStart;
  const fail = (at: number, what: string): never => {
    const p = source.place(at);
    throw new PythonSyntaxError(source.file, p.line, p.col, `(unicode error) ${what}`);
  };
  while (i < lit.bodyEnd) {
    const backslash = text.indexOf('\\', i);
    if (backslash < 0 || backslash >= lit.bodyEnd) {
      out += text.slice(i, lit.bodyEnd);
      break;
    }
    out += text.slice(i, backslash);
    const e = text[backslash + 1];
    i = backslash + 2;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e >= '0' && e <= '7') {
      const oct = /^[0-7]{1,3}/.exec(text.slice(backslash + 1, backslash + 4))![0];
      out += String.fromCodePoint(parseInt(oct, 8));
      i = backslash + 1 + oct.length;
    } else if (e === 'x' || (!lit.bytes && (e === 'u' || e === 'U'))) {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = text.slice(i, i + n);
      if (hex.length < n || !/^[0-9a-fA-F]+$/.test(hex) || i + n > lit.bodyEnd) fail(backslash, `truncated \\${e} escape`);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) fail(backslash, 'illegal Unicode character');
      out += String.fromCodePoint(code);
      i += n;
    } else if (e === 'N' && !lit.bytes) {
      if (text[i] !== '{') fail(backslash, 'malformed \\N character escape');
      findNamedEscape(source, backslash, lit.bodyEnd);
    } else {
      // An unknown escape (`\q`, `\8`; `\u` in bytes) keeps its backslash.
      out += '\\';
      i = backslash + 1;
    }
  }
  return out;
}

/** Refuses the first `\N{...}` escape in a non-raw literal body [from, to). */
function findNamedEscape(source: SourceText, from: number, to: number): void {
  const text = source.text;
  for (let i = from; i < to; i++) {
    if (text[i] !== '\\') continue;
    if (text[i + 1] === 'N' && text[i + 2] === '{') {
      const p = source.place(i);
      const end = text.indexOf('}', i);
      const escape = text.slice(i, end < 0 ? i + 3 : end + 1);
      throw new PythonUnsupportedError(source.file, p.line, p.col, `the named escape ${escape} (no Unicode name table here: write the character or its \\u/\\U escape)`);
    }
    i++; // `\\N` is a backslash and an N
  }
}
