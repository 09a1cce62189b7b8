/**
 * `gclab tune <workload>`: sweeps gc thresholds and the freeze point over a grid (or an adaptive
 * search with a budget of runs), runs every point on the worker pool, and prints every point, the
 * Pareto front over (time, pause p99, peak requested bytes) and the setting an objective
 * recommends, with the Python lines that apply it and its figures next to the default's.
 */
import { costModel } from '../../lab/cost-model.js';
import { PROFILES } from '../../heap/profiles.js';
import type { TaskPlan, TaskRecord } from '../../lab/coordinator.js';
import { parseInteger, resolveWorkload } from '../../lab/options.js';
import { OPTIONS } from '../../lab/option-table.js';
import { exitStatus, runSession } from '../../lab/session.js';
import { workloadArgument } from '../../lab/user-workloads.js';
import { OBJECTIVES, pointFigures, type Objective } from '../../tune/front.js';
import { analyseTune, pythonLines, reproduceCommand, settingOf, type TuneAnalysis, type TunePoint } from '../../tune/analysis.js';
import { AdaptiveSearch, type MeasuredPoint } from '../../tune/search.js';
import { parseFreezeList, parseThresholdRange, sameSetting, TuneSpace, type Axis, type Point, type Setting } from '../../tune/space.js';
import { UsageError, unknownName } from '../../core/errors.js';
import { formatTable, markdownTable, type Align } from '../../core/table.js';
import { formatBytes, formatCompact, formatNs, formatRatio } from '../../core/units.js';
import { resolveCoordinatorOptions, resultsDirOf, specFromOptions, type RawLabOptions, resolveSessionPlace, whereLabel } from './lab-options.js';
import { paintTable, stdoutPalette, type Palette } from '../colour.js';
import { reportLine, type HtmlOption } from './report.js';
import { checkRunOutputs, sessionReport, withLateProblems, type LateProblems } from './outputs.js';

export interface TuneOptions extends Pick<
  RawLabOptions,
  'profile' | 'seed' | 'param' | 'heapMib' | 'startupObjects' | 'workers' | 'timeout' | 'iterations' | 'time' | 'warmup' | 'timing' | 'resultsDir' | 'costModel' | 'queue' | 'queueTimeout' | 'resume' | 'json'
> {
  variant?: string;
  threshold0?: string;
  threshold1?: string;
  threshold2?: string;
  freezeAt?: string;
  objective?: string;
  budget?: string;
  /** Print the points and the recommendation as Markdown. */
  md?: boolean;
  /** Also write an HTML report (true: beside the results file). */
  html?: HtmlOption;
}

export async function tuneCommand(workloadArg: string, opts: TuneOptions, out: (line: string) => void): Promise<number> {
  if (opts.profile?.includes(',')) throw new UsageError("'tune' takes one profile");
  if (opts.json && opts.md) throw new UsageError('--json and --md are exclusive: choose one');
  const objective = parseObjective(opts.objective ?? OPTIONS.objective.default);
  const workloadName = await workloadArgument(workloadArg);
  const baseSpec = specFromOptions({ ...opts, gc: 'enabled', freezeAt: undefined }, workloadName, opts.variant, opts.profile);
  const workload = resolveWorkload(baseSpec.workload);
  const defaults = PROFILES[baseSpec.profile].thresholds;
  const space = new TuneSpace(parseAxes(opts, workload.name, workload.probes), { threshold: defaults, freezeAt: null });
  const budget = opts.budget === undefined ? null : parseInteger(opts.budget, '--budget', 2, 10_000);
  // Each point is judged by its modelled CPython time where the cost model prices the program,
  // and then nothing reads the simulator's own time: no timing runs. A TypeScript body's work is
  // not counted: it is judged by timing, which it cannot do without.
  const modelled = Object.values(workload.variants).every((v) => v.work !== undefined) && costModel(opts.costModel).profiles[baseSpec.profile] !== undefined;
  if (opts.timing === false && !modelled) {
    throw new UsageError(
      `tune judges every point by its time and ${workload.name}'s work is not counted (a TypeScript body), so it needs timing: --no-timing does not apply; lower --iterations or --time to make it quicker`,
    );
  }
  const coordinator = resolveCoordinatorOptions({ ...opts, timing: !modelled });

  // The default setting runs once: as a point of the space if it is one, else on its own.
  const defaultSetting: Setting = { threshold: defaults, freezeAt: null };
  const defaultPoint = space.pointOf(defaultSetting) ?? null;
  const plan = (point: Point | null): TaskPlan => {
    const setting = point === null ? defaultSetting : space.setting(point);
    // The default runs without --threshold, exactly as `gclab run` does without it.
    const threshold = sameSetting(setting, defaultSetting) ? null : setting.threshold;
    return { spec: { ...baseSpec, threshold, freezeAt: setting.freezeAt }, repetition: 0 };
  };

  let plans: TaskPlan[];
  let nextBatch: ((finished: readonly TaskRecord[]) => TaskPlan[]) | undefined;
  let total: number;
  let searchLabel: string;
  if (budget === null) {
    const grid = space.grid();
    if (grid.length > 10_000) throw new UsageError(`the grid has ${grid.length} points; narrow the ranges or give --budget N for an adaptive search`);
    plans = [...(defaultPoint !== null ? [] : [plan(null)]), ...grid.map((p) => plan(p))];
    total = plans.length;
    searchLabel = `grid of ${grid.length} points${defaultPoint !== null ? ' (the default among them)' : ' + the default'}`;
  } else {
    const search = new AdaptiveSearch(space, budget - 1, objective);
    const first = search.initial(defaultPoint === null ? [] : [defaultPoint]);
    plans = [plan(defaultPoint), ...first.map((p) => plan(p))];
    total = budget;
    searchLabel = `adaptive search, budget ${budget} runs over a lattice of ${space.size} points`;
    nextBatch = (finished) => {
      const measured: MeasuredPoint[] = [];
      for (const r of finished) {
        const point = space.pointOf(settingOf(r.spec, defaults));
        if (point) measured.push({ point, figures: pointFigures(r) });
      }
      // A batch is as many points as run at once: --workers, on a queue too (where it should be the
      // workers' total), so the search's path, and its recommendation, depend on --workers only.
      return search.next(measured, coordinator.workers).map((p) => plan(p));
    };
  }

  const label = `${baseSpec.workload}/${baseSpec.variant} on ${baseSpec.profile}`;
  checkRunOutputs(resultsDirOf(opts), opts.html);
  if (!opts.json && !opts.md) out(`gclab tune: ${label}, objective ${objective}, ${opts.queue !== undefined ? `${whereLabel(opts, coordinator)}, ${coordinator.workers} points at once` : whereLabel(opts, coordinator)}\n  ${searchLabel}`);
  const session = await runSession({
    ...resolveSessionPlace(opts),
    name: `tune-${baseSpec.workload}-${baseSpec.variant}`,
    command: 'tune',
    options: { spec: baseSpec, objective, budget, axes: space.axes, coordinator },
    plans,
    nextBatch,
    total,
    coordinator,
    resultsDir: resultsDirOf(opts),
    animate: process.stderr.isTTY === true && !opts.json && !opts.md,
    quiet: opts.json,
  });
  const problems: LateProblems = [];
  const report = await sessionReport(session, opts.html, problems);

  const a = analyseTune(session.records, objective, defaults);
  const measuredCount = a.points.filter((p) => p.figures !== undefined).length;
  const frontCount = a.points.filter((p) => p.front).length;

  if (opts.json) {
    out(JSON.stringify({ ...(tuneJson(session.path, a, workload.name) as object), ...(report ? { report: report.path } : {}) }));
  } else if (opts.md) {
    out(`**gclab tune**: ${label}, objective ${objective}; ${searchLabel}`);
    out('');
    for (const line of markdownTable(...pointsColumns(a, space.axes))) out(line);
    out('');
    out(`Pareto front over (time, pause p99, peak): ${frontCount} of ${measuredCount} points, marked \\*; d the profile's default setting`);
    out('');
    out('```text');
    for (const line of recommendation(a, workload.name)) out(line);
    out('```');
    out(`- results: \`${session.path}\``);
    if (report) out(`- ${reportLine(report)}`);
  } else {
    const palette = stdoutPalette();
    out(pointsTable(a, space.axes, palette));
    out(`Pareto front over (time, pause p99, peak): ${frontCount} of ${measuredCount} points, marked *`);
    out('');
    const lines = recommendation(a, workload.name);
    lines.forEach((line, i) => out(i === 0 ? palette.bold(line) : line));
    out(`results: ${session.path}`); // one line, however long the path: scripts read it
    if (report) out(reportLine(report));
  }
  return withLateProblems(exitStatus(session), session, problems);
}

function parseObjective(value: string): Objective {
  return (OBJECTIVES as readonly string[]).includes(value) ? (value as Objective) : unknownName('objective', value, OBJECTIVES);
}

function parseAxes(opts: TuneOptions, workload: string, probes: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  const ranges = [opts.threshold0, opts.threshold1, opts.threshold2];
  ranges.forEach((range, index) => {
    if (range === undefined) return;
    const name = `threshold${index}`;
    axes.push({ kind: 'threshold', index, name, values: parseThresholdRange(range, `--${name}`) });
  });
  if (opts.freezeAt !== undefined) axes.push({ kind: 'freeze', name: 'freeze-at', values: parseFreezeList(opts.freezeAt, probes, workload) });
  if (axes.length === 0) throw new UsageError('nothing to tune: give at least one of --threshold0, --threshold1, --threshold2, --freeze-at');
  return axes;
}

/** The points as a table: header, rows and alignment (rows sorted by setting). */
function pointsColumns(analysis: TuneAnalysis, axes: readonly Axis[]): [string[], string[][], Align[]] {
  const sweepsFreeze = axes.some((a) => a.kind === 'freeze');
  const sorted = [...analysis.points].sort((a, b) => compareSettings(a.setting, b.setting));
  const rows = sorted.map((p) => {
    const mark = (p.front ? '*' : '') + (p.isDefault ? 'd' : '');
    const head = [mark, p.setting.threshold.join(','), ...(sweepsFreeze ? [p.setting.freezeAt ?? 'none'] : [])];
    const f = p.figures;
    if (!f) return [...head, p.record.status, p.record.error?.slice(0, 30) ?? '', '', '', '', ''];
    return [
      ...head,
      formatNs(f.time),
      f.modelled ? 'modelled' : formatNsRange(f.timeLow, f.timeHigh),
      `${formatCompact(f.pauseP99)}/${formatCompact(f.pauseMax)}`,
      formatNs(f.pauseMaxNs),
      formatBytes(f.peak),
      f.collections.join('/'),
    ];
  });
  const header = ['', 'threshold', ...(sweepsFreeze ? ['freeze'] : []), 'time', '95% interval', 'p99/max obj', 'max ms', 'peak', 'collections'];
  const align = header.map((_, i) => (i <= (sweepsFreeze ? 2 : 1) ? 'left' : 'right') as Align);
  return [header, rows, align];
}

/** `12.9–27.9 ms`: an interval with its unit once when both ends share it (the table fits in 100 columns). */
function formatNsRange(low: number, high: number): string {
  const [a, b] = [formatNs(low), formatNs(high)];
  const unit = (s: string): string => s.slice(s.lastIndexOf(' '));
  return unit(a) === unit(b) ? `${a.slice(0, a.lastIndexOf(' '))}–${b}` : `${a}–${b}`;
}

/** The points for a terminal: on a TTY the header in bold and the front's rows in green. */
function pointsTable(analysis: TuneAnalysis, axes: readonly Axis[], palette?: Palette): string {
  const [header, rows, align] = pointsColumns(analysis, axes);
  const table = formatTable(header, rows, align);
  return (
    (palette ? paintTable(table, palette, (i) => (rows[i][0].includes('*') ? palette.green : undefined)) : table) +
    "\n(* on the Pareto front, d the profile's default setting; time: modelled CPython time where the" +
    "\n cost model prices the run, else the simulator's median; pauses as objects visited, p99 and max," +
    '\n and the largest one in time, modelled likewise)'
  );
}

function compareSettings(a: Setting, b: Setting): number {
  for (let i = 0; i < 3; i++) if (a.threshold[i] !== b.threshold[i]) return a.threshold[i] - b.threshold[i];
  return (a.freezeAt ?? '').localeCompare(b.freezeAt ?? '');
}

/** A command as shell lines of at most `width` columns, joined by backslash continuations. */
function wrapCommand(words: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = indent;
  for (let i = 0; i < words.length; i++) {
    // an option stays on the line of its value
    const word = words[i].startsWith('--') && i + 1 < words.length && !words[i + 1].startsWith('--') ? `${words[i]} ${words[++i]}` : words[i];
    if (line.trim().length > 0 && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `${indent}  `;
    }
    line += line.trim().length > 0 ? ` ${word}` : word;
  }
  lines.push(line);
  return lines;
}

function recommendation(analysis: TuneAnalysis, workload: string): string[] {
  const { objective, recommended: best, defaultPoint: dflt } = analysis;
  if (!best?.figures) return ['no point was measured, so there is no recommendation'];
  const f = best.figures;
  const lines = [`recommended for ${objective}: threshold ${best.setting.threshold.join(', ')}, ${best.setting.freezeAt === null ? 'no freeze' : `gc.freeze() at '${best.setting.freezeAt}'`}`];
  const d = dflt?.figures;
  const vs = (a: number, b: number | undefined, fmt: (v: number) => string, unit = ''): string =>
    b === undefined ? `${fmt(a)}${unit}` : `${fmt(a)} vs ${fmt(b)}${unit} (${formatRatio(b > 0 ? a / b : NaN)})`;
  lines.push(`  figures against the default${d ? '' : ' (the default run failed)'}:`);
  if (f.modelled) lines.push(`    time       ${vs(f.time, d?.time, formatNs)}, modelled CPython time (deterministic)`);
  else lines.push(`    time       ${vs(f.time, d?.time, formatNs)}, the simulator's; intervals ${formatNs(f.timeLow)}–${formatNs(f.timeHigh)}${d ? ` and ${formatNs(d.timeLow)}–${formatNs(d.timeHigh)}` : ''}`);
  lines.push(`    pause p99  ${vs(f.pauseP99, d?.pauseP99, formatCompact, ' objects visited')}`);
  lines.push(`    pause max  ${vs(f.pauseMax, d?.pauseMax, formatCompact, ' objects visited')}; ${vs(f.pauseMaxNs, d?.pauseMaxNs, formatNs)}`);
  lines.push(`    peak       ${vs(f.peak, d?.peak, formatBytes)}`);
  lines.push(`    gc share   ${(100 * f.gcShare).toFixed(1)}%${d ? ` vs ${(100 * d.gcShare).toFixed(1)}%` : ''}`);
  lines.push(`    collections ${f.collections.join('/')}${d ? ` vs ${d.collections.join('/')}` : ''}`);
  if (best === dflt) lines.push(`  no setting measured does better than the default on ${objective}: keep the default`);
  else if (d && !f.modelled && objective === 'throughput' && f.timeHigh >= d.timeLow) {
    lines.push("  note: its time interval overlaps the default's, so the gain is within this machine's noise");
  } else if (d && !f.modelled && objective === 'gc-share') {
    lines.push('  note: gc share is wall-clock time of one run each; run the two settings again to confirm');
  }
  const python = pythonLines(best.setting, analysis.defaults, workload);
  if (python.length > 0) {
    lines.push('  apply it with:');
    for (const l of python) lines.push(`    ${l}`);
  }
  lines.push('  reproduce it with:');
  lines.push(...wrapCommand(reproduceCommand(best.record.spec), '    '));
  return lines;
}

function tuneJson(path: string, analysis: TuneAnalysis, workload: string): unknown {
  const point = (p: TunePoint) => ({
    threshold: p.setting.threshold,
    freezeAt: p.setting.freezeAt,
    status: p.record.status,
    figures: p.figures ?? null,
    front: p.front,
    default: p.isDefault,
  });
  const best = analysis.recommended;
  return {
    results: path,
    objective: analysis.objective,
    points: analysis.points.map(point),
    front: analysis.points.filter((p) => p.front).map(point),
    recommended: best
      ? { ...point(best), python: pythonLines(best.setting, analysis.defaults, workload), reproduce: reproduceCommand(best.record.spec).join(' ') }
      : null,
    default: analysis.defaultPoint ? point(analysis.defaultPoint) : null,
  };
}
