/**
 * The built-in workloads and tips, as the lab sees them. They are defined in workloads/index.ts and
 * handed to the lab by its entry points (the CLI, the worker, the bench scripts, the tests' set-up)
 * with `installBuiltIns`, so that nothing in src/lab imports workload code (design.md: arrows point
 * down); everything in the lab that needs a built-in asks here.
 */
import type { Tip } from './tips.js';
import type { Workload } from './workload.js';

export interface BuiltIns {
  /** The workloads users see (list, suites, calibrate), the mission's first. */
  readonly workloads: readonly Workload[];
  /** The mission's workloads, by name (the default suite). */
  readonly mission: readonly string[];
  /** Every tip the scoreboard shows, in its order. */
  readonly tips: readonly Tip[];
}

let installed: BuiltIns | undefined;

/** Makes `builtIns` the lab's built-in workloads and tips (an entry point calls it once, first). */
export function installBuiltIns(builtIns: BuiltIns): void {
  installed = builtIns;
}

/** The installed built-ins; an entry point that forgot to install them is a bug, said so. */
export function builtIns(): BuiltIns {
  if (!installed) throw new Error('no built-in workloads installed: the entry point must call installBuiltIns(BUILT_INS) from workloads/index.ts first');
  return installed;
}

/** A built-in workload by name. */
export function findBuiltIn(name: string): Workload | undefined {
  return builtIns().workloads.find((w) => w.name === name);
}

export function isBuiltIn(name: string): boolean {
  return findBuiltIn(name) !== undefined;
}
