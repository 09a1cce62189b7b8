/**
 * What a command that runs tasks writes besides its results file (an HTML report, a baseline),
 * checked before the run and written after it. A write that fails after the run (a full disk)
 * costs only that output: it becomes one `gclab: …` line on stderr and exit status 1, and the
 * summary, the results file and every other output stand.
 */
import { UsageError } from '../../core/errors.js';
import { unsavedLine, type SessionResult } from '../../lab/session.js';
import { checkResultsDir } from '../../lab/store.js';
import { checkReportPath, writeResultsReport, type HtmlOption, type WrittenReport } from './report.js';

/** The results directory and `--html PATH`, checked before anything runs. */
export function checkRunOutputs(resultsDir: string, html: HtmlOption): void {
  checkResultsDir(resultsDir);
  if (typeof html === 'string') checkReportPath(html, '--html');
}

/** Problems met writing outputs after a run, each one line. */
export type LateProblems = string[];

/**
 * Runs one late output; a UsageError from it (a write that failed) is kept as a problem line
 * and the result is null, so the next output is still written.
 */
export async function lateOutput<T>(problems: LateProblems, write: () => T | Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    problems.push(err.message);
    return null;
  }
}

/** The session's HTML report when `--html` asks for one and the run was not interrupted. */
export async function sessionReport(session: SessionResult, html: HtmlOption, problems: LateProblems): Promise<WrittenReport | null> {
  if (html === undefined || html === false || session.interrupted) return null;
  return lateOutput(problems, () => writeResultsReport(session.path, html));
}

/**
 * Prints the problems (a short results file first) to stderr, one line each, and returns the exit
 * status with them: at least 1 when there was one.
 */
export function withLateProblems(status: number, session: SessionResult, problems: LateProblems): number {
  const unsaved = unsavedLine(session);
  const lines = [...(unsaved ? [unsaved] : []), ...problems];
  for (const line of lines) process.stderr.write(`gclab: ${line}\n`);
  return lines.length > 0 ? Math.max(status, 1) : status;
}
