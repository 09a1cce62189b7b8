/**
 * Full-collection benchmark: simulated `gc.collect()` time per object for 10⁶ live tracked objects
 * with no garbage (a chain of instances) and for 10⁶ objects of cyclic garbage (pairs), next to
 * real CPython's `gc.collect()` on the same graphs (bench/python/gc_full_collect.py). Target: the
 * simulation is at least as fast per object (ratio ≤ 1.0). Prints figures and ratios from one run.
 *
 *   npm run bench:gc [-- --n 1000000 --profile 3.11 --python python3 --rounds 5]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Heap } from '../src/heap/heap.js';
import { isProfileName, PROFILES } from '../src/heap/profiles.js';
import { projectRoot } from '../src/sizes/real.js';
import { linkedPair } from '../src/calibrate/gc-pairs.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    profile: { type: 'string', default: '3.11' },
    python: { type: 'string', default: 'python3' },
    rounds: { type: 'string', default: '5' },
  },
});
const n = Number(values.n);
const rounds = Number(values.rounds);
if (!Number.isInteger(n) || n < 2) fail('--n must be an integer ≥ 2');
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');
if (!isProfileName(values.profile!)) fail(`unknown profile '${values.profile}'`);
const profile = values.profile;

function fail(message: string): never {
  console.error(`bench:gc: ${message}`);
  process.exit(2);
}

type Shape = 'live' | 'garbage';

/** Builds the graph on a fresh heap with the collector disabled, then times one gc.collect(). */
function simulate(shape: Shape): { ns: number; collected: number } {
  const heap = new Heap({ profile, heapBytes: 1024 << 20, startupObjects: PROFILES[profile].startupTrackedObjects });
  const Node = heap.defineClass({ name: 'Node' });
  heap.gc.collect();
  heap.gc.disable();
  const frame = heap.roots.pushFrame(1);
  if (shape === 'live') {
    for (let i = 0; i < n; i++) {
      const node = heap.newInstance(Node);
      heap.setAttr(node, 'ref', frame.locals[0] || heap.None);
      heap.roots.setLocalSteal(frame, 0, node);
    }
  } else {
    for (let i = 0; i < n / 2; i++) {
      const [a, b] = linkedPair(heap, Node, 'ref');
      heap.decref(a);
      heap.decref(b);
    }
  }
  const t0 = process.hrtime.bigint();
  const collected = heap.gc.collect();
  const ns = Number(process.hrtime.bigint() - t0);
  heap.gc.enable();
  return { ns, collected };
}

function real(shape: Shape): { ns: number; collected: number } | undefined {
  try {
    const out = execFileSync(values.python!, [`${projectRoot()}/bench/python/gc_full_collect.py`, '--n', String(n), '--shape', shape], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out) as { collect_ns: number; collected: number; python: string };
    realVersion = r.python;
    return { ns: r.collect_ns, collected: r.collected };
  } catch (e) {
    console.log(`(real CPython not measured: ${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}
let realVersion = '';

/** The faster of two measurements (either may be missing). */
const faster = <T extends { ns: number }>(a: T | undefined, b: T | undefined): T | undefined => (!a || (b && b.ns < a.ns) ? b : a);

console.log(`full collection of ${n.toLocaleString('en')} tracked objects, profile ${profile}, best of ${rounds} (simulated and real rounds alternate)`);
for (const shape of ['live', 'garbage'] as const) {
  // Alternating the two sides spreads the machine's load changes over both, not onto one.
  let sim: { ns: number; collected: number } | undefined;
  let cpy: { ns: number; collected: number } | undefined;
  let realMissing = false;
  for (let r = 0; r < rounds; r++) {
    sim = faster(sim, simulate(shape));
    if (!realMissing) {
      const x = real(shape);
      realMissing = x === undefined;
      cpy = faster(cpy, x);
    }
  }
  const simPer = sim!.ns / n;
  let line = `${shape.padEnd(8)} simulated ${(sim!.ns / 1e6).toFixed(1)} ms (${simPer.toFixed(1)} ns/object, collected ${sim!.collected})`;
  if (cpy) {
    const cpyPer = cpy.ns / n;
    line += ` | CPython ${realVersion} ${(cpy.ns / 1e6).toFixed(1)} ms (${cpyPer.toFixed(1)} ns/object, collected ${cpy.collected}) | ratio ${(simPer / cpyPer).toFixed(2)} (target ≤ 1.0)`;
  }
  console.log(line);
}
