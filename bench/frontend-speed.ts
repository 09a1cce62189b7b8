/**
 * Front-end speed: the Python front-end (src/python/) running a workload's twin
 * (workloads/python/<twin>.py, loaded as the workload `<name>.py`) next to the built-in TypeScript
 * body of the same workload, and next to the twin itself on real CPython 3.11 without tracemalloc.
 * Every built-in workload with a twin runs at its defaults, each variant a row
 * (`workload/variant`); the mission's three workloads also run at n = 1,000,000.
 *
 * How it is measured: as the lab measures a run's wall time (`simWallNs` in
 * src/cli/commands/calibrate.ts): `prepareRun` makes a fresh heap per round (start-up population,
 * the workload's module-level setup, the twin's preamble) and only `runBody` is timed. Both sides
 * run the same RunSpec (profile 3.11, the built-in's parameters, seed 1, gc enabled). CPython's
 * figure is the twin's own `wall_ns` (its measured region: the variant's call), from
 * `runTwin(..., { tracemalloc: false })`. Rounds alternate the front-end, the TypeScript body and
 * CPython (the front-end and TypeScript order swaps every round, so neither always runs right after
 * the other's heap was dropped), and each figure is the best of its rounds: the machine is shared
 * and noisy, so read the ratios, not the absolute times.
 *
 * How to read it: FE/TS is the front-end's cost over the hand-written body (1.00 = as fast; the
 * targets are ≤ 1.25 on every row and a geometric mean ≤ 1.1 over all rows). FE/Py and TS/Py
 * compare each with the real interpreter running the same program. A twin the front-end refuses
 * (an unsupported construct) shows as "not yet runnable" with the front-end's one-line message.
 * Below the table, rows where the two bodies did not allocate the same number of objects (in the
 * first round) are listed: their times then measure different work, so the verdict is given
 * twice, over all rows and over the rows where both allocate the same objects. A report: it exits
 * 0 whatever the verdict.
 *
 *   npm run bench:frontend [-- --rounds 3 --only slots-vs-dict --only cyclic-graphs]
 *                          [-- --no-cpython | --python PATH]   (default: the first 3.11 found)
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverInterpreters, interpreterAt, type Interpreter } from '../src/calibrate/interpreters.js';
import { runTwin, twinPath } from '../src/calibrate/twins.js';
import { fitFirstColumn, fitName, WIDTH } from '../src/cli/table.js';
import { formatNs } from '../src/core/units.js';
import { Stat } from '../src/heap/layout.js';
import type { ProfileName } from '../src/heap/profiles.js';
import { prepareRun, runBody } from '../src/lab/measure.js';
import { resolveRunSpec, type RunSpec } from '../src/lab/options.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';
import type { Workload } from '../src/lab/workload.js';
import { installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS, MISSION_WORKLOADS, WORKLOADS } from '../workloads/index.js';

installBuiltIns(BUILT_INS);

const PROFILE: ProfileName = '3.11';
const HEAP_MIB = 1024;
/**
 * The mission workloads' large size, and the heap it runs in. Not 2048: a heap of 2 GiB or more
 * fails to set up (HeapMemory's `sabBytes >> 2` overflows past 2^31 bytes).
 */
const MISSION_N = 1_000_000;
const MISSION_HEAP_MIB = 1536;
const TARGET_WORST = 1.25;
const TARGET_GEOMEAN = 1.1;

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
const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
for (const name of only) {
  if (!WORKLOADS.some((w) => w.name === name)) fail(`--only: no built-in workload '${name}' (one of: ${WORKLOADS.map((w) => w.name).join(', ')})`);
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

/** One size of one variant: what both sides run. */
interface Case {
  readonly label: string;
  /** The n column: the workload's n, or 'defaults' for a workload without one. */
  readonly size: string;
  readonly ts: RunSpec;
  readonly fe: RunSpec;
}

type Row =
  | { readonly kind: 'timed'; readonly c: Case; readonly feNs: number; readonly tsNs: number; readonly pyNs: number; readonly pyNote: string; readonly allocs: readonly [number, number] }
  | { readonly kind: 'note'; readonly label: string; readonly size: string; readonly note: string };

const selected = WORKLOADS.filter((w) => only.length === 0 || only.includes(w.name));
const withoutTwin = selected.filter((w) => !w.twin).map((w) => w.name);

/** The cases of one workload, or the note saying why it has none (its twin does not load). */
async function casesOf(w: Workload): Promise<Case[] | string> {
  let py: Workload;
  try {
    py = await loadUserWorkload(twinPath(w));
  } catch (err) {
    // FILE:LINE:COL: unsupported …, the file named by its base name to keep the row short.
    return `not yet runnable: ${oneLine(err).replace(twinPath(w), basename(twinPath(w)))}`;
  }
  const sizes: (Record<string, number> | null)[] = [null];
  if (MISSION_WORKLOADS.includes(w) && 'n' in w.params) sizes.push({ n: MISSION_N });
  const cases: Case[] = [];
  for (const variant of Object.keys(w.variants)) {
    for (const size of sizes) {
      const heapMiB = size === null ? HEAP_MIB : MISSION_HEAP_MIB;
      const ts = resolveRunSpec({ workload: w.name, variant, params: size ?? {}, profile: PROFILE, heapMiB });
      // The front-end runs the built-in's parameters (the twin declares the same ones).
      let fe: RunSpec;
      try {
        fe = resolveRunSpec({ workload: py.name, variant, params: ts.params, profile: PROFILE, heapMiB });
      } catch (err) {
        return `the twin does not match the built-in: ${oneLine(err)}`;
      }
      cases.push({ label: `${w.name}/${variant}`, size: 'n' in ts.params ? ts.params.n.toLocaleString('en') : 'defaults', ts, fe });
    }
  }
  return cases;
}

/** One timed body on a fresh heap: its wall time, and the objects it allocated. */
function timeBody(spec: RunSpec, side: string): { ns: number; allocated: number } {
  let run;
  try {
    run = prepareRun(spec);
  } catch (err) {
    throw new Error(`${side}: setup failed: ${oneLine(err)}`);
  }
  const before = run.heap.counters[Stat.ObjectsAllocated];
  let ns: number;
  try {
    ns = runBody(run, spec);
  } catch (err) {
    throw new Error(`${side}: body failed: ${oneLine(err)}`);
  }
  return { ns, allocated: run.heap.counters[Stat.ObjectsAllocated] - before };
}

async function measure(c: Case, index: string): Promise<Row> {
  let feNs = Infinity;
  let tsNs = Infinity;
  let pyNs = Infinity;
  let pyNote = python ? '' : 'skipped';
  const allocs: [number, number] = [0, 0];
  for (let r = 0; r < rounds; r++) {
    const order: ('fe' | 'ts')[] = r % 2 === 0 ? ['fe', 'ts'] : ['ts', 'fe'];
    const round: Record<string, number> = {};
    for (const side of order) {
      try {
        const t = timeBody(side === 'fe' ? c.fe : c.ts, side === 'fe' ? 'front-end' : 'TS body');
        round[side] = t.ns;
        if (r === 0) allocs[side === 'fe' ? 0 : 1] = t.allocated;
      } catch (err) {
        progress(`  ${index} ${c.label} n=${c.size}: ${oneLine(err)}`);
        return { kind: 'note', label: c.label, size: c.size, note: oneLine(err) };
      }
    }
    feNs = Math.min(feNs, round.fe);
    tsNs = Math.min(tsNs, round.ts);
    if (python && !pyNote) {
      try {
        round.py = (await runTwin(python.path, c.ts, { tracemalloc: false })).wall_ns;
        pyNs = Math.min(pyNs, round.py);
      } catch (err) {
        pyNote = 'failed';
        progress(`    CPython failed on ${c.label} n=${c.size}: ${oneLine(err)}`);
      }
    }
    const py = round.py === undefined ? '' : `, CPython ${formatNs(round.py)}`;
    progress(`  ${index} ${c.label} n=${c.size} round ${r + 1}/${rounds}: front-end ${formatNs(round.fe)}, TS ${formatNs(round.ts)}${py}`);
  }
  return { kind: 'timed', c, feNs, tsNs, pyNs: pyNote ? Number.NaN : pyNs, pyNote, allocs };
}

// The cases first (every twin loaded and checked before any clock starts), then the rounds.
const plan: { w: Workload; cases: Case[] | string }[] = [];
for (const w of selected) if (w.twin) plan.push({ w, cases: await casesOf(w) });
const total = plan.reduce((n, p) => n + (typeof p.cases === 'string' ? 0 : p.cases.length), 0);
progress(`bench:frontend: ${total} rows, best of ${rounds}, profile ${PROFILE}; CPython: ${python ? `${python.version} (${python.path})` : noPythonReason}`);

const rows: Row[] = [];
let done = 0;
for (const { w, cases } of plan) {
  if (typeof cases === 'string') {
    progress(`  ${w.name}: ${cases}`);
    rows.push({ kind: 'note', label: w.name, size: '', note: cases });
    continue;
  }
  for (const c of cases) rows.push(await measure(c, `[${++done}/${total}]`));
}

// The table: times and ratios within 100 columns; notes take the place of the figures.
const sizeLabel = (c: Case): string => `${c.label} ${c.size === 'defaults' ? '(defaults)' : `n=${c.size}`}`;
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '-');
const header = ['workload/variant', 'n', 'front-end', 'TS body', 'CPython', 'FE/TS', 'FE/Py', 'TS/Py'];
const align = ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] as const;
const timed = rows.filter((r): r is Extract<Row, { kind: 'timed' }> => r.kind === 'timed');
const cells = rows.map((r) =>
  r.kind === 'timed'
    ? [
        r.c.label,
        r.c.size,
        formatNs(r.feNs),
        formatNs(r.tsNs),
        r.pyNote || formatNs(r.pyNs),
        ratio(r.feNs, r.tsNs),
        ratio(r.feNs, r.pyNs),
        ratio(r.tsNs, r.pyNs),
      ]
    : [r.label, r.size, ...header.slice(2).map(() => '')],
);
const fitted = fitFirstColumn(header, cells.filter((_, i) => rows[i].kind === 'timed'), WIDTH, fitName);
const widths = header.map((h, col) => Math.max(h.length, ...fitted.map((r) => r[col].length)));
widths[1] = Math.max(widths[1], ...rows.map((r) => (r.kind === 'note' ? r.size.length : 0)));
const budget = widths[0];
const line = (cs: readonly string[]): string =>
  cs.map((cell, col) => (align[col] === 'right' ? cell.padStart(widths[col]) : cell.padEnd(widths[col]))).join('  ').trimEnd();

const out: string[] = [];
out.push(
  `front-end vs TypeScript body vs CPython: profile ${PROFILE}, body only, fresh heap per round, best of ${rounds}`,
  `CPython: ${python ? `${python.version} (${python.path}), the twin without tracemalloc` : noPythonReason}`,
  '',
  line(header),
  widths.map((w) => '-'.repeat(w)).join('  '),
);
rows.forEach((r, i) => {
  if (r.kind === 'timed') {
    const cut = cells[i][0].length <= budget ? cells[i][0] : fitName(cells[i][0], budget);
    out.push(line([cut, ...cells[i].slice(1)]));
    return;
  }
  // A note: the label, then the note where the figures would be, wrapped to 100 columns.
  // A twin that does not load has no size: its note starts in the n column.
  const name = `${(r.label.length <= budget ? r.label : fitName(r.label, budget)).padEnd(budget)}  `;
  const head = r.size ? `${name}${r.size.padStart(widths[1])}  ` : name;
  let rest = r.note;
  let first = true;
  while (rest.length > 0) {
    const room = WIDTH - head.length;
    let piece = rest;
    if (piece.length > room) {
      const space = rest.lastIndexOf(' ', room);
      piece = rest.slice(0, space > room / 2 ? space : room);
    }
    out.push(`${first ? head : ' '.repeat(head.length)}${piece}`.trimEnd());
    rest = rest.slice(piece.length).trimStart();
    first = false;
  }
});
// The work each side did: objects its body allocated in the first round. A few objects either way
// is the front-end's own bookkeeping; more means the two bodies do different heap work.
const ALLOC_TOLERANCE = 0.001;
const allocDiff = (r: Extract<Row, { kind: 'timed' }>): number => (r.allocs[0] - r.allocs[1]) / Math.max(r.allocs[1], 1);
const differing = timed.filter((r) => Math.abs(allocDiff(r)) > ALLOC_TOLERANCE);
const nearly = timed.filter((r) => r.allocs[0] !== r.allocs[1] && !differing.includes(r));
const signed = (x: number, text: string): string => `${x > 0 ? '+' : ''}${text}`;
out.push('');
if (differing.length === 0) {
  out.push('objects allocated by the body (first round): within 0.1% on both sides in every timed row');
} else {
  out.push(
    'objects allocated by the body (first round), front-end vs TS body, where they differ by more',
    'than 0.1% (the two bodies then do different heap work, and FE/TS is not like for like):',
  );
  for (const r of differing) {
    const [fe, ts] = r.allocs;
    const counts = `${fe.toLocaleString('en')} vs ${ts.toLocaleString('en')}`;
    out.push(`  ${sizeLabel(r.c)}: ${counts} (${signed(fe - ts, (fe - ts).toLocaleString('en'))}, ${signed(fe - ts, (100 * allocDiff(r)).toFixed(1))}%)`);
  }
}
if (nearly.length > 0) {
  const most = Math.max(...nearly.map((r) => Math.abs(r.allocs[0] - r.allocs[1])));
  const rowsDiffer = nearly.length === 1 ? '1 row differs' : `${nearly.length} rows differ`;
  out.push(`  (${rowsDiffer} by at most ${most} object${most === 1 ? '' : 's'}, not listed; the others allocate the same)`);
}
if (withoutTwin.length > 0) out.push('', `no Python twin (not measured): ${withoutTwin.join(', ')}`);

out.push('');
if (timed.length === 0) {
  out.push('no row ran on both sides: no verdict');
} else {
  const verdict = (label: string, group: typeof timed): void => {
    const logs = group.map((r) => Math.log(r.feNs / r.tsNs));
    const geomean = Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length);
    const worst = group.reduce((a, b) => (b.feNs / b.tsNs > a.feNs / a.tsNs ? b : a));
    const worstRatio = worst.feNs / worst.tsNs;
    out.push(
      label,
      `  geometric mean ${geomean.toFixed(2)}x   target ≤ ${TARGET_GEOMEAN}x   ${geomean <= TARGET_GEOMEAN ? 'PASS' : 'FAIL'}`,
      `  worst row      ${worstRatio.toFixed(2)}x   target ≤ ${TARGET_WORST}x  ${worstRatio <= TARGET_WORST ? 'PASS' : 'FAIL'}   (${sizeLabel(worst.c)})`,
    );
  };
  const notRunnable = rows.length - timed.length;
  verdict(`front-end / TS body over ${timed.length} rows${notRunnable > 0 ? ` (${notRunnable} not timed)` : ''}:`, timed);
  // Like for like: the rows where both bodies allocate the same objects (within the tolerance).
  const alike = timed.filter((r) => !differing.includes(r));
  if (differing.length > 0 && alike.length > 0) {
    verdict(`the same, over the ${alike.length} rows where both allocate the same objects:`, alike);
  }
}
out.push(
  '',
  'Times: the body only (front-end: the .py twin run by src/python/; TS body: the built-in workload),',
  'best of the rounds; CPython: the twin\'s own measured region. FE/TS, FE/Py, TS/Py: ratios of those',
  'times (below 1: the first is faster). Read the ratios, not the times: the machine is shared.',
);
for (const l of out) console.log(l);
