/**
 * Fitting the cost model (src/lab/cost-model.ts) on real interpreters: each corpus row is one
 * workload variant's simulated counts beside its real twin's wall time and pauses (no
 * tracemalloc). Two non-negative least-squares fits per interpreter, both on relative error:
 *
 *   pause  ≈ base[generation] + ns/visited × visited + ns/collected × collected
 *            (each real pause paired with the simulated one of the same generation and rank)
 *   mutator ≈ Σ ns/op × operations by class + ns/alloc × allocations + …
 *            (the real wall time less the real pauses)
 *
 * Leave-one-out holds each program (a workload, all its variants) out of the fit that predicts it.
 */
import { MUTATOR_FEATURES, PAUSE_FEATURES, priced } from '../lab/cost-drivers.js';
import type { CoefficientSet, FitAccuracy } from '../lab/cost-model.js';

export interface CorpusRow {
  /** The program (a workload): leave-one-out holds out all its rows together. */
  readonly program: string;
  /** workload/variant and size, for tables. */
  readonly label: string;
  readonly mutator: Readonly<Record<string, number>>;
  readonly simPauses: readonly Readonly<Record<string, number>>[];
  readonly realWallNs: number;
  readonly realPauseNs: readonly number[];
  readonly realPauseGeneration: readonly number[];
}

/** What the model predicts for a row next to what the interpreter measured. */
export interface RowPrediction {
  readonly label: string;
  readonly totalNs: number;
  readonly realTotalNs: number;
  readonly gcNs: number;
  readonly realGcNs: number;
  readonly maxPauseNs: number;
  readonly realMaxPauseNs: number;
}

/** Pauses below this weigh as if they were this long: a relative fit that a 10 µs timer's jitter cannot steer. */
const PAUSE_FLOOR_NS = 50_000;
/** Real pauses this long or longer are the ones the largest-pause accuracy is judged on. */
export const LONG_PAUSE_NS = 1_000_000;

/**
 * min ‖A x − b‖² subject to x ≥ 0, given the normal equations G = AᵀA and h = Aᵀb (Lawson and
 * Hanson's active-set method). Columns should be on comparable scales (fitCoefficients scales them).
 */
export function nnls(G: readonly (readonly number[])[], h: readonly number[]): number[] {
  const n = h.length;
  const x = new Array<number>(n).fill(0);
  const passive = new Array<boolean>(n).fill(false);
  const tol = 1e-10 * Math.max(1, ...h.map(Math.abs));
  for (let outer = 0; outer < 10 * n; outer++) {
    const w = h.map((hj, j) => hj - G[j].reduce((s, gjk, k) => s + gjk * x[k], 0));
    let best = -1;
    for (let j = 0; j < n; j++) if (!passive[j] && w[j] > tol && (best === -1 || w[j] > w[best])) best = j;
    if (best === -1) break;
    passive[best] = true;
    for (let inner = 0; inner < 10 * n; inner++) {
      const z = solvePassive(G, h, passive);
      if (passive.every((p, j) => !p || z[j] > 0)) {
        for (let j = 0; j < n; j++) x[j] = z[j];
        break;
      }
      let alpha = Infinity;
      for (let j = 0; j < n; j++) if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
      for (let j = 0; j < n; j++) {
        x[j] += alpha * (z[j] - x[j]);
        if (passive[j] && x[j] <= 1e-15) {
          passive[j] = false;
          x[j] = 0;
        }
      }
    }
  }
  return x;
}

/** The unconstrained least-squares solution on the passive columns (zero elsewhere). */
function solvePassive(G: readonly (readonly number[])[], h: readonly number[], passive: readonly boolean[]): number[] {
  const idx = passive.flatMap((p, j) => (p ? [j] : []));
  const m = idx.length;
  // A whisker of ridge keeps a column that duplicates another from making the system singular.
  const a = idx.map((r) => [...idx.map((c) => G[r][c] + (r === c ? 1e-12 * (G[r][r] || 1) : 0)), h[r]]);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const d = a[col][col];
    if (d === 0) continue;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r][col] / d;
      if (f !== 0) for (let c = col; c <= m; c++) a[r][c] -= f * a[col][c];
    }
  }
  const z = new Array<number>(passive.length).fill(0);
  idx.forEach((j, i) => (z[j] = a[i][i] === 0 ? 0 : a[i][m] / a[i][i]));
  return z;
}

/** A weighted non-negative fit of `target ≈ Σ coef[name] × features[name]`, on columns scaled to unit norm. */
function fitCoefficients(names: readonly string[], rows: readonly { features: Readonly<Record<string, number>>; target: number; weight: number }[]): Record<string, number> {
  const n = names.length;
  const scale = names.map((name) => Math.sqrt(rows.reduce((s, r) => s + (r.weight * (r.features[name] ?? 0)) ** 2, 0)) || 1);
  const G = names.map(() => new Array<number>(n).fill(0));
  const h = new Array<number>(n).fill(0);
  for (const r of rows) {
    const a = names.map((name, j) => (r.weight * (r.features[name] ?? 0)) / scale[j]);
    const b = r.weight * r.target;
    for (let j = 0; j < n; j++) {
      if (a[j] === 0) continue;
      h[j] += a[j] * b;
      for (let k = 0; k < n; k++) G[j][k] += a[j] * a[k];
    }
  }
  const x = nnls(G, h);
  return Object.fromEntries(names.map((name, j) => [name, x[j] / scale[j]]));
}

/** Each real pause with the simulated pause of the same generation and rank (as many as both have). */
export function pairedPauses(row: CorpusRow): { sim: Readonly<Record<string, number>>; realNs: number }[] {
  const simByGen: Readonly<Record<string, number>>[][] = [[], [], []];
  for (const p of row.simPauses) simByGen[p.gen0 ? 0 : p.gen1 ? 1 : 2].push(p);
  const seen = [0, 0, 0];
  const out: { sim: Readonly<Record<string, number>>; realNs: number }[] = [];
  row.realPauseNs.forEach((ns, i) => {
    const g = Math.min(2, row.realPauseGeneration[i]);
    const sim = simByGen[g][seen[g]++];
    if (sim !== undefined) out.push({ sim, realNs: ns });
  });
  return out;
}

const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);

/** The coefficients fitted on `rows` (without provenance: fitInterpreter adds it). */
export function fitRows(rows: readonly CorpusRow[]): Pick<CoefficientSet, 'mutatorNs' | 'pauseNs'> {
  const pauseRows = rows.flatMap((r) => pairedPauses(r).map((p) => ({ features: p.sim, target: p.realNs, weight: 1 / Math.max(p.realNs, PAUSE_FLOOR_NS) })));
  const pauseNs = fitCoefficients(PAUSE_FEATURES, pauseRows);
  const mutatorRows = rows.map((r) => {
    const target = Math.max(1, r.realWallNs - sum(r.realPauseNs));
    return { features: r.mutator, target, weight: 1 / target };
  });
  return { mutatorNs: fitCoefficients(MUTATOR_FEATURES, mutatorRows), pauseNs };
}

export function predict(row: CorpusRow, set: Pick<CoefficientSet, 'mutatorNs' | 'pauseNs'>): RowPrediction {
  const pauses = row.simPauses.map((p) => priced(p, set.pauseNs));
  const gcNs = sum(pauses);
  return {
    label: row.label,
    totalNs: priced(row.mutator, set.mutatorNs) + gcNs,
    realTotalNs: row.realWallNs,
    gcNs,
    realGcNs: sum(row.realPauseNs),
    maxPauseNs: Math.max(0, ...pauses),
    realMaxPauseNs: Math.max(0, ...row.realPauseNs),
  };
}

/** Each row predicted by the fit on every other program's rows. */
export function leaveOneOut(rows: readonly CorpusRow[]): RowPrediction[] {
  const programs = [...new Set(rows.map((r) => r.program))];
  const out = new Map<CorpusRow, RowPrediction>();
  for (const program of programs) {
    const set = fitRows(rows.filter((r) => r.program !== program));
    for (const r of rows) if (r.program === program) out.set(r, predict(r, set));
  }
  return rows.map((r) => out.get(r)!);
}

export const totalErrorPct = (p: RowPrediction): number => (100 * (p.totalNs - p.realTotalNs)) / p.realTotalNs;
export const gcShareErrorPp = (p: RowPrediction): number => 100 * (p.gcNs / p.totalNs - p.realGcNs / p.realTotalNs);
export const largestPauseErrorPct = (p: RowPrediction): number => (100 * (p.maxPauseNs - p.realMaxPauseNs)) / p.realMaxPauseNs;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function accuracyOf(predictions: readonly RowPrediction[]): FitAccuracy {
  const total = predictions.map((p) => Math.abs(totalErrorPct(p)));
  const long = predictions.filter((p) => p.realMaxPauseNs >= LONG_PAUSE_NS).map((p) => Math.abs(largestPauseErrorPct(p)));
  const round = (v: number): number => Math.round(v * 10) / 10;
  return {
    programs: predictions.length,
    totalMedianAbsPct: round(median(total)),
    totalMaxAbsPct: round(Math.max(0, ...total)),
    gcShareMaxAbsPp: round(Math.max(0, ...predictions.map((p) => Math.abs(gcShareErrorPp(p))))),
    largestPauseMaxAbsPct: long.length === 0 ? null : round(Math.max(...long)),
  };
}
