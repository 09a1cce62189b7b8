// When a collection runs (fact sheet §4.3): 3.11 collects inside the allocation that passes
// threshold0; 3.12+ only schedules it for the next evaluation boundary (the end of a workload
// statement). Measured: 20,000 lists made inside one C call (`list(map(list, …))`) cause 28
// collections on 3.11.7 and 1 on 3.12.1/3.13.0. Inside a loop, the boundary is the back edge
// (JUMP_BACKWARD checks the eval breaker; BUILD_LIST and the specialised list.append do not).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ProfileName } from '../src/heap/profiles.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { programHeap, realInterpreters } from './support/gc-scenarios.js';

const BULK = `
import gc
gc.collect()
before = sum(s["collections"] for s in gc.get_stats())
x = list(map(list, [()] * 20000))
after = sum(s["collections"] for s in gc.get_stats())
print(after - before)
`;

/**
 * One statement that makes 20,000 lists (and the list holding them), then its boundary: the
 * collections run (the pause log: 3.14.0's first increment is its mark from the roots, which
 * `gc.get_stats()` does not count) during the statement and in all.
 */
function bulk(profile: ProfileName): number {
  const heap = programHeap(profile);
  const total = (): number => heap.gc.pauses.count;
  heap.gc.collect();
  const before = total();
  const x = heap.list.newList(0);
  for (let i = 0; i < 20000; i++) {
    const l = heap.list.newList(0);
    heap.list.append(x, l);
    heap.decref(l);
  }
  const inside = total() - before;
  heap.evalBreaker();
  const collections = total() - before;
  heap.decref(x);
  expect(heap.gc.isScheduled).toBe(false);
  return inside * 1000 + collections;
}

describe('gc: collections run inside the allocation (3.11) or at the evaluation boundary (3.12+)', () => {
  it('3.11: 28 collections during the statement', () => {
    expect(bulk('3.11')).toBe(28 * 1000 + 28);
  });
  for (const profile of ['3.12', '3.13', '3.14.5', '3.14.0'] as const) {
    it(`${profile}: none during the statement, 1 at its end`, () => {
      expect(bulk(profile)).toBe(0 * 1000 + 1);
    });
  }
  const reals = realInterpreters();
  if (reals.length === 0) console.log('gc-eval-breaker: no CPython 3.11–3.13 found; the real comparison is skipped');
  for (const real of reals) {
    it(`matches real CPython ${real.version} to ±1 collection`, () => {
      const measured = Number(execFileSync(real.python, ['-c', BULK], { encoding: 'utf8' }).trim());
      expect(Math.abs((bulk(real.profile) % 1000) - measured)).toBeLessThanOrEqual(1);
    });
  }
});

/** The churn of workloads/python/long_lived_churn.py, printing what each collection collected. */
const CHURN_PROGRAM = 'test/fixtures/python/churn_collections.py';

/** The program's output as each collection of the churn, the first (its start) left out. */
const churnCollections = (output: string): number[] => output.trim().split(/\s+/).map(Number).slice(1);

/** The same program through the front-end, on the simulated heap of `profile`. */
async function simulatedChurn(profile: ProfileName): Promise<number[]> {
  const program = await loadUserWorkload(CHURN_PROGRAM);
  const spec = resolveRunSpec({ workload: program.name, profile, heapMiB: 64 });
  return churnCollections((measureRun(prepareRun(spec), spec).output ?? []).join('\n'));
}

describe('gc: in a loop, 3.12+ collects at the back edge, once the step has rebound its locals', () => {
  const reals = realInterpreters().filter((r) => r.profile !== '3.11');
  if (reals.length === 0) console.log('gc-eval-breaker: no CPython 3.12/3.13 found; the loop comparison is skipped');
  for (const real of reals) {
    it(`the two-list-cycle churn: every collection collects what CPython ${real.version}'s does`, async () => {
      const measured = churnCollections(execFileSync(real.python, [CHURN_PROGRAM], { encoding: 'utf8' }));
      expect(measured.length).toBeGreaterThan(10);
      expect(await simulatedChurn(real.profile)).toEqual(measured);
    });
  }
});
