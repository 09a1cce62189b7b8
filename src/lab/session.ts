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
}

export interface SessionResult {
  readonly records: readonly TaskRecord[];
  readonly path: string;
  /** Ctrl-C stopped the session. */
  readonly interrupted: boolean;
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const writer = new ResultsWriter(opts.resultsDir, opts.name, provenance(opts.command, opts.options));
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
  try {
    let batch = opts.plans;
    while (batch.length > 0 && !interrupted) {
      await coordinator.run(batch, (record) => {
        writer.add(record);
        progress.finished(record);
      });
      batch = opts.nextBatch?.(writer.records) ?? [];
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
    await coordinator.close();
  }
  if (!interrupted) writer.finish();
  return { records: writer.records, path: writer.path, interrupted };
}

/** The exit status of a session: 130 when Ctrl-C stopped it, 1 when a task failed, else 0. */
export function exitStatus(session: SessionResult): number {
  if (session.interrupted) return 130;
  return session.records.some((r) => r.status !== 'ok') ? 1 : 0;
}
