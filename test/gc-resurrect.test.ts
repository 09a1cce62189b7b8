// An object resurrected by its finalizer stays alive and is not finalized again (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { realInterpreters, realScenario, simScenario } from './support/gc-scenarios.js';

const PROFILES = PROFILE_NAMES;
const EXPECTED = {"collected": 0, "alive": 1, "finalized": 1, "again": 1};

describe('gc: an object resurrected by its finalizer stays alive and is not finalized again', () => {
  for (const profile of [...PROFILES]) {
    it(`simulated ${profile}`, () => {
      expect(simScenario(profile, 'resurrect')).toEqual(EXPECTED);
    });
  }
  const reals = realInterpreters();
  if (reals.length === 0) console.log('gc-resurrect: no CPython 3.11–3.13 interpreter found; the comparison with a real one is skipped');
  for (const real of reals) {
    it(`matches real CPython ${real.version} (${real.python})`, () => {
      expect(realScenario(real.python, 'resurrect')).toEqual(simScenario(real.profile, 'resurrect'));
    });
  }
});
