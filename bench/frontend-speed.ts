/**
 * Front-end speed: each built-in workload (its program in workloads/python/, run by the Python
 * front-end in src/python/) next to the same program on real CPython 3.11 without tracemalloc.
 * Every built-in runs at its defaults, each variant a row (`workload/variant`); the mission's three
 * workloads also run at n = 1,000,000.
 *
 * How it is measured: as the lab measures a run's wall time (`simWallNs` in
 * src/cli/commands/calibrate.ts): `prepareRun` makes a fresh heap per round (start-up population,
 * the program's module-level set-up, the twin's preamble) and only `runBody` is timed, on profile
 * 3.11 with the built-in's parameters, seed 1, gc enabled. CPython's figure is the program's own
 * `wall_ns` (its measured region: the variant's call), from `runTwin(..., { tracemalloc: false })`.
 * Rounds alternate the two, and each figure is the best of its rounds: the machine is shared and
 * noisy, so read the ratio, not the absolute times. A report: it exits 0.
 *
 * Until the TypeScript bodies were retired (issue 17), this script also timed each workload's
 * hand-written TypeScript body and the front-end's ratio to it (target ≤ 1.25× per row, geometric
 * mean ≤ 1.1×); bench/frontend-vs-bodies.ts now measures that ratio against the bodies of the
 * last commit that had them.
 *
 *   npm run bench:frontend [-- --rounds 3 --only slots-vs-dict --only cyclic-graphs]
 *                          [-- --no-cpython | --python PATH]   (default: the first 3.11 found)
 */
import { parseArgs } from 'node:util';
import { discoverInterpreters, interpreterAt, type Interpreter } from '../src/calibrate/interpreters.js';
import { runTwin } from '../src/calibrate/twins.js';
import { fitFirstColumn, fitName, formatTable, PIPED_WIDTH } from '../src/core/table.js';
import { formatNs } from '../src/core/units.js';
import type { ProfileName } from '../src/heap/profiles.js';
import { prepareRun, runBody } from '../src/lab/measure.js';
import { resolveRunSpec, type RunSpec } from '../src/lab/options.js';
import { builtIns, installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';
import { MISSION_HEAP_MIB, MISSION_N } from './support/mission-size.js';

installBuiltIns(BUILT_INS);

const PROFILE: ProfileName = '3.11';
const HEAP_MIB = 1024;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', multiple: true },
    'no-cpython': { type: 'boolean', default: false },
    python: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');
const { workloads, mission } = builtIns();
const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
for (const name of only) {
  if (!workloads.some((w) => w.name === name)) fail(`--only: no built-in workload '${name}' (one of: ${workloads.map((w) => w.name).join(', ')})`);
}

function fail(message: string): never {
  console.error(`bench:frontend: ${message}`);
  process.exit(2);
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];

// The real interpreter: the first 3.11 that interpreters.ts finds, or none (the column says why).
let python: Interpreter | undefined;
let noPythonReason = '';
if (values['no-cpython']) {
  noPythonReason = 'skipped (--no-cpython)';
} else if (values.python) {
  try {
    python = interpreterAt(values.python);
  } catch (err) {
    fail(`--python ${oneLine(err)}`);
  }
  if (python.profile !== PROFILE) fail(`--python ${values.python} is Python ${python.version}; this bench compares with ${PROFILE}`);
} else {
  python = discoverInterpreters().find((i) => i.profile === PROFILE);
  if (!python) noPythonReason = `skipped: no CPython ${PROFILE} interpreter found on PATH or in pyenv`;
}

/** One size of one variant. */
interface Case {
  readonly label: string;
  /** The n column: the workload's n, or 'defaults' for a workload without one. */
  readonly size: string;
  readonly spec: RunSpec;
}

interface Row {
  readonly c: Case;
  /** NaN where the front-end failed (`note` says why). */
  readonly feNs: number;
  readonly pyNs: number;
  readonly note: string;
}

const cases: Case[] = [];
for (const w of workloads.filter((x) => only.length === 0 || only.includes(x.name))) {
  const sizes: (Record<string, number> | null)[] = [null];
  if (mission.includes(w.name) && 'n' in w.params) sizes.push({ n: MISSION_N });
  for (const variant of Object.keys(w.variants)) {
    for (const size of sizes) {
      const heapMiB = size === null ? HEAP_MIB : MISSION_HEAP_MIB;
      const spec = resolveRunSpec({ workload: w.name, variant, params: size ?? {}, profile: PROFILE, heapMiB });
      cases.push({ label: `${w.name}/${variant}`, size: 'n' in spec.params ? spec.params.n.toLocaleString('en') : 'defaults', spec });
    }
  }
}

/** The body's wall time on a fresh heap. */
function frontEndNs(spec: RunSpec): number {
  return runBody(prepareRun(spec), spec);
}

async function measure(c: Case, index: string): Promise<Row> {
  let feNs = Infinity;
  let pyNs = Infinity;
  let pyNote = python ? '' : 'skipped';
  for (let r = 0; r < rounds; r++) {
    let fe: number;
    try {
      fe = frontEndNs(c.spec);
    } catch (err) {
      progress(`  ${index} ${c.label} n=${c.size}: ${oneLine(err)}`);
      return { c, feNs: Number.NaN, pyNs: Number.NaN, note: oneLine(err) };
    }
    feNs = Math.min(feNs, fe);
    let py = '';
    if (python && !pyNote) {
      try {
        const ns = (await runTwin(python.path, c.spec, { tracemalloc: false })).wall_ns;
        pyNs = Math.min(pyNs, ns);
        py = `, CPython ${formatNs(ns)}`;
      } catch (err) {
        pyNote = 'failed';
        progress(`    CPython failed on ${c.label} n=${c.size}: ${oneLine(err)}`);
      }
    }
    progress(`  ${index} ${c.label} n=${c.size} round ${r + 1}/${rounds}: front-end ${formatNs(fe)}${py}`);
  }
  return { c, feNs, pyNs: pyNote ? Number.NaN : pyNs, note: pyNote };
}

progress(`bench:frontend: ${cases.length} rows, best of ${rounds}, profile ${PROFILE}; CPython: ${python ? `${python.version} (${python.path})` : noPythonReason}`);
const rows: Row[] = [];
for (const [i, c] of cases.entries()) rows.push(await measure(c, `[${i + 1}/${cases.length}]`));

// The table, within 100 columns; a row the front-end could not run says why in the CPython column.
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '-');
const header = ['workload/variant', 'n', 'front-end', 'CPython', 'FE/Py'];
const cells = rows.map((r) => [
  r.c.label,
  r.c.size,
  Number.isNaN(r.feNs) ? 'failed' : formatNs(r.feNs),
  Number.isNaN(r.pyNs) ? r.note || '-' : formatNs(r.pyNs),
  ratio(r.feNs, r.pyNs),
]);
const out: string[] = [
  `front-end vs CPython: profile ${PROFILE}, body only, fresh heap per round, best of ${rounds}`,
  `CPython: ${python ? `${python.version} (${python.path}), the program without tracemalloc` : noPythonReason}`,
  '',
  formatTable(header, fitFirstColumn(header, cells, PIPED_WIDTH, fitName), ['left', 'right', 'right', 'right', 'right']),
];
const failed = rows.filter((r) => Number.isNaN(r.feNs));
for (const r of failed) out.push(`  ${r.c.label} n=${r.c.size}: ${r.note}`);
const timed = rows.filter((r) => Number.isFinite(r.feNs) && Number.isFinite(r.pyNs));
if (timed.length > 0) {
  const logs = timed.map((r) => Math.log(r.feNs / r.pyNs));
  const geomean = Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length);
  const ratios = timed.map((r) => r.feNs / r.pyNs);
  out.push('', `front-end / CPython over ${timed.length} rows: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×, geometric mean ${geomean.toFixed(2)}×`);
}
out.push(
  '',
  "Times: the body only (front-end: the built-in's program run by src/python/; CPython: the program's",
  'own measured region), best of the rounds. FE/Py: their ratio (below 1: the front-end is faster).',
  'Read the ratios, not the times: the machine is shared.',
);
for (const l of out) console.log(l);
