/**
 * `gclab compare A B`: two results files pair by pair (timing judged statistically, deterministic
 * figures exactly), as a table, Markdown or JSON; the exit status follows the gates. The renderer
 * is shared with `gclab bench --baseline`.
 */
import type { Command } from 'commander';
import { compareResults, figureText, formatP, type Comparison, type PairComparison } from '../../compare/diff.js';
import { METRICS } from '../../compare/figures.js';
import { DEFAULT_ALPHA, resolveCompareOptions, type CompareOptions, type RawCompareOptions } from '../../compare/options.js';
import { BASELINE_PREFIX, baselinePath, readBaseline, validateBaselineName } from '../../lab/baselines.js';
import { DEFAULT_RESULTS_DIR, readResults, resolveResultsPath, type ResultsFile } from '../../lab/store.js';
import { UsageError } from '../../core/errors.js';
import { fitFirstColumn, fitLine, formatTable, markdownTable, wrapWords, type Align } from '../../core/table.js';
import { outputWidth } from '../width.js';
import { formatNs } from '../../core/units.js';
import { stdoutPalette, type Palette } from '../colour.js';
import { checkReportPath, reportLine, writeComparisonReport, type HtmlOption } from './report.js';

export interface CompareCommandOptions extends RawCompareOptions {
  resultsDir?: string;
  json?: boolean;
  md?: boolean;
  /** Also write an HTML report (true: beside B's results file). */
  html?: HtmlOption;
}

export const COMPARE_EXIT_HELP = [
  'Exit status: 0 when no gate trips (or none is given: the comparison only reports),',
  '  1 when a gate trips, 2 on bad input (a missing or foreign file, no result of A matching one',
  '  of B, a bad option).',
].join('\n');

/** The options a comparison takes, shared by `compare` and `bench --baseline`. */
export function addGateOptions(cmd: Command): Command {
  return cmd
    .option('--metric <names>', `figures to compare, comma-separated, of: ${METRICS.join(', ')} (default: all)`)
    .option('--alpha <p>', `significance level of a timing change, Holm-adjusted over the pairs (default: ${DEFAULT_ALPHA})`)
    .option('--fail-if-slower <pct>', 'exit 1 when a pair is significantly slower by more than pct %')
    .option('--fail-if-bigger <pct>', 'exit 1 when a byte figure (peak, or those in --metric) grows by more than pct %')
    .option('--fail-if-changed', 'exit 1 on any difference in a deterministic figure');
}

/** `baseline:NAME`, a path, a name (or unique part of one) in the results directory, or 'latest'. */
function loadSide(ref: string, dir: string): { path: string; file: ResultsFile } {
  if (ref.startsWith(BASELINE_PREFIX)) {
    const name = validateBaselineName(ref.slice(BASELINE_PREFIX.length), 'baseline:NAME');
    return { path: baselinePath(dir, name), file: readBaseline(dir, name) };
  }
  const path = resolveResultsPath(ref, dir);
  return { path, file: readResults(path) };
}

export async function compareCommand(refA: string, refB: string, opts: CompareCommandOptions, out: (line: string) => void): Promise<number> {
  if (opts.json && opts.md) throw new UsageError('--json and --md are exclusive: choose one');
  const options = resolveCompareOptions(opts);
  const dir = opts.resultsDir ?? DEFAULT_RESULTS_DIR;
  const a = loadSide(refA, dir);
  const b = loadSide(refB, dir);
  if (typeof opts.html === 'string') checkReportPath(opts.html, '--html', [a.path, b.path]);
  const comparison = compareResults({ label: a.path, records: a.file.records }, { label: b.path, records: b.file.records }, options);
  const status = comparisonStatus(comparison);
  const report = opts.html === undefined || opts.html === false ? null : await writeComparisonReport(comparison, a, b, opts.html);
  if (opts.json) {
    out(JSON.stringify({ ...comparisonJson(comparison, status), ...(report ? { report: report.path } : {}) }, null, 2));
    return status;
  }
  const describe = (side: string, s: { path: string; file: ResultsFile }): string =>
    fitLine(`${side}: ${s.path}`, `(${s.file.name}, ${s.file.records.length} results, ${s.file.createdAt.slice(0, 19)}Z${s.file.complete ? '' : ', incomplete'})`, outputWidth());
  if (opts.md) {
    out(`**A** \`${a.path}\` (${a.file.name}) · **B** \`${b.path}\` (${b.file.name})`);
    out('');
    for (const line of comparisonMarkdown(comparison, options)) out(line);
  } else {
    out(describe('A', a));
    out(describe('B', b));
    for (const line of comparisonText(comparison, options, stdoutPalette())) out(line);
  }
  if (report) out(opts.md ? `- ${reportLine(report)}` : reportLine(report));
  return status;
}

/** 1 when a gate tripped, else 0. */
export function comparisonStatus(c: Comparison): number {
  return c.trips.length > 0 ? 1 : 0;
}

export function comparisonJson(c: Comparison, status: number): object {
  return { ...c, status };
}


const ratioText = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(3)}x` : '-');
/** A relative change in %: two decimals, or two significant digits below 0.01 % (not '+0.00%'). */
function changeText(relative: number | null): string {
  if (relative === null) return '';
  const pct = 100 * relative;
  const digits = Math.abs(pct) >= 0.01 || pct === 0 ? pct.toFixed(2) : String(Number(pct.toPrecision(2)));
  return `${pct >= 0 ? '+' : ''}${digits}%`;
}
const deltaText = (d: number | null): string => (d === null ? '' : `${d > 0 ? '+' : ''}${figureText(d)}`);

function verdictText(p: PairComparison): string {
  if (!p.timing) return '-';
  return p.timing.verdict === 'unchanged' ? '=' : p.timing.verdict;
}

function figuresText(p: PairComparison): string {
  return p.changes.length === 0 ? '=' : `${p.changes.length} differ`;
}

/** One row per matched pair: the timing effect (when timed) and how many figures differ. */
function pairRows(c: Comparison, full: boolean): { header: string[]; rows: string[][]; align: Align[] } {
  const timed = c.pairs.some((p) => p.timing);
  if (!timed) {
    return { header: ['pair', 'figures'], rows: c.pairs.map((p) => [p.label, figuresText(p)]), align: ['left', 'left'] };
  }
  const rows = c.pairs.map((p) => {
    const t = p.timing;
    const timing = t
      ? [formatNs(t.medianA), ratioText(t.ratio), `${t.low.toFixed(3)}–${t.high.toFixed(3)}`, formatP(t.pAdjusted), verdictText(p)]
      : ['-', '-', '-', '-', '-'];
    return [full ? p.key : p.label, ...timing, figuresText(p)];
  });
  return {
    header: ['pair', 'median A', 'time B/A', '95% CI', 'p (Holm)', 'time', 'figures'],
    rows,
    align: ['left', 'right', 'right', 'right', 'right', 'left', 'left'],
  };
}

/** The figures that differ, as rows (the pair named on its first row). */
function changeRows(c: Comparison): { pair: string; cells: string[] }[] {
  return c.pairs.flatMap((p) =>
    p.changes.map((ch) => ({ pair: p.label, cells: [ch.name, figureText(ch.a), figureText(ch.b), deltaText(ch.delta), changeText(ch.relative)] })),
  );
}

const CHANGE_HEADER = ['figure', 'A', 'B', 'B - A', 'change'];
const CHANGE_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right'];

/**
 * A pair's label cut to `width` (with '…'). A configuration at its end (`[2000,10,10]`) is what
 * tells rows apart, so the cut comes before it.
 */
function fitLabel(label: string, width: number): string {
  const suffix = / \[[^\]]*\]$/.exec(label)?.[0] ?? '';
  const keep = suffix.length < width / 2 ? suffix : '';
  return label.slice(0, width - 1 - keep.length) + '…' + keep;
}

function summaryLines(c: Comparison): string[] {
  const means = c.geometricMeans.map((m) => `${m.metric} ${ratioText(m.ratio)}${m.metric === 'time' ? ` (${m.pairs} timed)` : ''}`);
  const lines = [`geometric mean B/A over ${c.pairs.length} pairs: ${means.length ? means.join(', ') : '-'}`];
  const timed = c.pairs.filter((p) => p.timing);
  const changed = c.pairs.filter((p) => p.changes.length > 0).length;
  const timing = timed.length
    ? `time: ${timed.filter((p) => p.timing!.verdict === 'slower').length} slower, ${timed.filter((p) => p.timing!.verdict === 'faster').length} faster` +
      ` (alpha ${c.alpha}); `
    : '';
  lines.push(`${timing}figures: ${changed} of ${c.pairs.length} pairs differ`);
  return lines;
}

/** `what: key; key; and N more`, naming as many keys as fit in a `note:` line of `width` columns. */
function listNote(what: string, keys: readonly string[], width: number): string {
  for (let shown = keys.length; shown > 0; shown--) {
    const more = shown < keys.length ? `; and ${keys.length - shown} more` : '';
    const text = `${what}: ${keys.slice(0, shown).join('; ')}${more}`;
    if (`note: ${text}`.length <= width) return text;
  }
  return `${what} (--json lists them)`;
}

function noteLines(c: Comparison, width: number): string[] {
  const lines: string[] = [];
  const note = (what: string, keys: readonly string[]): void => {
    if (keys.length > 0) lines.push(listNote(`${keys.length} ${what}, not compared`, keys, width));
  };
  note('results only in A', c.onlyA);
  note('results only in B', c.onlyB);
  note('failed results in A', c.failedA);
  note('failed results in B', c.failedB);
  return [...lines, ...c.notes];
}

function gateLines(c: Comparison, o: CompareOptions): string[] {
  const set = [
    o.failIfSlowerPct !== null ? `--fail-if-slower ${o.failIfSlowerPct}` : null,
    o.failIfBiggerPct !== null ? `--fail-if-bigger ${o.failIfBiggerPct} (${[...o.biggerMetrics].join(',')})` : null,
    o.failIfChanged ? '--fail-if-changed' : null,
  ].filter((g): g is string => g !== null);
  if (set.length === 0) return [];
  if (c.trips.length === 0) return [`gates passed: ${set.join(', ')}`];
  // One line per trip, broken after the pair's name when it would not fit in 100 columns.
  return c.trips.flatMap((t) => {
    const head = `FAIL --${t.gate}: ${t.pair}`;
    return head.length + 2 + t.detail.length <= outputWidth() ? [`${head}: ${t.detail}`] : [`${head}:`, `  ${t.detail}`];
  });
}

/**
 * Colour for a terminal: a pair flagged slower in red, faster in green, a tripped gate's lines
 * in red, gates passed in green. Words and whole lines only, so the tables stay aligned.
 */
function paintComparison(lines: string[], p: Palette): string[] {
  if (!p.enabled) return lines;
  let inTrip = false;
  return lines.map((line) => {
    if (line.startsWith('FAIL ')) {
      inTrip = line.endsWith(':');
      return p.red(line);
    }
    if (inTrip && line.startsWith('  ')) return p.red(line);
    inTrip = false;
    if (line.startsWith('gates passed')) return p.green(line);
    return line.replace(/(?<=  )(slower|faster)(?=  |$)/, (v) => (v === 'slower' ? p.red(v) : p.green(v)));
  });
}

/** The comparison for a terminal (every table within 100 columns; colour as `palette` allows). */
export function comparisonText(c: Comparison, o: CompareOptions, palette?: Palette): string[] {
  const lines = comparisonLines(c, o);
  return palette ? paintComparison(lines, palette) : lines;
}

function comparisonLines(c: Comparison, o: CompareOptions): string[] {
  const lines: string[] = [''];
  const main = pairRows(c, false);
  lines.push(formatTable(main.header, fitFirstColumn(main.header, main.rows, outputWidth(), fitLabel), main.align));
  const changes = changeRows(c);
  if (changes.length > 0) {
    lines.push('', 'figures that differ (B - A):');
    const table = formatTable(CHANGE_HEADER, changes.map((r) => r.cells), CHANGE_ALIGN).split('\n');
    lines.push(...table.slice(0, 2).map((l) => `  ${l}`));
    changes.forEach((r, i) => {
      if (i === 0 || changes[i - 1].pair !== r.pair) lines.push(r.pair);
      lines.push(`  ${table[i + 2]}`);
    });
  }
  lines.push('');
  for (const note of noteLines(c, outputWidth())) lines.push(...wrapWords(`note: ${note}`, outputWidth(), '      '));
  lines.push(...summaryLines(c), ...gateLines(c, o));
  return lines;
}


/** The comparison as Markdown, for pasting into an issue. */
export function comparisonMarkdown(c: Comparison, o: CompareOptions): string[] {
  const main = pairRows(c, true);
  const lines = markdownTable(main.header, main.rows, main.align);
  const changes = c.pairs.flatMap((p) =>
    p.changes.map((ch) => [p.key, ch.name, figureText(ch.a), figureText(ch.b), deltaText(ch.delta), changeText(ch.relative)]),
  );
  if (changes.length > 0) {
    lines.push('', '**Figures that differ (B - A)**', '');
    lines.push(...markdownTable(['pair', ...CHANGE_HEADER], changes, ['left', ...CHANGE_ALIGN]));
  }
  lines.push('');
  for (const note of noteLines(c, Infinity)) lines.push(`- note: ${note}`);
  lines.push(...summaryLines(c).map((l) => `**${l}**  `));
  for (const g of gateLines(c, o)) lines.push(`- ${g}`);
  return lines;
}
