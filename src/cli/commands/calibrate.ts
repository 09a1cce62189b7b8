/**
 * `gclab calibrate`: each workload variant on each real interpreter found here (its twin, once with
 * tracemalloc for memory and GC figures, once without for wall time) next to the simulation of
 * the matching profile. Differences are printed, not hidden: where they are large the model is
 * wrong until shown otherwise.
 */
import { discoverInterpreters, interpreterAt, type Interpreter } from '../../calibrate/interpreters.js';
import { bodyPauses, runTwin, type TwinResult } from '../../calibrate/twins.js';
import { costModel, modelledTime } from '../../lab/cost-model.js';
import { measureRun, prepareRun, runBody, type RunMetrics } from '../../lab/measure.js';
import { resolveRunSpec, resolveWorkload, type RunSpec } from '../../lab/options.js';
import { builtIns } from '../../lab/registry.js';
import { workloadArgument } from '../../lab/user-workloads.js';
import type { Workload } from '../../lab/workload.js';
import { UsageError } from '../../core/errors.js';
import { fitFirstColumn, fitName, formatTable, packFields, PIPED_WIDTH, wrapWords } from '../../core/table.js';
import { outputWidth } from '../width.js';
import { formatBytes, formatNs } from '../../core/units.js';
import { parseInteger } from '../../lab/options.js';

export interface CalibrateOptions {
  python?: string[];
  workload?: string[];
  n?: string;
  /** `key=value`: set on every workload that has the parameter (the others run without it). */
  param?: string[];
  json?: boolean;
  costModel?: string;
}

/** The figures compared, for one side (simulated or real). */
export interface CalibrationFigures {
  readonly peak: number;
  readonly current: number;
  readonly collections: readonly number[];
  readonly collected: readonly number[];
  readonly uncollectable: readonly number[];
  /** The body's time: the simulator's own (sim side), the interpreter's wall clock (real side). */
  readonly wallNs: number;
  /**
   * CPython time: modelled from the run's counts (sim side; null where the work is not counted),
   * measured without tracemalloc (real side): the total, its collections and the longest pause.
   */
  readonly cpython?: { readonly totalNs: number; readonly gcNs: number; readonly maxPauseNs: number } | null;
  /** Bytes at each probe, and the figures reported (`ctx.report` / `twin.report`). */
  readonly probes: Readonly<Record<string, number>>;
  readonly reports: Readonly<Record<string, number>>;
}

export interface CalibrationRow {
  readonly python: string;
  readonly profile: string;
  readonly workload: string;
  readonly variant: string;
  /** The workload's `n` (null for a workload without one, run at its defaults). */
  readonly n: number | null;
  readonly sim: CalibrationFigures;
  readonly real: CalibrationFigures;
}

/** The largest relative difference over a row's probes, or '-' without probes. */
function probesDiff(r: CalibrationRow): string {
  const names = Object.keys(r.sim.probes);
  if (names.length === 0) return '-';
  let worst = 0;
  for (const name of names) {
    const d = relDiff(r.sim.probes[name], r.real.probes[name] ?? Number.NaN);
    if (Number.isNaN(d) || Math.abs(d) > Math.abs(worst)) worst = d;
  }
  return Number.isNaN(worst) ? 'missing' : worst === 0 ? '=' : `${worst > 0 ? '+' : ''}${worst.toFixed(2)}%`;
}

/** Relative difference in percent (0 when both are 0). */
export function relDiff(sim: number, real: number): number {
  if (sim === real) return 0;
  return (100 * (sim - real)) / Math.max(Math.abs(real), 1);
}

/** The simulated body's wall time: the best of three runs on fresh heaps. */
function simWallNs(spec: RunSpec): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, runBody(prepareRun(spec), spec));
  return best;
}

/** An interpreter named with --python, or a usage error saying why it cannot be used. */
function askedInterpreter(pathOrName: string): Interpreter {
  try {
    return interpreterAt(pathOrName);
  } catch (err) {
    throw new UsageError(`--python ${(err as Error).message}`);
  }
}

/** The size calibrate runs a workload with an `n` at when neither --n nor the workload says otherwise. */
const DEFAULT_N = 100_000;

/** The values of `n` a workload runs at without --n: its own (ParamSpec.calibrate), else 100 000 where in range, else its default. */
function ownSizes(w: Workload): number[] {
  const n = w.params.n;
  if (n.calibrate) return [...n.calibrate];
  return [DEFAULT_N >= n.min && DEFAULT_N <= n.max ? DEFAULT_N : n.default];
}

/**
 * The values of `n` a workload runs at. --n applies to the workloads named with --workload as
 * given (a size out of one's range is refused before anything runs); calibrating every workload,
 * a size out of a workload's range gives way to that workload's own sizes, and a note says so.
 */
export function sizesFor(w: Workload, asked: readonly number[] | undefined, named: boolean, note: (line: string) => void): number[] {
  if (!asked) return ownSizes(w);
  if (named) return [...asked];
  const n = w.params.n;
  const fitting = asked.filter((v) => v >= n.min && v <= n.max);
  if (fitting.length === asked.length) return fitting;
  const sizes = fitting.length > 0 ? fitting : ownSizes(w);
  note(`  ${w.name}: n in ${n.min}..${n.max}, so it runs at n = ${sizes.join(', ')}`);
  return sizes;
}

export async function calibrateCommand(opts: CalibrateOptions, out: (line: string) => void): Promise<number> {
  const asked = opts.n === undefined ? undefined : opts.n.split(',').map((v) => parseInteger(v, '--n', 1, 10_000_000));
  const workloads: Workload[] = [];
  for (const arg of opts.workload ?? []) workloads.push(resolveWorkload(await workloadArgument(arg)));
  if (workloads.length === 0) workloads.push(...builtIns().workloads);
  const interpreters: Interpreter[] = opts.python ? opts.python.map(askedInterpreter) : discoverInterpreters();
  if (interpreters.length === 0) throw new UsageError('no CPython 3.11+ interpreter found (give one with --python PATH)');
  const model = costModel(opts.costModel);
  const extraParams = (opts.param ?? []).map((item): [string, string] => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes key=value, got '${item}'`);
    const key = item.slice(0, eq).trim();
    if (!workloads.some((w) => key in w.params)) throw new UsageError(`--param ${key}: none of the workloads calibrated has that parameter`);
    return [key, item.slice(eq + 1).trim()];
  });
  // Every run resolved before any starts: a size or parameter out of a workload's range is one
  // line now, not an error after an hour of calibration.
  const plan: { interp: Interpreter; w: Workload; variant: string; spec: RunSpec }[] = [];
  const named = (opts.workload ?? []).length > 0;
  const notes = new Set<string>();
  const noteOnce = (line: string): void => void notes.add(line);
  for (const interp of interpreters) {
    for (const w of workloads) {
      if (!w.twin) continue;
      for (const variant of Object.keys(w.variants)) {
        // The sizes apply to a workload that has an `n`; any other runs once at its defaults.
        for (const n of 'n' in w.params ? sizesFor(w, asked, named, noteOnce) : [Number.NaN]) {
          const params: Record<string, number | string> = 'n' in w.params ? { n } : {};
          for (const [key, value] of extraParams) if (key in w.params) params[key] = value;
          plan.push({ interp, w, variant, spec: resolveRunSpec({ workload: w.name, variant, params, profile: interp.profile }) });
        }
      }
    }
  }
  for (const w of workloads) if (!w.twin) process.stderr.write(`  ${w.name}: no Python twin; skipped\n`);
  for (const line of notes) process.stderr.write(`${line}\n`);
  if (!opts.json) for (const line of packFields('interpreters: ', interpreters.map((i) => `${i.version} (${i.path}) -> ${i.profile}`), outputWidth(), '  ', ', ')) out(line);
  // Each row as it finishes (on stderr with --json, whose stdout is one document): an interrupted
  // calibration shows everything it measured.
  const stream = opts.json ? (line: string) => void process.stderr.write(`${line}\n`) : out;
  const width = opts.json ? PIPED_WIDTH : outputWidth();
  stream(`${plan.length} runs, each simulated and then run twice on its interpreter (with tracemalloc, then timed)`);
  const rows: CalibrationRow[] = [];
  let current: Interpreter | undefined;
  for (const { interp, w, variant, spec } of plan) {
    if (interp !== current) {
      current = interp;
      stream('');
      stream(`${interp.version} (profile ${interp.profile}): ${interp.path}`);
    }
    const metrics: RunMetrics = measureRun(prepareRun(spec), spec);
    const modelled = modelledTime(metrics, spec.profile, model);
    const traced: TwinResult = await runTwin(interp.path, spec, { tracemalloc: true });
    const timed: TwinResult = await runTwin(interp.path, spec, { tracemalloc: false });
    const realPauses = bodyPauses(timed).ns;
    rows.push({
      python: interp.version,
      profile: interp.profile,
      workload: w.name,
      variant,
      n: 'n' in spec.params ? spec.params.n : null,
      sim: {
        peak: metrics.memory.requested.peak,
        current: metrics.memory.requested.current,
        collections: metrics.gc.collections,
        collected: metrics.gc.collected,
        uncollectable: metrics.gc.uncollectable,
        wallNs: simWallNs(spec),
        cpython: modelled === undefined ? null : { totalNs: modelled.totalNs, gcNs: modelled.gcNs, maxPauseNs: modelled.pausesNs.max },
        probes: metrics.memory.probes,
        reports: metrics.reports,
      },
      real: {
        peak: traced.tracemalloc!.peak,
        current: traced.tracemalloc!.current,
        collections: traced.gc.collections,
        collected: traced.gc.collected,
        uncollectable: traced.gc.uncollectable,
        wallNs: timed.wall_ns,
        cpython: { totalNs: timed.wall_ns, gcNs: realPauses.reduce((a, b) => a + b, 0), maxPauseNs: Math.max(0, ...realPauses) },
        probes: traced.tracemalloc!.probes,
        reports: traced.reports ?? {},
      },
    });
    for (const line of rowLines(rows[rows.length - 1], width)) stream(line);
  }
  if (opts.json) {
    out(JSON.stringify(rows));
    return 0;
  }
  for (const line of calibrationTables(rows)) out(line);
  return 0;
}

/** A signed percentage difference, or '=' when the figures are equal. */
function pctText(sim: number, real: number): string {
  const d = relDiff(sim, real);
  return d === 0 ? '=' : `${d > 0 ? '+' : ''}${d.toFixed(2)}%`;
}

/** The modelled CPython time beside the interpreter's (total, GC, largest pause), or why there is none. */
function cpythonFields(r: CalibrationRow): string[] {
  const [m, real] = [r.sim.cpython, r.real.cpython];
  if (!real) return [`time ${formatNs(r.real.wallNs)} real`];
  if (!m) return [`CPython time not modelled (real ${formatNs(real.totalNs)})`];
  return [
    `CPython time ${formatNs(m.totalNs)} modelled (real ${formatNs(real.totalNs)}, ${pctText(m.totalNs, real.totalNs)})`,
    `GC ${formatNs(m.gcNs)} (real ${formatNs(real.gcNs)})`,
    `largest pause ${formatNs(m.maxPauseNs)} (real ${formatNs(real.maxPauseNs)})`,
  ];
}

/**
 * One finished row as it streams: each simulated figure with the real one beside it, packed into
 * the width at field boundaries.
 */
export function rowLines(r: CalibrationRow, width: number): string[] {
  const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);
  const beside = (sim: string, real: string, diff: string): string => `${sim} (real ${real}${diff === '' ? '' : `, ${diff}`})`;
  const fields = [
    `peak ${beside(formatBytes(r.sim.peak), formatBytes(r.real.peak), pctText(r.sim.peak, r.real.peak))}`,
    `at the end ${beside(formatBytes(r.sim.current), formatBytes(r.real.current), r.sim.current === r.real.current ? '=' : `${r.sim.current - r.real.current > 0 ? '+' : ''}${r.sim.current - r.real.current} B`)}`,
    ...Object.keys(r.sim.probes).map((name) => {
      const real = r.real.probes[name];
      return `probe ${name} ${real === undefined ? `${formatBytes(r.sim.probes[name])} (real: missing)` : beside(formatBytes(r.sim.probes[name]), formatBytes(real), pctText(r.sim.probes[name], real))}`;
    }),
    `collections ${beside(r.sim.collections.join('/'), r.real.collections.join('/'), r.sim.collections.join('/') === r.real.collections.join('/') ? '=' : 'differ')}`,
    `collected ${beside(String(sum(r.sim.collected)), String(sum(r.real.collected)), pctText(sum(r.sim.collected), sum(r.real.collected)))}`,
    ...cpythonFields(r),
    `sim time ${formatNs(r.sim.wallNs)} (${(r.sim.wallNs / r.real.wallNs).toFixed(2)}x real)`,
  ];
  return packFields(`  ${r.workload}/${r.variant}${r.n === null ? '' : ` n=${r.n}`}: `, fields, width, '      ');
}

/**
 * The text report: per interpreter, a table of the figures (simulated, and how far from the real
 * interpreter's) and a table of the times, each within 100 columns: the longest names give way
 * (a row whose collections differ from the real ones also shows those, beyond if need be).
 */
export function calibrationTables(rows: readonly CalibrationRow[]): string[] {
  const pct = (s: number, r: number): string => {
    const d = relDiff(s, r);
    return d === 0 ? '=' : `${d > 0 ? '+' : ''}${d.toFixed(2)}%`;
  };
  const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);
  const label = (r: CalibrationRow): string => `${r.workload}/${r.variant}`;
  const size = (r: CalibrationRow): string => (r.n === null ? 'defaults' : String(r.n));
  const collections = (r: CalibrationRow): string => {
    const sim = r.sim.collections.join('/');
    const real = r.real.collections.join('/');
    return sim === real ? sim : `${sim} ≠ ${real}`;
  };
  const lines: string[] = [];
  for (const python of [...new Set(rows.map((r) => r.python))]) {
    const group = rows.filter((r) => r.python === python);
    lines.push('', `${python} (profile ${group[0].profile})`);
    const figures = ['workload/variant', 'n', 'peak', 'real', 'Δ', 'cur Δ', 'probes', 'collections', 'collected'];
    const times = ['workload/variant', 'n', 'CPython', 'real', 'error', 'GC', 'real', 'max pause', 'real', 'sim time'];
    const figureRows = group.map((r) => [
      label(r),
      size(r),
      formatBytes(r.sim.peak),
      formatBytes(r.real.peak),
      pct(r.sim.peak, r.real.peak),
      `${r.sim.current - r.real.current} B`,
      probesDiff(r),
      collections(r),
      pct(sum(r.sim.collected), sum(r.real.collected)),
    ]);
    const ns = (v: number | undefined): string => (v === undefined ? '-' : formatNs(v));
    const timeRows = group.map((r) => {
      const [m, real] = [r.sim.cpython ?? undefined, r.real.cpython ?? undefined];
      return [
        label(r),
        size(r),
        ns(m?.totalNs),
        ns(real?.totalNs ?? r.real.wallNs),
        m && real ? pct(m.totalNs, real.totalNs) : '-',
        ns(m?.gcNs),
        ns(real?.gcNs),
        ns(m?.maxPauseNs),
        ns(real?.maxPauseNs),
        formatNs(r.sim.wallNs),
      ];
    });
    lines.push(
      formatTable(figures, fitFirstColumn(figures, figureRows, outputWidth(), fitName), ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right']),
      '',
      formatTable(times, fitFirstColumn(times, timeRows, outputWidth(), fitName), ['left', ...times.slice(1).map((): 'right' => 'right')]),
    );
  }
  lines.push(
    '',
    ...wrapWords(
      'peak: simulated, then real; Δ, probes (the largest difference) and collected: simulated minus real, in %; ' +
        'cur Δ: bytes left at the end, simulated minus real; collections per generation, simulated (and ≠ the real ones ' +
        'where they differ); CPython (time), GC and max pause: modelled from the run\'s counts (docs/cost-model.md), ' +
        'each with the real one beside it (the twin without tracemalloc; its gc.callbacks pauses); sim time: the simulator\'s own (best of 3).',
      outputWidth(),
      '',
    ),
  );
  return lines;
}
