/**
 * Progress while tasks run. On a TTY: one line per busy worker (its task, phase and progress) and
 * an overall line with the ETA, redrawn in place. Piped, or with --json: no animation, one line
 * per finished task on stderr (or nothing when quiet).
 */
import type { RunningTask, TaskRecord } from './coordinator.js';
import { specLabel } from './options.js';
import { TaskPhase } from './protocol.js';
import { formatBytes } from '../core/units.js';

export interface ProgressOptions {
  readonly total: number;
  readonly stream: NodeJS.WriteStream;
  /** Draw in place (a TTY, not --json). */
  readonly animate: boolean;
  /** No output at all (--json). */
  readonly quiet?: boolean;
  /** Tasks already finished (a resumed run's). */
  readonly done?: number;
  /** A line about where the tasks run, drawn under the workers (a queue's state), or null. */
  readonly status?: () => string | null;
}

const PHASES: Record<TaskPhase, string> = {
  [TaskPhase.Starting]: 'starting',
  [TaskPhase.Measuring]: 'measuring',
  [TaskPhase.Timing]: 'timing',
  [TaskPhase.Done]: 'done',
};

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export class ProgressDisplay {
  private done = 0;
  private failed = 0;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();
  /** Tasks finished before this display started (the ETA counts only the ones after). */
  private readonly before: number;

  constructor(
    private readonly options: ProgressOptions,
    private readonly running: () => Iterable<RunningTask>,
  ) {
    this.before = this.done = options.done ?? 0;
    if (options.animate && !options.quiet) this.timer = setInterval(() => this.draw(), 100);
  }

  /** A line for the user between the progress lines (always written, even when quiet: it says something went wrong or waits). */
  note(line: string): void {
    if (this.options.animate && !this.options.quiet) {
      this.clear();
      this.options.stream.write(line + '\n');
      this.draw();
    } else {
      this.options.stream.write(line + '\n');
    }
  }

  finished(record: TaskRecord): void {
    this.done++;
    if (record.status !== 'ok') this.failed++;
    if (this.options.quiet) return;
    const line =
      record.status === 'ok'
        ? `[${this.done}/${this.options.total}] ${specLabel(record.spec)}: ok (${(record.wallMs / 1000).toFixed(1)} s)`
        : `[${this.done}/${this.options.total}] ${specLabel(record.spec)}: ${record.status}: ${lastLine(record.error)}`;
    if (this.options.animate) {
      this.clear();
      this.options.stream.write(line + '\n');
      this.draw();
    } else {
      this.options.stream.write(line + '\n');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.animate) this.clear();
  }

  private eta(): string {
    const doneHere = this.done - this.before;
    if (doneHere === 0) return '?';
    const elapsed = performance.now() - this.started;
    return formatDuration((elapsed / doneHere) * (this.options.total - this.done));
  }

  private clear(): void {
    const s = this.options.stream;
    for (let i = 0; i < this.drawnLines; i++) s.write('\x1b[1A\x1b[2K');
    this.drawnLines = 0;
  }

  private draw(): void {
    const s = this.options.stream;
    const width = Math.max(40, Math.min(s.columns ?? 100, 100) - 1);
    const lines: string[] = [];
    let w = 1;
    for (const task of this.running()) {
      const phase = task.phase();
      const detail = phase === TaskPhase.Timing ? `timing, ${task.iterations()} iterations` : `${PHASES[phase]} ${Math.round(task.progress() * 100)}%`;
      const elapsed = formatDuration(performance.now() - task.startedAt);
      const requested = task.requested();
      const memory = requested === undefined ? '' : `  ${formatBytes(requested)}`;
      lines.push(`  ${task.where ?? `worker ${w}`}: ${specLabel(task.spec)}  ${detail}${memory}  ${elapsed}`.slice(0, width));
      w++;
    }
    const status = this.options.status?.();
    if (status) lines.push(`  ${status}`.slice(0, width));
    const pct = Math.round((100 * this.done) / Math.max(1, this.options.total));
    const failed = this.failed > 0 ? `, ${this.failed} failed` : '';
    lines.push(`  ${this.done}/${this.options.total} tasks (${pct}%${failed}), ${formatDuration(performance.now() - this.started)} elapsed, ETA ${this.eta()}`.slice(0, width));
    this.clear();
    s.write(lines.join('\n') + '\n');
    this.drawnLines = lines.length;
  }
}

/** The last line of an error (a traceback's exception line): progress lines stay one line each. */
function lastLine(text: string | undefined): string {
  const lines = (text ?? '').trimEnd().split('\n');
  return lines[lines.length - 1];
}
