/**
 * One lab session as the CLI runs it: a coordinator, progress, a results file written as tasks
 * finish, and Ctrl-C handling (stop the workers, keep what finished, report it).
 */
import { Coordinator, type CoordinatorOptions, type PlannedTask, type TaskPlan, type TaskRecord, type TaskRunner } from './coordinator.js';
import { ProgressDisplay } from './progress.js';
import { provenance, readResults, resolveResultsPath, ResultsWriter, SCHEMA_VERSION, type ResultsFile } from './store.js';
import { UsageError } from '../core/errors.js';
import { specLabel } from './options.js';
import { newRunQueueName, QueueCoordinator } from './queue/queue-coordinator.js';
import { queueAddress } from './queue/bullmq-adapter.js';

/** Where a session's tasks run and what it takes up: a shared queue instead of the local pool, an interrupted file. */
export interface SessionPlace {
  /** Run the tasks as jobs on this queue server (`gclab worker` processes take them). */
  readonly queue?: { readonly url: string; readonly lostAfterMs: number };
  /** An interrupted results file of the same command: its finished tasks are kept, the rest run. */
  readonly resume?: string;
}

export interface SessionOptions extends SessionPlace {
  readonly name: string;
  readonly command: string;
  readonly options: Record<string, unknown>;
  readonly plans: readonly TaskPlan[];
  /**
   * Further batches, planned from everything finished so far, in task order (an adaptive search); an empty batch
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
  /** Every record, in task order. */
  readonly records: readonly TaskRecord[];
  readonly path: string;
  /** Ctrl-C stopped the session, or it stopped on its own (`stopped` says why). */
  readonly interrupted: boolean;
  /** Why the session stopped on its own (its queue lost for too long), or null. */
  readonly stopped: string | null;
  /**
   * Results that finished but could not be written to the file (a full disk), and why; the
   * command still shows them. null when everything was saved.
   */
  readonly unsaved: { readonly records: number; readonly problem: string } | null;
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  // Everything that can refuse (the file to resume, the queue server) is asked before a file is made.
  const resumePath = opts.resume === undefined ? undefined : resolveResultsPath(opts.resume, opts.resultsDir);
  const previous = resumePath === undefined ? null : resumable(resumePath, opts.command);
  const queueRun = opts.queue ? (previousQueueRun(previous) ?? newRunQueueName()) : null;
  let progress: ProgressDisplay | undefined;
  const note = (line: string): void => (progress ? progress.note(`gclab: ${line}`) : void process.stderr.write(`gclab: ${line}\n`));
  const runner: TaskRunner =
    opts.queue && queueRun
      ? await QueueCoordinator.open(opts.coordinator, { url: opts.queue.url, run: queueRun, lostAfterMs: opts.queue.lostAfterMs, command: opts.command, note })
      : new Coordinator(opts.coordinator);
  const options = opts.queue && queueRun ? { ...opts.options, queue: { url: queueAddress(opts.queue.url).shown, run: queueRun } } : opts.options;
  let writer: ResultsWriter;
  try {
    writer =
      previous !== null && resumePath !== undefined
        ? // The tasks it cancelled run again; everything else it finished is kept.
          ResultsWriter.resume(resumePath, previous, (r) => r.status !== 'cancelled')
        : new ResultsWriter(opts.resultsDir, opts.name, provenance(opts.command, options));
  } catch (err) {
    await runner.close(false);
    throw err;
  }
  const kept = new Map(writer.records.map((r) => [r.id, r]));
  opts.onStart?.(writer.path);
  const display = new ProgressDisplay(
    { total: opts.total ?? opts.plans.length, done: kept.size, stream: process.stderr, animate: opts.animate, quiet: opts.quiet, status: () => runner.status?.() ?? null },
    () => runner.running.values(),
  );
  progress = display;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    display.note(`\ngclab: interrupted; stopping the workers and keeping the finished results (take the run up again with --resume ${writer.path})`);
    runner.cancel();
  };
  process.on('SIGINT', onSigint);
  let ranToEnd = false;
  let stopped: string | null = null;
  try {
    let batch = opts.plans;
    let nextId = 0;
    while (batch.length > 0 && !interrupted) {
      const tasks: PlannedTask[] = batch.map((plan, i) => ({ id: nextId + i, plan }));
      nextId += batch.length;
      const toRun = tasks.filter((t) => !keptFor(t, kept, resumePath));
      await runner.runTasks(toRun, (record) => {
        writer.add(record);
        display.finished(record);
      });
      stopped = runner.stopped ?? null;
      if (stopped !== null) {
        interrupted = true;
        display.note(`gclab: ${stopped}; stopped, keeping the finished results (take the run up again with --resume ${writer.path})`);
        break;
      }
      batch = opts.nextBatch?.(inTaskOrder(writer.records)) ?? [];
    }
    ranToEnd = !interrupted;
  } finally {
    process.off('SIGINT', onSigint);
    display.stop();
    await runner.close(ranToEnd);
    // Only a run that went to its end gets the end frame; any other stops as an interrupted file.
    if (ranToEnd) writer.finish();
    else writer.close();
  }
  const problem = writer.problem;
  const unsaved = problem === null ? null : { records: writer.unsaved, problem };
  return { records: inTaskOrder(writer.records), path: writer.path, interrupted, stopped, unsaved };
}

/**
 * Records by task id, not in the order they finished (the workers' race): what is planned or
 * shown from them is the same however the tasks ran.
 */
function inTaskOrder(records: readonly TaskRecord[]): TaskRecord[] {
  return [...records].sort((a, b) => a.id - b.id);
}

/** The results file `--resume` names, checked: this command's, interrupted, in this schema. */
function resumable(path: string, command: string): ResultsFile {
  const file = readResults(path);
  if (file.provenance.command !== command) throw new UsageError(`--resume '${path}' is a results file of 'gclab ${file.provenance.command}', not of 'gclab ${command}'`);
  if (file.complete) throw new UsageError(`--resume '${path}': that run finished; there is nothing to resume`);
  if (file.schema !== SCHEMA_VERSION) throw new UsageError(`--resume '${path}' was written by an older gclab (results schema ${file.schema}); it cannot be taken up`);
  return file;
}

/** The queue a resumed run used (its jobs and their outcomes may still be there). */
function previousQueueRun(file: ResultsFile | null): string | null {
  const queue = file?.provenance.options.queue as { run?: unknown } | undefined;
  return typeof queue?.run === 'string' ? queue.run : null;
}

/** Whether a task finished in the resumed file; a different task under its id means another command line. */
function keptFor(task: PlannedTask, kept: ReadonlyMap<number, TaskRecord>, resume: string | undefined): boolean {
  const record = kept.get(task.id);
  if (!record) return false;
  if (record.repetition !== task.plan.repetition || JSON.stringify(record.spec) !== JSON.stringify(task.plan.spec)) {
    throw new UsageError(`--resume '${resume}': its task ${task.id} is ${specLabel(record.spec)}, where this command line plans ${specLabel(task.plan.spec)}; resume with the command line that made it`);
  }
  return true;
}

/** The line saying what a full disk kept out of the results file, or null when all is saved. */
export function unsavedLine(session: SessionResult): string | null {
  const u = session.unsaved;
  if (u === null) return null;
  const kept = session.records.length - u.records;
  const what = u.records === 0 ? 'its end mark could not be written (it reads as interrupted)' : `${u.records} of ${session.records.length} results could not be written (it holds the first ${kept})`;
  return `results file ${session.path} is short: ${what}: ${u.problem}`;
}

/** The exit status of a session: 130 when Ctrl-C stopped it, 1 when it stopped on its own, a task failed or a result could not be saved, else 0. */
export function exitStatus(session: SessionResult): number {
  if (session.stopped !== null) return 1;
  if (session.interrupted) return 130;
  return session.records.some((r) => r.status !== 'ok') || session.unsaved !== null ? 1 : 0;
}
