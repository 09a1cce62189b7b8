/**
 * The overview of a results file's runs: a table with one row per run (as `gclab bench` prints
 * it) and two charts side by side: peak requested bytes and median time per run, by profile.
 */
import { SUMMARY_ALIGN, SUMMARY_HEADER, SUMMARY_LEGEND, summaryCells } from '../lab/summary.js';
import type { TaskRecord } from '../lab/coordinator.js';
import { chart, table, type Block } from './document.js';
import { byteUnit, round } from './series.js';
import type { ChartSpec } from './render.js';

const PROFILE_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2'];

const runName = (r: TaskRecord): string => `${r.spec.workload}/${r.spec.variant}${r.repetition > 0 ? ` #${r.repetition}` : ''}`;

export function overviewBlocks(unsorted: readonly TaskRecord[]): Block[] {
  const records = [...unsorted].sort((a, b) => a.id - b.id);
  const ok = records.filter((r) => r.metrics);
  const profiles = [...new Set(records.map((r) => r.spec.profile))];
  const blocks: Block[] = [];
  if (ok.length > 1) {
    const unit = byteUnit(Math.max(...ok.map((r) => r.metrics!.memory.requested.peak)));
    const names = [...new Set(ok.map(runName))];
    const bar = (title: string, field: string, axis: string, values: Record<string, unknown>[]): ChartSpec => ({
      title,
      width: 300,
      height: { step: 9 },
      data: { values },
      mark: 'bar',
      encoding: {
        y: { field: 'run', type: 'nominal', title: null, sort: names, axis: { labelLimit: 340 } },
        yOffset: { field: 'profile', type: 'nominal', sort: profiles },
        x: { field, type: 'quantitative', title: axis },
        color: { field: 'profile', type: 'nominal', title: 'profile', sort: profiles, scale: { range: PROFILE_COLOURS }, legend: { orient: 'bottom' } },
      },
    });
    const peaks = ok.map((r) => ({ run: runName(r), profile: r.spec.profile, v: round(r.metrics!.memory.requested.peak / unit.divisor) }));
    blocks.push(chart('suite-peak', bar('Peak requested bytes', 'v', unit.name, peaks), 'tracemalloc\'s peak over the body, per run.'));
    // Modelled CPython time where the runs have it (deterministic), else the simulator's own median.
    const modelled = ok.filter((r) => r.cpythonTime);
    const timed = ok.filter((r) => r.time);
    if (modelled.length > 1) {
      const times = modelled.map((r) => ({ run: runName(r), profile: r.spec.profile, ms: round(r.cpythonTime!.totalNs / 1e6) }));
      blocks.push(chart('suite-time', bar('CPython time (modelled)', 'ms', 'ms', times), "The body's modelled CPython time: its counted work priced by the cost model (src/lab/cost-model.ts), the same on every run."));
    } else if (timed.length > 1) {
      const times = timed.map((r) => ({ run: runName(r), profile: r.spec.profile, ms: round(r.time!.median / 1e6) }));
      blocks.push(chart('suite-time', bar("Simulator's median time", 'ms', 'ms', times), "The simulator's own median body time over the timed iterations (tinybench, fresh heaps), not CPython's."));
    }
  }
  const rows = records.map((r) => summaryCells(r, runName(r)));
  blocks.push(
    table([...SUMMARY_HEADER], rows, [...SUMMARY_ALIGN], SUMMARY_LEGEND),
  );
  return blocks;
}
