/**
 * Prints the whole gc_pairs calibration table (n = 10⁴, 10⁵, 10⁶; default, (100,10,10),
 * (10000,10,10) and disabled thresholds; 3.11, 3.12, 3.13): real gc.get_stats() figures from
 * test/fixtures/gc-pairs-real.json next to the simulation's. Exit status 1 if a row is outside
 * ±1 collection and ±1 % collected per generation.
 */
import { readFileSync } from 'node:fs';
import { GC_PAIRS_TABLE_HEAD, type GcPairsRecord, gcPairsTableRow, simulateGcPairs } from '../src/calibrate/gc-pairs.js';
import { projectRoot } from '../src/sizes/real.js';

const records = JSON.parse(readFileSync(`${projectRoot()}/test/fixtures/gc-pairs-real.json`, 'utf8')) as GcPairsRecord[];
for (const line of GC_PAIRS_TABLE_HEAD) console.log(line);
let bad = 0;
for (const record of records) {
  const comparison = simulateGcPairs(record);
  if (!comparison.withinTolerance) bad++;
  console.log(gcPairsTableRow(comparison));
}
console.log(`\n${records.length - bad} of ${records.length} rows within tolerance`);
process.exitCode = bad === 0 ? 0 : 1;
