// Freeze hides objects from the collector; unfreeze gives them back (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"countAfterFreeze": [0, 0, 0], "frozen": true, "whileFrozen": 0, "afterUnfreeze": 2};

describeScenario('gc: freeze hides objects from the collector; unfreeze gives them back', 'freeze', () => EXPECTED);
