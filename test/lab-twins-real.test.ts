/**
 * The mission workloads against their Python twins on the real interpreters here (n = 20 000):
 * collections per generation within ±1, collected and requested-bytes peak within 1 %, the held
 * probe within 1 %. Skips, saying why, when no CPython 3.11–3.13 is installed.
 */
import { describe, expect, it } from 'vitest';
import { runTwin } from '../src/calibrate/twins.js';
import { measureRun, prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { WORKLOADS } from '../workloads/index.js';
import { realInterpreters } from './support/gc-scenarios.js';

const interpreters = realInterpreters();
if (interpreters.length === 0) console.log('lab-twins-real: no CPython 3.11-3.13 found (python3, pythonX.Y, pyenv); skipping');

const within = (sim: number, real: number, pct: number): boolean => Math.abs(sim - real) <= (Math.abs(real) * pct) / 100;
const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);

describe.skipIf(interpreters.length === 0)('mission workloads vs their twins', () => {
  for (const interp of interpreters) {
    for (const w of WORKLOADS) {
      for (const variant of Object.keys(w.variants)) {
        it(`${interp.version} ${w.name}/${variant}`, async () => {
          const spec = resolveRunSpec({ workload: w.name, variant, profile: interp.profile, params: { n: 20_000 } });
          const sim = measureRun(prepareRun(spec), spec);
          const real = await runTwin(interp.python, spec, { tracemalloc: true });
          sim.gc.collections.forEach((c, g) => expect(Math.abs(c - real.gc.collections[g]), `collections[${g}]`).toBeLessThanOrEqual(1));
          expect(within(sum(sim.gc.collected), sum(real.gc.collected), 1), `collected ${sim.gc.collected} vs ${real.gc.collected}`).toBe(true);
          expect(sim.gc.uncollectable).toEqual(real.gc.uncollectable);
          const tm = real.tracemalloc!;
          expect(within(sim.memory.requested.peak, tm.peak, 1), `peak ${sim.memory.requested.peak} vs ${tm.peak}`).toBe(true);
          for (const [name, bytes] of Object.entries(tm.probes)) {
            expect(within(sim.memory.probes[name], bytes, 1), `probe ${name}: ${sim.memory.probes[name]} vs ${bytes}`).toBe(true);
          }
        }, 60_000);
      }
    }
  }
});
