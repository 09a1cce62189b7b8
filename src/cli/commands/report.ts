/**
 * `gclab report <results-file>`: a results file as one self-contained HTML report; and the
 * `--html [path]` option of bench, run, tune and compare, which writes the same report when the
 * command is done (by default beside the results file, the same name with `.html`).
 */
import type { Comparison } from '../../compare/diff.js';
import { DEFAULT_RESULTS_DIR, isResultsFile, readResults, resolveResultsPath, type ResultsFile } from '../../lab/store.js';
import { comparisonReport, defaultComparisonReportPath, defaultReportPath, resultsReport, writeReport } from '../../report/report.js';
import type { ReportDocument } from '../../report/document.js';
import { UsageError } from '../../core/errors.js';
import { checkOutputFile, describeIoError, isIoError, sameFile } from '../../lab/output-paths.js';
import { formatBytes } from '../../core/units.js';

export interface ReportOptions {
  out?: string;
  resultsDir?: string;
}

/** What `--html` gives: true without a path, the path with one, undefined when absent. */
export type HtmlOption = string | boolean | undefined;

export interface WrittenReport {
  readonly path: string;
  readonly bytes: number;
}

export const REPORT_HELP = [
  '',
  'The report is one HTML file with its charts inline (SVG) and no script: it opens offline and',
  'can be shared as it is. Per run: memory over time, generation sizes, pause histogram,',
  'collections timeline, pymalloc occupancy per size class, figures; per suite: an overview, the',
  "tips scoreboard, tune's points and Pareto front.",
].join('\n');

/** A report's path given by the user: writable, not a directory, and not a results file it would replace. */
export function checkReportPath(path: string, what: string, sources: readonly string[] = []): void {
  checkOutputFile(path, what);
  if (sources.some((source) => sameFile(source, path)) || isResultsFile(path)) {
    throw new UsageError(`${what} '${path}' is a results file; writing the report there would replace it (give a .html path)`);
  }
}

async function write(doc: ReportDocument, path: string): Promise<WrittenReport> {
  try {
    return { path, bytes: await writeReport(doc, path) };
  } catch (err) {
    if (isIoError(err)) throw new UsageError(`cannot write the report '${path}': ${describeIoError(err)}`);
    throw err;
  }
}

/** The report of a results file, at `--html`'s path or beside the file. */
export async function writeResultsReport(resultsPath: string, html: HtmlOption, file?: ResultsFile): Promise<WrittenReport> {
  const target = typeof html === 'string' ? html : defaultReportPath(resultsPath);
  return write(resultsReport(file ?? readResults(resultsPath), resultsPath), target);
}

/** The report of a comparison, at `--html`'s path or beside B's results file. */
export async function writeComparisonReport(
  c: Comparison,
  a: { path: string; file: ResultsFile },
  b: { path: string; file: ResultsFile },
  html: HtmlOption,
): Promise<WrittenReport> {
  const target = typeof html === 'string' ? html : defaultComparisonReportPath(a.path, b.path);
  return write(comparisonReport(c, a, b), target);
}

export const reportLine = (r: WrittenReport): string => `report: ${r.path} (${formatBytes(r.bytes)})`;

export async function reportCommand(ref: string, opts: ReportOptions, out: (line: string) => void): Promise<number> {
  const path = resolveResultsPath(ref, opts.resultsDir ?? DEFAULT_RESULTS_DIR);
  if (opts.out !== undefined) checkReportPath(opts.out, '--out', [path]);
  const file = readResults(path);
  const written = await writeResultsReport(path, opts.out, file);
  out(reportLine(written));
  return 0;
}
