/** Workloads about finalizers and weak references: `cycles-with-finalizers`, `weakref-cache`. */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';
import { cyclesWithFinalizers } from './cycles-with-finalizers.js';
import { weakrefCache } from './weakref-cache.js';

export const FINALIZATION_WORKLOADS: readonly Workload[] = [cyclesWithFinalizers, weakrefCache];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const FINALIZATION_TIPS: readonly Tip[] = [
  {
    // Not "avoid __del__": since PEP 442 (3.4) a cycle through a Python __del__ is finalized and
    // freed like any other (the `del` variant collects everything the `plain` one does). What
    // still leaks is a C-level tp_del, so that is the comparison. Judged by the peak: the legacy
    // rings pile up for the whole run, while `del` never holds more than the garbage between two
    // collections (what stays at the end is the same story, but the simulated end figure of `del`
    // carries a few hundred bytes of harness artefacts around zero).
    name: 'legacy finalizers in cycles',
    advice:
      'a Python __del__ no longer blocks cycle collection (PEP 442), but a cycle through a C type with a legacy tp_del is never freed and piles up in gc.garbage: give such types tp_finalize, or break the cycle',
    workload: 'cycles-with-finalizers',
    without: 'legacy',
    with: 'del',
    metric: { kind: 'peak' },
  },
  {
    name: 'weak references for caches',
    advice:
      'cache objects in a weakref.WeakValueDictionary, not a dict, so they die with their last outside reference (the emptied table itself stays allocated)',
    workload: 'weakref-cache',
    without: 'dict',
    with: 'weakvalue',
    metric: { kind: 'retained' },
  },
];
