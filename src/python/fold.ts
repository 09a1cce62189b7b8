/**
 * CPython's constant folding (`Python/ast_opt.c`, the same results on 3.11–3.14): a unary or
 * binary operation on constants is replaced by its value before compilation, so `x ** -1.5`,
 * `1 / 999` and `2 ** 31` load a constant instead of computing (and allocating) at run time.
 * What CPython declines to fold stays an operation: a result that would be large (an int of more
 * than 128 bits, a string of more than 4096 characters), an operation that raises (division by
 * zero, a negative shift), `%` on a string. Folding runs on the parsed tree in place; it is
 * idempotent, so a tree compiled once per profile is folded once in effect.
 */
import type { ast, ConstantValue } from './parse.js';
import { floatFloorDiv, floatMod } from './float-math.js';

/** `MAX_INT_SIZE`, `MAX_STR_SIZE` of ast_opt.c. */
const MAX_INT_BITS = 128n;
const MAX_STR_SIZE = 4096;

/** Folds every foldable operation in `tree` (in place). */
export function foldConstants(tree: ast.Module): void {
  visit(tree as unknown as Record<string, unknown>);
}

function visit(node: Record<string, unknown>): void {
  for (const key of Object.keys(node)) {
    const child = node[key];
    if (Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) {
        if (isNode(child[i])) child[i] = foldedOrSelf(child[i] as Record<string, unknown>);
      }
    } else if (isNode(child)) node[key] = foldedOrSelf(child as Record<string, unknown>);
  }
}

function isNode(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { nodeType?: unknown }).nodeType === 'string';
}

/** The node with its children folded, or the constant it folds to. */
function foldedOrSelf(node: Record<string, unknown>): Record<string, unknown> {
  visit(node);
  let value: ConstantValue | undefined;
  if (node.nodeType === 'UnaryOp') {
    const e = node as unknown as ast.UnaryOp;
    if (e.operand.nodeType === 'Constant') value = unary(e.op.nodeType, e.operand.value as ConstantValue);
  } else if (node.nodeType === 'BinOp') {
    const e = node as unknown as ast.BinOp;
    if (e.left.nodeType === 'Constant' && e.right.nodeType === 'Constant') value = binary(e.op.nodeType, e.left.value as ConstantValue, e.right.value as ConstantValue);
  }
  if (value === undefined) return node;
  return { nodeType: 'Constant', value, kind: null, lineno: node.lineno, col_offset: node.col_offset, end_lineno: node.end_lineno, end_col_offset: node.end_col_offset };
}

type Num = bigint | number;

/** An int (bool as 0/1) or float operand, or undefined for anything else. */
function number(v: ConstantValue): Num | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return undefined;
}

function bits(n: bigint): bigint {
  return BigInt((n < 0n ? -n : n).toString(2).length) - (n === 0n ? 1n : 0n);
}

function unary(op: string, v: ConstantValue): ConstantValue | undefined {
  if (op === 'Not') return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || v === null ? !truthy(v) : undefined;
  const n = number(v);
  if (n === undefined) return undefined;
  if (op === 'USub') return typeof n === 'bigint' ? -n : -(n as number);
  if (op === 'UAdd') return n;
  if (op === 'Invert') return typeof n === 'bigint' ? -n - 1n : undefined;
  return undefined;
}

function truthy(v: ConstantValue): boolean {
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  return v === true;
}

function binary(op: string, a: ConstantValue, b: ConstantValue): ConstantValue | undefined {
  if (typeof a === 'string' || typeof b === 'string') return stringOp(op, a, b);
  const x = number(a);
  const y = number(b);
  if (x === undefined || y === undefined) return undefined;
  if (typeof x === 'bigint' && typeof y === 'bigint') return intOp(op, x, y);
  return floatOp(op, Number(x), Number(y), typeof x === 'bigint' ? x : undefined, typeof y === 'bigint' ? y : undefined);
}

function stringOp(op: string, a: ConstantValue, b: ConstantValue): ConstantValue | undefined {
  if (op === 'Add' && typeof a === 'string' && typeof b === 'string') return a.length + b.length <= MAX_STR_SIZE ? a + b : undefined;
  if (op !== 'Mult') return undefined;
  const [s, n] = typeof a === 'string' ? [a, number(b)] : [b as string, number(a)];
  if (typeof n !== 'bigint' || typeof s !== 'string') return undefined;
  if (n <= 0n) return '';
  return BigInt(s.length) * n <= BigInt(MAX_STR_SIZE) ? s.repeat(Number(n)) : undefined;
}

function intOp(op: string, x: bigint, y: bigint): ConstantValue | undefined {
  switch (op) {
    case 'Add':
      return x + y;
    case 'Sub':
      return x - y;
    case 'Mult':
      return x !== 0n && y !== 0n && bits(x) + bits(y) > MAX_INT_BITS ? undefined : x * y;
    case 'FloorDiv': {
      if (y === 0n) return undefined;
      const q = x / y;
      return (x % y !== 0n && x < 0n !== y < 0n) ? q - 1n : q;
    }
    case 'Mod': {
      if (y === 0n) return undefined;
      const r = x % y;
      return r !== 0n && r < 0n !== y < 0n ? r + y : r;
    }
    case 'Div':
      // Exact operands give the correctly rounded quotient; larger ones are left to run time.
      if (y === 0n || bits(x) > 53n || bits(y) > 53n) return undefined;
      return Number(x) / Number(y);
    case 'Pow':
      if (y < 0n) return x === 0n || bits(x) > 53n ? undefined : Number(x) ** Number(y);
      if (x !== 0n && y > 0n && bits(x) * y > MAX_INT_BITS) return undefined;
      return x ** y;
    case 'LShift':
      if (y < 0n) return undefined;
      if (x !== 0n && (y > MAX_INT_BITS || bits(x) > MAX_INT_BITS - y)) return undefined;
      return x << y;
    case 'RShift':
      return y < 0n ? undefined : x >> y;
    case 'BitAnd':
      return x & y;
    case 'BitOr':
      return x | y;
    case 'BitXor':
      return x ^ y;
    default:
      return undefined;
  }
}

/** A float operation (an int operand exact in `xi`/`yi`, for the cases that need it). */
function floatOp(op: string, x: number, y: number, xi: bigint | undefined, yi: bigint | undefined): ConstantValue | undefined {
  // An int too large for a double is left to run time (CPython would raise OverflowError or round).
  if ((xi !== undefined && bits(xi) > 53n) || (yi !== undefined && bits(yi) > 53n)) return undefined;
  switch (op) {
    case 'Add':
      return x + y;
    case 'Sub':
      return x - y;
    case 'Mult':
      return x * y;
    case 'Div':
      return y === 0 ? undefined : x / y;
    case 'FloorDiv':
      return y === 0 ? undefined : floatFloorDiv(x, y);
    case 'Mod':
      return y === 0 ? undefined : floatMod(x, y);
    case 'Pow': {
      // 0.0 ** negative raises; a negative base to a fractional power is complex: not folded.
      if ((x === 0 && y < 0) || (x < 0 && !Number.isInteger(y))) return undefined;
      const r = x ** y;
      return Number.isFinite(r) || !Number.isFinite(x) || !Number.isFinite(y) ? r : undefined;
    }
    default:
      return undefined;
  }
}
