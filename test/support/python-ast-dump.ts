/**
 * The TypeScript half of test/support/ast_dump.py: the same canonical JSON from gclab's parser
 * (src/python/parse.ts), and a comparison that names the first place two dumps differ.
 *
 * CPython's schema (each class's fields and position attributes, printed by ast_dump.py) decides
 * which properties of a py-ast node are read, so py-ast's extras (`quote_style`, `inlineComment`,
 * `comments`, `type_params` on 3.11, a Module's position, ...) drop out without a list of them,
 * and a field py-ast lacks shows up as a difference rather than passing unseen.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ELLIPSIS } from '../../src/python/parse.js';

/** Class name -> [fields, position attributes], as CPython's `ast` has them. */
export type Schema = Record<string, [string[], string[]]>;

export interface PythonDump {
  version: string;
  schema: Schema;
  files: { path: string; tree?: unknown; error?: { msg: string; lineno: number | null; offset: number | null } }[];
}

/** py-ast's node names that are not CPython's class names. */
const CPYTHON_NAME: Record<string, string> = {
  Alias: 'alias',
  Arg: 'arg',
  Arguments: 'arguments',
  Comprehension: 'comprehension',
  Keyword: 'keyword',
  MatchCase: 'match_case',
  WithItem: 'withitem',
};

/** `$PYTHON`, else `python3` on PATH, with its version; undefined when there is none that runs. */
export function findPython(): { path: string; version: string } | undefined {
  const named = process.env.PYTHON;
  const candidates = named ? [named] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'python3'));
  for (const path of candidates) {
    if (path.includes('/') && !existsSync(path)) continue;
    try {
      const version = execFileSync(path, ['-c', 'import ast, sys; print("%d.%d.%d" % sys.version_info[:3])'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
      }).trim();
      return { path, version };
    } catch {
      // not a working interpreter: try the next
    }
  }
  return undefined;
}

/** Runs ast_dump.py once over all the paths (given on stdin: there may be many). */
export function pythonDump(python: string, paths: string[]): PythonDump {
  const script = join(import.meta.dirname, 'ast_dump.py');
  const out = execFileSync(python, [script], { input: paths.join('\n'), encoding: 'utf8', maxBuffer: 1 << 30 });
  const dump = JSON.parse(out) as PythonDump;
  for (const f of dump.files) if (f.tree !== undefined) f.tree = normaliseFloats(f.tree);
  return dump;
}

/** A float as JS formats it, so that Python's `1e+100`/`inf` and JS's `1e+100`/`Infinity` meet by value. */
function jsFloat(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function pyFloat(repr: string): number {
  if (repr === 'inf') return Infinity;
  if (repr === '-inf') return -Infinity;
  if (repr === 'nan') return NaN;
  return Number(repr);
}

/** Python's float reprs rewritten as JS would print the same value. */
function normaliseFloats(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normaliseFloats);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.float === 'string' && Object.keys(o).length === 1) return { float: jsFloat(pyFloat(o.float)) };
  if (Array.isArray(o.complex) && Object.keys(o).length === 1) return { complex: (o.complex as string[]).map((r) => jsFloat(pyFloat(r))) };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = normaliseFloats(o[k]);
  return out;
}

function constant(v: unknown): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (v === ELLIPSIS) return { ellipsis: true };
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'number') return { float: jsFloat(v) };
  if (typeof v === 'string') return { str: v };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (typeof v === 'object' && v !== null && 'imag' in v) {
    const c = v as { real: number; imag: number };
    return { complex: [jsFloat(c.real), jsFloat(c.imag)] };
  }
  return { unexpected: String(v) };
}

/** Counts what the canonical dump covered. */
export interface Tally {
  nodes: number;
}

/** The canonical dump of an adapter tree, reading from each node only CPython's fields and positions. */
export function canonical(v: unknown, schema: Schema, tally: Tally = { nodes: 0 }): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, schema, tally));
  if (v === undefined) return null; // py-ast leaves absent optional fields (format_spec, returns, ...) out
  if (typeof v !== 'object' || v === null) return v;
  const n = v as Record<string, unknown> & { nodeType?: string };
  if (typeof n.nodeType !== 'string') return { notANode: Object.keys(n) };
  tally.nodes++;
  const type = CPYTHON_NAME[n.nodeType] ?? n.nodeType;
  const out: Record<string, unknown> = { _type: type };
  const shape = schema[type];
  if (!shape) return { ...out, unknownToCPython: true };
  const [fields, attributes] = shape;
  for (const f of fields) out[f] = type === 'Constant' && f === 'value' ? constant(n.value) : canonical(n[f], schema, tally);
  for (const a of attributes) out[a] = n[a] ?? null;
  return out;
}

/** The first place two JSON-like values differ, as `body[3].value.args[0]`, with both sides; undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): { path: string; left: unknown; right: unknown } | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length !== b.length) return { path: `${path}.length`, left: a.length, right: b.length };
    return undefined;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    // Constants of different kinds ({int} and {float}, say): both whole, here.
    const keys = Object.keys(ao);
    if (keys.length !== Object.keys(bo).length || keys.some((k) => !(k in bo))) return { path: path || '(root)', left: a, right: b };
    // The node's type first: a wrong node explains the rest of its differences.
    for (const k of [...new Set(['_type', ...keys])]) {
      if (!(k in ao)) continue;
      const d = firstDifference(ao[k], bo[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return { path: path || '(root)', left: a, right: b };
}

const POSITIONS = ['lineno', 'col_offset', 'end_lineno', 'end_col_offset'];

/**
 * Drops, in place, the positions CPython 3.11 gives an f-string's parts: each Constant and
 * FormattedValue directly in a JoinedStr, and each format spec's JoinedStr, which 3.11 places at
 * the whole string (or its first literal) rather than at the part. Returns how many nodes lost them.
 */
export function dropFStringPartPositions(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + dropFStringPartPositions(x), 0);
  if (typeof v !== 'object' || v === null) return 0;
  const o = v as Record<string, unknown>;
  let dropped = 0;
  const drop = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const a of POSITIONS) delete (node as Record<string, unknown>)[a];
    dropped++;
  };
  if (o._type === 'JoinedStr') for (const part of o.values as Record<string, unknown>[]) drop(part);
  if (o._type === 'FormattedValue') drop(o.format_spec);
  for (const k of Object.keys(o)) dropped += dropFStringPartPositions(o[k]);
  return dropped;
}
