/**
 * The pause benchmark's program on real interpreters: `workloads/python/gc_pauses.py` (a tree of
 * side² long-lived lists bound to a global, then cyclic churn, then gc.collect()) run on every
 * CPython found (3.11–3.14), and on CPython 3.14.2 in Pyodide when it is installed, each next to
 * the simulated profile of its version. Per interpreter: the automatic collections, those that
 * collected nothing, the objects collected in all and by the largest collection, real and
 * simulated; how many collections, in order, collected exactly the same; and, from the real run alone, its final full collection against its longest automatic
 * pause (the ratio the incremental collector was meant to raise). Exit status 1 if a row is outside
 * the calibration's tolerance (see `compareGcPauses`); 2 on bad options.
 *
 *   npm run bench:gc-pauses-real [-- --side 1000 --pairs 2000000 --save-pyodide F]
 *   (Pyodide: npm i --no-save pyodide@314.0.7 first)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withPyodideStartup } from '../src/calibrate/gc-pairs.js';
import { compareGcPauses, type GcPausesComparison, type GcPausesRecord } from '../src/calibrate/gc-pauses.js';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { PYODIDE_PACKAGE, pyodideInstalled, runInPyodide } from '../src/calibrate/pyodide.js';
import { projectRoot } from '../src/sizes/real.js';

const { values } = parseArgs({
  options: {
    side: { type: 'string', default: '1000' },
    pairs: { type: 'string', default: '2000000' },
    'save-pyodide': { type: 'string' },
  },
});
const side = Number(values.side);
const pairs = Number(values.pairs);
if (!Number.isInteger(side) || side < 1) fail('--side must be a positive integer');
if (!Number.isInteger(pairs) || pairs < 0) fail('--pairs must be a non-negative integer');

function fail(message: string): never {
  console.error(`bench:gc-pauses-real: ${message}`);
  process.exit(2);
}

const script = `${projectRoot()}/workloads/python/gc_pauses.py`;
const argv = ['--side', String(side), '--pairs', String(pairs)];
const n = (x: number): string => x.toLocaleString('en');

function row(python: string, c: GcPausesComparison): string {
  const { real, simulated } = c;
  const pair = (a: number, b: number): string => `${n(a)} / ${n(b)}`;
  const cells = [
    python,
    pair(real.collections, simulated.collections),
    pair(real.collectedNothing, simulated.collectedNothing),
    pair(real.collectedTotal, simulated.collectedTotal),
    pair(real.largestCollected[0] ?? 0, simulated.largestCollected[0] ?? 0),
    `${n(c.identicalCollections)} of ${n(real.collections + 1)}`,
    `${real.longestPauseMs.toFixed(1)} ms / ${real.fullCollectionMs.toFixed(1)} ms = ${(real.fullCollectionMs / real.longestPauseMs).toFixed(2)}×`,
    c.withinTolerance ? 'yes' : 'NO',
  ];
  return `| ${cells.join(' | ')} |`;
}

console.log(`long-lived tree: ${n(side * side + side + 1)} lists; churn: ${n(pairs)} pairs; then gc.collect(). Each cell: real / simulated.`);
console.log('| python | automatic collections | collected nothing | collected | largest collection | identical collections | real: longest pause / gc.collect() = ratio | ok |');
console.log('|---|---|---|---|---|---|---|---|');
let bad = 0;
for (const interpreter of discoverInterpreters()) {
  const record = JSON.parse(execFileSync(interpreter.path, [script, ...argv], { encoding: 'utf8' })) as GcPausesRecord;
  const comparison = compareGcPauses(record);
  if (!comparison.withinTolerance) bad++;
  console.log(row(record.python, comparison));
}
if (await pyodideInstalled()) {
  const record = JSON.parse(await runInPyodide(script, argv)) as GcPausesRecord;
  const comparison = compareGcPauses(withPyodideStartup(record));
  if (!comparison.withinTolerance) bad++;
  console.log(row(`${record.python} (Pyodide)`, comparison));
  if (values['save-pyodide']) writeFileSync(values['save-pyodide'], JSON.stringify(record) + '\n');
} else {
  console.log(`(CPython 3.14 not measured: Pyodide is not installed; npm i --no-save ${PYODIDE_PACKAGE})`);
}
console.log(
  '\nThe ratio is the final full collection over the longest automatic pause, both real, in one run.' +
    ' The incremental collector of 3.14.1–3.14.4 collects the churn in increments that grow with the heap.',
);
process.exitCode = bad === 0 ? 0 : 1;
