/**
 * Heap hot-path benchmark: simulated allocate + incref + decref + free of a 32-byte GC object
 * (an instance of `class S: __slots__ = ()`), next to the same books kept by a WebAssembly module
 * with no checks (bench/wasm-books.ts: a ceiling for any heap keeping them), plain JS object churn,
 * and real CPython creating and dropping the same instances. Prints figures and ratios from one run.
 *
 *   npm run bench:heap [-- --count 10000000 --profile 3.13 --python python3]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Heap } from '../src/heap/heap.js';
import { bestSeconds } from './best-of.js';
import { wasmBooksRate } from './wasm-books.js';
import { isProfileName } from '../src/heap/profiles.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000000' },
    profile: { type: 'string', default: '3.13' },
    python: { type: 'string', default: 'python3' },
    rounds: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const rounds = Number(values.rounds);
if (!Number.isInteger(count) || count <= 0) throw new Error(`--count must be a positive integer`);
if (!isProfileName(values.profile!)) throw new Error(`unknown profile ${values.profile}`);

const bestOf = (fn: () => void): number => bestSeconds(rounds, fn);

const heap = new Heap({ profile: values.profile, heapBytes: 64 << 20 });
const cls = heap.defineClass({ name: 'S', slots: [] });
// A real interpreter's pools of this size class hold other live objects, so dropping the one
// instance does not empty its pool; keep a resident population as CPython has.
const resident = heap.list.comprehension(1000, () => heap.newInstance(cls));
const simSeconds = bestOf(() => {
  for (let i = 0; i < count; i++) {
    const o = heap.newInstance(cls);
    heap.incref(o);
    heap.decref(o);
    heap.decref(o);
  }
});
const objectBytes = heap.objectBytes(resident === 0 ? 0 : heap.list.get(resident, 0));

const ceilingRate = await wasmBooksRate(count, rounds);

let sink: unknown;
const jsSeconds = bestOf(() => {
  for (let i = 0; i < count; i++) sink = { a: i, b: sink === null ? 0 : 1 };
});

let pySeconds = NaN;
let pyVersion = 'absent';
try {
  const code = [
    'import time, sys',
    'class S:',
    '    __slots__ = ()',
    `r = range(${count})`,
    'best = 1e9',
    `for _ in range(${rounds}):`,
    '    t = time.perf_counter()',
    '    for _ in r: S()',
    '    best = min(best, time.perf_counter() - t)',
    'print(best, "%d.%d.%d" % sys.version_info[:3])',
  ].join('\n');
  const [s, v] = execFileSync(values.python!, ['-c', code], { encoding: 'utf8' }).trim().split(' ');
  pySeconds = Number(s);
  pyVersion = v;
} catch (err) {
  console.error(`(CPython skipped: ${values.python} did not run: ${(err as Error).message.split('\n')[0]})`);
}

const rate = (s: number) => count / s / 1e6;
console.log(`objects: ${count.toLocaleString('en')} per round, best of ${rounds}; simulated object: ${objectBytes} bytes requested (profile ${values.profile})`);
console.log(`simulated alloc+incref+decref+free : ${rate(simSeconds).toFixed(1)} M objects/s`);
console.log(`the same books in WebAssembly      : ${ceilingRate.toFixed(1)} M objects/s  (a ceiling; simulated / ceiling ${(rate(simSeconds) / ceilingRate).toFixed(2)})`);
console.log(`plain JS object churn              : ${rate(jsSeconds).toFixed(1)} M objects/s`);
console.log(`${`CPython ${pyVersion} S() create+drop`.padEnd(35)}: ${rate(pySeconds).toFixed(1)} M objects/s`);
console.log(`ratio simulated / CPython          : ${(pySeconds / simSeconds).toFixed(2)}x  (target >= 5x)`);
console.log(`ratio simulated / plain JS         : ${(jsSeconds / simSeconds).toFixed(2)}x`);
console.log(`target >= 40 M objects/s           : ${rate(simSeconds) >= 40 ? 'met' : 'NOT met'}`);
