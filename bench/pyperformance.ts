/**
 * pyperformance's development set (test/fixtures/pyperformance/bm_*.py, unmodified, through the
 * lab's pyperf): for each benchmark, the simulated figures on each profile next to the real
 * interpreters' (requested-bytes peak and current with tracemalloc, collections per generation,
 * stdout), and the simulated body's time next to CPython 3.11's (the same call without
 * tracemalloc), in one run. Target (the real-programs issue): simulated time ≤ 1.5× CPython's in
 * geometric mean, none above 3×. Read the ratios: the machine is shared. Beside it, CPython 3.11's
 * time with tracemalloc tracing (the books the simulation keeps too: every block's trace and the
 * traced peak), and the simulation's ratio to that.
 *
 * Time is best-of-rounds on both sides. The simulated side first runs --warmup untimed runs in
 * this process, as the lab's own timing (tinybench with warm-up iterations) does: V8 compiles
 * the program's code on its first runs, and a single-call benchmark of a few milliseconds (deltablue)
 * would otherwise time the JIT. The first, cold run is printed beside it. CPython's side is one
 * fresh interpreter per round.
 *
 *   npm run bench:pyperformance [-- --rounds 3 --warmup 2 --only bm_nqueens --write-fixture --set beyond]
 *
 * --set beyond runs the programs beyond the development set (test/fixtures/pyperformance/beyond/),
 * whose time is reported but not held to the target. --write-fixture records the real figures as
 * the set's real-figures.json (the tests replay it). A report: it exits 0 whatever the figures.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { fidelityProblems, realFigures, simulatedFigures, type ProgramFigures } from '../src/calibrate/program-fidelity.js';
import { developmentSetDir, runTwin } from '../src/calibrate/twins.js';
import { prepareRun, measureRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { formatNs } from '../src/core/units.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';

installBuiltIns(BUILT_INS);

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string', multiple: true },
    'write-fixture': { type: 'boolean', default: false },
    set: { type: 'string', default: 'development' },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');
const warmup = Number(values.warmup);
if (!Number.isInteger(warmup) || warmup < 0) fail('--warmup must be a non-negative integer');

function fail(message: string): never {
  console.error(`bench:pyperformance: ${message}`);
  process.exit(2);
}
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

if (values.set !== 'development' && values.set !== 'beyond') fail(`--set must be development or beyond, not '${values.set}'`);
const beyond = values.set === 'beyond';
const fixtureDir = beyond ? join(developmentSetDir(), 'beyond') : developmentSetDir();
const files = readdirSync(fixtureDir)
  .filter((f) => /^bm_.*\.py$/.test(f))
  .filter((f) => !values.only?.length || values.only.includes(f.replace(/\.py$/, '')))
  .sort();
if (files.length === 0) fail(`no benchmark selected in ${fixtureDir}`);

// One interpreter per version found, 3.11-3.13 (what the fixture records and the test replays).
const interpreters = discoverInterpreters().filter((i) => ['3.11', '3.12', '3.13'].includes(i.profile));
const cpython311 = interpreters.find((i) => i.profile === '3.11');

interface FixtureEntry {
  readonly program: string;
  readonly variant: string;
  readonly python: string;
  readonly profile: string;
  readonly real: ProgramFigures;
}
const fixture: FixtureEntry[] = [];
const timeRows: string[] = [];
const ratios: number[] = [];
/** The simulation's time over CPython 3.11's with tracemalloc tracing, per program. */
const tracedRatios: number[] = [];

for (const file of files) {
  const workload = await loadUserWorkload(join(fixtureDir, file));
  for (const variant of Object.keys(workload.variants)) {
    const label = `${basename(file, '.py')}/${variant}`;
    for (const py of interpreters) {
      progress(`  ${label} @${py.version}`);
      const sim = simulatedFigures(workload.name, variant, py.profile);
      const real = await realFigures(py.path, workload.name, variant, py.profile);
      fixture.push({ program: file, variant, python: py.version, profile: py.profile, real });
      const problems = fidelityProblems(sim, real);
      const peakPct = ((100 * (sim.peak - real.peak)) / real.peak).toFixed(2);
      console.log(`${label.padEnd(28)} ${py.version.padEnd(7)} peak ${String(sim.peak).padStart(9)} vs ${String(real.peak).padStart(9)} (${peakPct.padStart(6)} %)  collections ${sim.collections.join('/')} vs ${real.collections.join('/')}  ${problems.length === 0 ? 'ok' : `OFF: ${problems.join('; ')}`}`);
    }
    // Time: the simulated body (best of the rounds after the warm-up, profile 3.11) and CPython 3.11 without tracemalloc.
    const spec = resolveRunSpec({ workload: workload.name, variant, profile: '3.11' });
    const simRun = (): number => measureRun(prepareRun(spec), spec).bodyNs;
    const coldNs = simRun();
    for (let r = 1; r < warmup; r++) simRun();
    let simNs = warmup === 0 ? coldNs : Infinity;
    let realNs = Infinity;
    let tracedNs = Infinity;
    for (let r = 0; r < rounds; r++) {
      simNs = Math.min(simNs, simRun());
      if (cpython311) realNs = Math.min(realNs, (await runTwin(cpython311.path, spec, { tracemalloc: false })).wall_ns);
      if (cpython311) tracedNs = Math.min(tracedNs, (await runTwin(cpython311.path, spec, { tracemalloc: true })).wall_ns);
    }
    const ratio = simNs / realNs;
    const tracedRatio = simNs / tracedNs;
    if (Number.isFinite(ratio)) ratios.push(ratio);
    if (Number.isFinite(tracedRatio)) tracedRatios.push(tracedRatio);
    const real = Number.isFinite(realNs) ? `${formatNs(realNs).padStart(9)}  sim/CPython ${ratio.toFixed(2)}  with tracemalloc ${formatNs(tracedNs).padStart(9)}  sim/that ${tracedRatio.toFixed(2)}` : 'absent';
    timeRows.push(`${label.padEnd(28)} sim ${formatNs(simNs).padStart(9)} (cold ${formatNs(coldNs).padStart(9)})  CPython ${cpython311 ? cpython311.version : '-'} ${real}`);
  }
}

console.log(`\ntime (profile 3.11, body only, best of ${rounds} rounds; the simulation after ${warmup} warm-up runs, its first run as "cold"):`);
for (const row of timeRows) console.log(row);
if (ratios.length > 0) {
  const geomean = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
  const target = beyond ? "(the development set's targets: ≤ 1.5x, none above 3x)" : '(target ≤ 1.5x)';
  console.log(`geometric mean sim/CPython ${geomean.toFixed(2)}x ${target}, worst ${Math.max(...ratios).toFixed(2)}x${beyond ? '' : ' (target ≤ 3x)'}`);
  const tracedGeomean = Math.exp(tracedRatios.reduce((a, r) => a + Math.log(r), 0) / tracedRatios.length);
  console.log(`geometric mean sim/(CPython with tracemalloc) ${tracedGeomean.toFixed(2)}x, range ${Math.min(...tracedRatios).toFixed(2)}-${Math.max(...tracedRatios).toFixed(2)}x`);
}
if (values['write-fixture']) {
  const out = join(fixtureDir, 'real-figures.json');
  const command = `npm run bench:pyperformance -- --write-fixture${beyond ? ' --set beyond' : ''}`;
  writeFileSync(out, `${JSON.stringify({ note: `Written by ${command}; replayed by test/python-pyperformance.test.ts`, entries: fixture }, null, 1)}\n`);
  console.log(`wrote ${out} (${fixture.length} entries)`);
}
