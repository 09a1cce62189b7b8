// Cycles through instances, a list and a dict are collected (fact sheet §4.4, §4.5). The expected outcome is what
// workloads/python/gc_conformance.py prints on CPython 3.11.7, 3.12.1 and 3.13.0.
import { describeScenario } from './support/gc-scenarios.js';

const EXPECTED = {"collected": 4, "again": 0};

describeScenario('gc: cycles through instances, a list and a dict are collected', 'cycles', () => EXPECTED);
