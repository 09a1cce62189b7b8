/**
 * One lab session as the CLI runs it: a coordinator, progress, a results file written as tasks
 * finish, and Ctrl-C handling (stop the workers, keep what finished, report it).
 */
import { Coordinator, type CoordinatorOptions, type TaskPlan, type TaskRecord } from './coordinator.js';
import { ProgressDisplay } from './progress.js';
import { provenance, ResultsWriter } from './store.js';

export interface SessionOptions {
  readonly name: string;
  readonly command: string;
  readonly options: Record<string, unknown>;
  readonly plans: readonly TaskPlan[];
  /**
   * Further batches, planned from everything finished so far (an adaptive search); an empty batch
   * ends the session. `total` is then the most tasks the session may run, for the progress display.
   */
  readonly nextBatch?: (finished: readonly TaskRecord[]) => readonly TaskPlan[];
  readonly total?: number;
  readonly coordinator: CoordinatorOptions;
  readonly resultsDir: string;
  /** Whether progress may be drawn in place (a TTY and not --json). */
  readonly animate: boolean;
  readonly quiet?: boolean;
  /** Called once the results file is open, before any task starts (a command's header line). */
  readonly onStart?: (resultsPath: string) => void;
}

export interface SessionResult {
  readonly records: readonly TaskRecord[];
  readonly path: string;
  /** Ctrl-C stopped the session. */
  readonly interrupted: boolean;
  /**
   * Results that finished but could not be written to the file (a full disk), and why; the
   * command still shows them. null when everything was saved.
   */
  readonly unsaved: { readonly records: number; readonly problem: string } | null;
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const writer = new ResultsWriter(opts.resultsDir, opts.name, provenance(opts.command, opts.options));
  opts.onStart?.(writer.path);
  const coordinator = new Coordinator(opts.coordinator);
  const progress = new ProgressDisplay(
    { total: opts.total ?? opts.plans.length, stream: process.stderr, animate: opts.animate, quiet: opts.quiet },
    () => coordinator.running.values(),
  );
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    process.stderr.write('\ngclab: interrupted; stopping the workers and keeping the finished results\n');
    coordinator.cancel();
  };
  process.on('SIGINT', onSigint);
  let ranToEnd = false;
  try {
    let batch = opts.plans;
    while (batch.length > 0 && !interrupted) {
      await coordinator.run(batch, (record) => {
        writer.add(record);
        progress.finished(record);
      });
      batch = opts.nextBatch?.(writer.records) ?? [];
    }
    ranToEnd = !interrupted;
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
    await coordinator.close();
    // Only a run that went to its end gets the end frame; any other stops as an interrupted file.
    if (ranToEnd) writer.finish();
    else writer.close();
  }
  const problem = writer.problem;
  const unsaved = problem === null ? null : { records: writer.unsaved, problem };
  return { records: writer.records, path: writer.path, interrupted, unsaved };
}

/** The line saying what a full disk kept out of the results file, or null when all is saved. */
export function unsavedLine(session: SessionResult): string | null {
  const u = session.unsaved;
  if (u === null) return null;
  const kept = session.records.length - u.records;
  const what = u.records === 0 ? 'its end mark could not be written (it reads as interrupted)' : `${u.records} of ${session.records.length} results could not be written (it holds the first ${kept})`;
  return `results file ${session.path} is short: ${what}: ${u.problem}`;
}

/** The exit status of a session: 130 when Ctrl-C stopped it, 1 when a task failed or a result could not be saved, else 0. */
export function exitStatus(session: SessionResult): number {
  if (session.interrupted) return 130;
  return session.records.some((r) => r.status !== 'ok') || session.unsaved !== null ? 1 : 0;
}
