/**
 * pyperformance's development set and the programs beyond it, run unmodified through the lab's
 * pyperf (test/fixtures/pyperformance/ and its beyond/): each benchmark's simulated figures on 3.11, 3.12 and 3.13 hold
 * against the real interpreters' (program-fidelity.ts: the same stdout, the requested-bytes peak
 * within 1 %, collections per generation within ±1). The replay checks the recorded real figures
 * (real-figures.json, written by `npm run bench:pyperformance -- --write-fixture`) on any machine;
 * the live test measures the interpreters found here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { fidelityProblems, realFigures, simulatedFigures, type ProgramFigures } from '../src/calibrate/program-fidelity.js';
import type { ProfileName } from '../src/heap/profiles.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';

const SETS = [
  { name: 'development set', dir: 'test/fixtures/pyperformance/' },
  { name: 'beyond the development set', dir: 'test/fixtures/pyperformance/beyond/' },
] as const;

interface Entry {
  readonly program: string;
  readonly variant: string;
  readonly python: string;
  readonly profile: ProfileName;
  readonly real: ProgramFigures;
}

for (const set of SETS) {
  const PROGRAMS = readdirSync(set.dir).filter((f) => /^bm_.*\.py$/.test(f)).sort();
  const FIXTURE = JSON.parse(readFileSync(`${set.dir}real-figures.json`, 'utf8')) as { entries: Entry[] };
  const workloadOf = async (program: string): Promise<string> => (await loadUserWorkload(`${set.dir}${program}`)).name;

  describe(`pyperformance ${set.name}: recorded real figures`, () => {
    it('every program has recorded figures for 3.11, 3.12 and 3.13', () => {
      expect(PROGRAMS.length).toBeGreaterThan(0);
      for (const program of PROGRAMS) {
        const profiles = new Set(FIXTURE.entries.filter((e) => e.program === program).map((e) => e.profile));
        expect([...profiles].sort(), program).toEqual(['3.11', '3.12', '3.13']);
      }
    });

    for (const e of FIXTURE.entries) {
      it(`${e.program} ${e.variant} on ${e.python}: the simulation holds`, async () => {
        const sim = simulatedFigures(await workloadOf(e.program), e.variant, e.profile);
        expect(fidelityProblems(sim, e.real)).toEqual([]);
      }, 120_000);
    }
  });

  describe(`pyperformance ${set.name}: live`, () => {
    const interpreters = discoverInterpreters().filter((i) => ['3.11', '3.12', '3.13'].includes(i.profile));
    if (interpreters.length === 0) console.log(`pyperformance ${set.name} live: no CPython 3.11-3.13 found here, skipped`);
    for (const py of interpreters) {
      it.each(PROGRAMS)(`%s on ${py.version}`, async (program) => {
        const workload = await loadUserWorkload(`${set.dir}${program}`);
        for (const variant of Object.keys(workload.variants)) {
          const sim = simulatedFigures(workload.name, variant, py.profile);
          const real = await realFigures(py.path, workload.name, variant, py.profile);
          expect(fidelityProblems(sim, real), `${program} ${variant}`).toEqual([]);
        }
      }, 300_000);
    }
  });
}

describe('a pyperf-shaped program', () => {
  const FILE = 'test/fixtures/python/pyperf_shaped.py';
  it('its benchmarks are the variants and its argparser int arguments the parameters', async () => {
    const w = await loadUserWorkload(FILE);
    expect(Object.keys(w.variants).sort()).toEqual(['tiny', 'tiny-timed']);
    expect(w.params.size.default).toBe(50);
    expect(w.twinMode).toBe('pyperf');
  });
  it('benchmarks named at run time are listed by running the program', async () => {
    const w = await loadUserWorkload('test/fixtures/python/pyperf_dynamic.py');
    expect(Object.keys(w.variants).sort()).toEqual(['dynamic_squares', 'dynamic_sum']);
    expect(w.params.size.default).toBe(3000);
  });
  const py = discoverInterpreters().find((i) => i.profile === '3.11');
  if (!py) console.log('pyperf dynamic names live: no CPython 3.11 found here, skipped');
  it.skipIf(!py)('a benchmark named at run time is measured as the real interpreter runs it', async () => {
    const w = await loadUserWorkload('test/fixtures/python/pyperf_dynamic.py');
    // dynamic_squares is exact on 3.11; dynamic_sum is 32 B under (sum over a range, not traced).
    const real = await realFigures(py!.path, w.name, 'dynamic_squares', '3.11');
    expect(fidelityProblems(simulatedFigures(w.name, 'dynamic_squares', '3.11'), real)).toEqual([]);
    expect(simulatedFigures(w.name, 'dynamic_squares', '3.11').peak).toBe(real.peak);
  }, 120_000);
  if (!py) console.log('pyperf-shaped live: no CPython 3.11 found here, skipped');
  it.skipIf(!py)('bench_func and bench_time_func (one loop) hold against CPython 3.11, with --param size', async () => {
    const w = await loadUserWorkload(FILE);
    const { resolveRunSpec } = await import('../src/lab/options.js');
    const { prepareRun, measureRun } = await import('../src/lab/measure.js');
    const { runTwin } = await import('../src/calibrate/twins.js');
    for (const variant of ['tiny', 'tiny-timed']) {
      const spec = resolveRunSpec({ workload: w.name, variant, profile: '3.11', params: { size: 300 } });
      const m = measureRun(prepareRun(spec), spec);
      const real = await runTwin(py!.path, spec, { tracemalloc: true });
      expect(real.params).toEqual({ size: 300, seed: 1 });
      expect(m.memory.requested.peak, variant).toBe(real.tracemalloc!.peak);
      expect(m.memory.requested.current, variant).toBe(real.tracemalloc!.current);
    }
  }, 120_000);
});
