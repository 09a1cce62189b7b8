// The cycle collector against a reference model (bench/support/gc-fuzz.ts): fixed seeds on every
// profile, well over a million random operations in all, each run checked after every full
// collection (live set, refcounts, weakrefs, pymalloc) and torn down with no block left. One seed
// per profile materialises instances' __dict__. Any other seed or length:
// `npm run fuzz:gc -- --seed S --ops N --profile P [--instance-dicts]`.
import { describe, expect, it } from 'vitest';
import type { ProfileName } from '../src/heap/profiles.js';
import { FuzzDiscrepancy, type FuzzSummary, runFuzz } from '../bench/support/gc-fuzz.js';

const OPERATIONS = 60_000;
const SEEDS: Record<ProfileName, readonly number[]> = {
  '3.11': [1101, 1102],
  '3.12': [1201, 1202],
  '3.13': [1301, 1302],
  '3.14.0': [1401, 1402],
  '3.14.1': [1411, 1412],
  '3.14.5': [1451, 1452],
};
/** Instances' `__dict__` materialised (and written through), OPERATIONS long too. */
const INSTANCE_DICT_SEEDS: Record<ProfileName, number> = {
  '3.11': 1103,
  '3.12': 1203,
  '3.13': 1303,
  '3.14.0': 1403,
  '3.14.1': 1413,
  '3.14.5': 1453,
};
/** Finalizers that resurrect their object (kept alive by the model, never finalized again). */
const RESURRECT_OPERATIONS = 10_000;
const RESURRECT_SEED = 77;

const profiles = Object.keys(SEEDS) as ProfileName[];

it('runs at least 1,000,000 operations in all', () => {
  const total = profiles.reduce((n, p) => n + (SEEDS[p].length + 1) * OPERATIONS + RESURRECT_OPERATIONS, 0);
  expect(total).toBeGreaterThanOrEqual(1_000_000);
});

/** The run did what it is for: full collections checked, cycles collected, finalizers and weakref callbacks run. */
function expectBusy(s: FuzzSummary): void {
  expect(s.operations).toBe(OPERATIONS);
  expect(s.fullChecks).toBeGreaterThan(100);
  expect(s.collected).toBeGreaterThan(1000);
  expect(s.finalizerCalls).toBeGreaterThan(100);
  expect(s.weakrefCallbacks).toBeGreaterThan(10);
  expect(s.freezes).toBeGreaterThan(0);
}

describe.each(profiles)('profile %s', (profile) => {
  it('agrees with the reference model on fixed seeds', () => {
    for (const seed of SEEDS[profile]) expectBusy(runFuzz({ seed, operations: OPERATIONS, profile }));
  }, 60_000);

  it("agrees with the model when instances' __dict__ is materialised", () => {
    const s = runFuzz({ seed: INSTANCE_DICT_SEEDS[profile], operations: OPERATIONS, profile, instanceDicts: true });
    expectBusy(s);
    expect(s.dictsMaterialized).toBeGreaterThan(500);
  }, 60_000);

  it('agrees with the model when finalizers resurrect their objects', () => {
    const s = runFuzz({ seed: RESURRECT_SEED, operations: RESURRECT_OPERATIONS, profile, resurrect: true });
    expect(s.resurrections).toBeGreaterThan(10);
    expect(s.fullChecks).toBeGreaterThan(10);
  }, 60_000);
});

describe('the checker fails on a broken heap', () => {
  it('reports an object kept alive by an extra incref as alive but unreachable', () => {
    const run = (): unknown => runFuzz({ seed: 5, operations: 2_000, profile: '3.13', sabotage: { atOperation: 1_000, kind: 'leak' } });
    expect(run).toThrow(FuzzDiscrepancy);
    expect(run).toThrow(/seed 5, profile 3\.13, operation #1000 .*alive but unreachable after a full collection/);
  });

  it('reports a decref too many as a refcount below the model references', () => {
    const run = (): unknown => runFuzz({ seed: 6, operations: 2_000, profile: '3.14.1', sabotage: { atOperation: 500, kind: 'double-decref' } });
    expect(run).toThrow(/operation #500 .*has refcount 1, the model references it 2 time\(s\)/);
  });
});
