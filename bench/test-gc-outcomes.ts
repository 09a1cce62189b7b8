/**
 * test_gc.py's scenarios (test/fixtures/python/test_gc/*.py, twin-shaped programs written after
 * tests of CPython's Lib/test/test_gc.py): each one's outcome — what it reports with
 * `twin.report` (collected counts, finalizer calls, len(gc.garbage), weakref callbacks,
 * get_count() tuples) and the collections, collected and uncollectable per generation — on every
 * simulated profile, next to the real interpreters found here (CPython 3.11-3.13, one per
 * version: python3, pythonX.Y on PATH, pyenv's). Every figure must be equal.
 *
 *   npm run bench:test-gc [-- --write-fixture] [-- --only trashcan]
 *
 * --write-fixture records the real outcomes, with the interpreters' versions, as
 * test/fixtures/python/test_gc/real-outcomes.json (test/python-test-gc.test.ts replays it). A
 * report: it exits 0 whatever the outcomes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { outcomeDifferences, realOutcome, simulatedOutcome, type ProgramOutcome } from '../src/calibrate/program-fidelity.js';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';

installBuiltIns(BUILT_INS);

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    'write-fixture': { type: 'boolean', default: false },
  },
});

const fromSources = import.meta.url.endsWith('.ts');
const dir = fileURLToPath(new URL(fromSources ? '../test/fixtures/python/test_gc/' : '../../test/fixtures/python/test_gc/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.py'))
  .filter((f) => !values.only?.length || values.only.includes(f.replace(/\.py$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`bench:test-gc: no scenario selected in ${dir}`);
  process.exit(2);
}
if (values['write-fixture'] && values.only?.length) {
  console.error('bench:test-gc: --write-fixture records every scenario; drop --only');
  process.exit(2);
}

const interpreters = discoverInterpreters().filter((i) => ['3.11', '3.12', '3.13'].includes(i.profile));
if (interpreters.length === 0) console.log('no CPython 3.11-3.13 found here: simulated outcomes only');

/** One recorded real outcome (the fixture's entries). */
interface FixtureEntry {
  readonly scenario: string;
  readonly python: string;
  readonly profile: string;
  readonly outcome: ProgramOutcome;
}
const entries: FixtureEntry[] = [];

const show = (o: ProgramOutcome): string =>
  `${Object.entries(o.reports).map(([k, v]) => `${k}=${v}`).join(' ')}  collections ${o.collections.join('/')} collected ${o.collected.join('/')} uncollectable ${o.uncollectable.join('/')}`;

let differing = 0;
for (const file of files) {
  const workload = await loadUserWorkload(join(dir, file));
  console.log(`\n${file} (${workload.name})`);
  const sims = new Map(PROFILE_NAMES.map((p) => [p, simulatedOutcome(workload.name, 'main', p)]));
  for (const [profile, sim] of sims) console.log(`  sim ${profile.padEnd(7)} ${show(sim)}`);
  for (const py of interpreters) {
    const real = await realOutcome(py.path, workload.name, 'main', py.profile);
    entries.push({ scenario: file, python: py.version, profile: py.profile, outcome: real });
    const problems = outcomeDifferences(sims.get(py.profile)!, real);
    if (problems.length > 0) differing++;
    console.log(`  real ${py.version.padEnd(6)} ${show(real)}  ${problems.length === 0 ? `= sim ${py.profile}` : `DIFFERS from sim ${py.profile}: ${problems.join('; ')}`}`);
  }
}
console.log(`\n${files.length} scenarios, ${interpreters.length} interpreters: ${differing === 0 ? 'every real outcome equals the simulated one' : `${differing} real outcomes differ from the simulation`}`);

if (values['write-fixture']) {
  const out = join(dir, 'real-outcomes.json');
  const fixture = {
    note: 'Written by npm run bench:test-gc -- --write-fixture; replayed by test/python-test-gc.test.ts',
    interpreters: interpreters.map((i) => ({ version: i.version, profile: i.profile })),
    entries,
  };
  writeFileSync(out, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`wrote ${out} (${entries.length} entries)`);
}
