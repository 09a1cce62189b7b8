/** Named suites for `gclab bench`: which workloads, variants and parameters, on which profiles. */
import type { ProfileName } from '../heap/profiles.js';
import { unknownName } from '../core/errors.js';
import type { WorkloadGroup } from './workload.js';
import { builtIns } from './registry.js';

export interface SuiteEntry {
  readonly workload: string;
  /** Every variant when omitted. */
  readonly variants?: readonly string[];
  readonly params?: Readonly<Record<string, number>>;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly entries: readonly SuiteEntry[];
  readonly profiles: readonly ProfileName[];
}

const mission = (params?: Record<string, number>): SuiteEntry[] => builtIns().mission.map((workload) => ({ workload, params }));
/** The two variants of every tip, with the tip's parameters (what `gclab tips` runs). */
const tipRuns = (): SuiteEntry[] => builtIns().tips.map((t) => ({ workload: t.workload, variants: [t.without, t.with], params: t.params }));

/** Every variant of every workload in the groups, at its default parameters. */
const groups = (...wanted: WorkloadGroup[]): SuiteEntry[] =>
  builtIns().workloads.filter((w) => wanted.includes(w.group)).map((w) => ({ workload: w.name }));

/** The suites, made from the installed built-ins (see registry.ts). */
export const suites = (): readonly Suite[] => [
  {
    name: 'default',
    description: 'the three mission workloads, every variant, n = 100 000, on 3.13 and 3.14.0',
    entries: mission(),
    profiles: ['3.13', '3.14.0'],
  },
  {
    name: 'versions',
    description: 'the mission workloads on every profile (3.11 to 3.14.5), n = 100 000',
    entries: mission(),
    profiles: ['3.11', '3.12', '3.13', '3.14.0', '3.14.1', '3.14.5'],
  },
  {
    name: 'quick',
    description: 'the mission workloads at n = 10 000 on 3.13 (a smoke test)',
    entries: mission({ n: 10_000 }),
    profiles: ['3.13'],
  },
  {
    name: 'tips',
    description: 'the runs of every memory tip (what `gclab tips` scores), on 3.11 and 3.13',
    entries: tipRuns(),
    profiles: ['3.11', '3.13'],
  },
  {
    name: 'gc',
    description: 'the GC stress patterns and the canonical GC benchmarks, default sizes, on 3.13, 3.14.0 and 3.14.5',
    entries: groups('stress', 'canonical'),
    profiles: ['3.13', '3.14.0', '3.14.5'],
  },
  {
    name: 'all',
    description: 'every workload and variant, default sizes, on every profile',
    entries: groups('mission', 'tip', 'stress', 'canonical'),
    profiles: ['3.11', '3.12', '3.13', '3.14.0', '3.14.1', '3.14.5'],
  },
];

export function findSuite(name: string): Suite {
  const all = suites();
  return all.find((s) => s.name === name) ?? unknownName('suite', name, all.map((s) => s.name));
}
