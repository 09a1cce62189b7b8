/**
 * The lab's library modules: Python source files the lab provides (workloads/python/lib/), such
 * as its pyperf. A program that imports one, with no file of that name beside it, gets it compiled
 * into the simulated program as one of its own modules; on a real interpreter `twin.py` puts the
 * same directory first on the path, so both sides run the same code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LIBRARY_MODULES: ReadonlySet<string> = new Set(['pyperf']);

/** workloads/python/lib/ (from sources and from dist/). */
export function libraryDir(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../workloads/python/lib/' : '../../../workloads/python/lib/', import.meta.url));
}

/** A library module's file and source, or undefined if `name` is not one. */
export function libraryModule(name: string): { readonly file: string; readonly source: string } | undefined {
  if (!LIBRARY_MODULES.has(name)) return undefined;
  const file = `${libraryDir()}${name}.py`;
  if (!existsSync(file)) throw new Error(`the lab's library module ${name} is missing: ${file}`);
  return { file, source: readFileSync(file, 'utf8') };
}
