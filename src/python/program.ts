/**
 * A Python program as a lab workload. Two shapes (python-frontend.md, "The contract"):
 *
 *   twin-shaped  the module's `if __name__ == "__main__":` block calls
 *                `twin.main(NAME, VARIANTS, PARAMS, probes=(...), reports=(...))`. The module body
 *                (without that block) is the set-up; a variant is its function, called with the
 *                parameter dict as the measured body.
 *   plain        no `twin.main`: one variant, `main`, whose measured body is the whole module.
 *
 * What `twin.main` declares is read from the tree (literals, or names bound to literals at module
 * level), so `gclab list` and option checking need no run. A user's program is compiled for every
 * profile before anything runs: an unsupported construct is an error then. A built-in workload
 * (`builtInWorkload`) is a program in workloads/python/ with the registry's metadata beside it,
 * read and compiled only when a run needs it, for that run's profile.
 */
import { Heap } from '../heap/heap.js';
import type { Ref } from '../heap/layout.js';
import type { ProfileName } from '../heap/profiles.js';
import { PROFILES } from '../heap/profiles.js';
import type { ParamSpec, Params, TwinTolerance, Variant, Workload, WorkloadContext, WorkloadGroup } from '../lab/workload.js';
import { compileModule, methodNames, type CompiledModule } from './compile.js';
import { PythonException, UnsupportedError } from './errors.js';
import { docstringOf, parseModule } from './parse.js';
import { MODULE_NAMES } from './builtins.js';
import type { ast } from './parse.js';
import { libraryModule } from './library.js';
import { intLiteral, pyperfShape } from './pyperf-shape.js';
import { linkedCode, Runtime } from './runtime.js';

/** What `twin.main(...)` declares, or the plain script's single variant. */
export interface ProgramShape {
  readonly name: string;
  readonly description: string;
  /**
   * Variant name -> the module-level function it calls (undefined: the whole module body). A
   * variant given as a lambda in the `twin.main` call becomes a module-level function of its own
   * (`lambdas`), as the lambda object exists before the measured region on the real side too.
   */
  readonly variants: Readonly<Record<string, string | undefined>>;
  readonly lambdas: ReadonlyMap<string, ast.Lambda>;
  readonly params: Readonly<Record<string, number>>;
  readonly probes: readonly string[];
  readonly reports: readonly string[];
  /** The `if __name__ == "__main__":` statement the set-up leaves out. */
  readonly mainBlock: ast.StmtNode | undefined;
  /**
   * A pyperformance benchmark file (it imports pyperf and calls `bench_func` or `bench_time_func`
   * with literal names): its whole module, main block included, is the set-up, and a variant is
   * one call of the benchmark the lab's pyperf recorded under that name.
   */
  readonly pyperf?: boolean;
  /** A pyperf program that names some benchmark at run time: its variants are listed by running it. */
  readonly discoverVariants?: boolean;
}

export interface PythonProgram {
  readonly file: string;
  /** The program's own modules it imports (files beside it, by module name), loaded with it. */
  readonly modules: ReadonlyMap<string, PythonProgram>;
  readonly source: string;
  readonly tree: ast.Module;
  readonly shape: ProgramShape;
  /** Compiles (once) for a profile. Throws UnsupportedError. */
  compiled(profile: ProfileName): CompiledModule;
  /** Lines of source. */
  readonly lines: number;
  /** Parsing, compiling for every profile and making the JS functions, in ms (at load). */
  readonly compileMs: number;
}

/** Reads a program's file (undefined: there is none). */
export type SourceReader = (path: string) => string | undefined;

/**
 * Parses a program and reads its shape; loads the modules it imports from beside it (`import x`
 * finds `x.py` in the program's directory, as Python's path does for a script). By default it
 * compiles and links everything for every profile now, so errors come before anything runs; with
 * `compileEveryProfile: false`, each profile is compiled when a run first asks for it.
 */
export function loadProgram(
  source: string,
  file: string,
  readSource: SourceReader = () => undefined,
  options: { readonly compileEveryProfile?: boolean } = {},
): PythonProgram {
  const t0 = performance.now();
  const modules = new Map<string, PythonProgram>();
  const program = loadModule(source, file, readSource, modules, true);
  if (options.compileEveryProfile ?? true) {
    for (const p of [program, ...modules.values()]) for (const profile of Object.keys(PROFILES) as ProfileName[]) linkedCode(p.compiled(profile));
  }
  if (program.shape.discoverVariants) discoverBenchmarks(program);
  (program as { compileMs: number }).compileMs = performance.now() - t0;
  return program;
}

/** The heap a pyperf program's benchmarks are listed in: small, and on one profile (names do not depend on it). */
const DISCOVERY_HEAP_BYTES = 256 * 2 ** 20;

/**
 * The variants of a pyperf program that names benchmarks at run time: the names its run registers
 * with the lab's pyperf (module body and main block, default parameters, seed 1), as
 * `twin.py --pyperf FILE` would register them on a real interpreter. The shape gains them.
 */
function discoverBenchmarks(program: PythonProgram): void {
  const heap = new Heap({ profile: '3.11', heapBytes: DISCOVERY_HEAP_BYTES, startupObjects: 0 });
  let run: ProgramRun | undefined;
  const names: string[] = [];
  try {
    run = setUp(program, heap, undefined, {}, 1, '');
    const benchmarks = run.rt.moduleGlobal(run.rt.importModule('pyperf'), '_benchmarks');
    for (let ix = heap.dict.nextEntry(benchmarks, 0); ix >= 0; ix = heap.dict.nextEntry(benchmarks, ix + 1)) names.push(heap.str.read(heap.dict.entryKey(benchmarks, ix)));
    heap.decref(benchmarks);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UnsupportedError(program.file, 1, 1, `a benchmark named at run time: listing the benchmarks by running the program failed (${why})`);
  } finally {
    run?.rt.release();
  }
  if (names.length === 0) throw new UnsupportedError(program.file, 1, 1, 'a pyperf program that registers no benchmark when it runs');
  const variants = Object.fromEntries(names.map((n) => [n, n]));
  (program as { shape: ProgramShape }).shape = { ...program.shape, variants: { ...program.shape.variants, ...variants } };
}

function loadModule(source: string, file: string, readSource: SourceReader, modules: Map<string, PythonProgram>, main: boolean): PythonProgram {
  const tree = parseModule(source, file);
  // The program's own modules: every `import x` / `from x import …` with an x.py beside this file.
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  for (const name of importedModuleNames(tree)) {
    if (modules.has(name) || MODULE_NAMES.has(name)) continue;
    // Beside the program first (as on a real path), then the lab's library (its pyperf).
    let moduleFile = `${dir}${name}.py`;
    let text = readSource(moduleFile);
    if (text === undefined) {
      const library = libraryModule(name);
      if (library === undefined) continue;
      moduleFile = library.file;
      text = library.source;
    }
    modules.set(name, undefined as unknown as PythonProgram); // placeholder: imports may cycle
    modules.set(name, loadModule(text, moduleFile, readSource, modules, false));
  }
  const programModules = new Map<string, ReadonlySet<string>>();
  const programMethods = new Set<string>();
  for (const [name, m] of modules) {
    if (!m) continue;
    programModules.set(name, topLevelNames(m.tree));
    for (const method of methodNames(m.tree)) programMethods.add(method);
  }
  const shape = main ? readShape(tree, file) : moduleShape(file);
  if (main) checkTwinCalls(tree, file, shape);
  const cache = new Map<ProfileName, CompiledModule>();
  // The set-up: the module, its main block's statements but the twin.main call (they run before it
  // on the real side, e.g. gc.callbacks.append(...)), then the variants given as lambdas.
  const body: ast.StmtNode[] = [];
  for (const s of tree.body) {
    if (s !== shape.mainBlock) body.push(s);
    else body.push(...(s as ast.If).body.filter((t) => !isTwinMainCall(t)));
  }
  for (const [fn, lambda] of shape.lambdas) body.push(lambdaAssignment(fn, lambda));
  const setupTree: ast.Module = main ? { ...tree, body } : tree;
  const program = {
    file,
    modules,
    source,
    tree,
    shape,
    lines: source.split('\n').length - (source.endsWith('\n') ? 1 : 0),
    compileMs: 0,
    compiled(profile: ProfileName) {
      let c = cache.get(profile);
      if (!c) {
        c = compileModule(setupTree, { file, profile: PROFILES[profile], programModules, programMethods });
        cache.set(profile, c);
      }
      return c;
    },
  };
  return program;
}

/**
 * `twin.probe(NAME)` and `twin.report(NAME, …)` name what `twin.main` declares (on the real side an
 * undeclared name is a KeyError in the middle of the run), and a plain script calls neither, nor
 * `twin.main` anywhere but in its `if __name__ == "__main__":` block.
 */
function checkTwinCalls(tree: ast.Module, file: string, shape: ProgramShape): void {
  const fail = (n: ast.ASTNode, what: string): never => {
    throw new UnsupportedError(file, n.lineno ?? 1, (n.col_offset ?? 0) + 1, what);
  };
  const plain = shape.mainBlock === undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const node = n as ast.ASTNode;
    if (node.nodeType === 'Call') {
      const call = node as ast.Call;
      const f = call.func;
      if (f.nodeType === 'Attribute' && f.value.nodeType === 'Name' && f.value.id === 'twin') {
        const arg = call.args[0];
        const name = arg?.nodeType === 'Constant' && typeof arg.value === 'string' ? arg.value : undefined;
        if (f.attr === 'main' && plain) fail(call, 'twin.main(...) outside the `if __name__ == "__main__":` block');
        if (f.attr === 'probe' || f.attr === 'report') {
          const declared = f.attr === 'probe' ? shape.probes : shape.reports;
          if (plain) fail(call, `twin.${f.attr}() in a plain script (declare ${f.attr}s in twin.main(..., ${f.attr}s=(...)))`);
          if (name === undefined) fail(call, `twin.${f.attr}() with a name that is not a string literal`);
          if (!declared.includes(name as string)) fail(call, `twin.${f.attr}('${name}'): not declared in twin.main(..., ${f.attr}s=(${declared.map((d) => `'${d}'`).join(', ')}${declared.length === 1 ? ',' : ''}))`);
        }
      }
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) walk(v);
  };
  walk(tree.body);
}

/** Names of the modules a tree imports (anywhere in it). */
function importedModuleNames(tree: ast.Module): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const node = n as { nodeType?: string };
    if (node.nodeType === 'Import') for (const a of (node as ast.Import).names) out.push(a.name);
    if (node.nodeType === 'ImportFrom' && !(node as ast.ImportFrom).level) out.push((node as ast.ImportFrom).module ?? '');
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) walk(v);
  };
  walk(tree.body);
  return out;
}

/** The names a module binds at its top level (what `from it import x` may take). */
function topLevelNames(tree: ast.Module): Set<string> {
  const names = new Set<string>();
  const target = (t: ast.ExprNode): void => {
    if (t.nodeType === 'Name') names.add(t.id);
    else if (t.nodeType === 'Tuple' || t.nodeType === 'List') t.elts.forEach(target);
  };
  const walk = (stmts: readonly ast.StmtNode[]): void => {
    for (const s of stmts) {
      if (s.nodeType === 'FunctionDef' || s.nodeType === 'ClassDef') names.add(s.name);
      else if (s.nodeType === 'Assign') s.targets.forEach(target);
      else if (s.nodeType === 'AugAssign' || s.nodeType === 'AnnAssign') target(s.target);
      else if (s.nodeType === 'Import') for (const a of s.names) names.add(a.asname ?? a.name.split('.')[0]);
      else if (s.nodeType === 'ImportFrom') for (const a of s.names) names.add(a.asname ?? a.name);
      else if (s.nodeType === 'If' || s.nodeType === 'While' || s.nodeType === 'For') {
        walk(s.body);
        walk(s.orelse);
      } else if (s.nodeType === 'Try') {
        walk(s.body);
        for (const h of s.handlers) walk(h.body);
        walk(s.orelse);
        walk(s.finalbody);
      }
    }
  };
  walk(tree.body);
  return names;
}

/** An imported module: no variants of its own. */
function moduleShape(file: string): ProgramShape {
  const stem = (file.split(/[\\/]/).pop() ?? file).replace(/\.py$/, '');
  return { name: stem, description: '', variants: {}, lambdas: new Map(), params: {}, probes: [], reports: [], mainBlock: undefined };
}

/** What one run of a program holds between its set-up and its body. */
interface ProgramRun {
  readonly rt: Runtime;
  readonly host: LabHost;
  /** The parameter dict passed to the variant (made before the measured region, as twin.py's). */
  readonly params: Ref;
  /** The variant's module-level function (undefined: the whole module body is measured). */
  readonly fn: string | undefined;
  /** A pyperf program's variant: the name its benchmark was registered under (bench_func). */
  readonly benchmark?: string;
}

/**
 * The lab's view of a program. `name` is what runs and results call it; the variants' set-up runs
 * the module body on the run's heap, and their run calls the variant's function.
 */
export function programWorkload(program: PythonProgram, name: string): Workload {
  const { shape } = program;
  const variants: Record<string, Variant> = {};
  for (const [variantName, fn] of Object.entries(shape.variants)) {
    const description = shape.pyperf ? `one call of the benchmark '${variantName}' (bench_func)` : fn === undefined ? 'the whole module body' : `${fn}(p)`;
    variants[variantName] = programVariant(() => program, variantName, description);
  }
  const params: Record<string, ParamSpec> = {};
  for (const [p, value] of Object.entries(shape.params)) {
    const description = shape.pyperf ? `argparser argument --${p.replace(/_/g, '-')} (type=int)` : `twin.main parameter '${p}'`;
    params[p] = { description, default: value, min: Math.min(0, value), max: 2 ** 31 - 1 };
  }
  return {
    name,
    description: shape.description,
    group: 'user',
    variants,
    params,
    probes: shape.probes,
    reports: shape.reports,
    twin: program.file,
    module: program.file,
    startupAfterSetup: true,
    twinMode: shape.pyperf ? 'pyperf' : shape.mainBlock === undefined ? 'script' : 'main',
  };
}

/** A variant of a program (loaded by `program()` when a run's set-up needs it). */
function programVariant(program: () => PythonProgram, variant: string, description: string): Variant {
  return {
    description,
    setup: (heap: Heap, params?: Params, seed?: number): ProgramRun => {
      const loaded = program();
      // A pyperf program's variant is the benchmark of that name, not a function of its own.
      if (loaded.shape.pyperf) return setUp(loaded, heap, undefined, params ?? {}, seed ?? 1, variant);
      return setUp(loaded, heap, loaded.shape.variants[variant], params ?? {}, seed ?? 1);
    },
    run: (ctx: WorkloadContext, module: unknown) => runVariant(module as ProgramRun, ctx),
    release: (module: unknown) => (module as ProgramRun).rt.release(),
    work: (module: unknown) => (module as ProgramRun).rt.work(),
  };
}

/**
 * What the registry (workloads/index.ts) says of a built-in beside its program: what `gclab list`
 * shows and the lab checks options against, known without reading the program. Its variants,
 * parameters (names and defaults), probes and reports are the program's `twin.main(...)`
 * declaration, which is checked when the program is loaded.
 */
export interface BuiltInDeclaration {
  readonly name: string;
  /** The program's file in workloads/python/ (its own twin on the real interpreters). */
  readonly program: string;
  readonly group: Exclude<WorkloadGroup, 'user'>;
  readonly description: string;
  /** Each variant's description, in the order `twin.main` lists them. */
  readonly variants: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly probes?: readonly string[];
  readonly reports?: readonly string[];
  readonly testParams?: Params;
  readonly twinTolerance?: TwinTolerance;
}

/**
 * The built-in program loaded in this process (one at a time, by path). Only one is kept: the code
 * compiled for a profile stays bound to the heap it last ran on (the Runtime binds it, see
 * linkedCode in runtime.ts), so keeping every built-in loaded kept a dead heap alive per program
 * and profile (calibrating all of them on three interpreters held 48 GiB of address space, and
 * spawning the interpreter failed with ENOMEM). Loading one again costs a parse and a compile.
 */
let loadedBuiltIn: { readonly path: string; readonly program: PythonProgram } | undefined;

/**
 * A built-in workload: the program at `path` (the declaration's file), read, checked against the
 * declaration and parsed when a run's set-up needs it (and it is not the one loaded), and compiled
 * per profile as runs need them
 * (a user's program is compiled for every profile at once, to fail before anything runs; the
 * built-ins are known to compile, every one on every profile in the tests).
 */
export function builtInWorkload(declared: BuiltInDeclaration, path: string, readSource: SourceReader): Workload {
  const program = (): PythonProgram => {
    if (loadedBuiltIn?.path !== path) {
      const source = readSource(path);
      if (source === undefined) throw new Error(`built-in workload ${declared.name}: its program ${path} is missing`);
      const loaded = loadProgram(source, path, readSource, { compileEveryProfile: false });
      checkDeclaration(declared, loaded.shape, path);
      loadedBuiltIn = { path, program: loaded };
    }
    return loadedBuiltIn.program;
  };
  const variants: Record<string, Variant> = {};
  for (const [variant, description] of Object.entries(declared.variants)) variants[variant] = programVariant(program, variant, description);
  return {
    name: declared.name,
    description: declared.description,
    group: declared.group,
    variants,
    params: declared.params,
    probes: declared.probes ?? [],
    reports: declared.reports ?? [],
    testParams: declared.testParams,
    twinTolerance: declared.twinTolerance,
    twin: declared.program,
    startupAfterSetup: true,
    twinMode: 'main',
  };
}

/** A registry entry that does not say what its program declares is a bug in the registry: said here. */
function checkDeclaration(declared: BuiltInDeclaration, shape: ProgramShape, path: string): void {
  const list = (xs: readonly string[]): string => `(${xs.join(', ')})`;
  const differ = (what: string, registry: readonly string[], program: readonly string[]): void => {
    if (registry.join('\0') !== program.join('\0')) {
      throw new Error(`built-in workload ${declared.name}: the registry's ${what} ${list(registry)} are not its program's ${list(program)} (${path})`);
    }
  };
  differ('variants', Object.keys(declared.variants), Object.keys(shape.variants));
  differ('parameters', Object.keys(declared.params), Object.keys(shape.params));
  const defaults = (ps: Readonly<Record<string, number>>): string[] => Object.entries(ps).map(([k, v]) => `${k}=${v}`);
  differ('defaults', defaults(Object.fromEntries(Object.entries(declared.params).map(([k, p]) => [k, p.default]))), defaults(shape.params));
  differ('probes', declared.probes ?? [], shape.probes);
  differ('reports', declared.reports ?? [], shape.reports);
  if (shape.name !== declared.name) throw new Error(`built-in workload ${declared.name}: its program calls itself '${shape.name}' (${path})`);
}

/** The host the running program talks to: set per run by runVariant (probes belong to the lab's context). */
class LabHost {
  ctx: WorkloadContext | undefined;
  probe(name: string): void {
    this.ctx?.probe(name);
  }
  report(name: string, value: number): void {
    this.ctx?.report(name, value);
  }
  /** Output goes to the lab's run (the timed iterations keep none). */
  print(text: string): void {
    this.ctx?.print?.(text);
  }
}

function setUp(program: PythonProgram, heap: Heap, fn: string | undefined, params: Params, seed: number, benchmark?: string): ProgramRun {
  const twinShaped = fn !== undefined || benchmark !== undefined;
  const host = new LabHost();
  const profile = heap.profile.name;
  // A plain script runs as twin.py --script runs it: in a fresh dict made before the measured
  // region, {"__name__": "__main__", "__builtins__": …, "__file__": FILE} (the builtins module is
  // not simulated memory: None stands in for it), held from the roots as twin.py's frame holds it.
  let globals: Ref | undefined;
  if (!twinShaped) {
    heap.roots.init();
    globals = heap.dict.newDict();
    const main = heap.intern('__main__');
    const file = heap.newStr(program.file);
    heap.roots.setIn(globals, '__name__', main);
    heap.roots.setIn(globals, '__builtins__', heap.None);
    heap.roots.setIn(globals, '__file__', file);
    heap.decref(main);
    heap.decref(file);
    heap.roots.setIn(heap.roots.sysdict, '__gclab_script_globals__', globals);
    heap.decref(globals);
  }
  const rt = new Runtime(heap, program.compiled(profile), host, { resolveModule: (name) => program.modules.get(name)?.compiled(profile), globals });
  let p = 0;
  if (program.shape.pyperf) {
    // twin.py --pyperf: the lab's pyperf is imported first and given the run's parameters
    // (parse_args() returns them), then the program runs.
    const pyperf = rt.importModule('pyperf');
    const values = rt.moduleGlobal(pyperf, '_params');
    for (const [key, value] of Object.entries(params)) {
      const k = heap.intern(key);
      const v = heap.ints.fromValue(value);
      heap.dict.setItem(values, k, v);
      heap.decref(k);
      heap.decref(v);
    }
    heap.decref(values);
  }
  if (twinShaped) {
    rt.runModule();
    // twin.py: values = dict(params); values["seed"] = args.seed; values[key] = int(value)
    p = heap.dict.newDict();
    for (const [key, value] of [...Object.entries(params), ['seed', seed] as const]) {
      const k = heap.intern(key);
      const v = heap.ints.fromValue(value);
      heap.dict.setItem(p, k, v);
      heap.decref(k);
      heap.decref(v);
    }
  }
  return { rt, host, params: p, fn, benchmark };
}

/**
 * A module-level name of a program's run (the `module` its variant's set-up returned), as a borrowed
 * reference; 0 where the name is not bound. For looking at what a run left, as a debugger would.
 */
export function programGlobal(module: unknown, name: string): Ref {
  const { rt } = module as ProgramRun;
  const key = rt.H.intern(name);
  const value = rt.H.dict.getItem(rt.globals, key);
  rt.H.decref(key);
  return value;
}

function runVariant(run: ProgramRun, ctx: WorkloadContext): void {
  const { fn } = run;
  run.rt.resetWork();
  if (run.benchmark !== undefined) return runBenchmark(run, run.benchmark, ctx);
  run.host.ctx = ctx;
  const { rt } = run;
  const heap = rt.H;
  if (fn === undefined) {
    // twin.py --script exec()s the module's code inside the measured region, and PyEval_EvalCode
    // makes a function object for it (3.11+), alive while the body runs.
    const moduleFunction = heap.func(rt.globals);
    try {
      rt.runModule();
    } finally {
      heap.decref(moduleFunction);
    }
    return;
  }
  heap.incref(run.params);
  callInHarness(run, rt.globalFunction(fn), [run.params], HARNESS_FRAME_SLOTS.twin);
}

/**
 * The slots (co_nlocalsplus + co_stacksize) of twin.py's frames that call the measured code:
 * twin.main for a twin's variant, the `body` closure of pyperf mode (script mode's module code
 * has no frame of its own here, so its caller's size is not needed). A frame of the
 * measured code that outlives its call (a kept exception's traceback holds its frame object)
 * links its caller's frame object, made then (take_ownership), so its size is part of the
 * measured bytes. MEAS workloads/python/twin.py on 3.11.2, 3.12.1 and 3.13.0 (the same on each);
 * test/python-exception-classes.test.ts reads them off the real interpreters.
 */
export const HARNESS_FRAME_SLOTS = { twin: 45, pyperf: 6 } as const;

/**
 * The measured call `f(*args)` (f and args new references, consumed), made as the harness makes
 * it: twin.main's frame holds the parameter dict (`values`) while it runs, a root.
 */
function callInHarness(run: ProgramRun, f: Ref, args: Ref[], harnessSlots: number): void {
  const { rt } = run;
  const heap = rt.H;
  const mainFrame = heap.roots.pushFrame(1, harnessSlots);
  heap.incref(run.params);
  mainFrame.locals[0] = run.params;
  try {
    heap.decref(rt.call(0, f, args));
  } catch (err) {
    throw rt.uncaught(err);
  } finally {
    heap.roots.popFrame();
  }
}

/**
 * A pyperf benchmark's one measured call, as twin.py --pyperf makes it: `func(*args)` of what
 * bench_func recorded (bench_time_func: `func(1, *args)`, one loop), the parameter dict held by
 * the harness's frame as for a twin.
 */
function runBenchmark(run: ProgramRun, name: string, ctx: WorkloadContext): void {
  run.host.ctx = ctx;
  const { rt } = run;
  const heap = rt.H;
  const pyperf = rt.importModule('pyperf');
  const benchmarks = rt.moduleGlobal(pyperf, '_benchmarks');
  const key = heap.intern(name);
  const entry = heap.dict.getItem(benchmarks, key);
  heap.decref(key);
  heap.decref(benchmarks);
  if (entry === 0) throw new PythonException('KeyError', `the program did not register the benchmark '${name}' (runner.bench_func) when it ran`);
  const func = heap.tupleItem(entry, 0);
  const args = heap.tupleItem(entry, 1);
  const loops = heap.tupleItem(entry, 2);
  const callArgs: Ref[] = loops === heap.None ? [] : [loops];
  for (let i = 0; i < heap.tupleLength(args); i++) callArgs.push(heap.tupleItem(args, i));
  heap.incref(func);
  for (const a of callArgs) heap.incref(a);
  callInHarness(run, func, callArgs, HARNESS_FRAME_SLOTS.pyperf);
}

// ---- reading the shape ------------------------------------------------------------------------

function readShape(tree: ast.Module, file: string): ProgramShape {
  const description = docstring(tree) ?? '';
  const stem = (file.split(/[\\/]/).pop() ?? file).replace(/\.py$/, '');
  const mainBlock = tree.body.find(isMainBlock);
  const call = mainBlock ? findTwinMain(mainBlock as ast.If) : undefined;
  const pyperf = call ? undefined : pyperfShape(tree, file);
  if (pyperf) return { name: stem.replace(/_/g, '-').toLowerCase(), description, lambdas: new Map(), probes: [], reports: [], mainBlock, ...pyperf, pyperf: true };
  if (!call) {
    return { name: stem.replace(/_/g, '-').toLowerCase(), description, variants: { main: undefined }, lambdas: new Map(), params: {}, probes: [], reports: [], mainBlock: undefined };
  }
  const literals = moduleLiterals(tree);
  const where = (n: ast.ASTNode): [number, number] => [n.lineno ?? 1, (n.col_offset ?? 0) + 1];
  const fail = (n: ast.ASTNode, what: string): never => {
    const [line, col] = where(n);
    throw new UnsupportedError(file, line, col, what);
  };
  const resolve = (e: ast.ExprNode | undefined): ast.ExprNode | undefined => (e && e.nodeType === 'Name' ? (literals.get(e.id) ?? e) : e);
  const arg = (i: number, kw: string): ast.ExprNode | undefined => resolve(call.args[i] ?? call.keywords.find((k) => k.arg === kw)?.value);
  const nameArg = arg(0, 'workload');
  if (!nameArg || nameArg.nodeType !== 'Constant' || typeof nameArg.value !== 'string') return fail(call, 'twin.main(): the workload name must be a string literal');
  const variantsArg = arg(1, 'variants');
  if (!variantsArg || variantsArg.nodeType !== 'Dict') return fail(call, 'twin.main(): the variants must be a dict literal {"name": function}');
  const variants: Record<string, string> = {};
  const lambdas = new Map<string, ast.Lambda>();
  variantsArg.keys.forEach((k, i) => {
    const v = variantsArg.values[i];
    if (!k || k.nodeType !== 'Constant' || typeof k.value !== 'string') return fail(v, 'twin.main(): each variant must be "name": function');
    if (v.nodeType === 'Name') variants[k.value] = v.id;
    else if (v.nodeType === 'Lambda') {
      const fn = `<variant ${k.value}>`;
      variants[k.value] = fn;
      lambdas.set(fn, v);
    } else fail(v, 'twin.main(): each variant must be a function name or a lambda');
  });
  const paramsArg = arg(2, 'params');
  const params: Record<string, number> = {};
  if (paramsArg) {
    if (paramsArg.nodeType !== 'Dict') return fail(paramsArg, 'twin.main(): the parameters must be a dict literal {"name": int}');
    paramsArg.keys.forEach((k, i) => {
      const v = paramsArg.values[i];
      const value = intLiteral(v);
      if (!k || k.nodeType !== 'Constant' || typeof k.value !== 'string' || value === undefined) return fail(v, 'twin.main(): each parameter must be "name": integer literal');
      params[k.value] = value;
    });
  }
  const strings = (e: ast.ExprNode | undefined, what: string): string[] => {
    if (!e) return [];
    if (e.nodeType !== 'Tuple' && e.nodeType !== 'List') return fail(e, `twin.main(): ${what} must be a tuple of string literals`);
    return e.elts.map((x) => (x.nodeType === 'Constant' && typeof x.value === 'string' ? x.value : fail(x, `twin.main(): ${what} must be string literals`)));
  };
  return {
    name: nameArg.value,
    description,
    variants,
    lambdas,
    params,
    probes: strings(arg(3, 'probes'), 'probes'),
    reports: strings(arg(4, 'reports'), 'reports'),
    mainBlock,
  };
}

/** `NAME = <lambda>` at module level, where the lambda is in the source. */
function lambdaAssignment(name: string, lambda: ast.Lambda): ast.StmtNode {
  const at = { lineno: lambda.lineno, col_offset: lambda.col_offset, end_lineno: lambda.end_lineno, end_col_offset: lambda.end_col_offset };
  const target = { nodeType: 'Name', id: name, ctx: { nodeType: 'Store' }, ...at } as unknown as ast.ExprNode;
  return { nodeType: 'Assign', targets: [target], value: lambda, ...at } as unknown as ast.StmtNode;
}

/** The module docstring's first paragraph, on one line: the program's description. */
function docstring(tree: ast.Module): string | undefined {
  const constant = docstringOf(tree.body);
  return constant === undefined ? undefined : (constant.value as string).trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ');
}

function isMainBlock(s: ast.StmtNode): boolean {
  if (s.nodeType !== 'If') return false;
  const t = s.test;
  return (
    t.nodeType === 'Compare' &&
    t.left.nodeType === 'Name' &&
    t.left.id === '__name__' &&
    t.ops.length === 1 &&
    t.ops[0].nodeType === 'Eq' &&
    t.comparators[0].nodeType === 'Constant' &&
    t.comparators[0].value === '__main__'
  );
}

function findTwinMain(block: ast.If): ast.Call | undefined {
  const s = block.body.find(isTwinMainCall);
  return s === undefined ? undefined : ((s as ast.Expr).value as ast.Call);
}

function isTwinMainCall(s: ast.StmtNode): boolean {
  if (s.nodeType !== 'Expr' || s.value.nodeType !== 'Call') return false;
  const f = s.value.func;
  return f.nodeType === 'Attribute' && f.attr === 'main' && f.value.nodeType === 'Name' && f.value.id === 'twin';
}

/** Module-level `NAME = <literal>` assignments (for twin.main arguments given by name). */
function moduleLiterals(tree: ast.Module): Map<string, ast.ExprNode> {
  const out = new Map<string, ast.ExprNode>();
  for (const s of tree.body) {
    if (s.nodeType === 'Assign' && s.targets.length === 1 && s.targets[0].nodeType === 'Name') out.set(s.targets[0].id, s.value);
  }
  return out;
}
