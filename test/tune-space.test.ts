/**
 * `gclab tune`'s space: threshold ranges (lists, even and log steps), freeze points, the grid and
 * its coarse subgrids, and the setting a point applies.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.js';
import { parseFreezeList, parseThresholdRange, TuneSpace } from '../src/tune/space.js';

describe('threshold ranges', () => {
  it('reads a single value and a list, sorted without repeats', () => {
    expect(parseThresholdRange('700', '--threshold0')).toEqual([700]);
    expect(parseThresholdRange('2000,700,2000,50_000', '--threshold0')).toEqual([700, 2000, 50_000]);
  });

  it('spaces A..B:N evenly and A..B:N:log geometrically, ends included', () => {
    expect(parseThresholdRange('0..100:5', '--threshold1')).toEqual([0, 25, 50, 75, 100]);
    expect(parseThresholdRange('100..100000:4:log', '--threshold0')).toEqual([100, 1000, 10_000, 100_000]);
    // A..B alone is 8 log-spaced values
    const values = parseThresholdRange('100..100000', '--threshold0');
    expect(values).toHaveLength(8);
    expect(values[0]).toBe(100);
    expect(values[7]).toBe(100_000);
    for (let i = 1; i < 8; i++) expect(values[i] / values[i - 1]).toBeCloseTo(10 ** (3 / 7), 1);
  });

  it('drops repeats that rounding makes', () => {
    expect(parseThresholdRange('1..3:9', '--threshold1')).toEqual([1, 2, 3]);
  });

  it('refuses empty and malformed ranges with a message naming the option', () => {
    const bad = (text: string) => () => parseThresholdRange(text, '--threshold0');
    expect(bad('1000..100')).toThrow(new UsageError("--threshold0: empty range '1000..100' (the end is below the start)"));
    expect(bad('100..1000:0')).toThrow(/--threshold0: empty range/);
    expect(bad('0..1000:4:log')).toThrow(/log range must start above 0/);
    expect(bad('ten')).toThrow(/--threshold0 takes V, V1,V2/);
    expect(bad('-5')).toThrow(UsageError);
    expect(bad('1..5000000000')).toThrow(/out of range/);
  });
});

describe('freeze points', () => {
  it("takes 'none' and the workload's probes", () => {
    expect(parseFreezeList('tree,none', ['tree'], 'long-lived-churn')).toEqual([null, 'tree']);
    expect(() => parseFreezeList('forest', ['tree'], 'long-lived-churn')).toThrow(/'forest' is not a probe of long-lived-churn/);
    expect(() => parseFreezeList('tree', [], 'gc-pairs')).toThrow(/has no probe points/);
  });
});

describe('TuneSpace', () => {
  const space = new TuneSpace(
    [
      { kind: 'threshold', index: 0, name: 'threshold0', values: [100, 1000, 10_000] },
      { kind: 'threshold', index: 1, name: 'threshold1', values: [5, 10] },
      { kind: 'freeze', name: 'freeze-at', values: [null, 'tree'] },
    ],
    { threshold: [2000, 10, 10], freezeAt: null },
  );

  it('enumerates the whole grid, first axis slowest', () => {
    const grid = space.grid();
    expect(space.size).toBe(12);
    expect(grid).toHaveLength(12);
    expect(grid[0]).toEqual([0, 0, 0]);
    expect(grid[1]).toEqual([0, 0, 1]);
    expect(grid[11]).toEqual([2, 1, 1]);
    expect(new Set(grid.map((p) => space.key(p))).size).toBe(12);
  });

  it('maps a point to thresholds and a freeze point, unswept values from the base', () => {
    expect(space.setting([1, 0, 1])).toEqual({ threshold: [1000, 5, 10], freezeAt: 'tree' });
    expect(space.setting([2, 1, 0])).toEqual({ threshold: [10_000, 10, 10], freezeAt: null });
  });

  it('finds the point of a setting on the lattice, and none off it', () => {
    expect(space.pointOf({ threshold: [1000, 10, 10], freezeAt: 'tree' })).toEqual([1, 1, 1]);
    expect(space.pointOf({ threshold: [2000, 10, 10], freezeAt: null })).toBeUndefined();
    expect(space.pointOf({ threshold: [1000, 10, 20], freezeAt: null })).toBeUndefined(); // threshold2 is not swept
  });

  it('keeps both ends of every axis in a coarse subgrid', () => {
    const coarse = space.subgrid([2, 1, 1]);
    expect(coarse.map((p) => p[0])).toEqual([0, 0, 0, 0, 2, 2, 2, 2]);
  });
});
