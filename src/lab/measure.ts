/**
 * One run of a workload on a fresh heap, measured as its Python twin measures the real
 * interpreter (workloads/python/twin.py): the same preamble, the same measured region, the same
 * figures. Runs in a worker, in the main thread and in tests alike (no Node APIs).
 */
import { Heap } from '../heap/heap.js';
import { regionLayout, type Ref, Stat } from '../heap/layout.js';
import { PROFILES, type ProfileName } from '../heap/profiles.js';
import { Kind } from '../heap/types.js';
import type { GcCallback } from '../heap/gc/collector.js';
import { percentile } from '../heap/gc/pauses.js';
import { RunInstruments, type SizeClassSnapshot } from './instruments.js';
import { effectiveThresholds, type RunSpec, type Thresholds } from './options.js';
import type { WorkloadContext } from './workload.js';
import { resolveWorkload } from './options.js';
import { topUpStartupPopulation } from '../heap/gc/startup.js';
import { pauseDriverTotals } from './cost-drivers.js';

/**
 * count0 when the twin's body starts: after its `gc.collect()`, the `gc.get_stats()` list and
 * dicts it read went to free lists (which do not decrement count0) and `gc.get_count()` made a
 * tuple. MEAS: `count_before[0]` = 7 on 3.11.7, 3.12.1 and 3.13.0, plus the tuple.
 */
export const TWIN_PREAMBLE_COUNT0 = 8;
/**
 * Lists and dicts the twin's preamble left on the free lists (`gc.get_stats()` and its reading).
 * MEAS on 3.11.7, 3.12.1 and 3.13.0: a body's first two `[]` cost no traced bytes, the third 56;
 * its first three `{'a': x}` none, the fourth 184 (dict and keys): each free dict has its 8-slot
 * keys on the keys free list too.
 */
const TWIN_PREAMBLE_FREE_LISTS = 2;
const TWIN_PREAMBLE_FREE_DICTS = 3;
/**
 * 2-tuples the preamble left on the tuple free list: the argument tuple of its `array("q", [...])`
 * (a type call without vectorcall). MEAS: a body's first 2-tuple costs no traced bytes on 3.11.7,
 * 3.12.1 and 3.13.0.
 */
const TWIN_PREAMBLE_FREE_PAIRS = 1;

export interface PauseFigures {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly total: number;
}

/** What one deterministic run measured. Times in ns; bytes as tracemalloc / pymalloc see them. */
export interface RunMetrics {
  readonly memory: {
    /** tracemalloc's view, relative to the start of the body. */
    readonly requested: { readonly current: number; readonly peak: number };
    readonly probes: Readonly<Record<string, number>>;
    /** pymalloc's view, whole heap: arenas (bytes), pools and blocks. */
    readonly arenas: { readonly peak: number; readonly current: number };
    readonly pools: { readonly peak: number; readonly current: number };
    readonly blocks: number;
    /** Distinct 4 KiB pages written since the body's fork point (0 without one). */
    readonly pagesDirtied: number;
    /**
     * pymalloc's occupancy per size class near the body's peak (tracemalloc's current bytes) and
     * at its end, for the report's fragmentation map. Absent from results files made before it.
     */
    readonly sizeClasses?: { readonly peak: SizeClassSnapshot; readonly end: SizeClassSnapshot };
  };
  readonly gc: {
    readonly thresholds: Thresholds;
    readonly enabled: boolean;
    readonly startupTracked: number;
    readonly collections: readonly number[];
    readonly collected: readonly number[];
    readonly uncollectable: readonly number[];
    readonly visited: number;
    readonly pauses: PauseFigures;
    /** Every pause in ns, with its generation and the objects it visited, in order. */
    readonly pauseNs: Float64Array;
    readonly pauseGeneration: Int8Array;
    /** The work of each pause, machine-independent: objects the collector examined. */
    readonly pauseVisited: Int32Array;
    /** Objects each pause freed, and references it followed (absent from older results files). */
    readonly pauseCollected?: Int32Array;
    readonly pauseReferences?: Float64Array;
    /** Weakref callbacks and finalizers each pause ran, and pools in use at its end (absent from older results files). */
    readonly pauseFinalizers?: Float64Array;
    readonly pausePools?: Float64Array;
    /** When each pause started, in ns since the body started (absent from older results files). */
    readonly pauseStartNs?: Float64Array;
    /**
     * Per probe: how many of the body's pauses had run when the probe's reading was done, so
     * `pauseVisited.slice(pausesBeforeProbe[p])` is the work of the collections after it (absent
     * from older results files).
     */
    readonly pausesBeforeProbe?: Readonly<Record<string, number>>;
  };
  readonly objects: { readonly allocated: number; readonly freed: number };
  /**
   * The mutator's work besides its allocations, the cost model's drivers: operations executed by
   * class (src/python/work-counts.ts) and allocations served from a free list. Absent for a
   * TypeScript body and from older results files.
   */
  readonly work?: {
    readonly ops: Readonly<Record<string, number>>;
    readonly freeListReuses: number;
    /**
     * Each collection driver of the cost model summed over the body's pauses: the model is linear,
     * so these price the total GC time where the per-pause arrays are gone (a baseline keeps none).
     */
    readonly pauseTotals: Readonly<Record<string, number>>;
  };
  /** Figures the body reported with `ctx.report` (NaN for a declared one it did not report). */
  readonly reports: Readonly<Record<string, number>>;
  /** Wall time of the body in this run (the timed figures come from tinybench). */
  readonly bodyNs: number;
  /** What the program printed in the deterministic run (a Python program's `print`), if anything. */
  readonly output?: readonly string[];
}

/** A heap ready for a run's body, with what the workload's module-level setup made. */
export interface PreparedRun {
  readonly heap: Heap;
  readonly module: unknown;
}

/**
 * A heap as a run starts with it: the profile's start-up population, the workload's module-level
 * setup, then the twin's preamble.
 */
export function prepareRun(spec: RunSpec, memory?: SharedArrayBuffer): PreparedRun {
  const workload = resolveWorkload(spec.workload);
  const startupObjects = spec.startupObjects ?? PROFILES[spec.profile].startupTrackedObjects;
  const heap = new Heap({
    memory,
    profile: spec.profile,
    heapBytes: spec.heapMiB * 2 ** 20,
    startupObjects: workload.startupAfterSetup ? 0 : startupObjects,
  });
  if (spec.threshold) heap.gc.setThreshold(...spec.threshold);
  let module: unknown;
  if (workload.startupAfterSetup) {
    // The module's own objects are part of the real start-up count: top up to it, then settle
    // everything into the oldest generation as the twin's gc.collect() does.
    heap.gc.disable();
    module = workload.variants[spec.variant].setup?.(heap, spec.params, spec.seed);
    heap.gc.enable();
    // A full collection untracks what it may (tuples and dicts of untracked items) before the
    // count is topped up, so the count is what a real gc.collect() leaves.
    heap.gc.settle();
    heap.gc.disable();
    topUpStartupPopulation(heap, startupObjects);
    heap.gc.enable();
    heap.gc.settle();
  } else {
    module = workload.variants[spec.variant].setup?.(heap, spec.params, spec.seed);
  }
  // All made before any is freed: freeing each at once would hand it back to the next one, and
  // leave a single object on each free list. MEAS (3.11.7, 3.12.1, 3.13.0): the body's first two
  // `[]` and first three `{'a': 1}` cost 0 traced bytes, the next ones 56 and 184.
  const preamble: Ref[] = [];
  for (let i = 0; i < TWIN_PREAMBLE_FREE_LISTS; i++) preamble.push(heap.list.newList(0));
  for (let i = 0; i < TWIN_PREAMBLE_FREE_DICTS; i++) {
    const d = heap.dict.newDict();
    const key = heap.intern('a');
    heap.dict.setItem(d, key, heap.None);
    heap.decref(key);
    preamble.push(d);
  }
  for (let i = 0; i < TWIN_PREAMBLE_FREE_PAIRS; i++) preamble.push(heap.tupleOf(heap.None, heap.None));
  for (const ref of preamble) heap.decref(ref);
  heap.counters[Stat.GcCount0] = TWIN_PREAMBLE_COUNT0;
  heap.gc.callbacks.push(twinHarnessCallback(heap));
  heap.stats.publish();
  return { heap, module };
}

/**
 * Bytes the body of the twin's `gc.callbacks` entry holds at once, per phase (the info dict, its
 * key strings and the phase string are the collector's: GarbageCollector.notify). Start: one
 * `time.perf_counter_ns()` int (32). Stop: the ints of its pause arithmetic; MEAS: a body that
 * only runs `gc.collect(0)` peaks at 356 traced bytes on 3.11.7 and 324 on 3.12.1 and 3.13.0, of
 * which the key strings are 155 and the phase string 'stop' 53 (3.11) or 45. 3.14: inferred the
 * same as 3.13.
 */
const TWIN_CALLBACK_START_BYTES = 32;
const TWIN_CALLBACK_STOP_BYTES: Readonly<Record<ProfileName, number>> = {
  '3.11': 148,
  '3.12': 124,
  '3.13': 124,
  '3.14.0': 124,
  '3.14.1': 124,
  '3.14.5': 124,
};

/**
 * The body of the twin's own `gc.callbacks` entry, as the simulation sees it: the ints it makes
 * and drops. Around it the collector builds and drops the info dict and the phase string, as
 * CPython does for any callback; what stays is what the free lists keep: after a full collection
 * emptied them, the stop phase's dict and keys are new blocks (MEAS: 184 traced bytes left after
 * one `gc.collect()`, 0 after `gc.collect(0)`).
 */
function twinHarnessCallback(heap: Heap): GcCallback {
  const stopBytes = TWIN_CALLBACK_STOP_BYTES[heap.profile.name];
  return (phase) => {
    heap.decref(heap.allocObject(Kind.Opaque, phase === 'start' ? TWIN_CALLBACK_START_BYTES : stopBytes));
  };
}

/**
 * What the twin's `probe(name)` allocates to read the figure:
 * `_probe_bytes[i] = tracemalloc.get_traced_memory()[0]`. `get_traced_memory` returns
 * `Py_BuildValue("nn", current, peak)`: `PyTuple_New(2)` (a tracked 2-tuple, from the tuple free
 * list when it holds one), then `PyLong_FromSsize_t` of each figure (a 32-byte medium int below
 * 2^30, exact above, none for a small int). `[0]` keeps the first int and drops the tuple: the
 * peak int is freed and the tuple goes back on the free list, so it stays a traced block when it
 * was a new one. That happens when a full collection emptied the free lists earlier in the body
 * (MEAS 3.11.7, 3.12.1: slots-vs-dict at n=10^5, whose gen-2 collection runs before the probe,
 * ends 56 bytes higher, the probe's tuple; with the probe's line removed from the twin, its
 * current and peak equal the simulation's). The array store then frees the first int.
 */
function twinProbeReading(heap: Heap): void {
  // `twin.probe(...)` is a Python function: its RESUME checks the eval breaker.
  heap.evalBreaker();
  const current = heap.tracedCurrent;
  const peak = heap.tracedPeak;
  const pair = heap.newTuple(2);
  heap.tupleInit(pair, 0, heap.ints.fromValue(current));
  heap.tupleInit(pair, 1, heap.ints.fromValue(peak));
  // The return from the C call checks the eval breaker, the tuple alive on the stack.
  heap.evalBreaker();
  const first = heap.tupleItem(pair, 0);
  heap.incref(first);
  heap.decref(pair);
  heap.decref(first);
}

/** Where a run reports progress: a fraction in [0, 1] (a shared cell in a worker). */
export type ProgressSink = (fraction: number) => void;

/** What a body's run records (measureRun's; a timed run keeps none of it). */
export interface BodyRecord {
  /** The bytes requested at each probe. */
  readonly probes: Record<string, number>;
  /** The pause log's length once each probe's reading was done (RunMetrics.gc.pausesBeforeProbe). */
  readonly pausesAtProbe: Record<string, number>;
  readonly reports: Record<string, number>;
  readonly output: string[];
  readonly onProgress?: ProgressSink;
}

/** A declared probe the body never reached reads this (no byte count is negative). */
export const PROBE_NOT_REACHED = -1;

/** A record nobody reads: a timed run's. */
const NOTHING_RECORDED = (): BodyRecord => ({ probes: {}, pausesAtProbe: {}, reports: {}, output: [] });

/** Runs the body the way the twin's measured region does. Returns the body's wall time in ns. */
export function runBody(run: PreparedRun, spec: RunSpec, record?: BodyRecord): number {
  const { heap } = run;
  const workload = resolveWorkload(spec.workload);
  const variant = workload.variants[spec.variant];
  const { probes, pausesAtProbe, reports, onProgress } = record ?? NOTHING_RECORDED();
  const output = record?.output;
  const ctx: WorkloadContext = {
    heap,
    params: spec.params,
    seed: spec.seed,
    probe: (name) => {
      // As report() does: a name the workload does not declare is its bug, named where it happens.
      if (!workload.probes.includes(name)) throw new Error(`workload ${workload.name} has no probe '${name}' (declare it in probes: ${workload.probes.join(', ') || 'none declared'})`);
      probes[name] = heap.tracedCurrent;
      twinProbeReading(heap);
      pausesAtProbe[name] = heap.gc.pauses.count;
      if (name === spec.freezeAt) {
        // `gc.freeze()` as a statement of its own, as the twin runs it after `probe(name)`.
        heap.gc.freeze();
        heap.evalBreaker();
      }
    },
    report: (name, value) => {
      if (!(workload.reports ?? []).includes(name)) throw new Error(`workload ${workload.name} reports no '${name}' (declare it in reports)`);
      reports[name] = value;
    },
    progress: onProgress ? (done, total) => onProgress(total > 0 ? done / total : 1) : () => {},
    print: output ? (line) => keepOutput(output, line) : undefined,
  };
  if (spec.gc === 'disabled') heap.gc.disable();
  // tracemalloc.start(), as the twin's measured region begins: only what the body allocates counts.
  heap.startTracing();
  const t0 = performance.now();
  variant.run(ctx, run.module);
  if (spec.gc === 'disabled') {
    heap.gc.collect();
    heap.gc.enable();
  }
  heap.evalBreaker();
  heap.stats.publish();
  return Math.round((performance.now() - t0) * 1e6);
}

/** What a program printed before its measured run failed, by the error it failed with. */
const OUTPUT_BEFORE_FAILURE = new WeakMap<object, readonly string[]>();

/** The lines a measured run that threw `err` had printed (undefined if it printed none or `err` is not such an error). */
export function outputBeforeFailure(err: unknown): readonly string[] | undefined {
  const output = typeof err === 'object' && err !== null ? OUTPUT_BEFORE_FAILURE.get(err) : undefined;
  return output && output.length > 0 ? output : undefined;
}

/** Lines of program output a run keeps (the rest is counted, not kept). */
export const MAX_OUTPUT_LINES = 1000;

function keepOutput(output: string[], line: string): void {
  if (output.length < MAX_OUTPUT_LINES) output.push(line);
  else if (output.length === MAX_OUTPUT_LINES) output.push(`… (output beyond ${MAX_OUTPUT_LINES} lines not kept)`);
}

/** A deterministic run (prepared by `prepareRun`), with every metric. */
export function measureRun(run: PreparedRun, spec: RunSpec, onProgress?: ProgressSink): RunMetrics {
  const { heap } = run;
  const c = heap.counters;
  const gc = heap.gc;
  const statsBefore = gc.getStats();
  const startupTracked = gc.generationSizes().reduce((a, b) => a + b, 0);
  const visitedBefore = c[Stat.GcVisited];
  const allocatedBefore = c[Stat.ObjectsAllocated];
  const freedBefore = c[Stat.ObjectsFreed];
  const reusesBefore = c[Stat.FreeListReuses];
  const pausesBefore = gc.pauses.count;
  const probes: Record<string, number> = {};
  const workload = resolveWorkload(spec.workload);
  for (const p of workload.probes) probes[p] = PROBE_NOT_REACHED;
  const reports: Record<string, number> = {};
  for (const r of workload.reports ?? []) reports[r] = Number.NaN;
  const pausesAtProbe: Record<string, number> = {};

  const instruments = new RunInstruments(heap);
  heap.stats.beforePublish = instruments.onPublish;
  const output: string[] = [];
  let bodyNs: number;
  let ops: Readonly<Record<string, number>> | undefined;
  try {
    bodyNs = runBody(run, spec, { probes, pausesAtProbe, reports, output, onProgress });
    ops = workload.variants[spec.variant].work?.(run.module);
  } catch (err) {
    if (typeof err === 'object' && err !== null) OUTPUT_BEFORE_FAILURE.set(err, output);
    throw err;
  } finally {
    heap.stats.beforePublish = null;
    workload.variants[spec.variant].release?.(run.module);
  }
  // runBody's clock starts after tracemalloc's set-up: its start, on this clock.
  const bodyStartMs = performance.now() - bodyNs / 1e6;
  // The body's own time: what the instruments spent inside it is not the workload's.
  bodyNs = Math.max(0, bodyNs - Math.round(instruments.spentMs * 1e6));
  const sizeClasses = instruments.finish(bodyStartMs);

  const statsAfter = gc.getStats();
  const log = gc.pauses;
  const n = log.count - pausesBefore;
  const pauseNs = new Float64Array(n);
  const pauseGeneration = new Int8Array(n);
  const pauseVisited = new Int32Array(n);
  const pauseCollected = new Int32Array(n);
  const pauseReferences = new Float64Array(n);
  const pauseFinalizers = new Float64Array(n);
  const pausePools = new Float64Array(n);
  const pauseStartNs = new Float64Array(n);
  const bodyStartOnLogClock = bodyStartMs - gc.originMs;
  for (let i = 0; i < n; i++) {
    pauseNs[i] = Math.round(log.durationMs[pausesBefore + i] * 1e6);
    pauseGeneration[i] = log.generation[pausesBefore + i];
    pauseVisited[i] = log.visited[pausesBefore + i];
    pauseCollected[i] = log.collected[pausesBefore + i];
    pauseReferences[i] = log.references[pausesBefore + i];
    pauseFinalizers[i] = log.finalizers[pausesBefore + i];
    pausePools[i] = log.pools[pausesBefore + i];
    pauseStartNs[i] = Math.max(0, Math.round((log.startMs[pausesBefore + i] - bodyStartOnLogClock) * 1e6));
  }
  const gcFigures: RunMetrics['gc'] = {
    thresholds: effectiveThresholds(spec),
    enabled: spec.gc === 'enabled',
    startupTracked,
    collections: statsAfter.map((s, g) => s.collections - statsBefore[g].collections),
    collected: statsAfter.map((s, g) => s.collected - statsBefore[g].collected),
    uncollectable: statsAfter.map((s, g) => s.uncollectable - statsBefore[g].uncollectable),
    visited: c[Stat.GcVisited] - visitedBefore,
    pauses: summarisePauses(pauseNs),
    pauseNs,
    pauseGeneration,
    pauseVisited,
    pauseCollected,
    pauseReferences,
    pauseFinalizers,
    pausePools,
    pauseStartNs,
    pausesBeforeProbe: Object.fromEntries(Object.entries(pausesAtProbe).map(([name, count]) => [name, count - pausesBefore])),
  };
  return {
    memory: {
      requested: { current: heap.tracedCurrent, peak: heap.tracedPeak },
      probes,
      arenas: { peak: c[Stat.ArenasPeak] * 2 ** 20, current: c[Stat.ArenasInUse] * 2 ** 20 },
      pools: { peak: c[Stat.PoolsPeak], current: c[Stat.PoolsInUse] },
      blocks: c[Stat.BlocksInUse],
      pagesDirtied: heap.cowActive ? c[Stat.CowPagesWritten] : 0,
      sizeClasses,
    },
    gc: gcFigures,
    objects: { allocated: c[Stat.ObjectsAllocated] - allocatedBefore, freed: c[Stat.ObjectsFreed] - freedBefore },
    ...(ops !== undefined ? { work: { ops, freeListReuses: c[Stat.FreeListReuses] - reusesBefore, pauseTotals: pauseDriverTotals(gcFigures) } } : {}),
    reports,
    bodyNs,
    ...(output.length > 0 ? { output } : {}),
  };
}

/** Count, percentiles (nearest rank, as the pause log's), maximum and total of pauses in ns. */
export function summarisePauses(pauseNs: ArrayLike<number>): PauseFigures {
  const sorted = Array.from(pauseNs).sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
    total,
  };
}

/** A zero-filled SharedArrayBuffer for a run's heap (the coordinator's, to sample it live). */
export function runMemory(spec: RunSpec): SharedArrayBuffer {
  return new SharedArrayBuffer(regionLayout(spec.heapMiB * 2 ** 20).sabBytes);
}
