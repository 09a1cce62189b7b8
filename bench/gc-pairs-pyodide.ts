/**
 * The gc_pairs calibration on CPython 3.14 without building it: `workloads/python/gc_pairs.py` run
 * by Pyodide (`pyodide@314.0.7` is CPython 3.14.2 compiled to WebAssembly, with the incremental
 * collector of 3.14.1–3.14.4) next to the simulated 3.14.1 profile, for n = 10⁴ and 10⁵ pairs and
 * four threshold settings. Pyodide is a 32-bit build without pymalloc, so only collections and
 * collected objects are compared, never bytes; its start-up population (about 20 000 tracked
 * objects, about 5 % of them out of the roots' reach) is given to the simulation as measured.
 * `--save PATH` writes the measured records (test/fixtures/gc-pairs-pyodide.json is such a file,
 * which test/gc-pairs-pyodide.test.ts replays). Exit status 1 if a row is outside ±1 collection
 * and ±1 % collected per generation; 2 if Pyodide is not installed (it is not a dependency: 14 MB).
 *
 *   npm i --no-save pyodide@314.0.7 && npm run bench:gc-pairs-pyodide [-- --n 10000,100000 --save F]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GC_PAIRS_TABLE_HEAD, type GcPairsRecord, gcPairsTableRow, simulateGcPairs, withPyodideStartup } from '../src/calibrate/gc-pairs.js';
import { PYODIDE_PACKAGE, pyodideInstalled, runInPyodide } from '../src/calibrate/pyodide.js';
import { projectRoot } from '../src/sizes/real.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000,100000' }, save: { type: 'string' } } });
const sizes = values.n!.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 0)) fail('--n takes non-negative integers, comma-separated');

function fail(message: string, status = 2): never {
  console.error(`bench:gc-pairs-pyodide: ${message}`);
  process.exit(status);
}

const script = `${projectRoot()}/workloads/python/gc_pairs.py`;
/** gc_pairs.py's options for the four settings: the defaults, two thresholds, disabled. */
const settings: string[][] = [[], ['--threshold', '100,10,10'], ['--threshold', '10000,10,10'], ['--disabled']];

if (!(await pyodideInstalled())) fail(`Pyodide is not installed; install it without saving it: npm i --no-save ${PYODIDE_PACKAGE}`);
for (const line of GC_PAIRS_TABLE_HEAD) console.log(line);
let rows = 0;
let bad = 0;
const measuredRecords: GcPairsRecord[] = [];
for (const n of sizes) {
  for (const setting of settings) {
    const measured = JSON.parse(await runInPyodide(script, ['--n', String(n), ...setting])) as GcPairsRecord;
    measuredRecords.push(measured);
    const comparison = simulateGcPairs(withPyodideStartup(measured));
    rows++;
    if (!comparison.withinTolerance) bad++;
    console.log(gcPairsTableRow(comparison, `${measured.python} (Pyodide)`));
  }
}
console.log(`\n${rows - bad} of ${rows} rows within tolerance`);
if (values.save) writeFileSync(values.save, JSON.stringify(measuredRecords, null, 1) + '\n');
process.exitCode = bad === 0 ? 0 : 1;
