/** Named suites for `gclab bench`: which workloads, variants and parameters, on which profiles. */
import type { ProfileName } from '../heap/profiles.js';
import { unknownName } from '../cli/errors.js';
import { WORKLOADS } from '../../workloads/index.js';

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

const everyWorkload = (params?: Record<string, number>): SuiteEntry[] => WORKLOADS.map((w) => ({ workload: w.name, params }));

export const SUITES: readonly Suite[] = [
  {
    name: 'default',
    description: 'the three mission workloads, every variant, n = 100 000, on 3.13 and 3.14.0',
    entries: everyWorkload(),
    profiles: ['3.13', '3.14.0'],
  },
  {
    name: 'versions',
    description: 'the mission workloads on every profile (3.11 to 3.14.5), n = 100 000',
    entries: everyWorkload(),
    profiles: ['3.11', '3.12', '3.13', '3.14.0', '3.14.1', '3.14.5'],
  },
  {
    name: 'quick',
    description: 'the mission workloads at n = 10 000 on 3.13 (a smoke test)',
    entries: everyWorkload({ n: 10_000 }),
    profiles: ['3.13'],
  },
];

export function findSuite(name: string): Suite {
  return SUITES.find((s) => s.name === name) ?? unknownName('suite', name, SUITES.map((s) => s.name));
}
