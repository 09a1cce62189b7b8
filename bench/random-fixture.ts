/**
 * Records what the real interpreters here give for the simulated `random` module's test programs
 * (test/fixtures/random/), so test/random-module.test.ts can assert them on a machine without
 * CPython:
 *
 *   sequences.expected   the stdout of sequences.py (the same on every 3.11-3.13 found; checked)
 *   real-figures.json    random_loop.py's variants at their defaults on each interpreter:
 *                        tracemalloc peak, current and probes, collections and collected
 *
 *   npm run -s build && node dist/bench/random-fixture.js
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { discoverInterpreters } from '../src/calibrate/interpreters.js';
import { runTwin } from '../src/calibrate/twins.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { BUILT_INS } from '../workloads/index.js';

installBuiltIns(BUILT_INS);

const fromSources = import.meta.url.endsWith('.ts');
const dir = fileURLToPath(new URL(fromSources ? '../test/fixtures/random/' : '../../test/fixtures/random/', import.meta.url));
const interpreters = discoverInterpreters().filter((i) => ['3.11', '3.12', '3.13'].includes(i.profile));
if (interpreters.length === 0) {
  console.error('random-fixture: no CPython 3.11-3.13 found here');
  process.exit(2);
}

let expected: string | undefined;
for (const py of interpreters) {
  const out = execFileSync(py.path, [`${dir}sequences.py`], { encoding: 'utf8' });
  if (expected !== undefined && out !== expected) {
    console.error(`random-fixture: ${py.path} (${py.version}) prints other sequences than ${interpreters[0].version}`);
    process.exit(1);
  }
  expected = out;
}
writeFileSync(`${dir}sequences.expected`, expected!);

const workload = await loadUserWorkload(`${dir}random_loop.py`);
const entries = [];
for (const py of interpreters) {
  for (const variant of Object.keys(workload.variants)) {
    const spec = resolveRunSpec({ workload: workload.name, variant, profile: py.profile });
    const r = await runTwin(py.path, spec, { tracemalloc: true });
    entries.push({
      python: py.version,
      profile: py.profile,
      variant,
      real: { peak: r.tracemalloc!.peak, current: r.tracemalloc!.current, probes: r.tracemalloc!.probes, collections: r.gc.collections, collected: r.gc.collected },
    });
  }
}
const note = 'Written by node dist/bench/random-fixture.js; replayed by test/random-module.test.ts';
writeFileSync(`${dir}real-figures.json`, `{"note": ${JSON.stringify(note)},\n "entries": [\n  ${entries.map((e) => JSON.stringify(e)).join(',\n  ')}\n ]}\n`);
console.log(`random-fixture: ${dir}sequences.expected and real-figures.json from ${interpreters.map((i) => i.version).join(', ')}`);
