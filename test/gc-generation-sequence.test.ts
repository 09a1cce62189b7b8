// Under default thresholds the generational collector runs 11 gen-0 collections, then one gen-1
// collection, repeating (fact sheet §4.3, measured on every version); the incremental collector
// (3.14.0–3.14.4) runs an increment (reported as generation 1) every time instead.
import { describeScenario } from './support/gc-scenarios.js';

const GENERATIONAL = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

// 3.14.0–3.14.4: every automatic collection is an increment.
describeScenario('gc: the generation sequence under default thresholds (0×11 then 1)', 'sequence', (profile) => ({
  generations: profile === '3.14.0' || profile === '3.14.1' ? new Array(24).fill(1) : GENERATIONAL,
}));
