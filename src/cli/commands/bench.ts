/** `gclab bench`: the main job. Runs a suite over its profiles, prints a summary table, saves results. */
import { parseProfiles } from '../options.js';
import { resolveWorkload } from '../../lab/options.js';
import { findSuite, type Suite, type SuiteEntry } from '../../lab/suites.js';
import { workloadArgument } from '../../lab/user-workloads.js';
import { exitStatus, runSession } from '../../lab/session.js';
import { summarise, summaryCells } from '../../lab/summary.js';
import type { TaskPlan, TaskRecord } from '../../lab/coordinator.js';
import { fitFirstColumn, fitLine, fitName, formatTable, markdownTable, type Align } from '../../core/table.js';
import { outputWidth } from '../width.js';
import { resolveCoordinatorOptions, resolveRepeat, resultsDirOf, specFromOptions, type RawLabOptions } from './lab-options.js';
import { compareResults, type Comparison } from '../../compare/diff.js';
import { hasGates, resolveCompareOptions, type CompareOptions, type RawCompareOptions } from '../../compare/options.js';
import { baselinePath, checkBaselineCovers, readBaseline, saveBaseline, validateBaselineName } from '../../lab/baselines.js';
import { readResults, type ResultsFile } from '../../lab/store.js';
import { UsageError } from '../../core/errors.js';
import { comparisonJson, comparisonMarkdown, comparisonStatus, comparisonText } from './compare.js';
import { paintTable, stdoutPalette, type Palette } from '../colour.js';
import { reportLine, writeResultsReport, type HtmlOption } from './report.js';

export interface BenchOptions extends RawLabOptions, RawCompareOptions {
  suite?: string;
  /** Workloads (names or program files: `.py`, `.ts`, `.js`) to run instead of the suite's. */
  workload?: string[];
  /** Save this run as the named baseline. */
  saveBaseline?: string;
  /** Compare this run with the named baseline; the gates decide the exit status. */
  baseline?: string;
  /** Also write an HTML report (true: beside the results file). */
  html?: HtmlOption;
  /** Print the summary (and any comparison) as Markdown. */
  md?: boolean;
}

/**
 * `--workload W|FILE`…: every variant of each at its defaults, on the profiles of the suite
 * named (default: 3.13 and 3.14.0). A program file is loaded (and a Python one compiled) now.
 */
async function workloadsSuite(args: readonly string[], profiles: Suite['profiles']): Promise<Suite> {
  const entries: SuiteEntry[] = [];
  for (const arg of args) entries.push({ workload: resolveWorkload(await workloadArgument(arg)).name });
  return { name: 'workloads', description: 'the workloads given with --workload', entries, profiles };
}

/** What --baseline and --save-baseline ask for, checked before anything runs. */
interface BaselineRequest {
  readonly compareWith: { readonly name: string; readonly path: string; readonly file: ResultsFile } | null;
  readonly compareOptions: CompareOptions;
  readonly saveAs: string | null;
}

function resolveBaselineRequest(opts: BenchOptions, resultsDir: string, plans: readonly TaskPlan[]): BaselineRequest {
  const compareOptions = resolveCompareOptions(opts);
  const saveAs = opts.saveBaseline === undefined ? null : validateBaselineName(opts.saveBaseline, '--save-baseline');
  if (opts.baseline === undefined) {
    if (hasGates(compareOptions) || opts.metric !== undefined || opts.alpha !== undefined) {
      throw new UsageError('--fail-if-slower, --fail-if-bigger, --fail-if-changed, --metric and --alpha need --baseline NAME');
    }
    return { compareWith: null, compareOptions, saveAs };
  }
  const file = readBaseline(resultsDir, opts.baseline);
  checkBaselineCovers(opts.baseline, file, plans.map((p) => p.spec));
  return { compareWith: { name: opts.baseline, path: baselinePath(resultsDir, opts.baseline), file }, compareOptions, saveAs };
}

export async function benchCommand(opts: BenchOptions, out: (line: string) => void): Promise<number> {
  if (opts.json && opts.md) throw new UsageError('--json and --md are exclusive: choose one');
  const suite = opts.workload ? await workloadsSuite(opts.workload, findSuite(opts.suite ?? 'default').profiles) : findSuite(opts.suite ?? 'default');
  const profiles = parseProfiles(opts.profile, suite.profiles);
  const repeat = resolveRepeat(opts);
  const coordinator = resolveCoordinatorOptions(opts);
  const resultsDir = resultsDirOf(opts);
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
  const baseline = resolveBaselineRequest(opts, resultsDir, plans);
  if (!opts.json && !opts.md) out(`gclab bench: suite '${suite.name}' (${plans.length} tasks on ${profiles.join(', ')}, ${coordinator.workers} workers)`);
  const session = await runSession({
    name: `bench-${suite.name}`,
    command: 'bench',
    options: { suite: suite.name, profiles, repeat, coordinator, threshold: opts.threshold ?? null, gc: opts.gc, seed: opts.seed },
    plans,
    coordinator,
    resultsDir,
    animate: process.stderr.isTTY === true && !opts.json && !opts.md,
    quiet: opts.json,
  });
  // The report of what finished (not after Ctrl-C: the user asked to stop).
  const report = opts.html === undefined || opts.html === false || session.interrupted ? null : await writeResultsReport(session.path, opts.html);
  const comparison = compareWithBaseline(baseline, session.records, session.interrupted);
  const saved = baseline.saveAs === null ? null : saveRunAsBaseline(baseline.saveAs, resultsDir, session.path, session.records, session.interrupted);
  const status = session.interrupted ? 130 : Math.max(exitStatus(session), comparison ? comparisonStatus(comparison) : 0);
  if (opts.json) {
    const compared = comparison ? { baseline: baseline.compareWith!.name, comparison: comparisonJson(comparison, comparisonStatus(comparison)) } : {};
    const reported = report ? { report: report.path } : {};
    out(JSON.stringify({ results: session.path, records: session.records.map(summarise), ...compared, ...(saved ? { savedBaseline: saved } : {}), ...reported }));
    return status;
  }
  const base = baseline.compareWith;
  const savedLine = saved
    ? saved.saved
      ? `baseline '${saved.name}' ${saved.replaced ? 'replaced' : 'saved'}: ${saved.path}`
      : `baseline '${saved.name}' not saved: ${saved.reason}`
    : null;
  if (opts.md) {
    out(`**gclab bench**: suite \`${suite.name}\` on ${profiles.join(', ')}`);
    out('');
    for (const line of markdownTable(...summaryColumns(session.records, Infinity))) out(line);
    out('');
    out(`- results: \`${session.path}\``);
    if (report) out(`- ${reportLine(report)}`);
    if (savedLine) out(`- ${savedLine}`);
    if (comparison && base) {
      out('');
      out(`**Compared with baseline \`${base.name}\`** (A: \`${base.path}\`; B: this run)`);
      out('');
      for (const line of comparisonMarkdown(comparison, baseline.compareOptions)) out(line);
    }
    return status;
  }
  const palette = stdoutPalette();
  out(summaryTable(session.records, palette));
  out(`results: ${session.path}`);
  if (report) out(reportLine(report));
  if (comparison && base) {
    out('');
    out(fitLine(`compared with baseline '${base.name}': A: ${base.path}`, `(${base.file.name}, saved ${base.file.createdAt.slice(0, 19)}Z); B: this run`, outputWidth()));
    for (const line of comparisonText(comparison, baseline.compareOptions, palette)) out(line);
  }
  if (savedLine) out(savedLine);
  return status;
}

/** The comparison with the baseline, unless Ctrl-C stopped the run or no task succeeded. */
function compareWithBaseline(request: BaselineRequest, records: readonly TaskRecord[], interrupted: boolean): Comparison | null {
  const base = request.compareWith;
  if (!base || interrupted || !records.some((r) => r.status === 'ok')) return null;
  return compareResults({ label: `baseline '${base.name}'`, records: base.file.records }, { label: 'this run', records }, request.compareOptions);
}

type SavedBaseline =
  | { readonly name: string; readonly saved: true; readonly path: string; readonly replaced: boolean }
  | { readonly name: string; readonly saved: false; readonly reason: string };

/** Saves the run's results file as a baseline; a run with failures or interrupted is not one. */
function saveRunAsBaseline(name: string, resultsDir: string, resultsPath: string, records: readonly TaskRecord[], interrupted: boolean): SavedBaseline {
  if (interrupted) return { name, saved: false, reason: 'the run was interrupted' };
  const failed = records.filter((r) => r.status !== 'ok').length;
  if (failed > 0) return { name, saved: false, reason: `${failed} task${failed === 1 ? '' : 's'} failed` };
  const { path, replaced } = saveBaseline(resultsDir, name, readResults(resultsPath));
  return { name, saved: true, path, replaced };
}

const SUMMARY_HEADER = ['workload/variant', 'profile', 'median', '±', 'peak req.', 'arenas pk', 'collections', 'max pause'];
const SUMMARY_ALIGN: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];

/** The summary's header, rows and alignment, the names cut so that the table fits in `width`. */
function summaryColumns(records: readonly TaskRecord[], width: number): [string[], string[][], Align[]] {
  return [SUMMARY_HEADER, fitFirstColumn(SUMMARY_HEADER, summaryRows(records), width, fitName), SUMMARY_ALIGN];
}

/** One row per task: what it cost in time, memory and GC work (fits in 100 columns; failed tasks in red on a terminal). */
export function summaryTable(records: readonly TaskRecord[], palette?: Palette): string {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  const [header, rows, align] = summaryColumns(sorted, outputWidth());
  const table = formatTable(header, rows, align);
  return palette ? paintTable(table, palette, (i) => (sorted[i].status === 'ok' ? undefined : palette.red)) : table;
}

function summaryRows(records: readonly TaskRecord[]): string[][] {
  return [...records].sort((a, b) => a.id - b.id).map((r) => summaryCells(r, `${r.spec.workload}/${r.spec.variant}`));
}

