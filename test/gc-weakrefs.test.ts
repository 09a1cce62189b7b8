// A weakref callback runs only when the weakref itself is reachable (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"collected": 3, "callbacks": 1, "keptIsDead": true};

describeScenario('gc: a weakref callback runs only when the weakref itself is reachable', 'weakrefs', () => EXPECTED);
