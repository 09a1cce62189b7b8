/**
 * A sweep's recommendation does not depend on the order its tasks finished in (which worker won a
 * race, a queue's): points that tie on every figure go to the first one planned. Here every point
 * of the sweep collects nothing (threshold0 above the run's allocations), so all of them tie.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listResults, readResults } from '../src/lab/store.js';
import { analyseTune } from '../src/tune/analysis.js';

describe('tune: the order tasks finish in', () => {
  it('does not change the recommendation among tied points', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-tune-order-'));
    const r = spawnSync(
      process.execPath,
      ['bin/gclab.js', 'tune', 'long-lived-churn', '--threshold0', '100000,200000', '--threshold1', '5,20', '--objective', 'gc-share', '--param', 'n=3000', '--param', 'm=6000', '--no-timing', '--results-dir', dir],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const { records } = readResults(listResults(dir)[0].path);
    const gen0 = records.filter((rec) => rec.spec.threshold !== null).map((rec) => rec.metrics!.gc.collections[0]);
    expect(new Set(gen0)).toEqual(new Set([0])); // every swept point ties
    // and beats the default, which collects: the recommendation is one of the tied points
    expect(records.find((rec) => rec.spec.threshold === null)!.metrics!.gc.collections[0]).toBeGreaterThan(0);
    const defaults = [2000, 10, 10] as const;
    const inOrder = analyseTune(records, 'gc-share', defaults).recommended!.setting;
    for (const shuffled of [[...records].reverse(), [records[2], records[0], records[4], records[1], records[3]]]) {
      expect(analyseTune(shuffled, 'gc-share', defaults).recommended!.setting).toEqual(inOrder);
    }
  });
});
