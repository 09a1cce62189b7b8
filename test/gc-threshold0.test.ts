// Threshold0 = 0 disables automatic collection (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"collections": 0};

describeScenario('gc: threshold0 = 0 disables automatic collection', 'threshold0', () => EXPECTED);
