/**
 * `gclab run <workload>`: one workload variant, measured and timed, with detailed output; or, with
 * `--profile a,b,…` and `--variant all|v1,v2,…`, every variant × profile in one session, the same
 * details per task, then one side-by-side table and each profile against the first.
 */
import { resolveWorkload, specLabel, type RunSpec } from '../../lab/options.js';
import { exitStatus, runSession } from '../../lab/session.js';
import { cpythonTimeFields, probeText, summarise } from '../../lab/summary.js';
import type { TaskPlan, TaskRecord } from '../../lab/coordinator.js';
import { UsageError } from '../../core/errors.js';
import { parseProfiles } from '../options.js';
import { programInfo, workloadArgument } from '../../lab/user-workloads.js';
import { formatBytes, formatCount, formatNs } from '../../core/units.js';
import { packFields } from '../../core/table.js';
import { outputWidth } from '../width.js';
import { perItemProbes, recordFigures, sideBySideLines, sideBySideRows, sideBySideTitle } from '../profile-table.js';
import { resolveCoordinatorOptions, resolveRepeat, resultsDirOf, specFromOptions, type RawLabOptions, resolveSessionPlace } from './lab-options.js';
import { reportLine, type HtmlOption } from './report.js';
import { checkRunOutputs, sessionReport, withLateProblems, type LateProblems } from './outputs.js';

export interface RunOptions extends RawLabOptions {
  /** A variant, a comma-separated list of them, or 'all' (default: the first). */
  variant?: string;
  /** Also write an HTML report (true: beside the results file). */
  html?: HtmlOption;
}

export async function runCommand(workloadArg: string, opts: RunOptions, out: (line: string) => void): Promise<number> {
  const workload = await workloadArgument(workloadArg);
  const variants = variantList(workload, opts.variant);
  const profiles = opts.profile === undefined ? [undefined] : unique(parseProfiles(opts.profile, []));
  // Every spec is resolved (and so checked) before anything runs.
  const specs: RunSpec[] = [];
  for (const variant of variants) for (const profile of profiles) specs.push(specFromOptions(opts, workload, variant, profile));
  if (specs.length > 1) return runSideBySide(specs, opts, out);
  const spec = specs[0];
  const coordinator = resolveCoordinatorOptions(opts);
  const repeat = resolveRepeat(opts);
  checkRunOutputs(resultsDirOf(opts), opts.html);
  const session = await runSession({
    ...resolveSessionPlace(opts),
    name: `run-${spec.workload}-${spec.variant}`,
    command: 'run',
    options: { spec, repeat, coordinator },
    plans: Array.from({ length: repeat }, (_, repetition) => ({ spec, repetition })),
    coordinator: { ...coordinator, workers: Math.min(coordinator.workers, repeat) },
    resultsDir: resultsDirOf(opts),
    animate: process.stderr.isTTY === true && !opts.json,
    quiet: opts.json,
  });
  const problems: LateProblems = [];
  const report = await sessionReport(session, opts.html, problems);
  if (opts.json) {
    // The report's path goes to stderr: stdout stays the summary as it always was.
    // A Python program's load figures (lines, compile time) go with each summary.
    const program = programInfo(spec.workload);
    const summaries = session.records.map((r) => (program ? { ...summarise(r), program } : summarise(r)));
    out(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries));
    if (report) process.stderr.write(`${reportLine(report)}\n`);
  } else {
    const program = programInfo(spec.workload);
    if (program) out(`program ${program.file}: ${program.lines} lines, parsed and compiled for every profile in ${program.compileMs} ms`);
    for (const r of session.records) printRecord(r, out);
    out(`results: ${session.path}`); // one line, however long the path: scripts read it
    if (report) out(reportLine(report));
  }
  return withLateProblems(exitStatus(session), session, problems);
}

/**
 * `--variant`: undefined (the first), 'all' (every variant, unless the workload has one named
 * so), or a comma-separated list (each checked when its spec is resolved); duplicates dropped.
 */
function variantList(workload: string, value: string | undefined): (string | undefined)[] {
  if (value === undefined) return [undefined];
  const names = Object.keys(resolveWorkload(workload).variants);
  if (value.trim() === 'all' && !names.includes('all')) return names;
  const list = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw new UsageError(`--variant needs a variant name, a comma-separated list of them, or 'all' (valid: ${names.join(', ')})`);
  return unique(list);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Several variants or profiles: one task per (variant, profile) (times --repeat) in one session;
 * each record's details as a single run prints them, then the side-by-side table.
 */
async function runSideBySide(specs: readonly RunSpec[], opts: RunOptions, out: (line: string) => void): Promise<number> {
  const first = specs[0];
  const variants = unique(specs.map((s) => s.variant));
  const profiles = unique(specs.map((s) => s.profile));
  const coordinator = resolveCoordinatorOptions(opts);
  const repeat = resolveRepeat(opts);
  const plans: TaskPlan[] = specs.flatMap((spec) => Array.from({ length: repeat }, (_, repetition) => ({ spec, repetition })));
  const variantPart = opts.variant?.trim() === 'all' && variants.length === Object.keys(resolveWorkload(first.workload).variants).length ? 'all' : variants.join('+');
  checkRunOutputs(resultsDirOf(opts), opts.html);
  const session = await runSession({
    ...resolveSessionPlace(opts),
    name: `run-${first.workload}-${variantPart}`,
    command: 'run',
    options: { specs, variants, profiles, repeat, coordinator },
    plans,
    coordinator: { ...coordinator, workers: Math.min(coordinator.workers, plans.length) },
    resultsDir: resultsDirOf(opts),
    animate: process.stderr.isTTY === true && !opts.json,
    quiet: opts.json,
  });
  const problems: LateProblems = [];
  const report = await sessionReport(session, opts.html, problems);
  const records = [...session.records].sort((a, b) => a.id - b.id);
  const probes = perItemProbes(resolveWorkload(first.workload).probes, first.params);
  const program = programInfo(first.workload);
  if (opts.json) {
    // An array of summaries, as for repetitions, each with what its table row shows beside it.
    const summaries = records.map((r) => {
      const figures = recordFigures(r, probes);
      const row = figures ? { perItem: figures.perItem, pauseMaxVisited: figures.pauseMaxVisited } : {};
      return { ...summarise(r), ...row, ...(program ? { program } : {}) };
    });
    out(JSON.stringify(summaries));
    if (report) process.stderr.write(`${reportLine(report)}\n`);
    return withLateProblems(exitStatus(session), session, problems);
  }
  if (program) out(`program ${program.file}: ${program.lines} lines, parsed and compiled for every profile in ${program.compileMs} ms`);
  for (const r of records) printRecord(r, out);
  out('');
  const rows = sideBySideRows(records, variants, profiles, probes);
  for (const line of sideBySideLines(sideBySideTitle(first, variants.length, profiles.length, repeat), rows, probes, profiles)) out(line);
  out(`results: ${session.path}`); // one line, however long the path: scripts read it
  if (report) out(reportLine(report));
  return withLateProblems(exitStatus(session), session, problems);
}

function printRecord(r: TaskRecord, out: (line: string) => void): void {
  out(`${specLabel(r.spec)}  seed ${r.spec.seed}  gc ${r.spec.gc}${r.repetition > 0 ? `  repetition ${r.repetition}` : ''}`);
  if (!r.metrics) {
    // A Python program's uncaught exception comes as its traceback: one line per frame.
    const [first, ...rest] = (r.error ?? '').split('\n');
    // As CPython shows them: what the program printed, then the traceback.
    if (r.output && r.output.length > 0) {
      out(`  output    what the program printed before it failed (${formatCount(r.output.length)} line${r.output.length === 1 ? '' : 's'}):`);
      for (const line of r.output) out(`    ${line}`);
    }
    out(`  FAILED (${r.status}): ${first}`);
    for (const line of rest) out(`  ${line}`);
    return;
  }
  const m = r.metrics;
  out(`  memory    requested peak ${formatBytes(m.memory.requested.peak)}, at the end ${formatBytes(m.memory.requested.current)}`);
  for (const [name, bytes] of Object.entries(m.memory.probes)) out(`            probe ${name}: ${probeText(bytes)}`);
  out(`            arenas peak ${formatBytes(m.memory.arenas.peak)}, pools peak ${formatCount(m.memory.pools.peak)}`);
  out(`  objects   ${formatCount(m.objects.allocated)} allocated, ${formatCount(m.objects.freed)} freed`);
  const width = outputWidth();
  const gcFields = [`thresholds ${m.gc.thresholds.join(', ')}`, `collections ${m.gc.collections.join(' / ')}`, `collected ${m.gc.collected.join(' / ')}`, `uncollectable ${m.gc.uncollectable.join(' / ')}`];
  for (const line of packFields('  gc        ', gcFields, width, '            ')) out(line);
  const p = m.gc.pauses;
  // No collection ran: there is no pause to give a time to.
  const pauses = p.count === 0 ? ['none (no collection ran)'] : [`${p.count} (p50 ${formatNs(p.p50)}, p99 ${formatNs(p.p99)}, max ${formatNs(p.max)}, total ${formatNs(p.total)})`, `${formatCount(m.gc.visited)} objects visited`];
  for (const line of packFields('  pauses    ', pauses, width, '            ')) out(line);
  for (const line of packFields('  CPython   ', cpythonTimeFields(r), width, '            ')) out(line);
  if (r.time) {
    const t = r.time;
    out(`  sim time  median ${formatNs(t.median)} ±${t.rme.toFixed(1)}% (mean ${formatNs(t.mean)}, min ${formatNs(t.min)}, ${t.samples} samples): the simulator's own`);
  }
  if (r.telemetry) out(`  telemetry ${r.telemetry.t.length} samples every ${r.telemetry.intervalMs} ms`);
  if (m.output && m.output.length > 0) {
    out(`  output    what the program printed (${formatCount(m.output.length)} line${m.output.length === 1 ? '' : 's'}):`);
    for (const line of m.output) out(`    ${line}`);
  }
}
