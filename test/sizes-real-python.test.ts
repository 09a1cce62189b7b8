// The size catalogue against every real interpreter on this machine: sys.getsizeof and the
// tracemalloc bytes of a fresh object must equal the matching profile's figures exactly.
import { describe, expect, it } from 'vitest';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { measureCatalogue } from '../src/sizes/catalogue.js';
import { measureCatalogueOn } from '../src/sizes/real.js';

const interpreters = discoverInterpreters();
const wanted = ['3.11', '3.12', '3.13'];

describe('size catalogue vs real CPython', () => {
  for (const minor of wanted) {
    if (!interpreters.some((i) => i.version.startsWith(`${minor}.`))) {
      it.skip(`CPython ${minor} (absent on this machine: not found on PATH or in pyenv)`, () => {});
      console.warn(`[sizes-real-python] skipping CPython ${minor}: no interpreter found on PATH or in pyenv`);
    }
  }
  for (const interp of interpreters) {
    it(`matches CPython ${interp.version} (${interp.path}) row by row`, () => {
      const real = measureCatalogueOn(interp.path);
      const sim = measureCatalogue(interp.profile);
      expect(real.rows.map((r) => r.expr)).toEqual(sim.map((r) => r.expr));
      const pairs = sim.map((s, i) => ({ expr: s.expr, sim: [s.getsizeof, s.requested], real: [real.rows[i].getsizeof, real.rows[i].requested] }));
      for (const p of pairs) expect(p.sim, p.expr).toEqual(p.real);
    }, 120_000);
  }
});
