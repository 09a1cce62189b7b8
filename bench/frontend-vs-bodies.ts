/**
 * The front-end against the retired TypeScript bodies: each built-in workload as this checkout
 * runs it (its .py program through src/python/) next to its hand-written TypeScript body as the
 * last commit that had them ran it (9ce43d4, the commit before the bodies were retired; issue 17).
 * The script builds that commit in a git worktree beside the repository (tsc only; the
 * node_modules are this checkout's), loads both builds into this process and times each body,
 * rounds alternating and the order swapping every round, each figure the best of its rounds.
 * Profile 3.11, the built-ins' defaults, seed 1; the mission's three workloads also at n = 10^6.
 *
 * How to read it: FE/TS is the front-end's time over the body's (targets: ≤ 1.25 on every row,
 * geometric mean ≤ 1.1). The objects column compares the objects each allocated: where it is
 * not 1.000 the two do different heap work (the programs make the argument tuples, frames and
 * temporaries CPython makes that the bodies skipped), so the verdict is also given over the rows
 * where they allocate the same. The machine is shared: read the ratios. A report: it exits 0
 * whatever the figures (2 on bad options or when the commit cannot be built).
 *
 *   npm run bench:frontend-vs-bodies [-- --rounds 3 --only slots-vs-dict --commit 9ce43d4 --keep]
 *
 * --keep leaves the worktree (in the system's temporary directory) for the next run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fitFirstColumn, fitName, formatTable, PIPED_WIDTH } from '../src/core/table.js';
import { formatNs } from '../src/core/units.js';
import { STAT_NAMES } from '../src/heap/layout.js';
import { prepareRun, runBody } from '../src/lab/measure.js';
import { resolveRunSpec, type RunSpec } from '../src/lab/options.js';
import { builtIns, installBuiltIns } from '../src/lab/registry.js';
import { BUILT_INS } from '../workloads/index.js';
import { MISSION_HEAP_MIB, MISSION_N } from './support/mission-size.js';

installBuiltIns(BUILT_INS);

/** The last commit with the TypeScript bodies (the next one, ddccda5, retired them). */
const BODIES_COMMIT = '9ce43d4';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', multiple: true },
    commit: { type: 'string', default: BODIES_COMMIT },
    keep: { type: 'boolean', default: false },
  },
});
function fail(message: string): never {
  console.error(`bench:frontend-vs-bodies: ${message}`);
  process.exit(2);
}
const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');
const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
const { workloads, mission } = builtIns();
for (const name of only) if (!workloads.some((w) => w.name === name)) fail(`--only: no built-in workload '${name}'`);

// ---- the bodies' build ---------------------------------------------------------------------------

const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
let root: string;
try {
  root = git('rev-parse', '--show-toplevel');
  git('cat-file', '-e', `${values.commit}^{commit}`);
} catch {
  fail(`commit ${values.commit} is not in this repository (a shallow clone? fetch its history first)`);
}
const dir = join(tmpdir(), `gclab-bodies-${values.commit}`);
if (!existsSync(join(dir, 'dist', 'src', 'lab', 'measure.js'))) {
  progress(`building ${values.commit} in ${dir} ...`);
  try {
    if (!existsSync(dir)) git('-C', root, 'worktree', 'add', '--detach', dir, values.commit);
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    fail(`could not build ${values.commit}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
}
const load = async (path: string): Promise<any> => import(pathToFileURL(join(dir, 'dist', path)).href); // eslint-disable-line @typescript-eslint/no-explicit-any
const old = {
  registry: await load('src/lab/registry.js'),
  index: await load('workloads/index.js'),
  options: await load('src/lab/options.js'),
  measure: await load('src/lab/measure.js'),
  stats: ((await load('src/heap/layout.js')).STAT_NAMES as string[]).indexOf('objectsAllocated'),
};
old.registry.installBuiltIns(old.index.BUILT_INS);
const OBJECTS = STAT_NAMES.indexOf('objectsAllocated');

// ---- the runs ------------------------------------------------------------------------------------

interface Side {
  ns: number;
  objects: number;
}

/** One body's time on a fresh heap, and the objects it allocated. */
function timeFrontEnd(spec: RunSpec): Side {
  const run = prepareRun(spec);
  const before = run.heap.counters[OBJECTS];
  const ns = runBody(run, spec);
  return { ns, objects: run.heap.counters[OBJECTS] - before };
}
function timeBody(spec: unknown): Side {
  const run = old.measure.prepareRun(spec);
  const before = run.heap.counters[old.stats];
  const ns = old.measure.runBody(run, spec) as number;
  return { ns, objects: run.heap.counters[old.stats] - before };
}

interface Row {
  readonly label: string;
  readonly fe: Side;
  readonly ts: Side;
}
const rows: Row[] = [];
for (const w of workloads.filter((x) => only.length === 0 || only.includes(x.name))) {
  const sizes: (number | undefined)[] = [undefined];
  if (mission.includes(w.name) && 'n' in w.params) sizes.push(MISSION_N);
  for (const variant of Object.keys(w.variants)) {
    for (const n of sizes) {
      const heapMiB = n === undefined ? undefined : MISSION_HEAP_MIB;
      const label = `${w.name}/${variant}${n === undefined ? '' : ` n=${n.toLocaleString('en')}`}`;
      let bodySpec: { params: Record<string, number> };
      try {
        bodySpec = old.options.resolveRunSpec({ workload: w.name, variant, profile: '3.11', params: n === undefined ? undefined : { n }, heapMiB });
      } catch (err) {
        progress(`  ${label}: no TypeScript body at ${values.commit} (${(err as Error).message.split('\n')[0]})`);
        continue;
      }
      // The same parameters on both sides (the body's defaults, as the lab resolved them then).
      const spec = resolveRunSpec({ workload: w.name, variant, profile: '3.11', params: bodySpec.params, heapMiB });
      const fe: Side = { ns: Infinity, objects: 0 };
      const ts: Side = { ns: Infinity, objects: 0 };
      for (let r = 0; r < rounds; r++) {
        for (const side of r % 2 === 0 ? ['fe', 'ts'] : ['ts', 'fe']) {
          const s = side === 'fe' ? timeFrontEnd(spec) : timeBody(bodySpec);
          const into = side === 'fe' ? fe : ts;
          into.ns = Math.min(into.ns, s.ns);
          into.objects = s.objects;
        }
      }
      rows.push({ label, fe, ts });
      progress(`  ${label}: front-end ${formatNs(fe.ns)}, TS body ${formatNs(ts.ns)}, FE/TS ${(fe.ns / ts.ns).toFixed(2)}`);
    }
  }
}
if (!values.keep) {
  try {
    git('-C', root, 'worktree', 'remove', '--force', dir);
  } catch {
    progress(`(could not remove the worktree ${dir}; remove it with git worktree remove)`);
  }
}

// ---- the report ----------------------------------------------------------------------------------

const header = ['workload/variant', 'front-end', 'TS body', 'FE/TS', 'objects FE/TS'];
const table = rows.map((r) => [r.label, formatNs(r.fe.ns), formatNs(r.ts.ns), (r.fe.ns / r.ts.ns).toFixed(2), (r.fe.objects / r.ts.objects).toFixed(3)]);
console.log(formatTable(header, fitFirstColumn(header, table, PIPED_WIDTH, fitName), ['left', 'right', 'right', 'right', 'right']));
const verdict = (what: string, subset: readonly Row[]): void => {
  if (subset.length === 0) return;
  const ratios = subset.map((r) => r.fe.ns / r.ts.ns);
  const geomean = Math.exp(ratios.reduce((a, x) => a + Math.log(x), 0) / ratios.length);
  const over = ratios.filter((x) => x > 1.25).length;
  console.log(`${what}: geometric mean ${geomean.toFixed(2)} (target ≤ 1.1), range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}, ${over} of ${ratios.length} above 1.25`);
};
console.log('');
verdict(`front-end / TS body (${values.commit}) over ${rows.length} rows`, rows);
verdict('over the rows where both allocate the same objects', rows.filter((r) => Math.abs(r.fe.objects / r.ts.objects - 1) < 0.001));
