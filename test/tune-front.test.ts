/**
 * `gclab tune`'s conclusions: the Pareto front over (time, pause p99, peak), the point each
 * objective recommends, and the distribution-free interval of a median.
 */
import { describe, expect, it } from 'vitest';
import { paretoFront, recommend, type PointFigures } from '../src/tune/front.js';
import { medianInterval } from '../src/core/median-interval.js';

function point(time: number, pauseP99: number, peak: number, extra: Partial<PointFigures> = {}): PointFigures {
  return { time, modelled: true, timeLow: time, timeHigh: time, pauseP99, pauseMax: pauseP99, pauseP99Ns: 0, pauseMaxNs: 0, peak, gcShare: 0, collections: [0, 0, 0], visited: 0, ...extra };
}

describe('Pareto front', () => {
  it('keeps exactly the points nothing else beats on all three figures', () => {
    const points = [
      point(10, 5, 100), // 0: fastest
      point(12, 1, 100), // 1: smallest pause
      point(20, 6, 50), // 2: smallest peak
      point(13, 5, 100), // 3: dominated by 0
      point(12, 1, 120), // 4: dominated by 1 (equal time and pause, bigger peak)
      point(25, 7, 60), // 5: dominated by 2
    ];
    expect(paretoFront(points)).toEqual([0, 1, 2]);
  });

  it('keeps duplicates of a front point (neither dominates the other)', () => {
    expect(paretoFront([point(1, 1, 1), point(1, 1, 1), point(2, 2, 2)])).toEqual([0, 1]);
  });
});

describe('recommendation', () => {
  const points = [point(10, 5, 100, { gcShare: 0.3, pauseMax: 9 }), point(12, 1, 100, { gcShare: 0.1, pauseMax: 2 }), point(20, 6, 50, { gcShare: 0.2, pauseMax: 30 })];

  it('picks the best point for each objective', () => {
    expect(recommend('throughput', points)).toBe(0);
    expect(recommend('pause-p99', points)).toBe(1);
    expect(recommend('pause-max', points)).toBe(1);
    expect(recommend('peak', points)).toBe(2);
    expect(recommend('gc-share', points)).toBe(1);
  });

  it('breaks a tie on the objective by time, so the choice is on the front', () => {
    const tied = [point(30, 5, 50), point(20, 5, 50)];
    expect(recommend('peak', tied)).toBe(1);
    expect(paretoFront(tied)).toContain(recommend('peak', tied));
  });
});

describe('median interval', () => {
  it('is [min, max] for five samples or fewer', () => {
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual([1, 5]);
    expect(medianInterval([7])).toEqual([7, 7]);
  });

  it('uses the order statistics with at least 95 % binomial coverage', () => {
    // n = 20: P(Bin(20, 1/2) <= 5) = 0.0207, so [x(6), x(15)] covers 95.9 %; x(7)..x(14) would cover 88.5 %
    const samples = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1
    expect(medianInterval(samples)).toEqual([6, 15]);
    // n = 9: P(Bin(9, 1/2) <= 1) = 0.0195, so [x(2), x(8)]
    expect(medianInterval([9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual([2, 8]);
  });
});
