/**
 * One run in a report: memory over time (requested bytes, pools, arenas), generation sizes over
 * time, a histogram of pauses and a timeline of collections by generation, pymalloc's occupancy
 * per size class (fragmentation), and a table of its figures. Results files made before a field
 * existed lack it: that chart is replaced by a line saying so.
 */
import { PAUSE_BUCKETS_MS } from '../heap/gc/pauses.js';
import { PROFILES } from '../heap/profiles.js';
import type { TaskRecord } from '../lab/coordinator.js';
import type { SizeClassSnapshot } from '../lab/instruments.js';
import type { RunMetrics } from '../lab/measure.js';
import { specLabel } from '../lab/options.js';
import { probeText } from '../lab/summary.js';
import { formatBytes, formatCount, formatNs } from '../core/units.js';
import { chart, table, text, type Block, type Section } from './document.js';
import { byteUnit, minMaxIndices, round, thinPauses, type Pause } from './series.js';
import type { ChartSpec } from './render.js';

const WIDTH = 340;
const HEIGHT = 170;
const POOL_BYTES = 16 * 1024;
const ARENA_BYTES = 1024 * 1024;
const GENERATION_COLOURS = ['#4c78a8', '#f58518', '#e45756', '#72b7b2'];

/** The generations' names in a profile's collector. */
export function generationNames(profile: string): readonly string[] {
  const incremental = PROFILES[profile as keyof typeof PROFILES]?.collector === 'incremental';
  return incremental ? ['young', 'increment', 'full'] : ['gen 0', 'gen 1', 'gen 2'];
}

export function runTitle(record: TaskRecord): string {
  return `${specLabel(record.spec)}${record.repetition > 0 ? ` (repetition ${record.repetition})` : ''}`;
}

/** The section of one run: its charts, then its figures. */
export function runSection(record: TaskRecord): Section {
  const m = record.metrics;
  if (!m) return { title: runTitle(record), blocks: [text(`${record.status}: ${record.error ?? 'no figures'}`)] };
  const blocks: Block[] = [
    memoryChart(record),
    generationChart(record),
    pauseHistogram(m, record.spec.profile),
    collectionsTimeline(m, record.spec.profile),
    occupancyChart(m),
    figuresTable(record, m),
  ];
  return { title: runTitle(record), blocks };
}

function memoryChart(record: TaskRecord): Block {
  const tel = record.telemetry;
  const requested = tel?.columns.requestedCurrent;
  const arenas = tel?.columns.arenasInUse;
  const pools = tel?.columns.poolsInUse;
  if (!tel || !requested || !arenas || tel.t.length === 0) return text('Memory over time: no live telemetry in this run (--sample-interval 0).');
  const max = Math.max(...Array.from(arenas, (a) => a * ARENA_BYTES), ...requested);
  const unit = byteUnit(max);
  // Samples taken before the run's heap existed (no arena yet) show nothing of it.
  const first = Math.max(0, arenas.findIndex((a) => a > 0));
  const values: Record<string, unknown>[] = [];
  for (const k of minMaxIndices(requested.subarray(first))) {
    const i = first + k;
    const t = round(tel.t[i]);
    values.push({ t, series: 'requested', v: round(requested[i] / unit.divisor) });
    if (pools) values.push({ t, series: 'pools', v: round((pools[i] * POOL_BYTES) / unit.divisor) });
    values.push({ t, series: 'arenas', v: round((arenas[i] * ARENA_BYTES) / unit.divisor) });
  }
  const spec = stepLines('Memory over time', values, tel.t.length, unit.name, 'series', ['requested', 'pools', 'arenas'], [
    '#4c78a8',
    '#54a24b',
    '#e45756',
  ]);
  return chart(
    'memory',
    spec,
    `Bytes requested from pymalloc and the raw allocator (what tracemalloc counts, whole heap), the pools in use (16 KiB each) and the arenas (1 MiB each); sampled every ${tel.intervalMs} ms.`,
  );
}

function generationChart(record: TaskRecord): Block {
  const tel = record.telemetry;
  const columns = tel ? [tel.columns.gcGen0Size, tel.columns.gcGen1Size, tel.columns.gcGen2Size] : [];
  const permanent = tel?.columns.gcPermanentSize;
  if (!tel || tel.t.length === 0 || columns.some((c) => c === undefined)) {
    return text('Generation sizes: not recorded in this results file (made before gclab recorded them, or without telemetry).');
  }
  const names = generationNames(record.spec.profile);
  const incremental = names[0] === 'young';
  // The incremental collector keeps no objects in a middle generation: young and old (both spaces).
  const shown = incremental ? [0, 2] : [0, 1, 2];
  const label = (g: number): string => (incremental ? (g === 0 ? 'young' : 'old') : names[g]);
  const total = tel.t.map((_, i) => columns.reduce((s, c) => s + c![i], 0) + (permanent?.[i] ?? 0));
  // Samples taken while the heap was being prepared, before the run counted its generations, hold zeros.
  const first = Math.max(0, total.findIndex((v) => v > 0));
  const values: Record<string, unknown>[] = [];
  const hasPermanent = permanent !== undefined && permanent.some((v) => v > 0);
  for (const k of minMaxIndices(total.subarray(first))) {
    const i = first + k;
    const t = round(tel.t[i]);
    for (const g of shown) values.push({ t, generation: label(g), objects: columns[g]![i] });
    if (hasPermanent) values.push({ t, generation: 'permanent', objects: permanent![i] });
  }
  const domain = [...shown.map(label), ...(hasPermanent ? ['permanent'] : [])];
  const spec = stepLines('Generation sizes over time', values, tel.t.length, 'tracked objects', 'generation', domain, GENERATION_COLOURS, 'objects');
  return chart('generations', spec, 'Tracked objects in each generation (and frozen in the permanent one), counted on the GC lists during the run.');
}

/**
 * Step lines of sampled telemetry over the measured run's time, one per value of `seriesField`
 * (values are `{t, [seriesField], [yField]}`); points are drawn when the samples are few.
 */
function stepLines(
  title: string,
  values: Record<string, unknown>[],
  samples: number,
  yTitle: string,
  seriesField: string,
  domain: readonly string[],
  range: readonly string[],
  yField = 'v',
): ChartSpec {
  return {
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', point: samples <= 30 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'ms since the measured run started' },
      y: { field: yField, type: 'quantitative', title: yTitle },
      color: { field: seriesField, type: 'nominal', title: null, sort: [...domain], scale: { domain: [...domain], range: [...range] }, legend: { orient: 'bottom' } },
    },
  };
}

/** '≤ 10 µs', '≤ 1 ms', …, '> 1 s': the pause log's buckets. */
function bucketLabels(): string[] {
  const ms = (v: number): string => (v < 1 ? `${Math.round(v * 1000)} µs` : v < 1000 ? `${v} ms` : `${v / 1000} s`);
  return [...PAUSE_BUCKETS_MS.map((b) => `≤ ${ms(b)}`), `> ${ms(PAUSE_BUCKETS_MS[PAUSE_BUCKETS_MS.length - 1])}`];
}

function bucketOf(ms: number): number {
  let b = 0;
  while (b < PAUSE_BUCKETS_MS.length && ms > PAUSE_BUCKETS_MS[b]) b++;
  return b;
}

function pauseHistogram(m: RunMetrics, profile: string): Block {
  const n = m.gc.pauseNs.length;
  if (n === 0) return text('Pauses: no collection ran during the body.');
  const names = generationNames(profile);
  const labels = bucketLabels();
  const counts = new Map<string, number>();
  let first = labels.length;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const b = bucketOf(m.gc.pauseNs[i] / 1e6);
    first = Math.min(first, b);
    last = Math.max(last, b);
    const key = `${b}|${m.gc.pauseGeneration[i]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const values = [...counts].map(([key, count]) => {
    const [b, g] = key.split('|').map(Number);
    return { bucket: labels[b], generation: names[g], count };
  });
  const spec: ChartSpec = {
    title: 'Pause histogram',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'bucket', type: 'ordinal', title: 'pause (wall clock)', scale: { domain: labels.slice(first, last + 1) }, axis: { labelAngle: 0 } },
      y: { field: 'count', type: 'quantitative', title: 'collections', stack: 'zero' },
      color: { field: 'generation', type: 'nominal', title: null, scale: { domain: [...names], range: GENERATION_COLOURS }, legend: { orient: 'bottom' } },
    },
  };
  const p = m.gc.pauses;
  return chart('pauses', spec, `${n} pauses: p50 ${formatNs(p.p50)}, p99 ${formatNs(p.p99)}, max ${formatNs(p.max)}, total ${formatNs(p.total)}.`);
}

function collectionsTimeline(m: RunMetrics, profile: string): Block {
  const n = m.gc.pauseNs.length;
  if (n === 0) return text('Collections timeline: no collection ran during the body.');
  const starts = m.gc.pauseStartNs;
  if (!starts) return text('Collections timeline: pause start times are not in this results file (made before gclab recorded them).');
  const names = generationNames(profile);
  const all: Pause[] = [];
  for (let i = 0; i < n; i++) {
    all.push({ startMs: starts[i] / 1e6, ms: m.gc.pauseNs[i] / 1e6, generation: m.gc.pauseGeneration[i], visited: m.gc.pauseVisited[i] });
  }
  const { pauses, thinned } = thinPauses(all);
  // A log scale has no zero: the clock's resolution stands for a pause too short to measure.
  const values = pauses.map((p) => ({ t: round(p.startMs), ms: round(Math.max(p.ms, 0.001)), generation: names[p.generation] }));
  const spec: ChartSpec = {
    title: 'Collections over the body',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'point', filled: true, size: 24, opacity: 0.8 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'ms since the body started' },
      y: { field: 'ms', type: 'quantitative', title: 'pause, ms (log)', scale: { type: 'log' } },
      color: { field: 'generation', type: 'nominal', title: null, scale: { domain: [...names], range: GENERATION_COLOURS }, legend: { orient: 'bottom' } },
      shape: { field: 'generation', type: 'nominal', title: null, scale: { domain: [...names], range: ['circle', 'square', 'triangle-up'] }, legend: { orient: 'bottom' } },
    },
  };
  const caption = thinned
    ? `Each collection's start and pause; ${n} collections, the longest of each generation per time slice shown (${pauses.length}).`
    : `Each collection's start and pause (${n} collections).`;
  return chart('timeline', spec, caption);
}

function occupancyRows(s: SizeClassSnapshot, moment: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < s.pools.length; k++) {
    if (s.pools[k] === 0) continue;
    const size = s.blockSize[k];
    rows.push({ moment, block: size, state: 'in use', kib: round((s.blocksInUse[k] * size) / 1024) });
    rows.push({ moment, block: size, state: 'free in its pools', kib: round((s.blocksAvailable[k] * size) / 1024) });
  }
  return rows;
}

/** Free bytes in used pools over the bytes those pools hold in blocks: pymalloc's fragmentation. */
function freeShare(s: SizeClassSnapshot): number {
  let used = 0;
  let free = 0;
  for (let k = 0; k < s.pools.length; k++) {
    used += s.blocksInUse[k] * s.blockSize[k];
    free += s.blocksAvailable[k] * s.blockSize[k];
  }
  return used + free === 0 ? 0 : free / (used + free);
}

function occupancyChart(m: RunMetrics): Block {
  const sc = m.memory.sizeClasses;
  if (!sc) return text('Size-class occupancy: not in this results file (made before gclab recorded it).');
  const samePoint = sc.peak.atNs === sc.end.atNs && sc.peak.requested === sc.end.requested;
  const moments: [SizeClassSnapshot, string][] = samePoint
    ? [[sc.end, 'at the end (also the peak)']]
    : [
        [sc.peak, `near the peak (${formatNs(sc.peak.atNs)})`],
        [sc.end, 'at the end'],
      ];
  const values = moments.flatMap(([s, name]) => occupancyRows(s, name));
  const spec: ChartSpec = {
    title: 'pymalloc occupancy by size class',
    data: { values },
    mark: 'bar',
    width: WIDTH,
    height: samePoint ? HEIGHT : 110,
    encoding: {
      row: { field: 'moment', type: 'nominal', title: null, sort: moments.map(([, name]) => name), header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' } },
      x: { field: 'block', type: 'ordinal', title: 'block size, bytes', sort: 'ascending', axis: { labelAngle: 0 } },
      y: { field: 'kib', type: 'quantitative', title: 'KiB', stack: 'zero' },
      color: { field: 'state', type: 'nominal', title: null, scale: { domain: ['in use', 'free in its pools'], range: ['#4c78a8', '#e4e4e4'] }, legend: { orient: 'bottom' } },
    },
    resolve: { scale: { y: 'independent' } },
  };
  const describe = ([s, name]: [SizeClassSnapshot, string]): string =>
    `${name}: ${s.arenasInUse} arenas, ${formatCount(s.poolsInUse)} pools, ${(100 * freeShare(s)).toFixed(1)}% of their block bytes free`;
  return chart('occupancy', spec, `Blocks in use and free in the pools of each size class (the whole heap). ${moments.map(describe).join('; ')}.`);
}

function figuresTable(record: TaskRecord, m: RunMetrics): Block {
  const rows: string[][] = [];
  const add = (figure: string, value: string): void => void rows.push([figure, value]);
  const c = record.cpythonTime;
  if (c) {
    add('CPython time (modelled): total / mutator / GC', `${formatNs(c.totalNs)} / ${formatNs(c.mutatorNs)} / ${formatNs(c.gcNs)}`);
    if (m.gc.pauses.count > 0) add('CPython pauses (modelled): p50 / p99 / max', `${formatNs(c.pausesNs.p50)} / ${formatNs(c.pausesNs.p99)} / ${formatNs(c.pausesNs.max)}`);
    add('cost model', c.model);
  }
  if (record.time) add("sim time, the simulator's (median of samples)", `${formatNs(record.time.median)} ±${record.time.rme.toFixed(1)}% (${record.time.samples} samples)`);
  add("sim body time (measured run)", formatNs(m.bodyNs));
  add('requested bytes: peak / at the end', `${formatBytes(m.memory.requested.peak)} / ${formatBytes(m.memory.requested.current)}`);
  for (const [name, bytes] of Object.entries(m.memory.probes)) add(`probe ${name}`, probeText(bytes));
  add('arenas: peak / at the end', `${formatBytes(m.memory.arenas.peak)} / ${formatBytes(m.memory.arenas.current)}`);
  add('pools: peak / at the end', `${formatCount(m.memory.pools.peak)} / ${formatCount(m.memory.pools.current)}`);
  if (m.memory.pagesDirtied > 0) add('pages dirtied', formatCount(m.memory.pagesDirtied));
  add('thresholds', m.gc.thresholds.join(', ') + (m.gc.enabled ? '' : ' (gc disabled)'));
  add('collections per generation', m.gc.collections.join(' / '));
  add('collected / uncollectable', `${m.gc.collected.join(' / ')}  ·  ${m.gc.uncollectable.join(' / ')}`);
  add('objects visited', formatCount(m.gc.visited));
  const p = m.gc.pauses;
  add("pauses, the simulator's: p50 / p99 / max / total", p.count === 0 ? 'none (no collection ran)' : `${formatNs(p.p50)} / ${formatNs(p.p99)} / ${formatNs(p.max)} / ${formatNs(p.total)}`);
  add('objects allocated / freed', `${formatCount(m.objects.allocated)} / ${formatCount(m.objects.freed)}`);
  for (const [name, value] of Object.entries(m.reports)) add(`report ${name}`, Number.isNaN(value) ? '-' : formatCount(value));
  return table(['figure', 'value'], rows, ['left', 'right']);
}
