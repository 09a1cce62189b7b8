/**
 * `gclab tips`: the scoreboard. Every tip's two variants (without and with the advice) run on each
 * profile asked, through the worker pool, into one results file; each row shows the figure that
 * matters for the tip, read back from the stored records, and the effect as a ratio and a percentage.
 */
import type { TaskPlan, TaskRecord } from '../../lab/coordinator.js';
import { resolveRunSpec, type RunSpec } from '../../lab/options.js';
import { exitStatus, runSession } from '../../lab/session.js';
import { effectText, formatFigure, metricLabel, recordTipFigure, scoreCells, scoreTip, tipUnit, type Tip, type TipScore } from '../../lab/tips.js';
import { builtIns } from '../../lab/registry.js';
import type { ProfileName } from '../../heap/profiles.js';
import { parseProfiles } from '../options.js';
import { UsageError, unknownName } from '../../core/errors.js';
import { formatTable, markdownTable } from '../../core/table.js';
import { resolveCoordinatorOptions, resultsDirOf, type RawLabOptions, resolveSessionPlace, whereLabel } from './lab-options.js';
import { paintTable, stdoutPalette, type Palette } from '../colour.js';
import { reportLine, type HtmlOption } from './report.js';
import { checkRunOutputs, sessionReport, withLateProblems, type LateProblems } from './outputs.js';

export const DEFAULT_TIP_PROFILES: readonly ProfileName[] = ['3.11', '3.13'];

export interface TipsOptions extends Pick<RawLabOptions, 'profile' | 'workers' | 'timeout' | 'iterations' | 'time' | 'warmup' | 'timing' | 'resultsDir' | 'costModel' | 'queue' | 'queueTimeout' | 'resume' | 'json'> {
  /** Only these tips (by name); all by default. */
  tip?: string[];
  /** Print the scoreboard as Markdown. */
  md?: boolean;
  /** Also write an HTML report (true: beside the results file). */
  html?: HtmlOption;
}

function selectTips(names: readonly string[] | undefined): readonly Tip[] {
  const tips = builtIns().tips;
  if (!names) return tips;
  return names.map((name) => tips.find((t) => t.name === name) ?? unknownName('tip', name, tips.map((t) => t.name)));
}

/** The run of one side of a tip: its spec, and whether it needs timing (only for time-judged tips). */
function tipSpec(tip: Tip, variant: string, profile: ProfileName): RunSpec {
  return resolveRunSpec({ workload: tip.workload, variant, profile, params: { ...tip.params } });
}

/** A spec's identity, so two tips that need the same run share it. */
const specKey = (s: RunSpec): string => JSON.stringify([s.workload, s.variant, s.profile, s.params]);

export async function tipsCommand(opts: TipsOptions, out: (line: string) => void): Promise<number> {
  if (opts.json && opts.md) throw new UsageError('--json and --md are exclusive: choose one');
  const profiles = parseProfiles(opts.profile, DEFAULT_TIP_PROFILES);
  const coordinator = resolveCoordinatorOptions(opts);
  // A tip judged by time takes modelled CPython time (deterministic: no timing needed) on the
  // profiles the cost model prices; elsewhere it needs timing, and without timing it is left out.
  const modelledOn = (profile: ProfileName): boolean => coordinator.costModel?.profiles[profile] !== undefined;
  const selected = selectTips(opts.tip);
  const untimed = coordinator.timing === null ? selected.filter((t) => t.metric.kind === 'time' && !profiles.every(modelledOn)) : [];
  const tips = selected.filter((t) => !untimed.includes(t));
  if (tips.length === 0) throw new UsageError(`--no-timing leaves no tip to score: ${untimed.map((t) => `'${t.name}'`).join(', ')} ${untimed.length === 1 ? 'is' : 'are'} judged by time`);
  const plans: TaskPlan[] = [];
  const planOf = new Map<string, number>();
  const sides: { tip: Tip; profile: ProfileName; without: number; with: number }[] = [];
  const planFor = (tip: Tip, variant: string, profile: ProfileName): number => {
    const spec = tipSpec(tip, variant, profile);
    const key = specKey(spec);
    const timed = tip.metric.kind === 'time' && !modelledOn(profile);
    let index = planOf.get(key);
    if (index === undefined) {
      index = plans.length;
      planOf.set(key, index);
      plans.push({ spec, repetition: 0, timing: timed ? coordinator.timing : null });
    } else if (timed && !plans[index].timing) {
      plans[index] = { ...plans[index], timing: coordinator.timing };
    }
    return index;
  };
  // Tip by tip, so the scoreboard's blocks are contiguous.
  for (const tip of tips) {
    for (const profile of profiles) sides.push({ tip, profile, without: planFor(tip, tip.without, profile), with: planFor(tip, tip.with, profile) });
  }
  checkRunOutputs(resultsDirOf(opts), opts.html);
  if (!opts.json && !opts.md) {
    out(`gclab tips: ${tips.length} tips on ${profiles.join(', ')} (${plans.length} runs, ${whereLabel(opts, coordinator)})`);
    if (untimed.length > 0) out(`  left out with --no-timing (judged by time): ${untimed.map((t) => `'${t.name}'`).join(', ')}`);
  }
  const session = await runSession({
    ...resolveSessionPlace(opts),
    name: 'tips',
    command: 'tips',
    options: { profiles, coordinator, tips: tips.map((t) => t.name) },
    plans,
    coordinator,
    resultsDir: resultsDirOf(opts),
    animate: process.stderr.isTTY === true && !opts.json && !opts.md,
    quiet: opts.json,
  });
  const problems: LateProblems = [];
  const report = await sessionReport(session, opts.html, problems);
  const byId = new Map(session.records.map((r) => [r.id, r]));
  const scores = sides.map((s) => scoreTip(s.tip, s.profile, recordTipFigure(s.tip.metric, byId.get(s.without)), recordTipFigure(s.tip.metric, byId.get(s.with))));
  if (opts.json) out(JSON.stringify({ results: session.path, tips: scores.map(scoreJson), ...(untimed.length > 0 ? { leftOut: untimed.map((t) => t.name) } : {}), ...(report ? { report: report.path } : {}) }));
  else if (opts.md) {
    for (const line of scoreboardMarkdown(scores)) out(line);
    out('');
    out(`- results: \`${session.path}\``);
    if (report) out(`- ${reportLine(report)}`);
  } else {
    out(scoreboard(scores, stdoutPalette()));
    out(`results: ${session.path}`); // one line, however long the path: scripts read it
    if (report) out(reportLine(report));
  }
  return withLateProblems(exitStatus(session), session, problems);
}


function scoreJson(s: TipScore): Record<string, unknown> {
  const { tip } = s;
  return {
    tip: tip.name,
    advice: tip.advice,
    workload: tip.workload,
    without: tip.without,
    with: tip.with,
    metric: metricLabel(tip.metric),
    unit: tipUnit(tip.metric),
    profile: s.profile,
    figures: { without: s.without, with: s.with },
    ratio: s.ratio,
    effectPct: s.effectPct,
  };
}

/** The scoreboard as one Markdown table (a row per tip and profile, its runs named in full). */
export function scoreboardMarkdown(scores: readonly TipScore[]): string[] {
  const rows = scores.map(scoreCells);
  return markdownTable(['tip', 'figure', 'profile', 'without', 'with', 'effect (ratio)', 'runs'], rows, ['left', 'left', 'left', 'right', 'right', 'right', 'left']);
}

/**
 * One block per tip: a row per profile, the tip's name and figure on the first, then a line
 * saying where its figures come from (outside the columns, so long workload names do not widen
 * them). Fits in 100 columns.
 */
export function scoreboard(scores: readonly TipScore[], palette?: Palette): string {
  const rows: string[][] = [];
  /** Row index after which each block's source line goes. */
  const sourceAfter = new Map<number, string>();
  for (let start = 0; start < scores.length; ) {
    const tip = scores[start].tip;
    let end = start;
    while (end < scores.length && scores[end].tip === tip) end++;
    for (let k = start; k < end; k++) {
      const s = scores[k];
      rows.push([
        k === start ? tip.name : '',
        k === start ? metricLabel(tip.metric) : '',
        s.profile,
        formatFigure(s.without, tip.metric),
        formatFigure(s.with, tip.metric),
        effectText(s),
      ]);
    }
    sourceAfter.set(rows.length - 1, `  from ${tip.workload}: ${tip.without} → ${tip.with}`);
    start = end;
  }
  // On a terminal: the header in bold, a run that failed in red.
  const failed = (i: number): boolean => rows[i][3] === 'failed' || rows[i][4] === 'failed';
  const plainTable = formatTable(['tip', 'figure', 'profile', 'without', 'with', 'effect (ratio)'], rows, ['left', 'left', 'left', 'right', 'right', 'right']);
  const table = (palette ? paintTable(plainTable, palette, (i) => (failed(i) ? palette.red : undefined)) : plainTable).split('\n');
  // formatTable's lines: header, rule, then one per row.
  const lines = table.slice(0, 2);
  rows.forEach((_, i) => {
    lines.push(table[i + 2]);
    const source = sourceAfter.get(i);
    if (source !== undefined) lines.push(source);
  });
  return lines.join('\n');
}
