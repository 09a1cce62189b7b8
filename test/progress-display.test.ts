/**
 * The progress display: one line per running task, named by where it runs (a queue worker's name,
 * else its local worker number), with its phase, progress and requested bytes; the runner's status
 * line (a queue's worker count); the overall line counting a resumed run's finished tasks, with an
 * ETA from this run's pace only.
 */
import { describe, expect, it } from 'vitest';
import type { RunningTask } from '../src/lab/coordinator.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { ProgressDisplay } from '../src/lab/progress.js';
import { TaskPhase } from '../src/lab/protocol.js';

/** A stream that keeps what is written, as a terminal 100 columns wide. */
function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = { columns: 100, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.replace(/\x1b\[1A\x1b\[2K/g, '') };
}

const task = (id: number, where: string | undefined, requested: number | undefined): RunningTask => ({
  id,
  spec: resolveRunSpec({ workload: 'slots-vs-dict', variant: 'slots', params: ['n=1000'] }),
  startedAt: performance.now(),
  ...(where ? { where } : {}),
  phase: () => TaskPhase.Measuring,
  progress: () => 0.5,
  iterations: () => 0,
  requested: () => requested,
});

describe('the progress display', () => {
  it('names remote workers, shows requested bytes and the queue status, and counts resumed tasks', async () => {
    const { stream, text } = terminal();
    const tasks = [task(3, 'lab-7', 3 * 2 ** 20), task(4, undefined, undefined)];
    const display = new ProgressDisplay({ total: 10, done: 3, stream, animate: true, status: () => 'queue redis://10.0.0.5:6379: 2 workers' }, () => tasks);
    // Drawn every 100 ms: wait for a whole frame (its last line), however busy the machine is.
    for (let waited = 0; !text().includes('ETA') && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    display.stop();
    const frame = text().split('\n');
    expect(frame).toContain('  lab-7: slots-vs-dict/slots n=1000 @3.13  measuring 50%  3.0 MiB  0s');
    expect(frame).toContain('  worker 2: slots-vs-dict/slots n=1000 @3.13  measuring 50%  0s');
    expect(frame).toContain('  queue redis://10.0.0.5:6379: 2 workers');
    // 3 finished before this run: no pace of its own yet, so no ETA
    expect(frame).toContain('  3/10 tasks (30%), 0s elapsed, ETA ?');
  });

  it('writes a note between the frames, and writes it when quiet too', () => {
    const { stream, text } = terminal();
    const display = new ProgressDisplay({ total: 1, stream, animate: false, quiet: true }, () => []);
    display.note('gclab: the queue at redis://127.0.0.1:6379 is back');
    display.stop();
    expect(text()).toBe('gclab: the queue at redis://127.0.0.1:6379 is back\n');
  });
});
