/**
 * User-defined workloads: where a command takes a workload name it also takes the path of a
 * module (`.js`, `.mjs` or `.ts`) whose default export (or export `workload`) is a workload with
 * the built-ins' API. The module is loaded once per process (the CLI's, and each worker's, from
 * the path the run's spec carries) and checked before anything runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { Workload } from './workload.js';
import { isBuiltIn } from './registry.js';
import { loadProgram, programWorkload } from '../python/program.js';
import { PythonSyntaxError } from '../python/parse.js';
import { UnsupportedError } from '../python/errors.js';

/**
 * stdout carries what gclab prints (one JSON document with --json), so what a user workload logs
 * with console.log, console.info or console.debug goes to stderr. gclab itself never logs with them.
 * Called once by the CLI and by each worker, before any workload module is loaded.
 */
export function sendWorkloadLogsToStderr(): void {
  console.log = console.info = console.debug = console.error;
}

const byName = new Map<string, Workload>();
const byPath = new Map<string, Workload>();

/** Whether a command-line workload argument is a module path rather than a name. */
export function isWorkloadPath(arg: string): boolean {
  return arg.includes('/') || arg.includes('\\') || /\.(m?js|m?ts|py)$/.test(arg);
}

/**
 * A command-line workload argument as a workload name: a built-in's name as it is, a module path
 * loaded (and checked) first.
 */
export async function workloadArgument(arg: string): Promise<string> {
  return isWorkloadPath(arg) ? (await loadUserWorkload(arg)).name : arg;
}

/** A user workload loaded in this process, by name. */
export function findUserWorkload(name: string): Workload | undefined {
  return byName.get(name);
}

/** The twin's path: next to the workload module for a user workload, in workloads/python/ for a built-in. */
export function userTwinPath(workload: Workload): string | undefined {
  if (!workload.module || !workload.twin) return undefined;
  return isAbsolute(workload.twin) ? workload.twin : resolve(dirname(workload.module), workload.twin);
}

/**
 * Loads, checks and registers the workload module at `path` (a built-in's name is taken). Throws a
 * UsageError (one line) for a missing file, a module that fails to load, or an export that is not
 * a valid workload.
 */
export async function loadUserWorkload(path: string): Promise<Workload> {
  const abs = resolve(path);
  const known = byPath.get(abs);
  if (known) return known;
  if (!existsSync(abs)) throw new UsageError(`no workload module at '${path}'`);
  if (abs.endsWith('.py')) return registerProgram(abs, path);
  let exports: Record<string, unknown>;
  try {
    const url = pathToFileURL(abs).href;
    // TypeScript goes through tsx's loader, scoped to this import; JavaScript is imported as is.
    if (/\.m?ts$/.test(abs)) {
      const { tsImport } = await import('tsx/esm/api');
      exports = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else {
      exports = (await import(url)) as Record<string, unknown>;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UsageError(`cannot load workload module '${path}': ${message}`);
  }
  const candidate = workloadExport(exports);
  const problem = workloadProblem(candidate);
  if (problem) throw new UsageError(`'${path}' does not export a valid workload: ${problem} (see docs/workloads.md, "Your own workloads")`);
  const workload: Workload = { ...(candidate as Workload), group: 'user', module: abs };
  if (isBuiltIn(workload.name)) throw new UsageError(`'${path}' defines workload '${workload.name}', a built-in's name; choose another`);
  const other = byName.get(workload.name);
  if (other && other.module !== abs) throw new UsageError(`workload '${workload.name}' is already defined by '${other.module}'`);
  byName.set(workload.name, workload);
  byPath.set(abs, workload);
  return workload;
}

/**
 * The workload a module exports: its default export, or its export `workload`. A `.ts` file outside a
 * `"type": "module"` package loads as CommonJS, whose whole `module.exports` is then the default
 * export: the workload sits one level down.
 */
function workloadExport(exports: Record<string, unknown>): Partial<Workload> | undefined {
  const direct = exports.default ?? exports.workload;
  const commonJs = isObject(exports.default) && !('name' in exports.default) ? exports.default : undefined;
  return (commonJs ? (commonJs.default ?? commonJs.workload ?? direct) : direct) as Partial<Workload> | undefined;
}

/**
 * A Python program (`.py`): parsed, checked and compiled for every profile now, so a syntax error
 * or an unsupported construct is one line before anything runs. Its name is the one its
 * `twin.main` declares (a plain script's file name); where that is a built-in's name, as for the
 * built-ins' own twins, the program is `NAME.py`.
 */
function registerProgram(abs: string, path: string): Workload {
  let program;
  try {
    program = loadProgram(readFileSync(abs, 'utf8'), path, (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined));
  } catch (err) {
    if (err instanceof PythonSyntaxError || err instanceof UnsupportedError) throw new UsageError(err.message);
    throw err;
  }
  sources.set(path, program.source);
  sources.set(abs, program.source);
  for (const m of program.modules.values()) sources.set(m.file, m.source);
  filesByPath.set(abs, [{ file: abs, source: program.source }, ...[...program.modules.values()].map((m) => ({ file: resolve(m.file), source: m.source }))]);
  const declared = program.shape.name;
  const name = isBuiltIn(declared) || byName.has(declared) ? `${declared}.py` : declared;
  const other = byName.get(name);
  if (other && other.module !== abs) throw new UsageError(`workload '${name}' is already defined by '${other.module}'`);
  const workload = programWorkload(program, name);
  programInfos.set(name, { file: path, lines: program.lines, compileMs: Math.round(program.compileMs * 10) / 10 });
  const registered: Workload = { ...workload, module: abs, twin: abs };
  byName.set(name, registered);
  byPath.set(abs, registered);
  return registered;
}

/** What loading a Python program took: its lines, and parse + compile (every profile) + link, in ms. */
export interface ProgramInfo {
  readonly file: string;
  readonly lines: number;
  readonly compileMs: number;
}

const programInfos = new Map<string, ProgramInfo>();

/** The load figures of a Python program workload this process loaded, by workload name. */
export function programInfo(name: string): ProgramInfo | undefined {
  return programInfos.get(name);
}

/** The source text of a Python program this process loaded (by the path its traceback names). */
export function programSource(file: string): string | undefined {
  return sources.get(file);
}

const sources = new Map<string, string>();

/** The files of a Python program this process loaded: its main file, then the modules it imports (absolute paths). */
export function programFiles(abs: string): readonly { readonly file: string; readonly source: string }[] {
  const files = filesByPath.get(abs);
  if (!files) throw new Error(`no Python program loaded from '${abs}'`);
  return files;
}

const filesByPath = new Map<string, readonly { readonly file: string; readonly source: string }[]>();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** What is wrong with a would-be workload, or undefined if nothing. */
export function workloadProblem(w: unknown): string | undefined {
  if (!isObject(w)) return 'no default export (or export named workload) that is an object';
  if (typeof w.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(w.name)) return 'name must be lower-case letters, digits and dashes';
  if (typeof w.description !== 'string') return 'description must be a string';
  if (!isObject(w.variants) || Object.keys(w.variants).length === 0) return 'variants must name at least one variant';
  for (const [name, v] of Object.entries(w.variants)) {
    if (!isObject(v) || typeof v.run !== 'function') return `variant '${name}' needs a run(ctx, module) function`;
    if (v.setup !== undefined && typeof v.setup !== 'function') return `variant '${name}': setup must be a function`;
    if (typeof v.description !== 'string') return `variant '${name}' needs a description`;
  }
  if (!isObject(w.params)) return 'params must be an object (possibly empty)';
  for (const [name, p] of Object.entries(w.params)) {
    if (!isObject(p)) return `param '${name}' must be {description, default, min, max}`;
    const { default: d, min, max } = p;
    if (![d, min, max].every((x) => Number.isSafeInteger(x))) return `param '${name}': default, min and max must be integers`;
    if (!((min as number) <= (d as number) && (d as number) <= (max as number))) return `param '${name}': default ${d} is outside ${min}..${max}`;
  }
  if (!Array.isArray(w.probes) || !w.probes.every((p) => typeof p === 'string')) return 'probes must be an array of names (possibly empty)';
  if (w.reports !== undefined && (!Array.isArray(w.reports) || !w.reports.every((p) => typeof p === 'string'))) return 'reports must be an array of names';
  if (w.twin !== undefined && typeof w.twin !== 'string') return "twin must be the Python twin's path (relative to the module)";
  return undefined;
}
