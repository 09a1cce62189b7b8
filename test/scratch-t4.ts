import { readFileSync } from 'node:fs';
import { Heap } from '../src/heap/heap.js';
import { runGcPairs } from '../workloads/gc-pairs.js';
const real = JSON.parse(readFileSync('test/fixtures/gc-pairs-real.json', 'utf8'));
const maxN = Number(process.argv[2] ?? 1e5);
for (const r of real) {
  if (r.n > maxN) continue;
  const profile = r.python.slice(0, 4) as '3.11';
  const heap = new Heap({ profile, heapBytes: 256 << 20, startupObjects: r.startup_tracked });
  const explicit = r.disabled ? undefined : (r.threshold.join() === heap.profile.thresholds.join() ? undefined : r.threshold);
  const sim = runGcPairs(heap, { n: r.n, threshold: explicit, disabled: r.disabled, measurementObjects: r.count_before[0] + Number(process.argv[3] ?? 0) });
  const fmt = (s: any[]) => s.map((x) => `${x.collections}/${x.collected}`).join(' ');
  const ok = sim.stats.every((s, g) => Math.abs(s.collections - r.stats[g].collections) <= 1 && Math.abs(s.collected - r.stats[g].collected) <= Math.max(0.01 * r.stats[g].collected, 0));
  console.log(ok ? 'OK ' : 'BAD', r.python, r.n, r.disabled ? 'off' : r.threshold.join(','), 'real', fmt(r.stats), '| sim', fmt(sim.stats as any[]));
}
