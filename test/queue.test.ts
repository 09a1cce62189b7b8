/**
 * Tasks on a shared queue (issue 21): a real redis-server on 127.0.0.1 and real `gclab worker`
 * processes. A run over the queue gives the figures a local run gives (`compare --fail-if-changed`),
 * and every fault is survived with nothing lost or counted twice: a worker killed mid-task, no worker
 * at first, the coordinator killed and resumed, Redis restarting, Redis gone for good, a task timing
 * out. A Python program travels as its source; a JavaScript workload needs --allow-js. Without
 * redis-server the queue tests skip, saying why; bad input needs no server.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listResults, readResults } from '../src/lab/store.js';
import { GclabProcess, makeTestCa, redisMissing, RedisServer, startWorker, withRedisClient } from './support/redis.js';

const missing = redisMissing();
if (missing) console.log(`skipping the queue tests: ${missing}`);

const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8', timeout: 240_000 });
const program = 'test/fixtures/python/queue_load.py';
const freshDir = (): string => mkdtempSync(join(tmpdir(), 'gclab-queue-'));

/** The one results file a directory holds. */
function onlyResults(dir: string): string {
  const files = listResults(dir);
  expect(files).toHaveLength(1);
  return files[0].path;
}

/** The results file of `args` run on this machine's pool (the figures a queue run must give). */
function localRun(args: readonly string[]): string {
  const dir = freshDir();
  const r = gclab(...args, '--results-dir', dir);
  expect(r.status, r.stderr).toBe(0);
  return onlyResults(dir);
}

/** The deterministic figures of two results files are equal (and each task ran once). */
function expectSameFigures(local: string, queued: string): void {
  const a = readResults(local);
  const b = readResults(queued);
  const ids = b.records.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(b.records.length).toBe(a.records.length);
  const compare = gclab('compare', local, queued, '--fail-if-changed');
  expect(compare.status, compare.stdout + compare.stderr).toBe(0);
  expect(compare.stdout).toMatch(/figures: 0 of \d+ pairs differ/);
}

describe('the queue: bad input', { timeout: 60_000 }, () => {
  it('a URL that is not redis:// is one line and exit 2', () => {
    const r = gclab('bench', '--suite', 'quick', '--no-timing', '--queue', 'http://127.0.0.1:6379', '--results-dir', freshDir());
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("gclab: --queue 'http://127.0.0.1:6379': the scheme must be redis:// or rediss://, not http://");
  });

  it('a queue nobody serves is one line and exit 2, and no results file is made', async () => {
    const dir = freshDir();
    const r = gclab('run', 'gcbench', '--no-timing', '--queue', 'redis://127.0.0.1:9', '--results-dir', dir);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^gclab: cannot reach the queue at redis:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.* \(is redis-server running there\?\)$/);
    expect(listResults(dir)).toHaveLength(0);
  });

  it('gclab worker needs --queue, and --resume needs an interrupted file of the same command', () => {
    const w = gclab('worker');
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(/^gclab: gclab worker needs --queue redis:\/\/HOST:PORT/);
    const dir = freshDir();
    expect(gclab('run', 'gcbench', '--no-timing', '--results-dir', dir).status).toBe(0);
    const done = onlyResults(dir);
    const again = gclab('run', 'gcbench', '--no-timing', '--results-dir', dir, '--resume', done);
    expect(again.status).toBe(2);
    expect(again.stderr.trim()).toBe(`gclab: --resume '${done}': that run finished; there is nothing to resume`);
    const other = gclab('bench', '--suite', 'quick', '--no-timing', '--results-dir', dir, '--resume', done);
    expect(other.stderr.trim()).toBe(`gclab: --resume '${done}' is a results file of 'gclab run', not of 'gclab bench'`);
  });
});

describe('--resume on this machine', { timeout: 120_000 }, () => {
  it('a run stopped by Ctrl-C is taken up again: its finished tasks kept, the cancelled ones run, none twice', async () => {
    const args = ['run', program, '--param', 'n=1000000', '--repeat', '4', '--workers', '1', '--no-timing'];
    const local = localRun(args);
    const qdir = freshDir();
    const first = new GclabProcess([...args, '--results-dir', qdir]);
    await first.waitFor(/\[1\/4\] .*: ok/);
    expect(await first.stop('SIGINT')).toBe(130);
    const cut = onlyResults(qdir);
    expect(first.stderr).toContain(`take the run up again with --resume ${cut}`);
    const before = readResults(cut);
    expect(before.complete).toBe(false);
    expect(before.records.some((r) => r.status === 'cancelled')).toBe(true);
    const kept = before.records.filter((r) => r.status === 'ok');
    // another command line's plan is refused, naming the task, and the file stays resumable
    const other = gclab('run', program, '--param', 'n=1000', '--repeat', '4', '--no-timing', '--results-dir', qdir, '--resume', cut);
    expect(other.status).toBe(2);
    expect(other.stderr.trim()).toBe(`gclab: --resume '${cut}': its task 0 is queue-load/churn n=1000000 @3.13, where this command line plans queue-load/churn n=1000 @3.13; resume with the command line that made it`);
    const resumed = gclab(...args, '--results-dir', qdir, '--resume', cut);
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = readResults(cut);
    expect(after.complete).toBe(true);
    expect(after.records.map((r) => r.id).sort()).toEqual([0, 1, 2, 3]);
    // the tasks finished before Ctrl-C are the very records kept, not run again
    expect(after.records.slice(0, kept.length).map((r) => r.wallMs)).toEqual(kept.map((r) => r.wallMs));
    expectSameFigures(local, cut);
  });
});

describe.skipIf(missing !== null)('the queue: runs on remote workers', { timeout: 180_000 }, () => {
  let redis: RedisServer;
  const started: GclabProcess[] = [];
  const worker = (name: string, extra: readonly string[] = []): GclabProcess => {
    const w = startWorker(redis, name, extra);
    started.push(w);
    return w;
  };
  /** What a command prints run here, then on the queue with two workers. */
  const stdoutHereAndOnTwoWorkers = (args: readonly string[]): [string, string] => {
    const local = gclab(...args, '--results-dir', freshDir());
    expect(local.status, local.stderr).toBe(0);
    worker('a');
    worker('b');
    const queued = gclab(...args, '--queue', redis.url, '--results-dir', freshDir());
    expect(queued.status, queued.stderr).toBe(0);
    return [local.stdout, queued.stdout];
  };
  const coordinator = (args: readonly string[]): GclabProcess => {
    const c = new GclabProcess(args);
    started.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
    await redis.ensureRunning(); // a test killed it
    await withRedisClient(redis, (client) => client.flushall());
  });
  afterAll(async () => {
    await redis?.kill();
  });

  it('bench --suite quick on two workers gives the local run\'s figures', async () => {
    const local = localRun(['bench', '--suite', 'quick', '--no-timing']);
    worker('a');
    worker('b');
    const qdir = freshDir();
    const r = gclab('bench', '--suite', 'quick', '--no-timing', '--queue', redis.url, '--results-dir', qdir);
    expect(r.status, r.stderr).toBe(0);
    const queued = onlyResults(qdir);
    expect(readResults(queued).provenance.options.queue).toMatchObject({ url: redis.url });
    expectSameFigures(local, queued);
    // the run's queue is removed when it ends
    expect(await withRedisClient(redis, (client) => client.keys('*'))).toEqual([]);
  });

  it('a Python program with a module beside it travels as its source: the figures are the local run\'s', async () => {
    const src = freshDir();
    writeFileSync(join(src, 'helper.py'), 'def churn(n):\n    keep = []\n    for i in range(n):\n        keep.append((i, [i]))\n    return len(keep)\n');
    writeFileSync(
      join(src, 'two_files.py'),
      'import twin\nimport helper\n\n\ndef run(p):\n    helper.churn(p["n"])\n\n\nif __name__ == "__main__":\n    twin.main("two-files", {"run": run}, {"n": 20000})\n',
    );
    const args = ['run', join(src, 'two_files.py'), '--profile', '3.11,3.14.0', '--no-timing'];
    const local = localRun(args);
    const w = worker('a');
    const qdir = freshDir();
    const r = gclab(...args, '--queue', redis.url, '--results-dir', qdir);
    expect(r.status, r.stderr).toBe(0);
    await w.waitFor(/two-files\/run n=20000 @3\.14\.0 started/, 5000);
    expectSameFigures(local, onlyResults(qdir));
  });

  it('tips over the queue: the scoreboard of a local run', async () => {
    const args = ['tips', '--tip', 'use __slots__', '--profile', '3.12,3.13', '--no-timing', '--json'];
    const [local, queued] = stdoutHereAndOnTwoWorkers(args);
    const rows = (out: string) => (JSON.parse(out) as { tips: unknown[] }).tips;
    expect(rows(queued)).toEqual(rows(local));
  });

  it('a worker killed mid-task: the task runs again on another worker, once', async () => {
    const args = ['run', program, '--param', 'n=2000000', '--repeat', '3', '--no-timing'];
    const local = localRun(args);
    const a = worker('a');
    const qdir = freshDir();
    const run = coordinator([...args, '--queue', redis.url, '--results-dir', qdir]);
    const [, taskId] = await a.waitFor(/task (\d+) of \S+: .* started/);
    await a.stop('SIGKILL');
    const b = worker('b');
    expect(await run.exited, run.stderr).toBe(0);
    // b ran the task a died in (after its lock ran out), and every task is in the file once
    await b.waitFor(new RegExp(`task ${taskId} of \\S+: ok`), 5000);
    expectSameFigures(local, onlyResults(qdir));
  });

  it('with no worker the run waits and says how to start one; a worker that comes later finishes it', async () => {
    const dir = freshDir();
    const run = coordinator(['run', 'gcbench', '--no-timing', '--queue', redis.url, '--results-dir', dir]);
    await run.waitFor(/gclab: no worker on the queue redis:\/\/127\.0\.0\.1:\d+ yet; the tasks wait for one: gclab worker --queue redis:\/\/127\.0\.0\.1:\d+/, 20_000);
    worker('late');
    expect(await run.exited, run.stderr).toBe(0);
    expect(readResults(onlyResults(dir)).records.map((r) => r.status)).toEqual(['ok']);
  });

  it('the coordinator killed mid-run and resumed with --resume: finished tasks kept, the rest run, none twice', async () => {
    const args = ['run', program, '--param', 'n=1000000', '--repeat', '4', '--no-timing'];
    const local = localRun(args);
    worker('a');
    const qdir = freshDir();
    const first = coordinator([...args, '--queue', redis.url, '--results-dir', qdir]);
    await first.waitFor(/\[1\/4\] .*: ok/);
    await first.stop('SIGKILL');
    const cut = onlyResults(qdir);
    const before = readResults(cut);
    expect(before.complete).toBe(false);
    expect(before.records.length).toBeGreaterThanOrEqual(1);
    const resumed = gclab(...args, '--queue', redis.url, '--results-dir', qdir, '--resume', cut);
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = readResults(cut);
    expect(after.complete).toBe(true);
    expect(after.records.map((r) => r.id).sort()).toEqual([0, 1, 2, 3]);
    expectSameFigures(local, cut);
  });

  it('Redis restarting mid-run: the coordinator and the worker reconnect and the run finishes', async () => {
    const args = ['run', program, '--param', 'n=1500000', '--repeat', '3', '--no-timing'];
    const local = localRun(args);
    const a = worker('a');
    const qdir = freshDir();
    const run = coordinator([...args, '--queue', redis.url, '--results-dir', qdir]);
    await a.waitFor(/started/);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    expect(await run.exited, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gclab: lost the queue at redis:\/\/127\.0\.0\.1:\d+ \(connection closed\); reconnecting, for up to 60 s/);
    expect(run.stderr).toMatch(/gclab: the queue at redis:\/\/127\.0\.0\.1:\d+ is back/);
    expectSameFigures(local, onlyResults(qdir));
  });

  it('Redis gone for longer than --queue-timeout: the run stops, keeping what finished', async () => {
    const a = worker('a');
    const dir = freshDir();
    const run = coordinator(['run', program, '--param', 'n=1000000', '--repeat', '3', '--no-timing', '--queue', redis.url, '--queue-timeout', '2', '--results-dir', dir]);
    await run.waitFor(/\[1\/3\] .*: ok/);
    await a.stop();
    await redis.kill();
    expect(await run.exited).toBe(1);
    expect(run.stderr).toMatch(/gclab: lost the queue at redis:\/\/127\.0\.0\.1:\d+ for more than 2 s; stopped, keeping the finished results \(take the run up again with --resume \S+\)/);
    const file = readResults(onlyResults(dir));
    expect(file.complete).toBe(false);
    expect(file.records.filter((r) => r.status === 'ok').length).toBeGreaterThanOrEqual(1);
    expect(file.records.filter((r) => r.status !== 'ok').every((r) => r.status === 'cancelled')).toBe(true);
  });

  it('a task that times out is recorded as a timeout, as on a local run', async () => {
    worker('a', ['--allow-js']);
    const dir = freshDir();
    const r = gclab('run', 'test/fixtures/lab-selftest.ts', '--variant', 'hang', '--no-timing', '--timeout', '1', '--queue', redis.url, '--results-dir', dir);
    expect(r.status).toBe(1);
    const [record] = readResults(onlyResults(dir)).records;
    expect(record.status).toBe('timeout');
    expect(record.error).toBe('stopped after 1000 ms (--timeout)');
  });

  it('a JavaScript workload runs only on a worker started with --allow-js', async () => {
    worker('strict');
    const dir = freshDir();
    const refused = gclab('run', 'test/fixtures/lab-selftest.ts', '--no-timing', '--queue', redis.url, '--results-dir', dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/workload-error: worker strict does not run JavaScript\/TypeScript workloads; start it with --allow-js/);
    await Promise.all(started.splice(0).map((p) => p.stop()));
    worker('trusting', ['--allow-js']);
    const ok = gclab('run', 'test/fixtures/lab-selftest.ts', '--no-timing', '--queue', redis.url, '--results-dir', freshDir());
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('tune --budget over the queue recommends what the local run recommends', async () => {
    const args = ['tune', 'long-lived-churn', '--threshold0', '100..100000:9:log', '--threshold1', '5,20', '--budget', '8', '--objective', 'gc-share', '--param', 'n=3000', '--param', 'm=6000', '--no-timing', '--json'];
    const [local, queued] = stdoutHereAndOnTwoWorkers(args);
    const pick = (out: string) => {
      const t = JSON.parse(out) as { recommended: { threshold: number[]; freezeAt: string | null }; points: unknown[] };
      return { recommended: [t.recommended.threshold, t.recommended.freezeAt], points: t.points.length };
    };
    expect(pick(queued)).toEqual(pick(local));
  });

  it('a second SIGTERM hands the running task back to the queue at once; another worker runs it', async () => {
    const a = worker('a');
    const dir = freshDir();
    const run = coordinator(['run', program, '--param', 'n=6000000', '--no-timing', '--queue', redis.url, '--results-dir', dir]);
    await a.waitFor(/task 0 of \S+: .* started/);
    a.child.kill('SIGTERM');
    await a.waitFor(/SIGTERM: finishing 1 running task/);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.stderr).toMatch(/SIGTERM again: handing the running tasks back to the queue/);
    expect(a.stderr).not.toMatch(/task 0 of \S+: ok/);
    // back on the run's wait list now, not left to stall until its lock runs out
    const [, queue] = /serving run (\S+)/.exec(a.stderr)!;
    expect(await withRedisClient(redis, (client) => client.lrange(`bull:${queue}:wait`, 0, -1))).toEqual(['t0']);
    const b = worker('b');
    expect(await run.exited, run.stderr).toBe(0);
    await b.waitFor(/task 0 of \S+: ok/, 5000);
    expect(readResults(onlyResults(dir)).records.map((r) => r.status)).toEqual(['ok']);
  });

  it('SIGTERM: a worker finishes its running task, takes no new one and exits 0', async () => {
    const a = worker('a');
    const dir = freshDir();
    const run = coordinator(['run', program, '--param', 'n=1500000', '--repeat', '2', '--no-timing', '--queue', redis.url, '--results-dir', dir]);
    const [, taskId] = await a.waitFor(/task (\d+) of \S+: .* started/);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.stderr).toMatch(/SIGTERM: finishing 1 running task, taking no new ones/);
    expect(a.stderr).toMatch(new RegExp(`task ${taskId} of \\S+: ok`));
    expect(a.stderr).not.toMatch(new RegExp(`task ${1 - Number(taskId)} of \\S+: .* started`));
    worker('b');
    expect(await run.exited, run.stderr).toBe(0);
    expect(readResults(onlyResults(dir)).records.map((r) => r.status)).toEqual(['ok', 'ok']);
  });
});

describe.skipIf(missing !== null)('the queue: a password and TLS', { timeout: 120_000 }, () => {
  it('rediss:// with a password in the URL: the run and its worker connect; a wrong password is one line', async () => {
    const dir = freshDir();
    const ca = makeTestCa(dir);
    if (ca === null) {
      console.log('skipping the TLS queue test: openssl is not installed');
      return;
    }
    const redis = await RedisServer.start({ password: 'p@ss word', tlsDir: dir });
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: ca };
    const w = startWorker(redis, 'tls', [], env);
    try {
      expect(redis.url).toMatch(/^rediss:\/\/:p%40ss%20word@127\.0\.0\.1:\d+$/);
      const run = new GclabProcess(['run', 'gcbench', '--no-timing', '--queue', redis.url, '--results-dir', join(dir, 'results')], env);
      expect(await run.exited, run.stderr).toBe(0);
      expect(readResults(onlyResults(join(dir, 'results'))).records.map((r) => r.status)).toEqual(['ok']);
      const wrong = spawnSync(process.execPath, ['bin/gclab.js', 'run', 'gcbench', '--no-timing', '--queue', redis.url.replace('p%40ss', 'nope'), '--results-dir', dir], { encoding: 'utf8', env });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr.trim()).toMatch(/^gclab: cannot reach the queue at rediss:\/\/127\.0\.0\.1:\d+: WRONGPASS .*\(check the password in the URL\)$/);
    } finally {
      await w.stop();
      await redis.kill();
    }
  });
});
