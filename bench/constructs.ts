/**
 * The front-end's cost per construct: each variant of bench/python/constructs.py (one construct
 * in a loop of n iterations: a call, an attribute load, `len(l)`, a list display…) run by the
 * simulation (profile 3.11, body only) and by CPython 3.11 without tracemalloc (the variant's own
 * measured call), rounds alternating, each the best of its rounds. The `loop` variant's time is
 * taken off both sides, so a row is the construct's own time per iteration. Where a row's ratio
 * is high, the simulation's path for that construct is the one to look at. A report: it exits 0.
 *
 *   npm run bench:constructs [-- --rounds 3 --n 1000000 --only call,length --python PATH]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverInterpreters, interpreterAt, type Interpreter } from '../src/calibrate/interpreters.js';
import { runTwin } from '../src/calibrate/twins.js';
import { formatTable } from '../src/core/table.js';
import { prepareRun, runBody } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import { BUILT_INS } from '../workloads/index.js';

installBuiltIns(BUILT_INS);

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    n: { type: 'string', default: '1000000' },
    only: { type: 'string', multiple: true },
    python: { type: 'string' },
  },
});
function fail(message: string): never {
  console.error(`bench:constructs: ${message}`);
  process.exit(2);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');
const n = Number(values.n);
if (!Number.isInteger(n) || n < 1000) fail('--n must be an integer of at least 1000');
let python: Interpreter | undefined;
try {
  python = values.python ? interpreterAt(values.python) : discoverInterpreters().find((i) => i.profile === '3.11');
} catch (err) {
  fail(`--python: ${(err as Error).message.split('\n')[0]}`);
}
if (python === undefined) console.error('bench:constructs: no CPython 3.11 found; the simulated side only');

// dist/bench/constructs.js -> bench/python/constructs.py
const workload = await loadUserWorkload(fileURLToPath(new URL('../../bench/python/constructs.py', import.meta.url)));
const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
for (const name of only) if (!(name in workload.variants)) fail(`--only: no construct '${name}' (one of: ${Object.keys(workload.variants).join(', ')})`);
// The loop alone first: the other rows are measured against it.
const variants = ['loop', ...Object.keys(workload.variants).filter((v) => v !== 'loop' && (only.length === 0 || only.includes(v)))];

const times = new Map<string, { sim: number; real: number }>();
for (const variant of variants) {
  const spec = resolveRunSpec({ workload: workload.name, variant, profile: '3.11', params: { n } });
  let sim = Infinity;
  let real = Infinity;
  runBody(prepareRun(spec), spec); // V8 compiles the code on its first run
  for (let r = 0; r < rounds; r++) {
    sim = Math.min(sim, runBody(prepareRun(spec), spec));
    if (python) real = Math.min(real, (await runTwin(python.path, spec, { tracemalloc: false })).wall_ns);
  }
  times.set(variant, { sim, real });
  process.stderr.write(`  ${variant}: sim ${(sim / n).toFixed(1)} ns/iteration${python ? `, CPython ${(real / n).toFixed(1)}` : ''}\n`);
}

const loop = times.get('loop')!;
const rows = variants.map((v) => {
  const t = times.get(v)!;
  const own = v === 'loop';
  const sim = (own ? t.sim : t.sim - loop.sim) / n;
  const real = (own ? t.real : t.real - loop.real) / n;
  return [own ? 'loop (the for over a range)' : v, sim.toFixed(1), python ? real.toFixed(1) : '-', python && real > 0 ? (sim / real).toFixed(2) : '-'];
});
console.log(`ns per iteration, n = ${n.toLocaleString('en')}, best of ${rounds}; constructs with the loop's time taken off (profile 3.11${python ? `, CPython ${python.version}` : ''}):`);
console.log(formatTable(['construct', 'sim', 'CPython', 'sim/CPython'], rows, ['left', 'right', 'right', 'right']));
