/**
 * Faults in a run: heap exhaustion, a body that throws, a worker that dies, a task over its
 * timeout. The run goes on with the other tasks, each failure is recorded with one clear line,
 * and nothing measured is lost. Ctrl-C stops the run with exit 130 and keeps what finished.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Coordinator, type TaskRecord } from '../src/lab/coordinator.js';
import { resolveRunSpec } from '../src/lab/options.js';
import { readResults, ResultsWriter, provenance } from '../src/lab/store.js';
import { loadUserWorkload } from '../src/lab/user-workloads.js';

/** The fault fixture: a TypeScript workload loaded by path, as a user's module is. */
const SELFTEST = 'test/fixtures/lab-selftest.ts';

describe('faults', () => {
  it('each failure is recorded and the other tasks complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-faults-'));
    const writer = new ResultsWriter(dir, 'faults', provenance('test', {}));
    const variants = ['ok', 'exhaust', 'throw', 'exit', 'hang', 'ok'];
    await loadUserWorkload(SELFTEST);
    const plans = variants.map((variant) => ({
      spec: resolveRunSpec({ workload: 'lab-selftest', variant, heapMiB: 8, profile: '3.12' }),
      repetition: 0,
    }));
    const coordinator = new Coordinator({ workers: 2, sampleIntervalMs: 10, taskTimeoutMs: 3000, timing: null });
    let records: TaskRecord[];
    try {
      records = await coordinator.run(plans, (r) => writer.add(r));
    } finally {
      await coordinator.close();
    }
    writer.finish();
    expect(records.map((r) => r.status)).toEqual(['ok', 'heap-exhausted', 'workload-error', 'worker-died', 'timeout', 'ok']);
    for (const r of records.filter((r) => r.status !== 'ok')) {
      expect(r.error).toBeTruthy();
      expect(r.error).not.toContain('\n');
    }
    expect(records[1].error).toMatch(/8 MiB heap; raise it with --heap-mib/);
    expect(records[2].error).toContain('selftest: the body raised');
    expect(records[4].error).toMatch(/stopped after 3000 ms/);
    expect(records[0].metrics?.objects.allocated).toBeGreaterThan(0);
    const file = readResults(writer.path);
    expect(file.complete).toBe(true);
    expect([...file.records].sort((a, b) => a.id - b.id).map((r) => r.status)).toEqual(records.map((r) => r.status));
  }, 60_000);

  it('Ctrl-C stops the run with exit 130 and keeps the finished results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-sigint-'));
    const child = spawn(
      process.execPath,
      ['bin/gclab.js', 'run', SELFTEST, '--variant', 'ok', '--repeat', '40', '--workers', '1', '--no-timing', '--results-dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && /\[2\/40\]/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(sent).toBe(true);
    expect(status).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(stderr).not.toMatch(/\n\s+at /);
    const files = readdirSync(dir).filter((f) => f.endsWith('.msgpack'));
    expect(files).toHaveLength(1);
    const file = readResults(join(dir, files[0]));
    expect(file.complete).toBe(false);
    const ok = file.records.filter((r) => r.status === 'ok');
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(file.records.length).toBeLessThan(40 + 1);
  }, 60_000);
});
