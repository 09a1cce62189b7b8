/** `gclab bench`: the main job. Runs a suite over its profiles, prints a summary table, saves results. */
import { parseProfiles } from '../options.js';
import { resolveWorkload } from '../../lab/options.js';
import { findSuite, type Suite, type SuiteEntry } from '../../lab/suites.js';
import { workloadArgument } from '../../lab/user-workloads.js';
import { exitStatus, runSession, type SessionResult } from '../../lab/session.js';
import { perItem, summarise, summaryCells, SUMMARY_ALIGN, SUMMARY_HEADER, SUMMARY_LEGEND } from '../../lab/summary.js';
import { builtIns } from '../../lab/registry.js';
import { OPTIONS } from '../../lab/option-table.js';
import { formatCount, formatNs } from '../../core/units.js';
import { formatFigure, metricLabel, recordTipFigure, scoreTip } from '../../lab/tips.js';
import type { TaskPlan, TaskRecord } from '../../lab/coordinator.js';
import { fitFirstColumn, fitLine, fitName, formatTable, markdownTable, wrapWords, type Align } from '../../core/table.js';
import { outputWidth } from '../width.js';
import { resolveCoordinatorOptions, resolveRepeat, resultsDirOf, specFromOptions, type RawLabOptions, resolveSessionPlace, whereLabel } from './lab-options.js';
import { compareResults, type Comparison } from '../../compare/diff.js';
import { hasGates, resolveCompareOptions, type CompareOptions, type RawCompareOptions } from '../../compare/options.js';
import { baselinePath, baselinesDir, checkBaselineCovers, readBaseline, saveBaseline, validateBaselineName } from '../../lab/baselines.js';
import { readResults, type ResultsFile } from '../../lab/store.js';
import { UsageError } from '../../core/errors.js';
import { comparisonJson, comparisonMarkdown, comparisonStatus, comparisonText } from './compare.js';
import { paintTable, stdoutPalette, type Palette } from '../colour.js';
import { reportLine, type HtmlOption } from './report.js';
import { checkRunOutputs, lateOutput, sessionReport, withLateProblems, type LateProblems } from './outputs.js';
import { ensureWritableDir } from '../../lab/output-paths.js';

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
  const suite = opts.workload ? await workloadsSuite(opts.workload, findSuite(opts.suite ?? OPTIONS.suite.default).profiles) : findSuite(opts.suite ?? OPTIONS.suite.default);
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
  // Every place this run writes is checked now, not after the run.
  checkRunOutputs(resultsDir, opts.html);
  if (baseline.saveAs !== null) ensureWritableDir(baselinesDir(resultsDir), '--save-baseline (its directory)');
  const session = await runSession({
    ...resolveSessionPlace(opts),
    name: `bench-${suite.name}`,
    command: 'bench',
    options: { suite: suite.name, profiles, repeat, coordinator, threshold: opts.threshold ?? null, gc: opts.gc, seed: opts.seed },
    plans,
    coordinator,
    resultsDir,
    animate: process.stderr.isTTY === true && !opts.json && !opts.md,
    quiet: opts.json,
    onStart: () => {
      if (!opts.json && !opts.md) out(`gclab bench: suite '${suite.name}' (${plans.length} tasks on ${profiles.join(', ')}, ${whereLabel(opts, coordinator)})`);
    },
  });
  // The report of what finished (not after Ctrl-C: the user asked to stop). A report or a
  // baseline that cannot be written costs only itself: the comparison and gates still run.
  const problems: LateProblems = [];
  const report = await sessionReport(session, opts.html, problems);
  const comparison = compareWithBaseline(baseline, session.records, session.interrupted);
  const saved = baseline.saveAs === null ? null : await saveRunAsBaseline(baseline.saveAs, resultsDir, session, problems);
  const status = withLateProblems(session.interrupted ? 130 : Math.max(exitStatus(session), comparison ? comparisonStatus(comparison) : 0), session, problems);
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
    for (const line of markdownTable(...summaryColumns(session.records))) out(line);
    out('');
    out(SUMMARY_LEGEND);
    for (const answer of answerLines(session.records)) out(`- ${answer}`);
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
  out(`results: ${session.path}`); // one line, however long the path: scripts read it
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

/**
 * Saves the run as a baseline; a run with failures, interrupted or not wholly saved is not one,
 * and a baseline that cannot be written is a late problem (the old one, if any, stays).
 */
async function saveRunAsBaseline(name: string, resultsDir: string, session: SessionResult, problems: LateProblems): Promise<SavedBaseline> {
  if (session.interrupted) return { name, saved: false, reason: 'the run was interrupted' };
  const failed = session.records.filter((r) => r.status !== 'ok').length;
  if (failed > 0) return { name, saved: false, reason: `${failed} task${failed === 1 ? '' : 's'} failed` };
  if (session.unsaved !== null) return { name, saved: false, reason: 'the results file is short' };
  const written = await lateOutput(problems, () => saveBaseline(resultsDir, name, readResults(session.path)));
  if (written === null) return { name, saved: false, reason: 'it could not be written' };
  return { name, saved: true, path: written.path, replaced: written.replaced };
}

/** The summary's header, rows and alignment for Markdown: a row per task, every column. */
function summaryColumns(records: readonly TaskRecord[]): [string[], string[][], Align[]] {
  const rows = [...records].sort((a, b) => a.id - b.id).map((r) => summaryCells(r, `${r.spec.workload}/${r.spec.variant}`));
  return [[...SUMMARY_HEADER], rows, [...SUMMARY_ALIGN]];
}

/**
 * The summary for a terminal: a block per workload (its parameters and what "per item" divides
 * once, in its title), a row per variant @profile, the legend, then the answers: a line per tip
 * whose two variants ran, per profile. Fits the terminal (failed tasks in red on one).
 */
export function summaryTable(records: readonly TaskRecord[], palette?: Palette): string {
  const width = outputWidth();
  const sorted = [...records].sort((a, b) => a.id - b.id);
  let header = ['variant @profile', ...SUMMARY_HEADER.slice(2)];
  let align: Align[] = ['left', ...SUMMARY_ALIGN.slice(2)];
  // A block per workload and parameters (a suite may run one workload at two settings).
  const blockOf = (r: TaskRecord): string => JSON.stringify([r.spec.workload, r.spec.params]);
  const blocks = [...new Set(sorted.map(blockOf))];
  const rows: string[][] = [];
  const rowRecord: (TaskRecord | undefined)[] = [];
  const titleAt = new Map<number, string>();
  for (const block of blocks) {
    const mine = sorted.filter((r) => blockOf(r) === block);
    const workload = mine[0].spec.workload;
    const params = Object.entries(mine[0].spec.params).map(([k, v]) => `${k}=${v}`).join(' ');
    const basis = mine.map(perItem).find((p) => p !== null)?.basis;
    titleAt.set(rows.length, `${workload}${params ? `  ${params}` : ''}${basis ? `  (per item: ${basis})` : ''}`);
    for (const r of mine) {
      rows.push(['', ...summaryCells(r, '').slice(2)]);
      rows[rows.length - 1][0] = `  ${r.spec.variant} @${r.spec.profile}`;
      rowRecord.push(r);
    }
  }
  // On a narrow terminal the simulator's own time (the last column) gives way: it is not CPython's,
  // and the results file, `gclab run` and the report keep it.
  let shown = fitFirstColumn(header, rows, width, fitName);
  let legend = SUMMARY_LEGEND;
  if (tableWidth(header, shown) > width) {
    header = header.slice(0, -1);
    align = align.slice(0, -1);
    shown = fitFirstColumn(header, rows.map((r) => r.slice(0, -1)), width, fitName);
    legend = `${legend} The sim time column is left out at this width.`;
  }
  const plain = formatTable(header, shown, align).split('\n');
  const painted = palette ? paintTable(plain.join('\n'), palette, (i) => (rowRecord[i]?.status === 'ok' ? undefined : palette.red)).split('\n') : plain;
  const lines = painted.slice(0, 2);
  rows.forEach((_, i) => {
    const title = titleAt.get(i);
    if (title !== undefined) lines.push(...wrapWords(title, width, '    '));
    lines.push(painted[i + 2]);
  });
  lines.push(...wrapWords(`(${legend})`, width, ' '));
  const answers = answerLines(sorted);
  if (answers.length > 0) {
    lines.push('');
    for (const answer of answers) lines.push(...wrapWords(answer, width, '    '));
  }
  return lines.join('\n');
}

/** The width of a table with these cells: each column as wide as its widest cell, two spaces between. */
function tableWidth(header: readonly string[], rows: readonly (readonly string[])[]): number {
  return header.reduce((sum, h, i) => sum + Math.max(h.length, ...rows.map((r) => r[i].length)) + (i > 0 ? 2 : 0), 0);
}

/**
 * One line per tip whose two variants ran, per profile: the mission's questions answered with the
 * tip's own figure, e.g. "use __slots__ on 3.13: held bytes/n 136.0 B -> 95.9 B (dict -> slots): saves
 * 40.0 B, 29 %"; then, for a workload no tip asks about, its largest pause per profile.
 */
export function answerLines(records: readonly TaskRecord[]): string[] {
  const lines: string[] = [];
  for (const tip of builtIns().tips) {
    const profiles = [...new Set(records.filter((r) => r.spec.workload === tip.workload).map((r) => r.spec.profile))];
    for (const profile of profiles) {
      const side = (variant: string): TaskRecord | undefined =>
        records.find((r) => r.spec.workload === tip.workload && r.spec.variant === variant && r.spec.profile === profile && r.repetition === 0);
      const [without, withTip] = [side(tip.without), side(tip.with)];
      if (!without?.metrics || !withTip?.metrics) continue;
      // A time-judged tip with neither modelled time nor timing has no figure to answer with.
      const timeless = (r: TaskRecord): boolean => !r.cpythonTime && !r.time;
      if (tip.metric.kind === 'time' && (timeless(without) || timeless(withTip))) continue;
      const figure = (r: TaskRecord): number => recordTipFigure(tip.metric, r);
      const score = scoreTip(tip, profile, figure(without), figure(withTip));
      if (!Number.isFinite(score.without) || !Number.isFinite(score.with)) continue;
      const difference = score.without - score.with;
      const verb = difference > 0 ? 'saves' : 'costs';
      const effect = difference === 0 ? 'no difference' : `${verb} ${formatFigure(Math.abs(difference), tip.metric)}, ${Math.abs(score.effectPct).toFixed(0)} %`;
      lines.push(`${tip.name} on ${profile}: ${metricLabel(tip.metric)} ${formatFigure(score.without, tip.metric)} -> ${formatFigure(score.with, tip.metric)} (${tip.without} -> ${tip.with}): ${effect}`);
    }
  }
  // A workload no tip asks about, run on several profiles, is a question about the collectors: its largest pause per profile.
  const asked = new Set(builtIns().tips.map((t) => t.workload));
  for (const workload of [...new Set(records.map((r) => r.spec.workload))].filter((w) => !asked.has(w))) {
    const mine = records.filter((r) => r.spec.workload === workload && r.metrics && r.metrics.gc.pauses.count > 0);
    const profiles = [...new Set(mine.map((r) => r.spec.profile))];
    if (profiles.length < 2) continue;
    // Modelled CPython pauses where every run has them (deterministic), else the simulator's.
    const modelled = mine.every((r) => r.cpythonTime);
    const maxPause = (r: TaskRecord): number => (modelled ? r.cpythonTime!.pausesNs.max : r.metrics!.gc.pauses.max);
    const largest = profiles.map((profile) => {
      const top = mine.filter((r) => r.spec.profile === profile).reduce((a, b) => (maxPause(b) > maxPause(a) ? b : a));
      return `${formatNs(maxPause(top))} on ${profile} (${top.spec.variant}, ${formatCount(Math.max(0, ...Array.from(top.metrics!.gc.pauseVisited)))} objects)`;
    });
    lines.push(`${workload}: the largest collector pause${modelled ? ' (modelled CPython time)' : " (the simulator's time)"} ${largest.join(', ')}`);
  }
  return lines;
}

