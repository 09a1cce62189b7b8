/**
 * The Piscina worker: one task at a time, each on heaps of its own. The timed iterations come
 * first, each on a fresh heap; then the deterministic run, on the SharedArrayBuffer the
 * coordinator allocated (so it can sample the live counters). Failures come back as outcomes, not exceptions, so the coordinator
 * records them as one line each.
 */
import { HeapExhausted } from '../src/heap/errors.js';
import { PythonException } from '../src/python/errors.js';
import { measureRun, outputBeforeFailure, prepareRun } from '../src/lab/measure.js';
import { StatusCell, TaskPhase, type HeapTask, type TaskOutcome } from '../src/lab/protocol.js';
import { timeBody } from '../src/lab/timing.js';
import { loadUserWorkload, programSource, sendWorkloadLogsToStderr } from '../src/lab/user-workloads.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';

installBuiltIns(BUILT_INS);
sendWorkloadLogsToStderr();

export default async function runTask(task: HeapTask): Promise<TaskOutcome> {
  const status = new Int32Array(task.status);
  try {
    // A user workload is loaded in each worker from the path the coordinator's process checked.
    if (task.spec.module) await loadUserWorkload(task.spec.module);
    // Timing first, so the deterministic run (whose pauses are wall-clock times) runs on warm
    // compiled code, as a long-running interpreter's collections do, not on the JIT's first pass.
    let time = null;
    let timingFailure: unknown;
    if (task.timing) {
      Atomics.store(status, StatusCell.Phase, TaskPhase.Timing);
      try {
        time = await timeBody(task.spec, task.timing, (n) => Atomics.store(status, StatusCell.Iterations, n));
      } catch (err) {
        // A Python exception: the deterministic run below raises it again, keeping what the program printed before it.
        if (!(err instanceof PythonException)) throw err;
        timingFailure = err;
      }
    }
    Atomics.store(status, StatusCell.Phase, TaskPhase.Measuring);
    const prepared = prepareRun(task.spec, task.memory);
    const metrics = measureRun(prepared, task.spec, (f) => Atomics.store(status, StatusCell.ProgressPpm, Math.round(f * 1e6)));
    if (timingFailure !== undefined) throw timingFailure;
    Atomics.store(status, StatusCell.ProgressPpm, 1e6);
    Atomics.store(status, StatusCell.Phase, TaskPhase.Done);
    return { ok: true, metrics, time };
  } catch (err) {
    if (err instanceof HeapExhausted) return { ok: false, kind: 'heap-exhausted', message: err.message };
    // An exception the Python program did not catch: its traceback, as CPython prints it.
    if (err instanceof PythonException) return { ok: false, kind: 'workload-error', message: err.formatTraceback(programSource), output: outputBeforeFailure(err) };
    return { ok: false, kind: 'workload-error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}
