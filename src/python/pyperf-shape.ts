/**
 * The shape of a pyperformance benchmark file, read from its tree: the benchmarks it registers
 * (`runner.bench_func("name", fn, *args)` / `bench_time_func`, anywhere in the module; a name
 * computed at run time is listed by running the program, program.ts) are its variants, and the int arguments of `runner.argparser.add_argument`
 * (`type=int` with a literal default, or a module-level name bound to one) are its parameters,
 * by dest (`--rng-seed` -> rng_seed). The lab's pyperf (workloads/python/lib/pyperf.py) records
 * the benchmarks when the program runs and gives parse_args() the run's values.
 */
import type { ast } from './parse.js';
import { UnsupportedError } from './errors.js';

const BENCH_METHODS: ReadonlySet<string> = new Set(['bench_func', 'bench_time_func']);

/**
 * The variants and parameters of a pyperf-shaped program, or undefined if it is not one. A
 * benchmark registered under a name computed at run time (`runner.bench_time_func(name, ...)` in
 * a loop over a table) makes `discoverVariants` true: the variants are then the names the
 * program registers when it runs (program.ts, discoverBenchmarks).
 */
export function pyperfShape(tree: ast.Module, file: string): { variants: Record<string, string>; params: Record<string, number>; discoverVariants: boolean } | undefined {
  if (!importsPyperf(tree)) return undefined;
  const literals = new Map<string, number>();
  for (const s of tree.body) {
    if (s.nodeType !== 'Assign' || s.targets.length !== 1 || s.targets[0].nodeType !== 'Name') continue;
    const v = intLiteral(s.value);
    if (v !== undefined) literals.set(s.targets[0].id, v);
  }
  const variants: Record<string, string> = {};
  const params: Record<string, number> = {};
  let discoverVariants = false;
  for (const call of calls(tree)) {
    if (call.func.nodeType !== 'Attribute') continue;
    const first = call.args[0];
    if (BENCH_METHODS.has(call.func.attr)) {
      if (first === undefined) throw new UnsupportedError(file, call.lineno ?? 1, (call.col_offset ?? 0) + 1, `${call.func.attr}() without a name`);
      if (first.nodeType === 'Constant' && typeof first.value === 'string') variants[first.value] = first.value;
      else discoverVariants = true;
    } else if (call.func.attr === 'add_argument' && first?.nodeType === 'Constant' && typeof first.value === 'string' && first.value.startsWith('-')) {
      const type = call.keywords.find((k) => k.arg === 'type')?.value;
      const given = call.keywords.find((k) => k.arg === 'default')?.value;
      if (type?.nodeType !== 'Name' || type.id !== 'int' || given === undefined) continue;
      const value = given.nodeType === 'Name' ? literals.get(given.id) : intLiteral(given);
      if (value !== undefined) params[first.value.replace(/^-+/, '').replace(/-/g, '_')] = value;
    }
  }
  return Object.keys(variants).length > 0 || discoverVariants ? { variants, params, discoverVariants } : undefined;
}

function importsPyperf(tree: ast.Module): boolean {
  return tree.body.some((s) => s.nodeType === 'Import' && s.names.some((a) => a.name === 'pyperf'));
}

/** Every call in the module, in source order. */
function calls(tree: ast.Module): ast.Call[] {
  const out: ast.Call[] = [];
  const walk = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    const node = n as { nodeType?: string };
    if (node.nodeType === 'Call') out.push(n as ast.Call);
    for (const [k, v] of Object.entries(n)) if (k !== 'parent' && typeof v === 'object') walk(v);
  };
  walk(tree.body);
  return out;
}

/** An int literal's value (`5`, `-5`), else undefined. */
export function intLiteral(e: ast.ExprNode): number | undefined {
  if (e.nodeType === 'Constant' && typeof e.value === 'bigint') return Number(e.value);
  if (e.nodeType === 'UnaryOp' && e.op.nodeType === 'USub' && e.operand.nodeType === 'Constant' && typeof e.operand.value === 'bigint') return -Number(e.operand.value);
  return undefined;
}
