/**
 * A `gclab compare` in a report: each pair's time ratio B/A with its 95 % bootstrap interval
 * (flagged pairs coloured), the deterministic figures that differ as relative changes, and the
 * comparison's tables and summary.
 */
import { figureText, formatP, type Comparison } from '../compare/diff.js';
import { formatNs } from '../core/units.js';
import { chart, table, text, type Block } from './document.js';
import { round } from './series.js';
import type { ChartSpec } from './render.js';

const VERDICT_COLOURS = { domain: ['slower', 'faster', 'unchanged'], range: ['#e45756', '#54a24b', '#4c78a8'] };

export function compareBlocks(c: Comparison): Block[] {
  const blocks: Block[] = [];
  const timed = c.pairs.filter((p) => p.timing);
  if (timed.length > 0) {
    const values = timed.map((p) => ({ pair: p.label, ratio: round(p.timing!.ratio), low: round(p.timing!.low), high: round(p.timing!.high), verdict: p.timing!.verdict }));
    const y = { field: 'pair', type: 'nominal', title: null, sort: timed.map((p) => p.label), axis: { labelLimit: 320 } };
    const x = { field: 'ratio', type: 'quantitative', title: 'time B/A (log scale; bars: 95% bootstrap interval)', scale: { type: 'log' } };
    const spec: ChartSpec = {
      title: 'Time, B against A',
      width: 420,
      height: { step: 18 },
      data: { values },
      layer: [
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' }, color: { field: 'verdict', type: 'nominal', scale: VERDICT_COLOURS, legend: null } } },
        { mark: { type: 'point', filled: true, size: 50 }, encoding: { y, x, color: { field: 'verdict', type: 'nominal', title: null, scale: VERDICT_COLOURS, legend: { orient: 'bottom' } } } },
        { mark: { type: 'rule', color: '#333', strokeDash: [3, 3] }, encoding: { x: { datum: 1 } } },
      ],
    };
    blocks.push(chart('compare-time', spec, `Ratio of medians per pair; flagged slower or faster when the Holm-adjusted Mann-Whitney p is below ${c.alpha} and the interval excludes 1.`));
  }
  const changes = c.pairs.flatMap((p) =>
    p.changes.filter((ch) => ch.relative !== null && Number.isFinite(ch.relative)).map((ch) => ({ pair: p.label, figure: ch.name, change: round(100 * ch.relative!, 4) })),
  );
  if (changes.length > 0) {
    const pairs = [...new Set(changes.map((ch) => ch.pair))];
    const spec: ChartSpec = {
      title: 'Deterministic figures that differ, B against A',
      width: 420,
      height: { step: 6 },
      data: { values: changes },
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'pair', type: 'nominal', title: null, sort: pairs, axis: { labelLimit: 320 } },
            yOffset: { field: 'figure', type: 'nominal' },
            x: { field: 'change', type: 'quantitative', title: 'change, %' },
            color: { field: 'figure', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 4 } },
          },
        },
        { mark: { type: 'rule', color: '#333' }, encoding: { x: { datum: 0 } } },
      ],
    };
    blocks.push(chart('compare-figures', spec, 'Each bar is one figure of one pair that differs (exactly compared: the simulation is deterministic).'));
  } else {
    blocks.push(text(`No deterministic figure differs between A and B (${c.pairs.length} pairs).`));
  }
  const pairRows = c.pairs.map((p) => {
    const t = p.timing;
    const timing = t
      ? [formatNs(t.medianA), formatNs(t.medianB), `${t.ratio.toFixed(3)}x`, `${t.low.toFixed(3)}–${t.high.toFixed(3)}`, formatP(t.pAdjusted), t.verdict === 'unchanged' ? '=' : t.verdict]
      : ['-', '-', '-', '-', '-', '-'];
    return [p.key, ...timing, p.changes.length === 0 ? '=' : `${p.changes.length} differ`];
  });
  blocks.push(
    table(['pair', 'median A', 'median B', 'time B/A', '95% CI', 'p (Holm)', 'time', 'figures'], pairRows, ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'left']),
  );
  const changeRows = c.pairs.flatMap((p) =>
    p.changes.map((ch) => [
      p.label,
      ch.name,
      figureText(ch.a),
      figureText(ch.b),
      ch.delta === null ? '' : `${ch.delta > 0 ? '+' : ''}${figureText(ch.delta)}`,
      ch.relative === null ? '' : `${ch.relative >= 0 ? '+' : ''}${(100 * ch.relative).toFixed(2)}%`,
    ]),
  );
  if (changeRows.length > 0) {
    blocks.push(table(['pair', 'figure', 'A', 'B', 'B - A', 'change'], changeRows, ['left', 'left', 'right', 'right', 'right', 'right'], 'Figures that differ (B - A)'));
  }
  const lines = [
    `Geometric mean B/A over ${c.pairs.length} pairs: ${c.geometricMeans.map((m) => `${m.metric} ${m.ratio.toFixed(3)}x`).join(', ') || '-'}.`,
    ...c.notes.map((n) => `Note: ${n}`),
    ...(c.onlyA.length ? [`Only in A (not compared): ${c.onlyA.join('; ')}`] : []),
    ...(c.onlyB.length ? [`Only in B (not compared): ${c.onlyB.join('; ')}`] : []),
    ...c.trips.map((t) => `FAIL --${t.gate}: ${t.pair}: ${t.detail}`),
  ];
  blocks.push(text(...lines));
  return blocks;
}
