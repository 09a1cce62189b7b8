// DEBUG_SAVEALL keeps garbage in gc.garbage instead of freeing it (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"collected": 2, "saved": 2, "afterClear": 2};

describeScenario('gc: DEBUG_SAVEALL keeps garbage in gc.garbage instead of freeing it', 'saveall', () => EXPECTED);
