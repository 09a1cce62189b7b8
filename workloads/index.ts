/** The registry of built-in workloads and tips: the names `gclab list`, `run`, `bench` and `tips` use. */
import type { BuiltIns } from '../src/lab/registry.js';
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';
import { CANONICAL_TIPS, CANONICAL_WORKLOADS } from './canonical.js';
import { cyclicGraphs } from './cyclic-graphs.js';
import { FINALIZATION_TIPS, FINALIZATION_WORKLOADS } from './finalization.js';
import { GC_TUNING_TIPS, GC_TUNING_WORKLOADS } from './gc-tuning.js';
import { generatorsVsLists } from './generators-vs-lists.js';
import { OBJECT_LIFETIME_TIPS, OBJECT_LIFETIME_WORKLOADS } from './object-lifetimes.js';
import { slotsVsDict } from './slots-vs-dict.js';

/** The mission's three workloads (the default suite). */
export const MISSION_WORKLOADS: readonly Workload[] = [generatorsVsLists, slotsVsDict, cyclicGraphs];

/** The workloads users see (list, suites, calibrate), mission first. */
export const WORKLOADS: readonly Workload[] = [
  ...MISSION_WORKLOADS,
  ...OBJECT_LIFETIME_WORKLOADS,
  ...FINALIZATION_WORKLOADS,
  ...GC_TUNING_WORKLOADS,
  ...CANONICAL_WORKLOADS,
];

/** The mission's two tips. */
const MISSION_TIPS: readonly Tip[] = [
  {
    name: 'use generators',
    advice: 'sum a generator expression instead of building a list first',
    workload: 'generators-vs-lists',
    without: 'list',
    with: 'generator',
    metric: { kind: 'peak' },
  },
  {
    name: 'use __slots__',
    advice: 'give classes with many instances __slots__',
    workload: 'slots-vs-dict',
    without: 'dict',
    with: 'slots',
    metric: { kind: 'bytes-per-item', probe: 'held', per: 'n' },
  },
];

/** Every tip the scoreboard shows, in its order. */
export const TIPS: readonly Tip[] = [...MISSION_TIPS, ...OBJECT_LIFETIME_TIPS, ...FINALIZATION_TIPS, ...GC_TUNING_TIPS, ...CANONICAL_TIPS];

/** What the entry points hand to the lab (src/lab/registry.ts). */
export const BUILT_INS: BuiltIns = { workloads: WORKLOADS, mission: MISSION_WORKLOADS.map((w) => w.name), tips: TIPS };
