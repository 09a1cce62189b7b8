/**
 * The start-up population: the long-lived tracked objects a real interpreter holds when a program
 * starts (module dicts and their functions, about 7,700–11,700 on this machine's 3.11–3.13; see
 * `startupTrackedObjects` in profiles.ts). It decides when the long-lived 25 % rule allows a full
 * collection, and it is what the incremental collector marks from the roots.
 *
 * Shape: `sys.modules` holds module dicts; each holds up to FUNCTIONS_PER_MODULE functions whose
 * globals are that dict (so modules are cycles, as real ones are). `__main__`'s globals hold one
 * function so they are tracked too. Exactly `n` tracked objects result (n ≥ 4). `unrooted` of
 * them are held from outside the roots instead (`Roots.unrooted`), as a real interpreter holds
 * some objects only from C: the incremental collector's mark from the roots does not reach them.
 */
import type { Heap } from '../heap.js';

const FUNCTIONS_PER_MODULE = 30;

export function buildStartupPopulation(heap: Heap, n: number, unrooted = 0): void {
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`the start-up population needs at least 4 objects (got ${n})`);
  if (!Number.isInteger(unrooted) || unrooted < 0 || unrooted > n - 4) {
    throw new RangeError(`the start-up population's unrooted objects must be 0..${n - 4} (got ${unrooted})`);
  }
  // Of the n, `unrooted` are alive through references outside the roots: lists (always tracked).
  for (let i = 0; i < unrooted; i++) heap.roots.unrooted.push(heap.list.newList(0));
  n -= unrooted;
  const roots = heap.roots;
  roots.init(); // sys dict, sys.modules, __main__ globals: 3 tracked dicts once they hold containers
  addFunction(heap, roots.globals, '__builtins_loader__');
  addModules(heap, 4, n, 'module', (inModule) => `f${inModule}`);
}

/**
 * Module dicts in `sys.modules` named `prefix0`, `prefix1`…, each with up to FUNCTIONS_PER_MODULE
 * functions, until `tracked` reaches `n`. A function that does not get a module of its own (room
 * for one object only) goes into `__main__`'s globals under `looseName(…)`.
 */
function addModules(heap: Heap, tracked: number, n: number, prefix: string, looseName: (inModule: number, tracked: number) => string): void {
  const roots = heap.roots;
  let moduleIndex = 0;
  let module = 0;
  let inModule = 0;
  while (tracked < n) {
    // A new module needs room for itself and one function; otherwise the last module grows.
    if ((module === 0 || inModule >= FUNCTIONS_PER_MODULE) && n - tracked >= 2) {
      if (module !== 0) heap.decref(module);
      module = heap.dict.newDict();
      roots.setIn(roots.modules, `${prefix}${moduleIndex++}`, module);
      tracked++;
      inModule = 0;
    }
    addFunction(heap, module === 0 ? roots.globals : module, module === 0 ? looseName(inModule++, tracked) : `f${inModule++}`);
    tracked++;
  }
  if (module !== 0) heap.decref(module);
}

/** `def name(): ...` in the module whose dict is `globals`. */
function addFunction(heap: Heap, globals: number, name: string): void {
  const f = heap.func(globals);
  heap.roots.setIn(globals, name, f);
  heap.decref(f);
}

/**
 * Adds start-up objects until the heap holds `n` tracked objects in all (as a real interpreter's
 * count, measured after the program's module ran, includes the module's own functions): module
 * dicts in `sys.modules` with functions, as above. Nothing is added when there are already `n`.
 */
export function topUpStartupPopulation(heap: Heap, n: number): void {
  heap.roots.init();
  // A loose function goes into the program's own globals: a name no program uses.
  addModules(heap, heap.gc.generationSizes().reduce((a, b) => a + b, 0), n, 'startup', (_, tracked) => `__startup${tracked}__`);
}
