/**
 * The tips scoreboard in a report: read back from a `gclab tips` results file (each tip's two
 * runs per profile), drawn as bars of the effect in percent, and as the terminal's table.
 */
import type { TaskRecord } from '../lab/coordinator.js';
import { resolveRunSpec } from '../lab/options.js';
import type { ResultsFile } from '../lab/store.js';
import { recordTipFigure, scoreCells, scoreTip, type Tip, type TipScore } from '../lab/tips.js';
import { builtIns } from '../lab/registry.js';
import { chart, table, text, type Block } from './document.js';
import { round } from './series.js';
import type { ChartSpec } from './render.js';

/** The record of one side of a tip: same workload, variant, profile and (resolved) parameters. */
function findRecord(records: readonly TaskRecord[], tip: Tip, variant: string, profile: string): TaskRecord | undefined {
  const params = JSON.stringify(resolveRunSpec({ workload: tip.workload, variant, profile, params: { ...tip.params } }).params);
  return records.find(
    (r) => r.spec.workload === tip.workload && r.spec.variant === variant && r.spec.profile === profile && JSON.stringify(r.spec.params) === params,
  );
}

/** The scores of a tips results file, tip by tip, in the order it ran them. */
export function tipScores(file: ResultsFile): TipScore[] {
  const options = file.provenance.options as { tips?: string[]; profiles?: string[] };
  const tips = (options.tips ?? []).map((name) => builtIns().tips.find((t) => t.name === name)).filter((t): t is Tip => t !== undefined);
  const profiles = options.profiles ?? [...new Set(file.records.map((r) => r.spec.profile))];
  const scores: TipScore[] = [];
  for (const tip of tips) {
    for (const profile of profiles) {
      const without = findRecord(file.records, tip, tip.without, profile);
      const withTip = findRecord(file.records, tip, tip.with, profile);
      if (without || withTip) scores.push(scoreTip(tip, profile, recordTipFigure(tip.metric, without), recordTipFigure(tip.metric, withTip)));
    }
  }
  return scores;
}

export function tipsBlocks(file: ResultsFile): Block[] {
  const scores = tipScores(file);
  if (scores.length === 0) return [text('No tip of this results file is known to this gclab.')];
  const tips = [...new Set(scores.map((s) => s.tip.name))];
  const profiles = [...new Set(scores.map((s) => s.profile))];
  const values = scores.filter((s) => Number.isFinite(s.effectPct)).map((s) => ({ tip: s.tip.name, profile: s.profile, effect: round(s.effectPct, 3) }));
  const spec: ChartSpec = {
    title: 'Effect of each tip (with it against without; lower is better)',
    width: 420,
    height: { step: 11 },
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'tip', type: 'nominal', title: null, sort: tips, axis: { labelLimit: 340 } },
          yOffset: { field: 'profile', type: 'nominal', sort: profiles },
          x: { field: 'effect', type: 'quantitative', title: 'change of the tip\'s figure, %' },
          color: { field: 'profile', type: 'nominal', title: 'profile', sort: profiles, legend: { orient: 'bottom' } },
        },
      },
      { mark: { type: 'rule', color: '#333' }, encoding: { x: { datum: 0 } } },
    ],
  };
  const rows = scores.map(scoreCells);
  return [
    chart('tips', spec, 'Each bar is one tip on one profile: how much its figure (bytes per item, peak, pause p99, pages dirtied, time...) changes when the advice is followed.'),
    table(['tip', 'figure', 'profile', 'without', 'with', 'effect (ratio)', 'runs'], rows, ['left', 'left', 'left', 'right', 'right', 'right', 'left']),
  ];
}
