// An object resurrected by its finalizer stays alive and is not finalized again (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"collected": 0, "alive": 1, "finalized": 1, "again": 1};

describeScenario('gc: an object resurrected by its finalizer stays alive and is not finalized again', 'resurrect', () => EXPECTED);
