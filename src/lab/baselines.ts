/**
 * Named baselines: a results file kept as `<results-dir>/baselines/<NAME>.msgpack`, in the results
 * format (written by the store's writer, read by `readResults`), for `gclab bench --baseline NAME`
 * and `gclab compare baseline:NAME …` to compare against. Live telemetry, the list of every pause
 * and pymalloc's size-class snapshots are left out (the bulk of a file); figures and timing
 * samples are kept.
 */
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { indexResults, matchKey } from '../compare/match.js';
import type { TaskRecord } from './coordinator.js';
import type { RunSpec } from './options.js';
import { readResults, ResultsWriter, type ResultsFile } from './store.js';

const NAME = /^[A-Za-z0-9._-]+$/;

/** Where `ref` names a baseline in a results reference: `baseline:NAME`. */
export const BASELINE_PREFIX = 'baseline:';

/** A baseline's name: letters, digits, '.', '_' and '-' (it becomes a file name). */
export function validateBaselineName(name: string, what = '--baseline'): string {
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new UsageError(`${what} takes a name of letters, digits, '.', '_' and '-', got '${name}'`);
  }
  return name;
}

export function baselinesDir(resultsDir: string): string {
  return join(resultsDir, 'baselines');
}

export function baselinePath(resultsDir: string, name: string): string {
  return join(baselinesDir(resultsDir), `${name}.msgpack`);
}

/** A saved baseline; a missing one is a one-line UsageError saying how to make it. */
export function readBaseline(resultsDir: string, name: string): ResultsFile {
  const path = baselinePath(resultsDir, validateBaselineName(name));
  if (!existsSync(path)) {
    throw new UsageError(`no baseline '${name}' (${path}); save one with 'gclab bench … --save-baseline ${name}'`);
  }
  return readResults(path);
}

/**
 * A record as a baseline keeps it: no telemetry, no per-pause arrays (the cost model prices a
 * baseline from `work.pauseTotals`), no size-class snapshots.
 */
export function baselineRecord(record: TaskRecord): TaskRecord {
  const { telemetry: _telemetry, ...rest } = record;
  if (!rest.metrics) return rest;
  const { pauseCollected: _c, pauseReferences: _r, pauseFinalizers: _f, pausePools: _p, ...kept } = rest.metrics.gc;
  const gc = {
    ...kept,
    pauseNs: new Float64Array(0),
    pauseGeneration: new Int8Array(0),
    pauseVisited: new Int32Array(0),
    pauseStartNs: new Float64Array(0),
  };
  const { sizeClasses: _sizeClasses, ...memory } = rest.metrics.memory;
  return { ...rest, metrics: { ...rest.metrics, gc, memory } };
}

/**
 * Saves a complete results file as baseline `name`, replacing any of that name only once the new
 * one is whole: a write that fails (a full disk) leaves the old baseline as it was and throws.
 */
export function saveBaseline(resultsDir: string, name: string, file: ResultsFile): { path: string; replaced: boolean } {
  validateBaselineName(name, '--save-baseline');
  const path = baselinePath(resultsDir, name);
  const replaced = existsSync(path);
  // The store's writer (same format), then renamed to the baseline's name.
  const writer = new ResultsWriter(baselinesDir(resultsDir), file.name, file.provenance);
  writer.addAll(file.records.map(baselineRecord));
  writer.finish();
  const problem = writer.problem;
  if (problem !== null) {
    unlinkSync(writer.path);
    throw new UsageError(`cannot write baseline '${name}': ${problem}`);
  }
  renameSync(writer.path, path);
  return { path, replaced };
}

/**
 * Checks, before a run, that baseline `name` can be compared with it: one configuration per
 * result, and a result for at least one of the specs to run.
 */
export function checkBaselineCovers(name: string, file: ResultsFile, specs: readonly RunSpec[]): void {
  const index = indexResults({ label: `baseline '${name}'`, records: file.records });
  if (specs.some((spec) => index.byKey.has(matchKey(spec)))) return;
  throw new UsageError(
    `baseline '${name}' has no result for any task of this run (it holds ${index.byKey.size} results of '${file.name}'); ` +
      `save one for this suite with --save-baseline ${name}`,
  );
}
