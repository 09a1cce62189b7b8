/**
 * `--freeze-at P`: `gc.freeze()` right after the body's probe P, in the simulation and in the
 * Python twin alike. long-lived-churn's `freeze` variant is `retain` with a freeze after the
 * tree, so `retain --freeze-at tree` must give exactly its figures, here and on a real interpreter.
 */
import { describe, expect, it } from 'vitest';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { runTwin } from '../src/calibrate/twins.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';

const params = { n: 5000, m: 20_000 };

function metrics(variant: string, freezeAt?: string) {
  const spec = resolveRunSpec({ workload: 'long-lived-churn', variant, profile: '3.12', params, threshold: [100, 10, 10], freezeAt });
  return measureRun(prepareRun(spec), spec);
}

describe('--freeze-at', () => {
  it('gives the freeze variant exactly when it freezes where that variant does', () => {
    const freeze = metrics('freeze');
    const retainFrozen = metrics('retain', 'tree');
    const retain = metrics('retain');
    const counts = (m: ReturnType<typeof metrics>) => ({ gc: [m.gc.collections, m.gc.collected, m.gc.visited], memory: m.memory.requested, churnFull: m.reports.churn_full });
    expect(counts(retainFrozen)).toEqual(counts(freeze));
    // and the freeze does change the run: full collections stop walking the tree
    expect(retainFrozen.gc.visited).toBeLessThan(retain.gc.visited);
  });

  it("refuses a point that is not one of the workload's probes", () => {
    expect(() => resolveRunSpec({ workload: 'long-lived-churn', freezeAt: 'forest' })).toThrow(/unknown freeze point \(probe\) of long-lived-churn 'forest'/);
    expect(() => resolveRunSpec({ workload: 'cyclic-graphs', freezeAt: 'tree' })).toThrow(/has no probe points/);
    expect(resolveRunSpec({ workload: 'long-lived-churn', freezeAt: 'none' }).freezeAt).toBeNull();
  });

  const python = discoverInterpreters()[0];
  if (!python) console.log('lab-freeze-at: no CPython 3.11-3.13 found (python3, pythonX.Y, pyenv); skipping the twin check');
  it.skipIf(!python)("the twin's --freeze-at matches its freeze variant on a real interpreter", async () => {
    const twin = async (variant: string, freezeAt: string | null) => {
      const spec = { ...resolveRunSpec({ workload: 'long-lived-churn', variant, profile: python.profile, params, threshold: [100, 10, 10] }), freezeAt };
      const r = await runTwin(python.path, spec, { tracemalloc: false });
      // (churn_pause_max_ns is wall time: not compared)
      return { collections: r.gc.collections, collected: r.gc.collected, churnFull: r.reports.churn_full };
    };
    expect(await twin('retain', 'tree')).toEqual(await twin('freeze', null));
    // and freezing changes the real run (here: fewer full collections during the churn)
    expect(await twin('retain', null)).not.toEqual(await twin('freeze', null));
  }, 120_000);
});
