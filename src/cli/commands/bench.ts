/** `gclab bench`: the main job. Runs a suite over its profiles, prints a summary table, saves results. */
import { parseProfiles } from '../options.js';
import { resolveWorkload } from '../../lab/options.js';
import { findSuite } from '../../lab/suites.js';
import { exitStatus, runSession } from '../../lab/session.js';
import { summarise } from '../../lab/summary.js';
import type { TaskPlan, TaskRecord } from '../../lab/coordinator.js';
import { formatTable } from '../table.js';
import { formatBytes, formatNs } from '../units.js';
import { resolveCoordinatorOptions, resolveRepeat, specFromOptions, type RawLabOptions } from './lab-options.js';

export interface BenchOptions extends RawLabOptions {
  suite?: string;
}

export async function benchCommand(opts: BenchOptions, out: (line: string) => void): Promise<number> {
  const suite = findSuite(opts.suite ?? 'default');
  const profiles = parseProfiles(opts.profile, suite.profiles);
  const repeat = resolveRepeat(opts);
  const coordinator = resolveCoordinatorOptions(opts);
  const plans: TaskPlan[] = [];
  for (const profile of profiles) {
    for (const entry of suite.entries) {
      const workload = resolveWorkload(entry.workload);
      const params = Object.entries(entry.params ?? {}).map(([k, v]) => `${k}=${v}`);
      for (const variant of entry.variants ?? Object.keys(workload.variants)) {
        const spec = specFromOptions(opts, workload.name, variant, profile, params);
        for (let repetition = 0; repetition < repeat; repetition++) plans.push({ spec, repetition });
      }
    }
  }
  if (!opts.json) out(`gclab bench: suite '${suite.name}' (${plans.length} tasks on ${profiles.join(', ')}, ${coordinator.workers} workers)`);
  const session = await runSession({
    name: `bench-${suite.name}`,
    command: 'bench',
    options: { suite: suite.name, profiles, repeat, coordinator, threshold: opts.threshold ?? null, gc: opts.gc, seed: opts.seed },
    plans,
    coordinator,
    resultsDir: opts.resultsDir ?? 'results',
    animate: process.stderr.isTTY === true && !opts.json,
    quiet: opts.json,
  });
  if (opts.json) out(JSON.stringify({ results: session.path, records: session.records.map(summarise) }));
  else {
    out(summaryTable(session.records));
    out(`results: ${session.path}`);
  }
  return exitStatus(session);
}

/** One row per task: what it cost in time, memory and GC work (fits in 100 columns). */
export function summaryTable(records: readonly TaskRecord[]): string {
  const rows = [...records].sort((a, b) => a.id - b.id).map((r) => {
    const name = `${r.spec.workload}/${r.spec.variant}`;
    if (!r.metrics) return [name, r.spec.profile, r.status, '', '', '', '', ''];
    const m = r.metrics;
    return [
      name,
      r.spec.profile,
      r.time ? formatNs(r.time.median) : '-',
      r.time ? `${r.time.rme.toFixed(0)}%` : '-',
      formatBytes(m.memory.requested.peak),
      formatBytes(m.memory.arenas.peak),
      m.gc.collections.join('/'),
      formatNs(m.gc.pauses.max),
    ];
  });
  return formatTable(['workload/variant', 'profile', 'median', '±', 'peak req.', 'arenas pk', 'collections', 'max pause'], rows, [
    'left',
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ]);
}
