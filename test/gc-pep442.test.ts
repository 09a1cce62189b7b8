// A cycle through objects with __del__ is finalized once and collected; gc.garbage stays empty (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"collected": 2, "finalized": 2, "again": 0, "finalizedTotal": 2, "garbage": 0};

describeScenario('gc: a cycle through objects with __del__ is finalized once and collected; gc.garbage stays empty', 'pep442', () => EXPECTED);
