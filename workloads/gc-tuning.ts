/** Workloads about tuning the collector: `long-lived-churn`, `gc-manual`, `freeze-before-fork`. */
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';
import { freezeBeforeFork } from './freeze-before-fork.js';
import { gcManual } from './gc-manual.js';
import { longLivedChurn } from './long-lived-churn.js';

export const GC_TUNING_WORKLOADS: readonly Workload[] = [longLivedChurn, gcManual, freezeBeforeFork];

/** The memory tips these workloads measure (rows of `gclab tips`). */
export const GC_TUNING_TIPS: readonly Tip[] = [
  {
    name: 'freeze before fork',
    advice: 'call gc.freeze() just before os.fork() in a pre-fork server, so collections in the workers leave the shared pages alone',
    workload: 'freeze-before-fork',
    without: 'nofreeze',
    with: 'freeze',
    metric: { kind: 'pages-dirtied' },
  },
  {
    // Judged by time: the advice promises throughput. pause-p99 would compare the 99th percentile
    // of ~1000 automatic pauses with the longest of 10 hand collections, each of which walks the
    // whole long-lived tree (the hand collections are the longest pauses of the run).
    name: 'disable GC, collect by hand',
    advice: 'gc.disable() and call gc.collect() every k steps instead of letting the thresholds decide',
    workload: 'gc-manual',
    without: 'auto',
    with: 'manual',
    metric: { kind: 'time' },
  },
  {
    // Judged by the objects the largest collection after the tree was built examined
    // (deterministic; the churn's collections): the pause times themselves are wall time and vary
    // with the machine's load more than with freeze.
    name: 'gc.freeze() long-lived data',
    advice: 'after building a big long-lived structure, gc.freeze() it so full collections stop walking it',
    workload: 'long-lived-churn',
    without: 'retain',
    with: 'freeze',
    metric: { kind: 'most-visited', after: 'tree' },
  },
];
