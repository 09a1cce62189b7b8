/**
 * Prints the whole gc_pairs calibration table (n = 10⁴, 10⁵, 10⁶; default, (100,10,10),
 * (10000,10,10) and disabled thresholds; 3.11, 3.12, 3.13): real gc.get_stats() figures from
 * test/fixtures/gc-pairs-real.json next to the simulation's. Exit status 1 if a row is outside
 * ±1 collection and ±1 % collected per generation.
 */
import { readFileSync } from 'node:fs';
import { type GcPairsRecord, simulateGcPairs } from '../src/calibrate/gc-pairs.js';
import { projectRoot } from '../src/sizes/real.js';

const records = JSON.parse(readFileSync(`${projectRoot()}/test/fixtures/gc-pairs-real.json`, 'utf8')) as GcPairsRecord[];
const cell = (s: readonly { collections: number; collected: number }[]): string => s.map((g) => `${g.collections}/${g.collected}`).join('  ');
console.log('| python | n | setting | real collections/collected g0 g1 g2 | simulated | ok |');
console.log('|---|---|---|---|---|---|');
let bad = 0;
for (const record of records) {
  const { simulated, withinTolerance } = simulateGcPairs(record);
  if (!withinTolerance) bad++;
  const setting = record.disabled ? 'disabled' : record.threshold.join(',');
  console.log(`| ${record.python} | ${record.n} | ${setting} | ${cell(record.stats)} | ${cell(simulated)} | ${withinTolerance ? 'yes' : 'NO'} |`);
}
console.log(`\n${records.length - bad} of ${records.length} rows within tolerance`);
process.exitCode = bad === 0 ? 0 : 1;
