/**
 * A user workload's edges: what it logs does not break `--json`; a declared probe the body never
 * reaches reads "not reached" (null in JSON), not "-1 B"; a probe it never declared fails the task
 * with the name; a `.ts` module outside a `"type": "module"` package loads (as CommonJS).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// No package.json above the temporary directory: a .ts file there is CommonJS to Node and tsx.
const dir = mkdtempSync(join(tmpdir(), 'gclab-user-edges-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, '--no-timing', '--results-dir', dir], { encoding: 'utf8', timeout: 120_000 });

/** A TypeScript workload whose body logs, probes `held` and, in variant `stray`, a probe it never declared. */
function writeWorkload(file: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `console.log('loading the chatty workload');
const workload = {
  name: 'chatty', description: 'logs while it runs', probes: ['held', 'never'],
  params: { n: { description: 'ints', default: 100, min: 0, max: 100000 } },
  variants: {
    quiet: { description: 'n ints in a list', run(ctx: any) {
      console.log('hello from the body'); console.info('info too');
      const list = ctx.heap.list.newList(0);
      for (let i = 0; i < ctx.params.n; i++) ctx.heap.list.appendSteal(list, ctx.heap.int(1000 + i));
      ctx.probe('held');
      ctx.heap.decref(list);
    } },
    stray: { description: 'probes a name it never declared', run(ctx: any) { ctx.probe('undeclared'); } },
  },
};
export default workload;
`,
  );
  return path;
}

describe('user workload edges', () => {
  const file = writeWorkload('chatty.ts');

  it('a .ts workload outside a "type": "module" package loads and runs', () => {
    const r = gclab('run', file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/chatty\/quiet n=100 @3\.13/);
  }, 60_000);

  it('what the workload logs goes to stderr; stdout stays one JSON document', () => {
    const r = gclab('run', file, '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { status: string; memory: { probes: Record<string, number | null> } };
    expect(summary.status).toBe('ok');
    expect(r.stderr).toContain('loading the chatty workload');
    expect(r.stderr).toContain('hello from the body');
    expect(r.stderr).toContain('info too');
    // A declared probe never reached is null, not a byte count.
    expect(summary.memory.probes.held).toBeGreaterThan(0);
    expect(summary.memory.probes.never).toBeNull();
  }, 60_000);

  it('a declared probe never reached says so in the text output', () => {
    const r = gclab('run', file);
    expect(r.stdout).toMatch(/probe never: not reached/);
    expect(r.stdout).not.toMatch(/-1 B/);
  }, 60_000);

  it('a probe the workload never declared fails its task, naming the probe and the declared ones', () => {
    const r = gclab('run', file, '--variant', 'stray', '--json');
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as { status: string; error: string };
    expect(summary.status).toBe('workload-error');
    expect(summary.error).toMatch(/workload chatty has no probe 'undeclared' \(declare it in probes: held, never\)/);
  }, 60_000);
});
