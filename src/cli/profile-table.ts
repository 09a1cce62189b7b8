/**
 * `gclab run W --profile a,b,… --variant all`: one workload's variants on several profiles, side by
 * side. One row per variant × profile (its repetitions pooled), then each profile against the
 * first one given (or, on one profile, each variant against the first), every line within 100
 * columns.
 */
import type { TaskRecord } from '../lab/coordinator.js';
import { PROBE_NOT_REACHED } from '../lab/measure.js';
import type { RunSpec } from '../lab/options.js';
import { fitFirstColumn, fitName, formatTable, wrapWords, type Align } from '../core/table.js';
import { outputWidth } from './width.js';
import { formatBytes, formatCompact, formatCount, formatNs, formatRatio } from '../core/units.js';

/** What one variant × profile measured (deterministic figures from its first successful repetition). */
export interface SideFigures {
  /** Requested bytes, peak (tracemalloc's view). */
  readonly peak: number;
  /** Each probe's bytes over the parameter n, where the workload has both (and the run probed it). */
  readonly perItem: Readonly<Record<string, number>>;
  readonly collections: readonly number[];
  /** Objects the collector visited in the whole run. */
  readonly visited: number;
  /** The longest pause (ns): modelled CPython time where the run has it, else the simulator's over the repetitions. */
  readonly pauseMaxNs: number;
  /** Objects the largest pause visited: its work, the deterministic measure of a pause. */
  readonly pauseMaxVisited: number;
  /** The median body time (ns), every repetition's samples pooled; null when not timed. */
  readonly median: number | null;
  /** Modelled CPython time of the body (ns; deterministic, so one run's); null where not modelled. */
  readonly cpythonNs: number | null;
}

export interface SideRow {
  readonly variant: string;
  readonly profile: string;
  /** `variant @profile`. */
  readonly label: string;
  /** 'ok', or the first repetition's failure when none succeeded. */
  readonly status: string;
  readonly figures: SideFigures | null;
}

/** The probes whose bytes per item the table shows: every probe, when the workload has an n. */
export function perItemProbes(probes: readonly string[], params: Readonly<Record<string, number>>): string[] {
  return params.n === undefined ? [] : [...probes];
}

/** A record's own side-by-side figures (for --json: what its row is made of). */
export function recordFigures(record: TaskRecord, probes: readonly string[]): SideFigures | null {
  return poolFigures([record], probes);
}

/** One row per (variant, profile), in the order given; `records` may hold several repetitions of each. */
export function sideBySideRows(
  records: readonly TaskRecord[],
  variants: readonly string[],
  profiles: readonly string[],
  probes: readonly string[],
): SideRow[] {
  const rows: SideRow[] = [];
  for (const variant of variants) {
    for (const profile of profiles) {
      const mine = records.filter((r) => r.spec.variant === variant && r.spec.profile === profile).sort((a, b) => a.id - b.id);
      const figures = poolFigures(mine, probes);
      const status = figures ? 'ok' : (mine[0]?.status ?? 'missing');
      rows.push({ variant, profile, label: `${variant} @${profile}`, status, figures });
    }
  }
  return rows;
}

function poolFigures(records: readonly TaskRecord[], probes: readonly string[]): SideFigures | null {
  const ok = records.filter((r) => r.status === 'ok' && r.metrics);
  if (ok.length === 0) return null;
  const m = ok[0].metrics!;
  const n = ok[0].spec.params.n;
  const perItem: Record<string, number> = {};
  for (const probe of probes) {
    const bytes = m.memory.probes[probe];
    if (bytes !== undefined && bytes !== PROBE_NOT_REACHED && n !== undefined && n > 0) perItem[probe] = bytes / n;
  }
  const timed = ok.filter((r) => r.time && r.time.samples > 0);
  let median: number | null = null;
  if (timed.length === 1) median = timed[0].time!.median;
  else if (timed.length > 1) median = medianOf(timed.flatMap((r) => Array.from(r.time!.values)));
  return {
    peak: m.memory.requested.peak,
    perItem,
    collections: m.gc.collections,
    visited: m.gc.visited,
    pauseMaxNs: ok[0].cpythonTime ? ok[0].cpythonTime.pausesNs.max : Math.max(0, ...ok.map((r) => r.metrics!.gc.pauses.max)),
    pauseMaxVisited: Math.max(0, ...Array.from(m.gc.pauseVisited ?? [])),
    median,
    cpythonNs: ok[0].cpythonTime?.totalNs ?? null,
  };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Bytes per item: two decimals below 1 KiB, where one would hide a fixed overhead spread over n. */
export function formatPerItem(bytes: number): string {
  return Math.abs(bytes) < 1024 ? `${bytes.toFixed(2)} B` : formatBytes(bytes);
}

/** `variant @profile` cut to `width`: the variant gives way, the profile stays whole. */
function fitLabel(label: string, width: number): string {
  if (label.length <= width) return label;
  const at = label.lastIndexOf(' @');
  const suffix = at >= 0 ? label.slice(at) : '';
  return `${fitName(label.slice(0, label.length - suffix.length), Math.max(2, width - suffix.length))}${suffix}`;
}

function tableColumns(rows: readonly SideRow[], probes: readonly string[], perItem: boolean): [string[], string[][], Align[]] {
  const timed = rows.some((r) => r.figures?.median !== null && r.figures?.median !== undefined);
  const modelled = rows.some((r) => r.figures?.cpythonNs !== null && r.figures?.cpythonNs !== undefined);
  const shown = perItem ? probes.filter((p) => rows.some((r) => r.figures?.perItem[p] !== undefined)) : [];
  const header = ['variant @profile', 'peak req.', ...shown.map((p) => `${p}/n`), 'collections', 'visited', 'max pause', 'max obj', ...(modelled ? ['CPython time'] : []), ...(timed ? ['sim median'] : [])];
  const align: Align[] = header.map((_, i) => (i === 0 ? 'left' : 'right'));
  const body = rows.map((r) => {
    const f = r.figures;
    if (!f) return [r.label, r.status, ...header.slice(2).map(() => '')];
    return [
      r.label,
      formatBytes(f.peak),
      ...shown.map((p) => (f.perItem[p] === undefined ? '-' : formatPerItem(f.perItem[p]))),
      f.collections.join('/'),
      formatCompact(f.visited),
      // No collection ran: no pause to time.
      f.collections.every((c) => c === 0) ? '-' : formatNs(f.pauseMaxNs),
      f.collections.every((c) => c === 0) ? '-' : formatCompact(f.pauseMaxVisited),
      ...(modelled ? [f.cpythonNs === null ? '-' : formatNs(f.cpythonNs)] : []),
      ...(timed ? [f.median === null ? '-' : formatNs(f.median)] : []),
    ];
  });
  return [header, fitFirstColumn(header, body, outputWidth(), fitLabel), align];
}

const tableWidth = (table: string): number => Math.max(...table.split('\n').map((l) => l.length));

/**
 * The side-by-side table (one, or, when a workload's many probes make it wider than 100 columns,
 * the bytes per item in a second one), its legend, and the comparison lines.
 */
export function sideBySideLines(title: string, rows: readonly SideRow[], probes: readonly string[], profiles: readonly string[]): string[] {
  const lines = [title];
  let table = formatTable(...tableColumns(rows, probes, true));
  let perItemTable: string | null = null;
  if (tableWidth(table) > outputWidth() && probes.length > 0) {
    table = formatTable(...tableColumns(rows, probes, false));
    const [header, body, align] = tableColumns(rows, probes, true);
    const keep = header.map((h, i) => i === 0 || h.endsWith('/n'));
    const pick = <T>(cells: readonly T[]): T[] => cells.filter((_, i) => keep[i]);
    perItemTable = formatTable(pick(header), body.map(pick), pick(align));
  }
  lines.push(...table.split('\n'));
  if (perItemTable) lines.push('', ...perItemTable.split('\n'));
  lines.push(...legend(probes.filter((p) => rows.some((r) => r.figures?.perItem[p] !== undefined))));
  lines.push(...comparisonLines(rows, profiles));
  return lines;
}

function legend(perItem: readonly string[]): string[] {
  const items = perItem.length === 0 ? '' : `; ${perItem.map((p) => `${p}/n`).join(', ')}: the probe's bytes over n`;
  const text =
    '(collections g0/g1/g2; visited: objects the collector visited; max pause: the longest pause, in modelled CPython time where' +
    " the run is modelled, else the simulator's; max obj: objects the largest pause visited, its deterministic measure; CPython time:" +
    ` the body's modelled CPython time (deterministic); sim median: the simulator's own time${items})`;
  return wrapWords(text, outputWidth(), ' ');
}

/**
 * Each profile against the first one given, per variant; on one profile, each variant against the
 * first. A line per row compared: ratios B/A, collections as they were on A when they differ.
 */
function comparisonLines(rows: readonly SideRow[], profiles: readonly string[]): string[] {
  const byProfile = profiles.length > 1;
  const first = byProfile ? profiles[0] : rows[0]?.variant;
  const pairs: [SideRow, SideRow][] = [];
  for (const row of rows) {
    const ref = byProfile
      ? rows.find((r) => r.variant === row.variant && r.profile === profiles[0])
      : rows.find((r) => r.profile === row.profile && r.variant === first);
    // A failed row says so in the table; a failed reference is said here.
    if (ref && ref !== row && row.figures) pairs.push([ref, row]);
  }
  if (pairs.length === 0) return [];
  const labelWidth = Math.min(30, Math.max(...pairs.map(([, b]) => b.label.length)));
  const lines = [
    `against ${byProfile ? `@${first}, the first profile` : `${first}, the first variant`} (ratios to it; gc work: collections, visited, max obj):`,
  ];
  for (const [a, b] of pairs) {
    const head = `  ${fitLabel(b.label, labelWidth).padEnd(labelWidth)}`;
    lines.push(...wrapFields(head, comparisonFields(a, b, byProfile)));
  }
  return lines;
}

function comparisonFields(a: SideRow, b: SideRow, byProfile: boolean): string[] {
  if (!a.figures) return [`nothing to compare with: ${byProfile ? `@${a.profile}` : a.variant} ${a.status}`];
  const fa = a.figures;
  const fb = b.figures!;
  const fields = [`peak ${versus(fb.peak, fa.peak, formatBytes, true)}`];
  for (const [probe, perItem] of Object.entries(fb.perItem)) {
    if (fa.perItem[probe] !== undefined) fields.push(`${probe}/n ${versus(perItem, fa.perItem[probe], formatPerItem, true)}`);
  }
  const [ca, cb] = [fa.collections.join('/'), fb.collections.join('/')];
  if (ca === cb && fa.visited === fb.visited && fa.pauseMaxVisited === fb.pauseMaxVisited) {
    fields.push('gc work same');
  } else {
    fields.push(ca === cb ? 'collections same' : `collections ${ca} → ${cb}`);
    fields.push(`visited ${versus(fb.visited, fa.visited, formatCount, false)}`);
    fields.push(`max obj ${versus(fb.pauseMaxVisited, fa.pauseMaxVisited, formatCount, false)}`);
  }
  if (fa.cpythonNs !== null && fb.cpythonNs !== null) fields.push(`CPython time ${versus(fb.cpythonNs, fa.cpythonNs, formatNs, false)}`);
  else if (fa.median !== null && fb.median !== null) fields.push(`sim median ${versus(fb.median, fa.median, formatNs, false)}`);
  return fields;
}

/**
 * b against a: 'same' when equal, '≈ same' when they differ by less than the unit shown; b itself
 * when a is 0; else the ratio b/a, with the signed difference beside it for bytes
 * (`withDifference`), or the difference alone where the ratio rounds to 1.00x.
 */
function versus(b: number, a: number, format: (x: number) => string, withDifference: boolean): string {
  if (a === b) return 'same';
  if (a === 0) return `${format(b)} (0 on the first)`;
  const d = b - a;
  if (format(Math.abs(d)) === format(0)) return '≈ same';
  const signed = `${d > 0 ? '+' : '−'}${format(Math.abs(d))}`;
  const r = ratioText(b / a);
  if (r === '1.00x') return signed;
  return withDifference ? `${r} (${signed})` : r;
}

/** A ratio in at most about 7 characters: 0.71x, 13.9x, 36,983x (formatRatio's 1/1,250 below 0.01). */
function ratioText(r: number): string {
  if (r >= 100) return `${Math.round(r).toLocaleString('en')}x`;
  if (r >= 10) return `${r.toFixed(1)}x`;
  return formatRatio(r);
}

/** `head field, field, …` packed into lines of at most 100 columns, continued under the first field. */
function wrapFields(head: string, fields: readonly string[]): string[] {
  const lines: string[] = [];
  const indent = ' '.repeat(Math.min(head.length + 2, 40));
  let line = `${head}  `;
  let empty = true;
  fields.forEach((field, i) => {
    const text = i < fields.length - 1 ? `${field},` : field;
    const candidate = empty ? `${line}${text}` : `${line} ${text}`;
    if (!empty && candidate.length > outputWidth()) {
      lines.push(line);
      line = `${indent}${text}`;
    } else {
      line = candidate;
    }
    empty = false;
  });
  lines.push(line);
  return lines;
}

/** The title of the side-by-side table: the workload, its parameters and setting, what is compared. */
export function sideBySideTitle(spec: RunSpec, variants: number, profiles: number, repeat: number): string {
  const params = Object.entries(spec.params).map(([k, v]) => ` ${k}=${v}`).join('');
  const threshold = spec.threshold === null ? '' : ` threshold=${spec.threshold.join(',')}`;
  const freeze = spec.freezeAt === null ? '' : ` freeze@${spec.freezeAt}`;
  const what = `${variants} variant${variants === 1 ? '' : 's'} × ${profiles} profile${profiles === 1 ? '' : 's'}`;
  const reps = repeat > 1 ? `, ${repeat} repetitions pooled` : '';
  const rest = `${params}${threshold}${freeze}, seed ${spec.seed}, gc ${spec.gc}: ${what}${reps}`;
  // A long workload name gives way first (a program's file name), then the line is cut.
  const title = `${fitName(spec.workload, Math.max(12, outputWidth() - rest.length))}${rest}`;
  return title.length <= outputWidth() ? title : `${title.slice(0, outputWidth() - 1)}…`;
}
