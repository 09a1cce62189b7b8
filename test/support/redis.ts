/**
 * The queue tests' processes and Redis access: gclab processes in the background (workers,
 * coordinators) whose output is kept for the assertions, and a client for looking into the server
 * (bench/support/redis-server.ts starts it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer } from '../../bench/support/redis-server.js';

export { makeTestCa, redisMissing, RedisServer } from '../../bench/support/redis-server.js';

const root = resolve(import.meta.dirname, '..', '..');

/** Runs `use` with a client of the server (its password and CA as the server has them). */
export async function withRedisClient<T>(server: RedisServer, use: (redis: Redis) => Promise<T>): Promise<T> {
  const { password, tlsDir } = server.security;
  const tls = tlsDir ? { tls: { ca: readFileSync(join(tlsDir, 'ca.crt')) } } : {};
  const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, password, ...tls });
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** A gclab process started in the background, its output kept. */
export class GclabProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, ['bin/gclab.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // 'close', not 'exit': by then everything it printed has been read.
    this.exited = new Promise((r) => this.child.once('close', (code) => r(code)));
  }

  /** Resolves when its stderr matches `pattern` (rejects after `ms`, with what it printed). */
  async waitFor(pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(this.stderr);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${ms} ms; stderr:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${pattern}; stderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** `gclab worker` on the server, one task at a time, a short stall timeout (a killed worker's task comes back fast). */
export function startWorker(server: RedisServer, name: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv): GclabProcess {
  return new GclabProcess(['worker', '--queue', server.url, '--workers', '1', '--name', name, '--stall-timeout', '2', ...extra], env);
}
