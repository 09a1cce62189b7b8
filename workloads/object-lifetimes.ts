/**
 * Workloads about how long objects live and which are shared: `globals-and-del`,
 * `small-ints-and-interning`, `container-churn`.
 */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';
import { containerChurn } from './container-churn.js';
import { globalsAndDel } from './globals-and-del.js';
import { smallIntsAndInterning } from './small-ints-and-interning.js';

export const OBJECT_LIFETIME_WORKLOADS: readonly Workload[] = [globalsAndDel, smallIntsAndInterning, containerChurn];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const OBJECT_LIFETIME_TIPS: readonly Tip[] = [
  {
    name: 'del what you no longer need',
    advice: 'del a big local as soon as you are done with it, so later work does not stack its peak on it',
    workload: 'globals-and-del',
    without: 'local',
    with: 'del',
    metric: { kind: 'peak' },
  },
  {
    name: 'avoid globals',
    advice: 'keep big objects in locals: a global outlives the function that made it',
    workload: 'globals-and-del',
    without: 'global',
    with: 'local',
    metric: { kind: 'retained' },
  },
  {
    name: 'small ints are shared',
    advice: 'values in -5..256 cost nothing per use: every one is the same cached object',
    workload: 'small-ints-and-interning',
    without: 'large_int',
    with: 'small_int',
    metric: { kind: 'bytes-per-item', probe: 'held', per: 'n' },
  },
  {
    name: 'intern repeated strings',
    advice: 'sys.intern strings that repeat (keys, tokens, field names) so each distinct one is stored once',
    workload: 'small-ints-and-interning',
    without: 'fresh_str',
    with: 'interned_str',
    metric: { kind: 'bytes-per-item', probe: 'held', per: 'n' },
  },
];
