/**
 * A `gclab tune` results file in a report: every point as time against pause p99 (objects
 * visited), the Pareto front highlighted, the default and the recommended setting marked; the
 * table of points and the recommendation, read back from the records as `gclab tune` made them.
 */
import { PROFILES, type ProfileName } from '../heap/profiles.js';
import type { RunSpec } from '../lab/options.js';
import type { ResultsFile } from '../lab/store.js';
import { OBJECTIVES, type Objective } from '../tune/front.js';
import { analyseTune, pythonLines, reproduceCommand, type TuneAnalysis, type TunePoint } from '../tune/analysis.js';
import type { Setting } from '../tune/space.js';
import { formatBytes, formatCompact, formatNs, formatRatio } from '../core/units.js';
import { chart, code, table, text, type Block } from './document.js';
import { round } from './series.js';
import type { ChartSpec } from './render.js';

/** A tune results file's analysis (the rules of `gclab tune`), with its workload's name. */
export interface TuneFileAnalysis extends TuneAnalysis {
  readonly workload: string;
}

export function analyseTuneFile(file: ResultsFile): TuneFileAnalysis {
  const options = file.provenance.options as { spec?: RunSpec; objective?: string };
  const first = file.records[0]?.spec;
  const profile = (options.spec?.profile ?? first?.profile ?? '3.13') as ProfileName;
  const objective = (OBJECTIVES as readonly string[]).includes(options.objective ?? '') ? (options.objective as Objective) : 'throughput';
  const analysis = analyseTune(file.records, objective, PROFILES[profile].thresholds);
  return { ...analysis, workload: options.spec?.workload ?? first?.workload ?? '?' };
}

const settingText = (s: Setting): string => `${s.threshold.join(',')}${s.freezeAt === null ? '' : ` freeze@${s.freezeAt}`}`;

function role(p: TunePoint, a: TuneFileAnalysis): string {
  if (p === a.recommended) return 'recommended';
  if (p.isDefault) return 'default';
  return 'other';
}

export function tuneBlocks(file: ResultsFile): Block[] {
  const a = analyseTuneFile(file);
  const measured = a.points.filter((p) => p.figures !== undefined);
  if (measured.length === 0) return [text('No point of this sweep was measured.')];
  const values = measured.map((p) => ({
    ms: round(p.figures!.time / 1e6),
    low: round(p.figures!.timeLow / 1e6),
    high: round(p.figures!.timeHigh / 1e6),
    p99: p.figures!.pauseP99,
    front: p.front ? 'on the front' : 'dominated',
    role: role(p, a),
    label: p.front || p.isDefault || p === a.recommended ? settingText(p.setting) : '',
  }));
  const x = { field: 'ms', type: 'quantitative', title: 'median time, ms (bars: 95% interval)', scale: { zero: false } };
  const y = { field: 'p99', type: 'quantitative', title: 'pause p99, objects visited' };
  const color = { field: 'front', type: 'nominal', title: null, scale: { domain: ['on the front', 'dominated'], range: ['#e45756', '#9a9a9a'] }, legend: { orient: 'bottom' } };
  const spec: ChartSpec = {
    title: `Sweep of ${a.workload}: time against pause p99 (${measured.length} points)`,
    width: 520,
    height: 300,
    data: { values },
    layer: [
      { mark: { type: 'rule', opacity: 0.5 }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, y, color } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color,
          shape: { field: 'role', type: 'nominal', title: null, scale: { domain: ['recommended', 'default', 'other'], range: ['diamond', 'square', 'circle'] }, legend: { orient: 'bottom' } },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 9 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  };
  const header = ['', 'threshold', 'freeze', 'time', '95% interval', 'p99 obj', 'max obj', 'max pause', 'peak', 'collections'];
  const rows = [...a.points]
    .sort((p, q) => p.setting.threshold[0] - q.setting.threshold[0] || p.setting.threshold[1] - q.setting.threshold[1] || p.setting.threshold[2] - q.setting.threshold[2])
    .map((p) => {
      const mark = (p.front ? '*' : '') + (p.isDefault ? 'd' : '') + (p === a.recommended ? ' →' : '');
      const f = p.figures;
      const head = [mark, p.setting.threshold.join(','), p.setting.freezeAt ?? 'none'];
      if (!f) return [...head, p.record.status, '', '', '', '', '', ''];
      return [
        ...head,
        formatNs(f.time),
        `${formatNs(f.timeLow)}–${formatNs(f.timeHigh)}`,
        formatCompact(f.pauseP99),
        formatCompact(f.pauseMax),
        formatNs(f.pauseMaxNs),
        formatBytes(f.peak),
        f.collections.join('/'),
      ];
    });
  const frontRows = rows.filter((r) => r[0].includes('*'));
  return [
    chart('tune', spec, 'Each point is one setting. The Pareto front is over time, pause p99 and peak together, so a point can be on it here for its peak alone.'),
    ...recommendationBlocks(a),
    table(header, frontRows, ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'], `The Pareto front (${frontRows.length} of ${measured.length} points)`),
    table(header, rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'], '* on the front, d the default, → recommended'),
  ];
}

function recommendationBlocks(a: TuneFileAnalysis): Block[] {
  const best = a.recommended;
  if (!best?.figures) return [text('No recommendation: no point was measured.')];
  const f = best.figures;
  const d = a.defaultPoint?.figures;
  const vs = (x: number, y: number | undefined, fmt: (v: number) => string): string =>
    y === undefined ? fmt(x) : `${fmt(x)} vs ${fmt(y)} (${formatRatio(y > 0 ? x / y : Number.NaN)})`;
  const lines = [
    `Recommended for ${a.objective}: threshold ${best.setting.threshold.join(', ')}, ${best.setting.freezeAt === null ? 'no freeze' : `gc.freeze() at '${best.setting.freezeAt}'`}${best.isDefault ? ' (the default: nothing measured does better)' : ''}.`,
    `Against the default: time ${vs(f.time, d?.time, formatNs)}; pause p99 ${vs(f.pauseP99, d?.pauseP99, formatCompact)} objects; pause max ${vs(f.pauseMax, d?.pauseMax, formatCompact)} objects; peak ${vs(f.peak, d?.peak, formatBytes)}.`,
  ];
  const python = pythonLines(best.setting, a.defaults, a.workload);
  return [text(...lines), code(...python, ...(python.length > 0 ? [''] : []), `# reproduce it:`, reproduceCommand(best.record.spec).join(' '))];
}
