/**
 * `gclab worker --queue URL`: takes tasks from the runs on a queue server until stopped. The first
 * Ctrl-C (or SIGTERM) finishes the running tasks and takes no new ones; a second hands them back to
 * the queue at once, for another worker.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_WORKERS } from '../../lab/coordinator.js';
import { integerOption, OPTIONS } from '../../lab/option-table.js';
import { parseInteger } from '../../lab/options.js';
import { defaultWorkerName, QueueWorker } from '../../lab/queue/queue-worker.js';

export interface WorkerOptions {
  queue?: string;
  workers?: string;
  name?: string;
  allowJs?: boolean;
  stallTimeout?: string;
}

export const DEFAULT_STALL_SECONDS = 30;

export async function workerCommand(opts: WorkerOptions): Promise<number> {
  if (opts.queue === undefined) throw new UsageError(`gclab worker needs --queue redis://HOST:PORT (${OPTIONS.queue.help})`);
  const name = opts.name ?? defaultWorkerName();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`--name '${name}': use 1 to 64 letters, digits, dots, dashes and underscores`);
  // The programs shipped with its tasks are written here, and removed when it stops; what a killed
  // worker left is removed by the next one to start.
  const cacheRoot = join(tmpdir(), 'gclab-worker');
  removeDeadWorkersCaches(cacheRoot);
  const cacheDir = join(cacheRoot, String(process.pid));
  const log = (line: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const worker = new QueueWorker({
    url: opts.queue,
    workers: opts.workers === undefined ? DEFAULT_WORKERS : integerOption('workers', opts.workers),
    name,
    allowJs: opts.allowJs === true,
    stallMs: 1000 * (opts.stallTimeout === undefined ? DEFAULT_STALL_SECONDS : parseInteger(opts.stallTimeout, '--stall-timeout', 1, 3600)),
    cacheDir,
    log,
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      const running = worker.active;
      log(`${signal}: ${running > 0 ? `finishing ${running} running task${running === 1 ? '' : 's'}, taking no new ones (${signal} again hands them back to the queue)` : 'stopping'}`);
      void worker.stop(false);
    } else {
      log(`${signal} again: handing the running tasks back to the queue`);
      void worker.stop(true);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.start();
    await worker.stopped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(cacheDir, { recursive: true, force: true });
  }
  log(`worker ${name} stopped after ${worker.tasksDone} task${worker.tasksDone === 1 ? '' : 's'}`);
  return 0;
}

/** The cache directories (named by process id) of workers no longer running. */
function removeDeadWorkersCaches(root: string): void {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return; // none yet
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(root, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
