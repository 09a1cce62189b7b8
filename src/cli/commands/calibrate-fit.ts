/**
 * `gclab calibrate --fit`: the cost model's coefficients fitted on the real interpreters here.
 * Every corpus program (the built-in workloads' variants at their calibration size, and
 * pyperformance's development set where the repository has it) runs once simulated per profile
 * (its counts) and `--repeat` times on each interpreter without tracemalloc (the fastest run's
 * wall time and pauses: the machine is shared). The fit per interpreter is printed with its
 * leave-one-out errors and written as a model file (`--out`) that `--cost-model` reads; the rows
 * measured go beside it (`--corpus-out`) so `--from-corpus` can refit without measuring again.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { discoverInterpreters, interpreterAt, type Interpreter } from '../../calibrate/interpreters.js';
import { bodyPauses, developmentSetDir, runTwin, type TwinResult } from '../../calibrate/twins.js';
import { accuracyOf, fitRows, gcShareErrorPp, largestPauseErrorPct, leaveOneOut, LONG_PAUSE_NS, totalErrorPct, type CorpusRow, type RowPrediction } from '../../calibrate/cost-fit.js';
import { mutatorDrivers, pauseDrivers } from '../../lab/cost-drivers.js';
import type { CoefficientSet, CostModel } from '../../lab/cost-model.js';
import { measureRun, prepareRun } from '../../lab/measure.js';
import { parseInteger, resolveRunSpec, resolveWorkload, type RunSpec } from '../../lab/options.js';
import { builtIns } from '../../lab/registry.js';
import { loadUserWorkload, workloadArgument } from '../../lab/user-workloads.js';
import type { Workload } from '../../lab/workload.js';
import { PROFILE_NAMES, type ProfileName } from '../../heap/profiles.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/table.js';
import { formatNs } from '../../core/units.js';
import { resultsDirOf } from './lab-options.js';

export interface FitOptions {
  python?: string[];
  workload?: string[];
  repeat?: string;
  out?: string;
  corpusOut?: string;
  fromCorpus?: string;
  resultsDir?: string;
}

/** The profiles a fit covers (a native interpreter of each is needed). */
const FITTED_PROFILES: readonly ProfileName[] = ['3.11', '3.12', '3.13'];

/** The profiles without a native interpreter here, and where their coefficients come from. */
const RULES: Readonly<Partial<Record<ProfileName, { from: ProfileName; why: string }>>> = {
  '3.14.0': { from: '3.13', why: "3.13's coefficients (no native 3.14 to fit on)" },
  '3.14.1': { from: '3.13', why: "3.13's coefficients (no native 3.14 to fit on)" },
  '3.14.5': { from: '3.13', why: "3.13's coefficients (no native 3.14 to fit on)" },
};

/** The file a corpus is saved as and read back from. */
interface CorpusFile {
  readonly format: 'gclab-cost-corpus';
  readonly createdAt: string;
  readonly machine: string;
  readonly interpreters: readonly { readonly version: string; readonly path: string; readonly profile: ProfileName; readonly rows: readonly CorpusRow[] }[];
}

/** pyperformance's development set's programs, where the repository has them. */
function developmentSet(): string[] {
  const dir = developmentSetDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^bm_.*\.py$/.test(f)).sort().map((f) => join(dir, f));
}

/** The size a workload runs at in the corpus: its first calibration size, else 100 000 where in range, else its default. */
function corpusParams(w: Workload): Record<string, number> {
  const n = w.params.n;
  if (n === undefined) return {};
  return { n: n.calibrate?.[0] ?? (100_000 >= n.min && 100_000 <= n.max ? 100_000 : n.default) };
}

/** One interpreter per fitted profile: the newest version found of each. */
function fitInterpreters(asked: readonly string[] | undefined): Interpreter[] {
  const found = asked
    ? asked.map((p) => {
        try {
          return interpreterAt(p);
        } catch (err) {
          throw new UsageError(`--python ${(err as Error).message}`);
        }
      })
    : discoverInterpreters();
  const byProfile = new Map<ProfileName, Interpreter>();
  const newer = (a: string, b: string): boolean => a.localeCompare(b, undefined, { numeric: true }) > 0;
  for (const i of found) {
    if (!FITTED_PROFILES.includes(i.profile)) continue;
    const have = byProfile.get(i.profile);
    if (have === undefined || newer(i.version, have.version)) byProfile.set(i.profile, i);
  }
  return [...byProfile.values()].sort((a, b) => a.profile.localeCompare(b.profile, undefined, { numeric: true }));
}

const machineText = (): string => `${hostname()}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`;

/** Measures the corpus, handing `save` what it has after each interpreter (an interrupted fit keeps those rows). */
async function measureCorpus(opts: FitOptions, progress: (line: string) => void, save: (corpus: CorpusFile) => void): Promise<CorpusFile> {
  const repeat = opts.repeat === undefined ? 3 : parseInteger(opts.repeat, '--repeat', 1, 100);
  const interpreters = fitInterpreters(opts.python);
  if (interpreters.length === 0) throw new UsageError('no CPython 3.11, 3.12 or 3.13 found to fit on (give one with --python PATH)');
  const workloads: Workload[] = [];
  if (opts.workload?.length) for (const arg of opts.workload) workloads.push(resolveWorkload(await workloadArgument(arg)));
  else {
    workloads.push(...builtIns().workloads.filter((w) => w.twin));
    for (const file of developmentSet()) workloads.push(await loadUserWorkload(file));
  }
  const plan = workloads.flatMap((w) => Object.keys(w.variants).map((variant) => ({ w, variant })));
  const total = plan.length * interpreters.length;
  progress(`cost-model fit: ${plan.length} programs × ${interpreters.map((i) => i.version).join(', ')}, each simulated once and run ${repeat}× without tracemalloc`);
  const started = performance.now();
  let done = 0;
  const out: CorpusFile['interpreters'][number][] = [];
  const corpus = (): CorpusFile => ({ format: 'gclab-cost-corpus', createdAt: new Date().toISOString(), machine: machineText(), interpreters: out });
  for (const interp of interpreters) {
    const rows: CorpusRow[] = [];
    for (const { w, variant } of plan) {
      const spec: RunSpec = resolveRunSpec({ workload: w.name, variant, params: corpusParams(w), profile: interp.profile });
      const metrics = measureRun(prepareRun(spec), spec);
      const mutator = mutatorDrivers(metrics);
      const label = `${w.name}/${variant}${'n' in spec.params ? ` n=${spec.params.n}` : ''}`;
      done++;
      if (mutator === undefined || !w.twin) {
        progress(`  [${done}/${total}] ${label}: ${mutator === undefined ? 'its work is not counted (a TypeScript body)' : 'no Python twin to time'}, left out`);
        continue;
      }
      let best: TwinResult | undefined;
      for (let i = 0; i < repeat; i++) {
        const r = await runTwin(interp.path, spec, { tracemalloc: false });
        if (best === undefined || r.wall_ns < best.wall_ns) best = r;
      }
      const real = bodyPauses(best!);
      rows.push({ program: w.name, label, mutator, simPauses: pauseDrivers(metrics), realWallNs: best!.wall_ns, realPauseNs: real.ns, realPauseGeneration: real.generation });
      const eta = ((performance.now() - started) / done) * (total - done);
      progress(`  [${done}/${total}] ${label} on ${interp.version}: ${formatNs(best!.wall_ns)}, ${best!.gc.pauses.count} collections (about ${formatNs(eta * 1e6)} to go)`);
    }
    out.push({ version: interp.version, path: interp.path, profile: interp.profile, rows });
    save(corpus());
  }
  return corpus();
}

function readCorpus(path: string): CorpusFile {
  let value: CorpusFile;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as CorpusFile;
  } catch (err) {
    throw new UsageError(`--from-corpus ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(err as Error).message})`}`);
  }
  if (value?.format !== 'gclab-cost-corpus' || !Array.isArray(value.interpreters)) throw new UsageError(`--from-corpus ${path}: not a corpus written by gclab calibrate --fit`);
  return value;
}

/** The model of a measured corpus: each interpreter's fit on all its rows, with its leave-one-out accuracy. */
export function modelOfCorpus(corpus: CorpusFile): { model: CostModel; predictions: Map<string, RowPrediction[]> } {
  const profiles: Partial<Record<ProfileName, CoefficientSet>> = {};
  const predictions = new Map<string, RowPrediction[]>();
  for (const interp of corpus.interpreters) {
    if (interp.rows.length < 2) continue;
    const loo = leaveOneOut(interp.rows);
    predictions.set(interp.version, loo);
    profiles[interp.profile] = { ...fitRows(interp.rows), source: { fitted: interp.version, path: interp.path, accuracy: accuracyOf(loo) } };
  }
  for (const profile of PROFILE_NAMES) {
    const rule = RULES[profile];
    const from = rule ? profiles[rule.from] : undefined;
    if (rule && from && profiles[profile] === undefined) profiles[profile] = { mutatorNs: from.mutatorNs, pauseNs: from.pauseNs, source: { rule: rule.why } };
  }
  const corpusNames = [...new Set(corpus.interpreters.flatMap((i) => i.rows.map((r) => r.label)))];
  return {
    model: { format: 'gclab-cost-model', version: 1, createdAt: corpus.createdAt, machine: corpus.machine, corpus: corpusNames, profiles },
    predictions,
  };
}

const pct = (v: number): string => `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;

/** Per interpreter: each program's leave-one-out prediction beside the real figures, then the summary. */
export function fitTables(corpus: CorpusFile, predictions: Map<string, RowPrediction[]>, model: CostModel): string[] {
  const lines: string[] = [];
  for (const interp of corpus.interpreters) {
    const rows = predictions.get(interp.version);
    if (rows === undefined) continue;
    const set = model.profiles[interp.profile]!;
    lines.push('', `${interp.version} (profile ${interp.profile}), leave-one-out: each program predicted by the fit on the others`);
    const header = ['program', 'real', 'modelled', 'error', 'gc share real', 'modelled', 'largest pause real', 'modelled', 'error'];
    const table = rows.map((p) => [
      p.label,
      formatNs(p.realTotalNs),
      formatNs(p.totalNs),
      pct(totalErrorPct(p)),
      `${((100 * p.realGcNs) / p.realTotalNs).toFixed(1)}%`,
      `${((100 * p.gcNs) / p.totalNs).toFixed(1)}% (${pct(gcShareErrorPp(p)).replace('%', ' pp')})`,
      p.realMaxPauseNs === 0 ? '-' : formatNs(p.realMaxPauseNs),
      p.maxPauseNs === 0 ? '-' : formatNs(p.maxPauseNs),
      p.realMaxPauseNs >= LONG_PAUSE_NS ? pct(largestPauseErrorPct(p)) : '',
    ]);
    lines.push(formatTable(header, table, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right']));
    if ('accuracy' in set.source) {
      const a = set.source.accuracy;
      lines.push(
        `  total time: median |error| ${a.totalMedianAbsPct.toFixed(1)} %, worst ${a.totalMaxAbsPct.toFixed(1)} %; GC share: worst ${a.gcShareMaxAbsPp.toFixed(1)} pp; ` +
          `largest pause ≥ 1 ms: ${a.largestPauseMaxAbsPct === null ? 'none that long' : `worst ${a.largestPauseMaxAbsPct.toFixed(1)} %`}`,
      );
    }
    const coef = (table: Readonly<Record<string, number>>): string => Object.entries(table).map(([k, v]) => `${k} ${v < 10 ? v.toFixed(2) : v.toFixed(0)}`).join(', ');
    lines.push(`  ns per driver (all programs): ${coef(set.mutatorNs)}`, `  ns per pause driver: ${coef(set.pauseNs)}`);
  }
  return lines;
}

export async function calibrateFitCommand(opts: FitOptions, out: (line: string) => void): Promise<number> {
  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  const dir = resultsDirOf(opts);
  const modelPath = opts.out ?? join(dir, 'cost-model.json');
  const corpusPath = opts.corpusOut ?? join(dir, 'cost-corpus.json');
  // Checked before three minutes of measuring, not after.
  for (const [flag, path] of [['--out', modelPath], ['--corpus-out', corpusPath]] as const) {
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: a directory (give a file name)`);
  }
  let corpus: CorpusFile;
  if (opts.fromCorpus !== undefined) corpus = readCorpus(opts.fromCorpus);
  else {
    const save = (c: CorpusFile): void => {
      mkdirSync(dirname(corpusPath), { recursive: true });
      writeFileSync(corpusPath, `${JSON.stringify(c)}\n`);
    };
    corpus = await measureCorpus(opts, progress, save);
  }
  const { model, predictions } = modelOfCorpus(corpus);
  if (Object.keys(model.profiles).length === 0) throw new UsageError('the corpus has too few programs to fit (at least 2 per interpreter)');
  for (const line of fitTables(corpus, predictions, model)) out(line);
  mkdirSync(dirname(modelPath), { recursive: true });
  writeFileSync(modelPath, `${JSON.stringify(model, null, 1)}\n`);
  out('');
  if (opts.fromCorpus === undefined) out(`corpus: ${corpusPath} (refit with --from-corpus)`);
  out(`model: ${modelPath} (use it with --cost-model ${modelPath})`);
  return 0;
}
