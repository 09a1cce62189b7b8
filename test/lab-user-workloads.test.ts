/**
 * Your own workloads: `gclab run ./file.ts|.js` loads the module in the CLI and in each worker,
 * checks it before anything runs (one line and exit 2 for a missing file, a module that fails to
 * load, an invalid export, a built-in's name), and `calibrate` runs its twin next to it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realInterpreters } from './support/gc-scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-user-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 120_000 });
const EXAMPLE = 'workloads/examples/records.ts';

function expectUsageError(args: string[], pattern: RegExp): void {
  const r = gclab(...args);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(pattern);
}

describe('user-defined workloads', () => {
  it('the README example runs in the worker pool; a list record holds more than a tuple', () => {
    const held: Record<string, number> = {};
    for (const variant of ['tuple', 'list']) {
      const r = gclab('run', EXAMPLE, '--variant', variant, '--param', 'n=5000', '--no-timing', '--json', '--results-dir', dir);
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as { workload: string; status: string; memory: { probes: Record<string, number> } };
      expect(summary.workload).toBe('records');
      expect(summary.status).toBe('ok');
      held[variant] = summary.memory.probes.held;
    }
    // A 3-item list is a GC header + list object + a separate 24-byte item array; a tuple is one block.
    expect(held.list).toBeGreaterThan(held.tuple);
  }, 120_000);

  it('a JavaScript module works as well as TypeScript', () => {
    const file = join(dir, 'ints.mjs');
    writeFileSync(
      file,
      `export default {
        name: 'ints', description: 'n ints in a list', probes: [],
        params: { n: { description: 'ints', default: 10, min: 0, max: 1000000 } },
        variants: { only: { description: 'list(range(1000, 1000 + n))', run(ctx) {
          const list = ctx.heap.list.newList(0);
          for (let i = 0; i < ctx.params.n; i++) ctx.heap.list.appendSteal(list, ctx.heap.int(1000 + i));
          ctx.heap.decref(list);
        } } },
      };`,
    );
    const r = gclab('run', file, '--param', 'n=3000', '--no-timing', '--json', '--results-dir', dir);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { objects: { allocated: number } };
    expect(summary.objects.allocated).toBeGreaterThanOrEqual(3001);
  }, 60_000);

  it('bad modules are one line and exit 2', () => {
    expectUsageError(['run', './no/such/workload.ts'], /^gclab: no workload module at '.\/no\/such\/workload.ts'$/);
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export default {{;');
    expectUsageError(['run', broken], /^gclab: cannot load workload module '.*broken.mjs': /);
    const invalid = join(dir, 'invalid.mjs');
    writeFileSync(invalid, "export default { name: 'x', description: 'd', variants: { a: { description: 'a' } }, params: {}, probes: [] };");
    expectUsageError(['run', invalid], /does not export a valid workload: variant 'a' needs a run\(ctx, module\) function/);
    const badParam = join(dir, 'bad-param.mjs');
    writeFileSync(
      badParam,
      "export default { name: 'x', description: 'd', variants: { a: { description: 'a', run() {} } }, params: { n: { description: 'n', default: 5, min: 10, max: 20 } }, probes: [] };",
    );
    expectUsageError(['run', badParam], /param 'n': default 5 is outside 10..20/);
    const clash = join(dir, 'clash.mjs');
    writeFileSync(clash, "export default { name: 'slots-vs-dict', description: 'd', variants: { a: { description: 'a', run() {} } }, params: {}, probes: [] };");
    expectUsageError(['run', clash], /defines workload 'slots-vs-dict', a built-in's name/);
  }, 60_000);

  const interpreters = realInterpreters();
  it.skipIf(interpreters.length === 0)('calibrate runs the twin next to the module and matches the real interpreter', () => {
    const interp = interpreters[0];
    const r = gclab('calibrate', '--workload', EXAMPLE, '--n', '5000', '--python', interp.python, '--json');
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { variant: string; sim: { peak: number; collections: number[] }; real: { peak: number; collections: number[] } }[];
    expect(rows.map((row) => row.variant)).toEqual(['tuple', 'list']);
    for (const row of rows) {
      expect(Math.abs(row.sim.peak - row.real.peak), `${row.variant} peak`).toBeLessThanOrEqual(row.real.peak / 100);
      row.sim.collections.forEach((c, g) => expect(Math.abs(c - row.real.collections[g])).toBeLessThanOrEqual(1));
    }
  }, 120_000);
});
